package openstack

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"

	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

// Flavour selects the cloud's rules.
type Flavour string

const (
	// FlavourNova is upstream Nova: the root device volume is never detached (Nova refuses it with
	// 403 or 400), data volumes detach from a server in any state Nova allows.
	FlavourNova Flavour = "nova"
	// FlavourOTC is Open Telekom Cloud ECS (otc-ecs-detach-disk.md): the system disk (/dev/sda)
	// detaches only from a stopped server, which this provider never does; a running server gives
	// up data disks only, and only if its OS can hot-unplug them.
	FlavourOTC Flavour = "otc"
)

// Microversions requested by default. Compute 2.79: `locked` (2.9), root_device_name (2.3) and the
// attachment's delete_on_termination (2.79) are shown; 2.89 would drop the attachment's "id" that
// gophercloud's volumeattach reads. Block storage 3.42: an in-use volume can be extended.
const (
	DefaultComputeMicroversion = "2.79"
	DefaultVolumeMicroversion  = "3.42"
)

// Config is one OpenStack-family cloud: Keystone v3 credentials (password, token or application
// credential), or a clouds.yaml entry (Cloud), plus the region, the endpoint interface and the
// cloud's flavour. Fields set here win over the clouds.yaml entry.
type Config struct {
	AuthURL string
	Region  string
	// Interface is the catalog's endpoint interface: public (default), internal or admin.
	Interface string

	UserName, UserID                   string
	Password                           string
	UserDomainName, UserDomainID       string
	ProjectName, ProjectID             string
	ProjectDomainName, ProjectDomainID string

	// Token is an existing Keystone token (the token method). It cannot be renewed: once it
	// expires, calls fail with a message that says so.
	Token string

	ApplicationCredentialID     string
	ApplicationCredentialName   string
	ApplicationCredentialSecret string

	// Cloud names an entry of clouds.yaml (searched in OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/,
	// /etc/openstack/); CloudsFile, when set, is the only file read.
	Cloud      string
	CloudsFile string

	// CAFile is a PEM bundle trusted in addition to the system roots.
	CAFile string
	// AllowInsecureHTTP permits http:// to a host other than this machine (tokens in clear text).
	AllowInsecureHTTP bool

	Flavour Flavour

	// ComputeMicroversion and VolumeMicroversion default to the Default* constants.
	ComputeMicroversion string
	VolumeMicroversion  string

	// Source names where the settings came from, for messages ("provider block", "OS_* environment").
	Source string

	// HTTPClient, when set, is used instead of the provider's own client; it is copied and made to
	// refuse redirects whatever it was configured to do.
	HTTPClient *http.Client
	// BusyRetryMax bounds the pause between two sends of a call refused as busy (409 task_state);
	// default 10 s. The caller's context is the only limit on how long busy answers are waited out.
	BusyRetryMax time.Duration
}

// Setting is one configuration setting: the name the provider's openstack block gives it, the
// environment variables it falls back to (first set wins), whether it is a secret, and where it goes.
type Setting struct {
	Name   string
	Env    []string
	Secret bool
	Set    func(*Config, string)
}

