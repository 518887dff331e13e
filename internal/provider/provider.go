// Package provider implements the Samsung Cloud Platform (SCP) Terraform provider: its schema,
// plan-time safety rules and resource handlers. HTTP lives in internal/scp, waiting in internal/wait.
package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/scp"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

var (
	_ provider.Provider                   = (*scpProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*scpProvider)(nil)
)

// scpProvider is the provider. One instance lives for one Terraform command; what its poller learns
// about operation durations lives as long.
type scpProvider struct {
	version string
	// pollerMu guards poller, which is made at the first Configure, seeded from the timings cache
	// of the configured endpoint.
	pollerMu sync.Mutex
	poller   *wait.Poller
	locks    *keyedMutex
	now      func() time.Time
	sources  settingSources
	// retry overrides the client's retry policy (zero fields keep its defaults). Only tests set it,
	// to shorten the per-attempt timeout so a hanging answer is abandoned in seconds, not a minute.
	retry scp.RetryPolicy
}

// New returns the provider factory used by main.go and the acceptance tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &scpProvider{
			version: version,
			locks:   newKeyedMutex(),
			now:     time.Now,
			sources: defaultSources(),
		}
	}
}

// providerModel is the provider block.
type providerModel struct {
	Endpoint    types.String `tfsdk:"endpoint"`
	Region      types.String `tfsdk:"region"`
	Environment types.String `tfsdk:"environment"`
	AccessKey   types.String `tfsdk:"access_key"`
	SecretKey   types.String `tfsdk:"secret_key"`
	AccountID   types.String `tfsdk:"account_id"`
	APIVersion  types.String `tfsdk:"api_version"`
}

// providerData is what resources receive from Configure.
type providerData struct {
	client *scp.Client
	poller *wait.Poller
	// locks serialises volume attach/detach per server: SCP, like most clouds, handles one volume
	// operation per server at a time and answers "busy" to the others.
	locks *keyedMutex
	// timings remembers operation durations between runs; nil when disabled.
	timings *timingsCache
}

func (p *scpProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "scp"
	resp.Version = p.version
}

func (p *scpProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Samsung Cloud Platform (SCP) provider manages SCP Virtual Server resources: " +
			"servers, block storage volumes and their attachments. Each setting falls back to the environment, " +
			"and the keys to the SCP credentials file `~/.scpconf/credentials.json`.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Virtual Server API, e.g. `https://virtualserver.kr-west1.e.samsungsdscloud.com`, " +
					"or a local emulator. Falls back to `SCP_ENDPOINT`, then `SCP_TF_ENDPOINT_OVERRIDE`. Conflicts with `region`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("region"))},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "SCP region such as `kr-west1`; builds the endpoint " +
					"`https://virtualserver.{region}.{environment}.samsungsdscloud.com`. Falls back to `SCP_REGION`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as kr-west1")},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "SCP environment part of the regional endpoint: `s`, `g` or `e` (default `e`). Falls back to `SCP_ENVIRONMENT`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("s", "g", "e")},
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "SCP access key. Falls back to `SCP_ACCESS_KEY`, `SCP_TF_ACCESS_KEY`, then `access-key` in `~/.scpconf/credentials.json`.",
				Optional:            true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "SCP secret key, used only to sign requests; it is never sent or logged. " +
					"Falls back to `SCP_SECRET_KEY`, `SCP_TF_SECRET_KEY`, then `secret-key` in `~/.scpconf/credentials.json`.",
				Optional:  true,
				Sensitive: true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "SCP account id, sent as `Scp-AccountId` and signed. Falls back to `SCP_ACCOUNT_ID`, then `SCP_TF_ACCOUNT_ID`.",
				Optional:            true,
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "Virtual Server API version (`Scp-Api-Version`). Default `1.3` (current). `1.2` works with a warning; " +
					"`1.0` and `1.1` are refused because their Not Before dates have passed. Falls back to `SCP_API_VERSION`.",
				Optional: true,
			},
		},
	}
}

