package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// Environment variables the provider reads, in the order they are tried for each setting.
var (
	envEndpoint          = []string{"SCP_ENDPOINT", "SCP_TF_ENDPOINT_OVERRIDE"}
	envAuthURL           = []string{"SCP_TF_AUTH_URL"}
	envDefaultRegion     = []string{"SCP_TF_DEFAULT_REGION"}
	envResourceManager   = []string{"SCP_RESOURCE_MANAGER_ENDPOINT"}
	envAccessKey         = []string{"SCP_ACCESS_KEY", "SCP_TF_ACCESS_KEY"}
	envSecretKey         = []string{"SCP_SECRET_KEY", "SCP_TF_SECRET_KEY"}
	envAccountID         = []string{"SCP_ACCOUNT_ID", "SCP_TF_ACCOUNT_ID"}
	envRegion            = []string{"SCP_REGION"}
	envEnv               = []string{"SCP_ENVIRONMENT"}
	envAPIVersion        = []string{"SCP_API_VERSION"}
	envAllowInsecureHTTP = []string{"SCP_ALLOW_INSECURE_HTTP"}
	envCAFile            = []string{"SSL_CERT_FILE"}
)

// The official SCP tooling's files, relative to the home directory.
var (
	credentialsFileRelPath = filepath.Join(".scpconf", "credentials.json")
	configFileRelPath      = filepath.Join(".scpconf", "config.json")
)

// settingSources is where configuration comes from; tests replace the environment and home directory.
type settingSources struct {
	getenv func(string) string
	home   string
}

func defaultSources() settingSources {
	home, _ := os.UserHomeDir()
	return settingSources{getenv: os.Getenv, home: home}
}

// setting is one resolved value and where it came from (for messages; never the value itself).
type setting struct {
	value  string
	source string
}

// pick returns the HCL value when set, else the first non-empty environment variable.
func (s settingSources) pick(hcl string, hclName string, envNames []string) setting {
	if hcl != "" {
		return setting{value: hcl, source: fmt.Sprintf("the provider block (%s)", hclName)}
	}
	return s.fromEnv(envNames)
}

func (s settingSources) fromEnv(envNames []string) setting {
	for _, name := range envNames {
		if v := strings.TrimSpace(s.getenv(name)); v != "" {
			return setting{value: v, source: "the environment variable " + name}
		}
	}
	return setting{}
}

func (s settingSources) filePath(rel string) string {
	if s.home == "" {
		return ""
	}
	return filepath.Join(s.home, rel)
}

func (s settingSources) credentialsFilePath() string { return s.filePath(credentialsFileRelPath) }
func (s settingSources) configFilePath() string      { return s.filePath(configFileRelPath) }

// displayPath names a file for messages, also when the home directory is unknown.
func (s settingSources) displayPath(rel string) string {
	if p := s.filePath(rel); p != "" {
		return p
	}
	return "~/" + filepath.ToSlash(rel)
}

// configWarning is a warning diagnostic the resolution produced.
type configWarning struct{ summary, detail string }

// scpFile is one of ~/.scpconf's JSON files: its string members, read once.
type scpFile struct {
	path   string
	values map[string]string
	// ignored lists members of a shape the provider does not understand.
	ignored []string
}

func (f scpFile) get(key string) setting {
	if v := strings.TrimSpace(f.values[key]); v != "" {
		return setting{value: v, source: fmt.Sprintf("%s (%s)", f.path, key)}
	}
	return setting{}
}

// readSCPFile reads a JSON object of strings; a missing file is empty, not an error. Values of
// other types are left out and listed, so an unexpected shape is reported instead of guessed at.
func readSCPFile(path string, e exposure, warnings *[]configWarning) (scpFile, error) {
	f := scpFile{path: path, values: map[string]string{}}
	if path == "" {
		return f, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("reading %s: %w; make it readable by you, or move it away", path, err)
	}
	if w := permissionWarning(path, e); w != nil {
		*warnings = append(*warnings, *w)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		// The error text of encoding/json never quotes the input, so no secret can leak here.
		return f, fmt.Errorf("%s is not valid JSON (an object of strings): %v; fix it, or move it away and configure the provider in its block or the environment", path, err)
	}
	for key, value := range members {
		var s string
		if json.Unmarshal(value, &s) == nil {
			f.values[key] = s
		} else {
			f.ignored = append(f.ignored, key)
		}
	}
	return f, nil
}

