package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/openstack"
)

// An OpenStack-family cloud (Nova + Keystone + Cinder, or Open Telekom Cloud) is selected by the
// nested openstack block. Every setting in it falls back to the OS_* variable users already have;
// an empty block (openstack {}) takes everything from the environment or from clouds.yaml. Without
// the block the provider talks to SCP, whatever OS_* variables are set.

// openstackField is one setting of the block: its HCL name, its OS_* fallbacks, and where it goes.
type openstackField struct {
	name   string
	env    []string
	secret bool
	value  func(*openstackModel) types.String
	set    func(*openstack.Config, string)
}

var openstackFields = []openstackField{
	{"auth_url", []string{"OS_AUTH_URL"}, false, func(m *openstackModel) types.String { return m.AuthURL }, func(c *openstack.Config, v string) { c.AuthURL = v }},
	{"region", []string{"OS_REGION_NAME"}, false, func(m *openstackModel) types.String { return m.Region }, func(c *openstack.Config, v string) { c.Region = v }},
	{"interface", []string{"OS_INTERFACE", "OS_ENDPOINT_TYPE"}, false, func(m *openstackModel) types.String { return m.Interface }, func(c *openstack.Config, v string) { c.Interface = v }},
	{"user_name", []string{"OS_USERNAME"}, false, func(m *openstackModel) types.String { return m.UserName }, func(c *openstack.Config, v string) { c.UserName = v }},
	{"user_id", []string{"OS_USER_ID"}, false, func(m *openstackModel) types.String { return m.UserID }, func(c *openstack.Config, v string) { c.UserID = v }},
	{"password", []string{"OS_PASSWORD"}, true, func(m *openstackModel) types.String { return m.Password }, func(c *openstack.Config, v string) { c.Password = v }},
	{"user_domain_name", []string{"OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"}, false, func(m *openstackModel) types.String { return m.UserDomainName }, func(c *openstack.Config, v string) { c.UserDomainName = v }},
	{"user_domain_id", []string{"OS_USER_DOMAIN_ID", "OS_DOMAIN_ID"}, false, func(m *openstackModel) types.String { return m.UserDomainID }, func(c *openstack.Config, v string) { c.UserDomainID = v }},
	{"project_name", []string{"OS_PROJECT_NAME", "OS_TENANT_NAME"}, false, func(m *openstackModel) types.String { return m.ProjectName }, func(c *openstack.Config, v string) { c.ProjectName = v }},
	{"project_id", []string{"OS_PROJECT_ID", "OS_TENANT_ID"}, false, func(m *openstackModel) types.String { return m.ProjectID }, func(c *openstack.Config, v string) { c.ProjectID = v }},
	{"project_domain_name", []string{"OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME"}, false, func(m *openstackModel) types.String { return m.ProjectDomainName }, func(c *openstack.Config, v string) { c.ProjectDomainName = v }},
	{"project_domain_id", []string{"OS_PROJECT_DOMAIN_ID", "OS_DOMAIN_ID"}, false, func(m *openstackModel) types.String { return m.ProjectDomainID }, func(c *openstack.Config, v string) { c.ProjectDomainID = v }},
	{"token", []string{"OS_TOKEN", "OS_AUTH_TOKEN"}, true, func(m *openstackModel) types.String { return m.Token }, func(c *openstack.Config, v string) { c.Token = v }},
	{"application_credential_id", []string{"OS_APPLICATION_CREDENTIAL_ID"}, false, func(m *openstackModel) types.String { return m.ApplicationCredentialID }, func(c *openstack.Config, v string) { c.ApplicationCredentialID = v }},
	{"application_credential_name", []string{"OS_APPLICATION_CREDENTIAL_NAME"}, false, func(m *openstackModel) types.String { return m.ApplicationCredentialName }, func(c *openstack.Config, v string) { c.ApplicationCredentialName = v }},
	{"application_credential_secret", []string{"OS_APPLICATION_CREDENTIAL_SECRET"}, true, func(m *openstackModel) types.String { return m.ApplicationCredentialSecret }, func(c *openstack.Config, v string) { c.ApplicationCredentialSecret = v }},
	{"cloud", []string{"OS_CLOUD"}, false, func(m *openstackModel) types.String { return m.Cloud }, func(c *openstack.Config, v string) { c.Cloud = v }},
	{"ca_file", []string{"OS_CACERT"}, false, func(m *openstackModel) types.String { return m.CAFile }, func(c *openstack.Config, v string) { c.CAFile = v }},
	{"flavour", []string{"SCP_OPENSTACK_FLAVOUR"}, false, func(m *openstackModel) types.String { return m.Flavour }, func(c *openstack.Config, v string) { c.Flavour = openstack.Flavour(strings.ToLower(v)) }},
}