// Settings is the one table of the settings users give in the openstack block or as OS_* variables.
var Settings = []Setting{
	{"auth_url", []string{"OS_AUTH_URL"}, false, func(c *Config, v string) { c.AuthURL = v }},
	{"region", []string{"OS_REGION_NAME"}, false, func(c *Config, v string) { c.Region = v }},
	{"interface", []string{"OS_INTERFACE", "OS_ENDPOINT_TYPE"}, false, func(c *Config, v string) { c.Interface = v }},
	{"user_name", []string{"OS_USERNAME"}, false, func(c *Config, v string) { c.UserName = v }},
	{"user_id", []string{"OS_USER_ID"}, false, func(c *Config, v string) { c.UserID = v }},
	{"password", []string{"OS_PASSWORD"}, true, func(c *Config, v string) { c.Password = v }},
	{"user_domain_name", []string{"OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"}, false, func(c *Config, v string) { c.UserDomainName = v }},
	{"user_domain_id", []string{"OS_USER_DOMAIN_ID", "OS_DOMAIN_ID"}, false, func(c *Config, v string) { c.UserDomainID = v }},
	{"project_name", []string{"OS_PROJECT_NAME", "OS_TENANT_NAME"}, false, func(c *Config, v string) { c.ProjectName = v }},
	{"project_id", []string{"OS_PROJECT_ID", "OS_TENANT_ID"}, false, func(c *Config, v string) { c.ProjectID = v }},
	{"project_domain_name", []string{"OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME"}, false, func(c *Config, v string) { c.ProjectDomainName = v }},
	{"project_domain_id", []string{"OS_PROJECT_DOMAIN_ID", "OS_DOMAIN_ID"}, false, func(c *Config, v string) { c.ProjectDomainID = v }},
	{"token", []string{"OS_TOKEN", "OS_AUTH_TOKEN"}, true, func(c *Config, v string) { c.Token = v }},
	{"application_credential_id", []string{"OS_APPLICATION_CREDENTIAL_ID"}, false, func(c *Config, v string) { c.ApplicationCredentialID = v }},
	{"application_credential_name", []string{"OS_APPLICATION_CREDENTIAL_NAME"}, false, func(c *Config, v string) { c.ApplicationCredentialName = v }},
	{"application_credential_secret", []string{"OS_APPLICATION_CREDENTIAL_SECRET"}, true, func(c *Config, v string) { c.ApplicationCredentialSecret = v }},
	{"cloud", []string{"OS_CLOUD"}, false, func(c *Config, v string) { c.Cloud = v }},
	{"ca_file", []string{"OS_CACERT"}, false, func(c *Config, v string) { c.CAFile = v }},
	{"flavour", []string{"SCP_OPENSTACK_FLAVOUR"}, false, func(c *Config, v string) { c.Flavour = Flavour(strings.ToLower(v)) }},
}

// ConfigFromEnv reads every setting from the environment alone (see spec/OPENSTACK.md). getenv is
// os.Getenv outside tests.
func ConfigFromEnv(getenv func(string) string) Config {
	var c Config
	for _, s := range Settings {
		for _, name := range s.Env {
			if v := strings.TrimSpace(getenv(name)); v != "" {
				s.Set(&c, v)
				break
			}
		}
	}
	return c
}

// Method names the Keystone method a configuration authenticates with.
func (c Config) Method() string {
	switch {
	case c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" || c.ApplicationCredentialSecret != "":
		return "application_credential"
	case c.Token != "":
		return "token"
	case c.Password != "" || c.UserName != "" || c.UserID != "":
		return "password"
	case c.Cloud != "":
		return "clouds.yaml"
	}
	return ""
}

func (c Config) source() string {
	if c.Source == "" {
		return "the provider configuration"
	}
	return c.Source
}

// Validate reports, before anything is sent, a configuration that cannot authenticate. A
// clouds.yaml entry is checked once it has been read (authOptions).
func (c Config) Validate() error {
	switch c.Flavour {
	case "", FlavourNova, FlavourOTC:
	default:
		return fmt.Errorf("flavour %q is not one of %q or %q", c.Flavour, FlavourNova, FlavourOTC)
	}
	switch strings.ToLower(c.Interface) {
	case "", "public", "publicurl", "internal", "internalurl", "admin", "adminurl":
	default:
		return fmt.Errorf("interface %q is not public, internal or admin", c.Interface)
	}
	if c.Cloud != "" {
		return nil
	}
	return c.validateCredentials()
}