// exposure says which permissions of group and others are worth a warning for a file, and why.
type exposure struct {
	mask fs.FileMode
	can  string // what others can do: "read" or "change"
	done string // the same as a participle: "read" or "changed"
	risk string
}

// The credentials file holds the keys; config.json holds no secret, but whoever can change it
// decides where the signed requests go.
var (
	credentialsFileExposure = exposure{mask: 0o077, can: "read", done: "read", risk: "your SCP access key and secret key"}
	configFileExposure      = exposure{mask: 0o022, can: "change", done: "changed", risk: "where the provider sends your signed requests"}
)

// permissionWarning warns when group or others have a permission in e.mask on path. Windows has
// no such mode bits, so there is nothing to check there.
func permissionWarning(path string, e exposure) *configWarning {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm()&e.mask == 0 {
		return nil
	}
	return &configWarning{
		summary: "SCP configuration file can be " + e.done + " by other users",
		detail: fmt.Sprintf("%s has mode %04o: other users of this machine can %s it, and with it %s. Run: chmod 600 %s",
			path, info.Mode().Perm(), e.can, e.risk, path),
	}
}

// resolvedConfig is the provider's effective configuration before the endpoint catalog is read.
type resolvedConfig struct {
	// endpoint is empty when the catalog has to give it (authURL is then set).
	endpoint       string
	endpointSource string
	// authURL is set when the endpoint catalog is to be read for an endpoint that is still empty.
	authURL       string
	authURLSource string
	// region and environment select catalog entries and build SRNs; region may be empty.
	region       string
	regionSource string
	environment  string
	// resourceManagerEndpoint is empty when unknown (then tags cannot be read or changed).
	resourceManagerEndpoint string
	resourceManagerSource   string
	allowInsecureHTTP       bool
	// caFiles are PEM bundles trusted in addition to the system roots.
	caFiles          []string
	accessKey        string
	secretKey        string
	accountID        string
	apiVersion       string
	credentialSource string
	warnings         []configWarning
}

// needsCatalog reports whether an endpoint is still to be read from the catalog.
func (r resolvedConfig) needsCatalog() bool {
	return r.authURL != "" && (r.endpoint == "" || r.resourceManagerEndpoint == "")
}

// providerSettings are the HCL values, already unwrapped (empty when null or unset).
type providerSettings struct {
	Endpoint, Region, Environment, AccessKey, SecretKey, AccountID, APIVersion string
	AuthURL, DefaultRegion, ResourceManagerEndpoint, CAFile                    string
	// AllowInsecureHTTP is nil when the provider block does not set it.
	AllowInsecureHTTP *bool
}

// location is what one source (the provider block, the environment, or the files) says about
// where the API is.
type location struct {
	name                               string
	endpoint, authURL, region, defRegn setting
}

func (l location) saysWhere() bool {
	return l.endpoint.value != "" || l.authURL.value != "" || l.region.value != "" || l.defRegn.value != ""
}