func openstackBlock() schema.SingleNestedBlock {
	desc := map[string]string{
		"auth_url":                      "Keystone v3 URL, e.g. `https://keystone.example.com:5000/v3` (without `/v3`, the version is discovered).",
		"region":                        "Region of the catalog's endpoints.",
		"interface":                     "Endpoint interface of the catalog: `public` (default), `internal` or `admin`.",
		"user_name":                     "User name (password method); needs `user_domain_name` or `user_domain_id`.",
		"user_id":                       "User id (password method), instead of `user_name`.",
		"password":                      "Password (password method). Sensitive, never logged.",
		"user_domain_name":              "Domain of the user.",
		"user_domain_id":                "Domain id of the user.",
		"project_name":                  "Project to work in; needs `project_domain_name` or `project_domain_id`.",
		"project_id":                    "Project id to work in, instead of `project_name`.",
		"project_domain_name":           "Domain of the project.",
		"project_domain_id":             "Domain id of the project.",
		"token":                         "An existing Keystone token (token method). Sensitive, never logged. It cannot be renewed: prefer a password or an application credential for long runs.",
		"application_credential_id":     "Application credential id.",
		"application_credential_name":   "Application credential name (with `user_name` or `user_id`), instead of its id.",
		"application_credential_secret": "Application credential secret. Sensitive, never logged.",
		"cloud":                         "Entry of `clouds.yaml` (searched in `OS_CLIENT_CONFIG_FILE`, `./`, `~/.config/openstack/`, `/etc/openstack/`); settings given here win over it.",
		"ca_file":                       "PEM bundle of CA certificates trusted in addition to the system's. Verification cannot be turned off.",
		"flavour":                       "The cloud's rules: `nova` (default, plain OpenStack Nova) or `otc` (Open Telekom Cloud: the system disk only leaves a stopped server, which this provider never does).",
	}
	attrs := map[string]schema.Attribute{}
	for _, f := range openstackFields {
		envs := "`" + strings.Join(f.env, "`, `") + "`"
		a := schema.StringAttribute{Optional: true, Sensitive: f.secret, MarkdownDescription: desc[f.name] + " Falls back to " + envs + "."}
		if f.name == "flavour" {
			a.Validators = []validator.String{stringvalidator.OneOf("nova", "otc")}
		}
		if f.name == "interface" {
			a.Validators = []validator.String{stringvalidator.OneOf("public", "internal", "admin")}
		}
		attrs[f.name] = a
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Talk to an OpenStack-family cloud (Keystone v3, Nova, Cinder v3; or Open Telekom Cloud with `flavour = \"otc\"`) " +
			"instead of SCP. Its presence selects OpenStack: `openstack {}` takes every setting from the `OS_*` environment or from `clouds.yaml`. " +
			"It cannot be combined with the SCP settings of the provider block. `allow_insecure_http` applies to it too.",
		Attributes: attrs,
	}
}

// scpSettingsSet lists the SCP-only arguments the provider block sets.
func (m providerModel) scpSettingsSet() []string {
	var set []string
	for _, a := range []struct {
		name  string
		value types.String
	}{
		{"endpoint", m.Endpoint}, {"auth_url", m.AuthURL}, {"region", m.Region}, {"default_region", m.DefaultRegion},
		{"environment", m.Environment}, {"resource_manager_endpoint", m.ResourceManagerEndpoint}, {"access_key", m.AccessKey},
		{"secret_key", m.SecretKey}, {"account_id", m.AccountID}, {"api_version", m.APIVersion}, {"ca_file", m.CAFile},
	} {
		if !a.value.IsNull() {
			set = append(set, a.name)
		}
	}
	return set
}

// openstackResolved is the OpenStack configuration with where each setting came from.
type openstackResolved struct {
	cfg     openstack.Config
	found   []string // "user_name from the provider block", never a value
	unknown bool
}

