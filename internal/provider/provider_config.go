package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Environment variables the provider reads, in the order they are tried for each setting.
var (
	envEndpoint   = []string{"SCP_ENDPOINT", "SCP_TF_ENDPOINT_OVERRIDE"}
	envAccessKey  = []string{"SCP_ACCESS_KEY", "SCP_TF_ACCESS_KEY"}
	envSecretKey  = []string{"SCP_SECRET_KEY", "SCP_TF_SECRET_KEY"}
	envAccountID  = []string{"SCP_ACCOUNT_ID", "SCP_TF_ACCOUNT_ID"}
	envRegion     = []string{"SCP_REGION"}
	envEnv        = []string{"SCP_ENVIRONMENT"}
	envAPIVersion = []string{"SCP_API_VERSION"}
)

// credentialsFileRelPath is the official SCP tooling's credentials file, relative to the home directory.
var credentialsFileRelPath = filepath.Join(".scpconf", "credentials.json")

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
	for _, name := range envNames {
		if v := strings.TrimSpace(s.getenv(name)); v != "" {
			return setting{value: v, source: "the environment variable " + name}
		}
	}
	return setting{}
}

// credentialsFile is the shape of ~/.scpconf/credentials.json.
type credentialsFile struct {
	AccessKey string `json:"access-key"`
	SecretKey string `json:"secret-key"`
}

func (s settingSources) credentialsFilePath() string {
	if s.home == "" {
		return ""
	}
	return filepath.Join(s.home, credentialsFileRelPath)
}

// readCredentialsFile returns the file's credentials; a missing file is not an error.
func (s settingSources) readCredentialsFile() (credentialsFile, error) {
	path := s.credentialsFilePath()
	if path == "" {
		return credentialsFile{}, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return credentialsFile{}, nil
	}
	if err != nil {
		return credentialsFile{}, fmt.Errorf("reading %s: %w", path, err)
	}
	var f credentialsFile
	if err := json.Unmarshal(raw, &f); err != nil {
		// The error text of encoding/json never quotes the input, so no secret can leak here.
		return credentialsFile{}, fmt.Errorf("%s is not valid JSON with \"access-key\" and \"secret-key\": %v", path, err)
	}
	return f, nil
}

// resolvedConfig is the provider's effective configuration.
type resolvedConfig struct {
	endpoint         string
	endpointSource   string
	accessKey        string
	secretKey        string
	accountID        string
	apiVersion       string
	credentialSource string
}

// providerSettings are the HCL values, already unwrapped (empty when null or unset).
type providerSettings struct {
	Endpoint, Region, Environment, AccessKey, SecretKey, AccountID, APIVersion string
}

// resolve applies the precedence HCL, then environment, then credentials file. Each returned error
// names every place that was looked at.
func (s settingSources) resolve(in providerSettings) (resolvedConfig, error) {
	var out resolvedConfig
	var problems []string

	// The provider block wins over the environment as a whole: a region written in HCL is not
	// overridden by an SCP_ENDPOINT left in the shell.
	var endpoint setting
	switch {
	case in.Endpoint != "":
		endpoint = s.pick(in.Endpoint, "endpoint", nil)
	case in.Region != "":
		endpoint = s.regionalEndpoint(in)
	default:
		if endpoint = s.pick("", "endpoint", envEndpoint); endpoint.value == "" {
			endpoint = s.regionalEndpoint(in)
		}
	}
	if endpoint.value == "" {
		problems = append(problems, "No SCP endpoint is configured. Set endpoint (or region, with environment) in the provider block, "+
			"or SCP_ENDPOINT, SCP_TF_ENDPOINT_OVERRIDE or SCP_REGION in the environment.")
	}
	out.endpoint, out.endpointSource = endpoint.value, endpoint.source

	access := s.pick(in.AccessKey, "access_key", envAccessKey)
	secret := s.pick(in.SecretKey, "secret_key", envSecretKey)
	if access.value == "" || secret.value == "" {
		file, err := s.readCredentialsFile()
		if err != nil {
			problems = append(problems, err.Error())
		}
		if access.value == "" && file.AccessKey != "" {
			access = setting{value: file.AccessKey, source: s.credentialsFilePath() + " (access-key)"}
		}
		if secret.value == "" && file.SecretKey != "" {
			secret = setting{value: file.SecretKey, source: s.credentialsFilePath() + " (secret-key)"}
		}
	}
	fileNote := "the credentials file ~/" + filepath.ToSlash(credentialsFileRelPath)
	if p := s.credentialsFilePath(); p != "" {
		fileNote = "the credentials file " + p
	}
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

	out.accountID = s.pick(in.AccountID, "account_id", envAccountID).value
	out.apiVersion = s.pick(in.APIVersion, "api_version", envAPIVersion).value
	if out.apiVersion == "" {
		out.apiVersion = currentAPIVersion
	}
	if len(problems) > 0 {
		return out, errors.New(strings.Join(problems, "\n\n"))
	}
	return out, nil
}

// regionalEndpoint builds the endpoint from the region and environment, when a region is set.
func (s settingSources) regionalEndpoint(in providerSettings) setting {
	region := s.pick(in.Region, "region", envRegion)
	if region.value == "" {
		return setting{}
	}
	env := s.pick(in.Environment, "environment", envEnv)
	if env.value == "" {
		env.value = defaultEnvironment
	}
	return setting{
		value:  fmt.Sprintf("https://virtualserver.%s.%s.samsungsdscloud.com", region.value, env.value),
		source: "region from " + region.source,
	}
}

// defaultEnvironment is the {env} part of the regional endpoint when only a region is given.
const defaultEnvironment = "e"
