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

// openstackValues reads each setting of openstack.Settings from the block's model, by its name.
var openstackValues = map[string]func(*openstackModel) types.String{
	"auth_url":                      func(m *openstackModel) types.String { return m.AuthURL },
	"region":                        func(m *openstackModel) types.String { return m.Region },
	"interface":                     func(m *openstackModel) types.String { return m.Interface },
	"user_name":                     func(m *openstackModel) types.String { return m.UserName },
	"user_id":                       func(m *openstackModel) types.String { return m.UserID },
	"password":                      func(m *openstackModel) types.String { return m.Password },
	"user_domain_name":              func(m *openstackModel) types.String { return m.UserDomainName },
	"user_domain_id":                func(m *openstackModel) types.String { return m.UserDomainID },
	"project_name":                  func(m *openstackModel) types.String { return m.ProjectName },
	"project_id":                    func(m *openstackModel) types.String { return m.ProjectID },
	"project_domain_name":           func(m *openstackModel) types.String { return m.ProjectDomainName },
	"project_domain_id":             func(m *openstackModel) types.String { return m.ProjectDomainID },
	"token":                         func(m *openstackModel) types.String { return m.Token },
	"application_credential_id":     func(m *openstackModel) types.String { return m.ApplicationCredentialID },
	"application_credential_name":   func(m *openstackModel) types.String { return m.ApplicationCredentialName },
	"application_credential_secret": func(m *openstackModel) types.String { return m.ApplicationCredentialSecret },
	"cloud":                         func(m *openstackModel) types.String { return m.Cloud },
	"ca_file":                       func(m *openstackModel) types.String { return m.CAFile },
	"flavour":                       func(m *openstackModel) types.String { return m.Flavour },
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
	for _, f := range openstack.Settings {
		envs := "`" + strings.Join(f.Env, "`, `") + "`"
		a := schema.StringAttribute{Optional: true, Sensitive: f.Secret, MarkdownDescription: desc[f.Name] + " Falls back to " + envs + "."}
		if f.Name == "flavour" {
			a.Validators = []validator.String{stringvalidator.OneOf("nova", "otc")}
		}
		if f.Name == "interface" {
			a.Validators = []validator.String{stringvalidator.OneOf("public", "internal", "admin")}
		}
		attrs[f.Name] = a
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
	for _, f := range openstack.Settings {
		v := openstackValues[f.Name](m)
		if v.IsUnknown() {
			out.unknown = true
			continue
		}
		if s := strings.TrimSpace(v.ValueString()); s != "" {
			f.Set(&out.cfg, s)
			fromBlock = append(fromBlock, f.Name)
			continue
		}
		if s := p.sources.fromEnv(f.Env); s.value != "" {
			f.Set(&out.cfg, s.value)
			fromEnv = append(fromEnv, f.Name+" ("+strings.TrimPrefix(s.source, "the environment variable ")+")")
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
	for _, notice := range c.Notices() {
		resp.Diagnostics.AddWarning("The OpenStack API versions", notice)
	}
	p.publish(c, resp)
}