// ValidateConfig rejects at validate time what can be judged from the configuration alone.
func (p *scpProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if v := cfg.Endpoint; !v.IsNull() && !v.IsUnknown() {
		if _, err := scp.ParseEndpoint(v.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid SCP endpoint", err.Error())
		}
	}
	if v := cfg.APIVersion; !v.IsNull() && !v.IsUnknown() {
		warning, errMsg := checkAPIVersion(v.ValueString(), p.now())
		if errMsg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("api_version"), "Unsupported SCP API version", errMsg)
		} else if warning != "" {
			resp.Diagnostics.AddAttributeWarning(path.Root("api_version"), "SCP API version is not the current one", warning)
		}
	}
}

func (p *scpProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if anyUnknown(cfg.Endpoint, cfg.Region, cfg.Environment, cfg.AccessKey, cfg.SecretKey, cfg.AccountID, cfg.APIVersion) {
		// Values computed by other resources arrive later; Terraform calls Configure again then.
		return
	}
	resolved, err := p.sources.resolve(providerSettings{
		Endpoint: cfg.Endpoint.ValueString(), Region: cfg.Region.ValueString(), Environment: cfg.Environment.ValueString(),
		AccessKey: cfg.AccessKey.ValueString(), SecretKey: cfg.SecretKey.ValueString(),
		AccountID: cfg.AccountID.ValueString(), APIVersion: cfg.APIVersion.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Incomplete SCP provider configuration", err.Error())
		return
	}
	if _, err := scp.ParseEndpoint(resolved.endpoint); err != nil {
		resp.Diagnostics.AddError("Invalid SCP endpoint", err.Error()+" (the endpoint came from "+resolved.endpointSource+")")
		return
	}
	// api_version from the environment has not been through ValidateConfig yet.
	if cfg.APIVersion.IsNull() {
		warning, errMsg := checkAPIVersion(resolved.apiVersion, p.now())
		if errMsg != "" {
			resp.Diagnostics.AddError("Unsupported SCP API version", errMsg+" (the version came from SCP_API_VERSION)")
			return
		}
		if warning != "" {
			resp.Diagnostics.AddWarning("SCP API version is not the current one", warning+" (the version came from SCP_API_VERSION)")
		}
	}

	client, err := scp.New(scp.Config{
		Endpoint:         resolved.endpoint,
		AccessKey:        resolved.accessKey,
		SecretKey:        resolved.secretKey,
		AccountID:        resolved.accountID,
		APIVersion:       resolved.apiVersion,
		CredentialSource: resolved.credentialSource,
		UserAgent:        "terraform-provider-scp/" + p.version + " (+https://registry.terraform.io/providers/scp-community/scp) " + req.TerraformVersion,
		Retry:            p.retry,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the SCP client", err.Error())
		return
	}
	tflog.Info(ctx, "configured the SCP provider", map[string]any{
		"endpoint": resolved.endpoint, "api_version": resolved.apiVersion,
		"access_key": scp.MaskKey(resolved.accessKey), "credential_source": resolved.credentialSource,
	})
	timings := newTimingsCache(p.sources.getenv, client.Endpoint())
	data := &providerData{client: client, poller: p.pollerFor(timings), locks: p.locks, timings: timings}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// pollerFor returns the provider's poller, making it on first use with what the cache remembers.
func (p *scpProvider) pollerFor(timings *timingsCache) *wait.Poller {
	p.pollerMu.Lock()
	defer p.pollerMu.Unlock()
	if p.poller == nil {
		var opts []wait.Option
		for kind, samples := range timings.load() {
			opts = append(opts, wait.WithHistory(kind, samples...))
		}
		p.poller = wait.New(opts...)
	}
	return p.poller
}

func (p *scpProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewVirtualServerResource,
		NewVolumeResource,
		NewVolumeAttachmentResource,
	}
}

func (p *scpProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}

func anyUnknown(values ...types.String) bool {
	for _, v := range values {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}