func (c Config) validateCredentials() error {
	var problems []string
	for _, r := range c.credentialRules() {
		if r.broken {
			problems = append(problems, r.problem)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the OpenStack credentials from %s are incomplete: %s", c.source(), strings.Join(problems, "; "))
	}
	return nil
}

// credentialRule is one thing the credentials need, and what to say when they lack it.
type credentialRule struct {
	broken  bool
	problem string
}

// credentialRules are what the auth URL and the chosen method need.
func (c Config) credentialRules() []credentialRule {
	rules := []credentialRule{{c.AuthURL == "", "auth_url (OS_AUTH_URL) is not set"}}
	switch c.Method() {
	case "":
		return append(rules, credentialRule{true, "no credentials: give user_name (or user_id) and password, or token, or " +
			"application_credential_id (or _name with the user) and application_credential_secret, or cloud for a clouds.yaml entry"})
	case "application_credential":
		byName := c.ApplicationCredentialID == "" && c.ApplicationCredentialName != ""
		return append(rules,
			credentialRule{c.ApplicationCredentialSecret == "", "application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET) is not set"},
			credentialRule{c.ApplicationCredentialID == "" && c.ApplicationCredentialName == "", "application_credential_id or application_credential_name is needed with the secret"},
			credentialRule{byName && c.UserID == "" && c.UserName == "", "an application credential given by name needs its user (user_id, or user_name with user_domain_name)"})
	case "password":
		return append(rules,
			credentialRule{c.Password == "", "password (OS_PASSWORD) is not set"},
			credentialRule{c.UserID == "" && c.UserName == "", "user_name or user_id is needed with the password"},
			credentialRule{c.UserID == "" && c.UserName != "" && c.UserDomainName == "" && c.UserDomainID == "", "user_name needs user_domain_name or user_domain_id"},
			credentialRule{c.ProjectID == "" && c.ProjectName == "", "project_name or project_id is needed: the provider works in one project"},
			credentialRule{c.ProjectID == "" && c.ProjectName != "" && c.ProjectDomainName == "" && c.ProjectDomainID == "", "project_name needs project_domain_name or project_domain_id"})
	}
	return rules
}

// authOptions builds gophercloud's options (reading clouds.yaml when Cloud is set) and the TLS
// settings a clouds.yaml entry brings.
func (c Config) authOptions() (gophercloud.AuthOptions, gophercloud.EndpointOpts, *tls.Config, error) {
	eo := gophercloud.EndpointOpts{Region: c.Region, Availability: availability(c.Interface)}
	var ao gophercloud.AuthOptions
	var tlsConfig *tls.Config
	if c.Cloud != "" {
		opts := []clouds.ParseOption{clouds.WithCloudName(c.Cloud)}
		if c.CloudsFile != "" {
			opts = append(opts, clouds.WithLocations(c.CloudsFile))
		}
		if c.Region != "" {
			opts = append(opts, clouds.WithRegion(c.Region))
		}
		var err error
		ao, eo, tlsConfig, err = clouds.Parse(opts...)
		if err != nil {
			return ao, eo, nil, fmt.Errorf("reading cloud %q from clouds.yaml: %w", c.Cloud, err)
		}
		if tlsConfig != nil && tlsConfig.InsecureSkipVerify {
			return ao, eo, nil, fmt.Errorf("cloud %q in clouds.yaml turns TLS verification off (verify: false or OS_INSECURE); "+
				"this provider always verifies certificates: give the CA instead (cacert, OS_CACERT or ca_file)", c.Cloud)
		}
		if c.Interface != "" {
			eo.Availability = availability(c.Interface)
		}
		if eo.Availability == "" {
			eo.Availability = gophercloud.AvailabilityPublic
		}
	}
	// Explicit settings win over the clouds.yaml entry.
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&ao.IdentityEndpoint, c.AuthURL)
	set(&ao.Username, c.UserName)
	set(&ao.UserID, c.UserID)
	set(&ao.Password, c.Password)
	set(&ao.DomainName, c.UserDomainName)
	set(&ao.DomainID, c.UserDomainID)
	set(&ao.TokenID, c.Token)
	set(&ao.ApplicationCredentialID, c.ApplicationCredentialID)
	set(&ao.ApplicationCredentialName, c.ApplicationCredentialName)
	set(&ao.ApplicationCredentialSecret, c.ApplicationCredentialSecret)
	if c.ProjectID != "" || c.ProjectName != "" || ao.Scope == nil {
		scope := &gophercloud.AuthScope{ProjectID: c.ProjectID}
		if c.ProjectID == "" && c.ProjectName != "" {
			scope.ProjectName, scope.DomainName, scope.DomainID = c.ProjectName, c.ProjectDomainName, c.ProjectDomainID
		}
		if *scope != (gophercloud.AuthScope{}) {
			ao.Scope = scope
		}
	}
	if ao.TokenID != "" && (ao.Password != "" || ao.ApplicationCredentialSecret != "") {
		// A token alongside another method: gophercloud would send both; the token is the one asked for.
		ao.Password, ao.ApplicationCredentialSecret = "", ""
	}
	if ao.ApplicationCredentialID != "" || ao.ApplicationCredentialName != "" {
		ao.Scope = nil // an application credential carries its project; Keystone refuses a scope with it
	}
	// A token cannot be renewed beyond its own life; every other method can get a new one.
	ao.AllowReauth = ao.TokenID == ""
	if ao.IdentityEndpoint == "" {
		return ao, eo, nil, fmt.Errorf("no auth_url: set it in the provider, OS_AUTH_URL, or auth.auth_url of the clouds.yaml entry")
	}
	return ao, eo, tlsConfig, nil
}