// resolveOpenStack merges the block with the OS_* environment: the block wins, field by field.
func (p *scpProvider) resolveOpenStack(m *openstackModel, allowInsecureHTTP bool) openstackResolved {
	var out openstackResolved
	var fromBlock, fromEnv []string
	for _, f := range openstackFields {
		v := f.value(m)
		if v.IsUnknown() {
			out.unknown = true
			continue
		}
		if s := strings.TrimSpace(v.ValueString()); s != "" {
			f.set(&out.cfg, s)
			fromBlock = append(fromBlock, f.name)
			continue
		}
		if s := p.sources.fromEnv(f.env); s.value != "" {
			f.set(&out.cfg, s.value)
			fromEnv = append(fromEnv, f.name+" ("+strings.TrimPrefix(s.source, "the environment variable ")+")")
		}
	}
	if len(fromBlock) > 0 {
		out.found = append(out.found, "in the openstack block: "+strings.Join(fromBlock, ", "))
	}
	if len(fromEnv) > 0 {
		out.found = append(out.found, "in the environment: "+strings.Join(fromEnv, ", "))
	}
	switch {
	case len(fromBlock) > 0 && len(fromEnv) > 0:
		out.cfg.Source = "the openstack block and the OS_* environment"
	case len(fromEnv) > 0:
		out.cfg.Source = "the OS_* environment"
	default:
		out.cfg.Source = "the openstack block"
	}
	out.cfg.AllowInsecureHTTP = allowInsecureHTTP
	return out
}

func (r openstackResolved) foundText() string {
	if len(r.found) == 0 {
		return "Found no OpenStack setting in the openstack block or the OS_* environment."
	}
	return "Found " + strings.Join(r.found, "; ") + "."
}

// checkOpenStack is ValidateConfig for a configuration with the openstack block, and the start of
// its Configure: it judges the block with its OS_* fallbacks and returns the settings when they are
// complete and known (values computed by other resources are judged once Terraform knows them).
func (p *scpProvider) checkOpenStack(cfg providerModel, diags *diag.Diagnostics) (openstackResolved, bool) {
	if set := cfg.scpSettingsSet(); len(set) > 0 {
		diags.AddError("SCP and OpenStack settings in one provider configuration",
			fmt.Sprintf("The provider block sets the SCP argument(s) %s and also has an openstack block. One provider configuration "+
				"talks to one cloud: remove the SCP arguments, or move the openstack block to a second provider block with an alias "+
				"(provider \"scp\" { alias = \"openstack\" ... }) and select it with provider = scp.openstack in its resources.",
				strings.Join(set, ", ")))
		return openstackResolved{}, false
	}
	if cfg.AllowInsecureHTTP.IsUnknown() {
		return openstackResolved{}, false
	}
	allow, err := p.sources.allowInsecureHTTP(cfg.settings().AllowInsecureHTTP)
	if err != nil {
		diags.AddError("Invalid SCP_ALLOW_INSECURE_HTTP", err.Error())
		return openstackResolved{}, false
	}
	r := p.resolveOpenStack(cfg.OpenStack, allow)
	if r.unknown {
		return r, false
	}
	if err := r.cfg.Validate(); err != nil {
		diags.AddAttributeError(path.Root("openstack"), "Incomplete OpenStack provider configuration",
			err.Error()+".\n\n"+r.foundText())
		return r, false
	}
	return r, true
}

// configureOpenStack is Configure for a configuration with the openstack block.
func (p *scpProvider) configureOpenStack(ctx context.Context, cfg providerModel, resp *provider.ConfigureResponse) {
	r, ok := p.checkOpenStack(cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	c, err := openstack.New(ctx, r.cfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to the OpenStack cloud", err.Error()+"\n\n"+r.foundText())
		return
	}
	tflog.Info(ctx, "configured the provider for an OpenStack-family cloud", map[string]any{
		"cloud": c.Name(), "auth_url": r.cfg.AuthURL, "clouds_yaml_entry": r.cfg.Cloud, "region": r.cfg.Region,
		"method": r.cfg.Method(), "source": r.cfg.Source, "flavour": string(c.Flavour()),
		"compute_endpoint": c.ComputeEndpoint(), "volume_endpoint": c.VolumeEndpoint(),
	})
	timings := newTimingsCache(p.sources.getenv, c.Endpoint())
	data := &providerData{cloud: c, poller: p.pollerFor(timings), locks: p.locks, timings: timings}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}