// resolve applies the precedence provider block, then environment, then files. Each returned
// error names every place that was looked at.
//
// Where the API is (endpoint, auth_url, region, default_region) is taken from the first source
// that says anything about it, as a whole: a region written in the provider block is not
// overridden by an SCP_ENDPOINT left in the shell, nor does an auth-url in ~/.scpconf/config.json
// make a configuration aimed at an emulator contact SCP's IAM.
func (s settingSources) resolve(in providerSettings) (resolvedConfig, error) {
	var out resolvedConfig
	var problems []string
	addProblem := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}

	config, err := readSCPFile(s.configFilePath(), configFileExposure, &out.warnings)
	addProblem(err)
	out.warnings = append(out.warnings, ignoredConfigKeys(config)...)
	addProblem(s.resolveEndpoint(in, config, &out))
	addProblem(s.resolveTransport(in, &out))
	addProblem(s.resolveCredentials(in, &out))

	if out.accountID = s.pick(in.AccountID, "account_id", envAccountID).value; out.accountID == "" {
		out.accountID = config.get("account-id").value
	}
	out.apiVersion = s.pick(in.APIVersion, "api_version", envAPIVersion).value
	if out.apiVersion == "" {
		out.apiVersion = currentAPIVersion
	}
	if len(problems) > 0 {
		return out, errors.New(strings.Join(problems, "\n\n"))
	}
	return out, nil
}

// ignoredConfigKeys warns of the settings the provider reads from the SCP CLI's config file that
// are there but not strings.
func ignoredConfigKeys(config scpFile) []configWarning {
	var warnings []configWarning
	for _, key := range config.ignored {
		if key == "endpoint-override" || key == "auth-url" || key == "default-region" || key == "account-id" {
			warnings = append(warnings, configWarning{
				summary: "Ignored a setting of " + config.path,
				detail: fmt.Sprintf("%q in %s is not a string, so the provider does not use it. Write it as a string, "+
					"or set the matching argument in the provider block.", key, config.path),
			})
		}
	}
	return warnings
}

// resolveEndpoint decides the Virtual Server endpoint, the auth URL, the region, the environment
// and the Resource Manager endpoint. The first source that says where to go wins as a whole.
func (s settingSources) resolveEndpoint(in providerSettings, config scpFile, out *resolvedConfig) error {
	sources := []location{
		{name: "the provider block",
			endpoint: s.pick(in.Endpoint, "endpoint", nil), authURL: s.pick(in.AuthURL, "auth_url", nil),
			region: s.pick(in.Region, "region", nil), defRegn: s.pick(in.DefaultRegion, "default_region", nil)},
		{name: "the environment",
			endpoint: s.fromEnv(envEndpoint), authURL: s.fromEnv(envAuthURL),
			region: s.fromEnv(envRegion), defRegn: s.fromEnv(envDefaultRegion)},
		{name: config.path,
			endpoint: config.get("endpoint-override"), authURL: config.get("auth-url"), defRegn: config.get("default-region")},
	}
	var where location
	for _, l := range sources {
		if l.saysWhere() {
			where = l
			break
		}
	}

	// The region picks catalog entries and names SRNs; it may come from any source.
	region := s.pick(in.Region, "region", envRegion)
	if region.value == "" {
		if region = s.pick(in.DefaultRegion, "default_region", envDefaultRegion); region.value == "" {
			region = config.get("default-region")
		}
	}
	out.region, out.regionSource = region.value, region.source
	env := s.pick(in.Environment, "environment", envEnv)
	out.authURL, out.authURLSource = where.authURL.value, where.authURL.source
	rm := s.pick(in.ResourceManagerEndpoint, "resource_manager_endpoint", envResourceManager)
	out.resourceManagerEndpoint, out.resourceManagerSource = rm.value, rm.source

	var err error
	switch {
	case where.endpoint.value != "":
		out.endpoint, out.endpointSource = where.endpoint.value, where.endpoint.source
	case where.authURL.value != "":
		// Read from the catalog in Configure, where the network may be used.
	case region.value != "":
		envValue := env.value
		if envValue == "" {
			envValue = defaultEnvironment
		}
		out.endpoint = fmt.Sprintf("https://virtualserver.%s.%s.samsungsdscloud.com", region.value, envValue)
		out.endpointSource = "region from " + region.source
	default:
		err = s.noEndpointError()
	}
	out.environment = env.value
	if out.environment == "" {
		out.environment = environmentFromURLs(out.authURL, out.endpoint)
	}
	return err
}