func availability(iface string) gophercloud.Availability {
	switch strings.TrimSuffix(strings.ToLower(iface), "url") {
	case "internal":
		return gophercloud.AvailabilityInternal
	case "admin":
		return gophercloud.AvailabilityAdmin
	}
	return gophercloud.AvailabilityPublic
}

// checkURL refuses plain http to another machine: the Keystone token (and, for the token request,
// the password) would cross the network in clear text.
func checkURL(what, raw string, allowInsecureHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%s %q is not an http(s) URL", what, raw)
	}
	if u.Scheme == "http" && !allowInsecureHTTP && !safehttp.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%s %q uses plain http:// to %s, which is not this machine, so the password and every "+
			"Keystone token would cross the network in clear text. Use https://, or, only on a network you trust, "+
			"set allow_insecure_http = true", what, raw, u.Hostname())
	}
	return nil
}

// httpClient is the provider's one kind of client: no redirect followed, TLS 1.2+, verified.
func (c Config) httpClient(fromClouds *tls.Config) (*http.Client, error) {
	if c.HTTPClient != nil {
		hc := *c.HTTPClient
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return &hc, nil
	}
	hc, err := safehttp.NewClient(safehttp.Options{CAFiles: []string{c.CAFile}})
	if err != nil {
		return nil, err
	}
	if fromClouds != nil && (fromClouds.RootCAs != nil || len(fromClouds.Certificates) > 0) {
		if t, ok := hc.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
			if fromClouds.RootCAs != nil && c.CAFile == "" {
				t.TLSClientConfig.RootCAs = fromClouds.RootCAs
			}
			t.TLSClientConfig.Certificates = fromClouds.Certificates
		}
	}
	return hc, nil
}

// New authenticates with Keystone and returns the cloud. The token is renewed (AllowReauth) when
// it expires, except for the token method, which has nothing to renew it with.
func New(ctx context.Context, cfg Config) (*Cloud, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Flavour == "" {
		cfg.Flavour = FlavourNova
	}
	if cfg.ComputeMicroversion == "" {
		cfg.ComputeMicroversion = DefaultComputeMicroversion
	}
	if cfg.VolumeMicroversion == "" {
		cfg.VolumeMicroversion = DefaultVolumeMicroversion
	}
	if cfg.BusyRetryMax <= 0 {
		cfg.BusyRetryMax = 10 * time.Second
	}
	ao, eo, tlsConfig, err := cfg.authOptions()
	if err != nil {
		return nil, err
	}
	if cfg.Cloud != "" {
		if err := checkParsed(ao, fmt.Sprintf("cloud %q of clouds.yaml", cfg.Cloud)); err != nil {
			return nil, err
		}
		if eo.Region == "" {
			eo.Region = cfg.Region
		}
	}
	if err := checkURL("auth_url", ao.IdentityEndpoint, cfg.AllowInsecureHTTP); err != nil {
		return nil, err
	}
	hc, err := cfg.httpClient(tlsConfig)
	if err != nil {
		return nil, err
	}
	pc, err := gcos.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return nil, fmt.Errorf("auth_url %q: %w", ao.IdentityEndpoint, err)
	}
	pc.HTTPClient = *hc
	next := pc.HTTPClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	pc.HTTPClient.Transport = loggingTransport{next: next}
	pc.UserAgent.Prepend("terraform-provider-scp")
	pc.MaxBackoffRetries = 20
	pc.RetryBackoffFunc = rateLimitBackoff
	if err := gcos.Authenticate(ctx, pc, ao); err != nil {
		return nil, authError(cfg, ao, err)
	}
	compute, err := gcos.NewComputeV2(pc, eo)
	if err != nil {
		return nil, catalogError(cfg, eo, "compute", err)
	}
	block, err := gcos.NewBlockStorageV3(pc, eo)
	if err != nil {
		return nil, catalogError(cfg, eo, "volumev3 or block-storage", err)
	}
	for what, u := range map[string]string{"the compute endpoint of the catalog": compute.Endpoint, "the block-storage endpoint of the catalog": block.Endpoint} {
		if err := checkURL(what, u, cfg.AllowInsecureHTTP); err != nil {
			return nil, err
		}
	}
	c := &Cloud{cfg: cfg, provider: pc, compute: compute, block: block, images: newImageCache(), flavors: newFlavorCache()}
	c.compute.Microversion = c.negotiate(ctx, "Nova", compute.Endpoint, cfg.ComputeMicroversion, computeShortfall)
	c.block.Microversion = c.negotiate(ctx, "Cinder", block.Endpoint, cfg.VolumeMicroversion, volumeShortfall)
	return c, nil
}

func coalesce(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func authError(cfg Config, ao gophercloud.AuthOptions, err error) error {
	method := cfg.Method()
	if cfg.Cloud != "" {
		method = "clouds.yaml entry " + cfg.Cloud
	}
	msg := fmt.Sprintf("Keystone at %s refused or failed the %s authentication from %s: %v", ao.IdentityEndpoint, method, cfg.source(), cleanError(err))
	var redirect gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &redirect) && redirect.Actual >= 300 && redirect.Actual < 400 {
		msg += ". The provider never follows redirects (the credentials stay with auth_url): set auth_url to Keystone's own URL"
	}
	return classifyWith(err, false, errors.New(msg))
}

func catalogError(cfg Config, eo gophercloud.EndpointOpts, service string, err error) error {
	region := eo.Region
	if region == "" {
		region = "(any region: region / OS_REGION_NAME is not set)"
	}
	return fmt.Errorf("the Keystone catalog has no %s endpoint with interface %s in region %s (settings from %s): %v",
		service, eo.Availability, region, cfg.source(), err)
}

// checkParsed checks the options a clouds.yaml entry gave: one usable credential.
func checkParsed(ao gophercloud.AuthOptions, source string) error {
	switch {
	case ao.ApplicationCredentialSecret != "" && (ao.ApplicationCredentialID != "" || ao.ApplicationCredentialName != ""):
	case ao.TokenID != "":
	case ao.Password != "" && (ao.Username != "" || ao.UserID != ""):
	default:
		return fmt.Errorf("the OpenStack credentials from %s are incomplete: it gives no password with a user, no token and "+
			"no application credential with its secret (secrets may be in secure.yaml next to clouds.yaml)", source)
	}
	return nil
}