func (s settingSources) noEndpointError() error {
	envs := append(append(append(append([]string{}, envEndpoint...), envAuthURL...), envRegion...), envDefaultRegion...)
	return errors.New("No SCP endpoint is configured. Looked at: endpoint, auth_url, region and default_region in the provider block; " +
		"the environment variables " + strings.Join(envs, ", ") +
		"; and endpoint-override, auth-url and default-region in " + s.displayPath(configFileRelPath) +
		". Set one of them, e.g. region = \"kr-west1\", auth_url = \"https://iam.e.samsungsdscloud.com/v1\", " +
		"or endpoint = \"https://virtualserver.kr-west1.e.samsungsdscloud.com\" (or a local emulator's http://127.0.0.1:<port>).")
}

// resolveTransport decides whether plain http may leave the machine and which CA bundles to trust.
func (s settingSources) resolveTransport(in providerSettings, out *resolvedConfig) error {
	allow, err := s.allowInsecureHTTP(in.AllowInsecureHTTP)
	out.allowInsecureHTTP = allow
	for _, f := range []setting{s.pick(in.CAFile, "ca_file", nil), s.fromEnv(envCAFile)} {
		if f.value != "" && (len(out.caFiles) == 0 || out.caFiles[0] != f.value) {
			out.caFiles = append(out.caFiles, f.value)
		}
	}
	return err
}

// resolveCredentials finds the access and secret keys: the block, then the environment, then the
// SCP CLI's credentials file, each key on its own.
func (s settingSources) resolveCredentials(in providerSettings, out *resolvedConfig) error {
	var problems []string
	access := s.pick(in.AccessKey, "access_key", envAccessKey)
	secret := s.pick(in.SecretKey, "secret_key", envSecretKey)
	if access.value == "" || secret.value == "" {
		file, err := readSCPFile(s.credentialsFilePath(), credentialsFileExposure, &out.warnings)
		if err != nil {
			problems = append(problems, err.Error())
		}
		if access.value == "" {
			access = file.get("access-key")
		}
		if secret.value == "" {
			secret = file.get("secret-key")
		}
	}
	fileNote := "the credentials file " + s.displayPath(credentialsFileRelPath)
	if access.value == "" {
		problems = append(problems, "No SCP access key was found. Looked at: access_key in the provider block, the environment variables "+
			strings.Join(envAccessKey, " and ")+", and "+fileNote+" (\"access-key\").")
	}
	if secret.value == "" {
		problems = append(problems, "No SCP secret key was found. Looked at: secret_key in the provider block, the environment variables "+
			strings.Join(envSecretKey, " and ")+", and "+fileNote+" (\"secret-key\").")
	}
	out.accessKey, out.secretKey = access.value, secret.value
	out.credentialSource = access.source
	if secret.source != access.source && secret.source != "" {
		out.credentialSource = access.source + ", with the secret key from " + secret.source
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n\n"))
	}
	return nil
}

// allowInsecureHTTP reads the opt-in for plain http to other machines: the block, else the environment.
func (s settingSources) allowInsecureHTTP(hcl *bool) (bool, error) {
	if hcl != nil {
		return *hcl, nil
	}
	v := s.fromEnv(envAllowInsecureHTTP)
	if v.value == "" {
		return false, nil
	}
	allow, err := strconv.ParseBool(v.value)
	if err != nil {
		return false, fmt.Errorf("%s is %q, which is not true or false; set it to true or false, or unset it", v.source, v.value)
	}
	return allow, nil
}

// checkEndpointValue is what every endpoint-like setting must pass: a base URL without a path,
// and plain http only to this machine unless allowed. what names the setting in the message.
func checkEndpointValue(what, raw string, allowInsecureHTTP bool) error {
	u, err := scp.ParseEndpoint(raw)
	if err != nil {
		if what != "endpoint" {
			return fmt.Errorf("%s: %w", what, err)
		}
		return err
	}
	return scp.CheckPlainHTTP(what, u.String(), allowInsecureHTTP)
}

// checkAuthURLValue checks an auth URL: it keeps its path (/v1), and the same plain-http rule holds.
func checkAuthURLValue(raw string, allowInsecureHTTP bool) error {
	u, err := scp.ParseAuthURL(raw)
	if err != nil {
		return err
	}
	return scp.CheckPlainHTTP("auth_url", u.String(), allowInsecureHTTP)
}

// applyCatalog fills the endpoints still empty from the catalog. The Virtual Server entry must
// exist; a missing Resource Manager entry only leaves tags unavailable.
func (r *resolvedConfig) applyCatalog(cat *scp.Catalog) error {
	where := fmt.Sprintf("the endpoint catalog at %s/endpoints (auth URL from %s)", cat.AuthURL, r.authURLSource)
	if r.endpoint == "" {
		entry, exact, ok := cat.Find(scp.ServiceTypeVirtualServer, r.region)
		if !ok {
			return fmt.Errorf("%s has no %q entry, so the Virtual Server endpoint is unknown. Set endpoint (or SCP_ENDPOINT) to the API's base URL, "+
				"or check that auth_url is SCP's IAM URL", where, scp.ServiceTypeVirtualServer)
		}
		if err := checkEndpointValue("the catalog's "+scp.ServiceTypeVirtualServer+" URL", entry.URL, r.allowInsecureHTTP); err != nil {
			return fmt.Errorf("%s: %w. Set endpoint to the Virtual Server API's base URL instead", where, err)
		}
		if !exact && r.region != "" {
			r.warnings = append(r.warnings, configWarning{
				summary: "No Virtual Server endpoint for region " + r.region,
				detail: fmt.Sprintf("%s lists no %s entry for region %s (from %s); the provider uses the one for region %q, %s. "+
					"Set region (or default_region) to one the catalog lists, or endpoint explicitly.",
					where, scp.ServiceTypeVirtualServer, r.region, r.regionSource, entry.Region, entry.URL),
			})
		}
		r.endpoint, r.endpointSource = entry.URL, fmt.Sprintf("%s, entry %s for region %q", where, scp.ServiceTypeVirtualServer, entry.Region)
		if r.region == "" {
			r.region, r.regionSource = entry.Region, where
		}
	}
	if r.resourceManagerEndpoint == "" {
		if entry, _, ok := cat.Find(scp.ServiceTypeResourceManager, r.region); ok {
			if err := checkEndpointValue("the catalog's "+scp.ServiceTypeResourceManager+" URL", entry.URL, r.allowInsecureHTTP); err != nil {
				return fmt.Errorf("%s: %w. Set resource_manager_endpoint to Resource Manager's base URL instead", where, err)
			}
			r.resourceManagerEndpoint = entry.URL
			r.resourceManagerSource = fmt.Sprintf("%s, entry %s for region %q", where, scp.ServiceTypeResourceManager, entry.Region)
		}
	}
	if r.environment == "" {
		r.environment = environmentFromURLs(r.authURL, r.endpoint)
	}
	return nil
}

// environmentFromURLs reads SCP's environment letter from its host names (iam.{env}.samsungsdscloud.com,
// virtualserver.{region}.{env}.samsungsdscloud.com); else the provider's default.
func environmentFromURLs(urls ...string) string {
	for _, raw := range urls {
		if _, env := scpHostParts(raw); env != "" {
			return env
		}
	}
	return defaultEnvironment
}

// scpHostParts splits an SCP host name into region (for a regional service) and environment.
func scpHostParts(raw string) (region, env string) {
	const domain = ".samsungsdscloud.com"
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	host := strings.ToLower(u.Hostname())
	if !strings.HasSuffix(host, domain) {
		return "", ""
	}
	labels := strings.Split(strings.TrimSuffix(host, domain), ".")
	last := labels[len(labels)-1]
	if len(labels) < 2 || (last != "s" && last != "g" && last != "e") {
		return "", ""
	}
	if len(labels) == 3 {
		region = labels[1]
	}
	return region, last
}

// defaultEnvironment is the {env} part of the regional endpoint when only a region is given.
const defaultEnvironment = "e"
