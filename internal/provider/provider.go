// Package provider implements the Samsung Cloud Platform (SCP) Terraform provider: its schema,
// plan-time safety rules and resource handlers. HTTP lives in internal/scp, waiting in internal/wait.
package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
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

// settings unwraps the block's values (null and unset become empty).
func (m providerModel) settings() providerSettings {
	in := providerSettings{
		Endpoint: m.Endpoint.ValueString(), Region: m.Region.ValueString(), Environment: m.Environment.ValueString(),
		AccessKey: m.AccessKey.ValueString(), SecretKey: m.SecretKey.ValueString(),
		AccountID: m.AccountID.ValueString(), APIVersion: m.APIVersion.ValueString(),
		AuthURL: m.AuthURL.ValueString(), DefaultRegion: m.DefaultRegion.ValueString(),
		ResourceManagerEndpoint: m.ResourceManagerEndpoint.ValueString(), CAFile: m.CAFile.ValueString(),
	}
	if !m.AllowInsecureHTTP.IsNull() && !m.AllowInsecureHTTP.IsUnknown() {
		allow := m.AllowInsecureHTTP.ValueBool()
		in.AllowInsecureHTTP = &allow
	}
	return in
}

// providerData is what resources receive from Configure.
type providerData struct {
	// cloud is the API the resources speak to (internal/cloud): SCP or an OpenStack-family cloud.
	cloud  cloud.Cloud
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
			"then to the SCP tools' files `~/.scpconf/config.json` and `~/.scpconf/credentials.json`.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Virtual Server API: scheme, host and port, no path, e.g. " +
					"`https://virtualserver.kr-west1.e.samsungsdscloud.com`, or a local emulator's `http://127.0.0.1:<port>`. " +
					"Falls back to `SCP_ENDPOINT`, `SCP_TF_ENDPOINT_OVERRIDE`, then `endpoint-override` in `~/.scpconf/config.json`. " +
					"When unset, the endpoint is read from the endpoint catalog of `auth_url`, or built from `region`. Conflicts with `region`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("region"))},
			},
			"auth_url": schema.StringAttribute{
				MarkdownDescription: "SCP IAM URL, e.g. `https://iam.e.samsungsdscloud.com/v1`, as Samsung's official provider uses it: " +
					"the endpoints are read from its signed catalog `GET {auth_url}/endpoints` (service types `scp-virtualserver` " +
					"and `scp-resourcemanager`), for `region` or else `default_region`. Falls back to `SCP_TF_AUTH_URL`, then " +
					"`auth-url` in `~/.scpconf/config.json`.",
				Optional: true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "SCP region such as `kr-west1`. Picks the catalog entries when `auth_url` is known; otherwise builds the endpoint " +
					"`https://virtualserver.{region}.{environment}.samsungsdscloud.com`. Falls back to `SCP_REGION`, then `default_region`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as kr-west1")},
			},
			"default_region": schema.StringAttribute{
				MarkdownDescription: "The region used when `region` is not set, as in Samsung's official provider. Falls back to " +
					"`SCP_TF_DEFAULT_REGION`, then `default-region` in `~/.scpconf/config.json`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as kr-west1")},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "SCP environment part of the regional endpoint: `s`, `g` or `e` (default: read from `auth_url`'s host, else `e`). " +
					"Falls back to `SCP_ENVIRONMENT`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("s", "g", "e")},
			},
			"resource_manager_endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of SCP Resource Manager, where tags are read and changed; scheme, host and port, no path. " +
					"Falls back to `SCP_RESOURCE_MANAGER_ENDPOINT`, then to the `scp-resourcemanager` entry of `auth_url`'s catalog.",
				Optional: true,
			},
			"ca_file": schema.StringAttribute{
				MarkdownDescription: "Path of a PEM file of CA certificates to trust in addition to the system's (a TLS-inspecting " +
					"corporate proxy, a private endpoint). The certificates of `SSL_CERT_FILE`, when set, are trusted too. " +
					"Certificate verification cannot be turned off.",
				Optional: true,
			},
			"allow_insecure_http": schema.BoolAttribute{
				MarkdownDescription: "Allow `http://` endpoints on other machines. Off by default: the access key and every request signature " +
					"would cross the network in clear text. `http://` to this machine (`localhost`, `127.0.0.0/8`, `::1`) needs no opt-in. " +
					"Falls back to `SCP_ALLOW_INSECURE_HTTP`.",
				Optional: true,
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
				MarkdownDescription: "SCP account id, sent as `Scp-AccountId` and signed. Falls back to `SCP_ACCOUNT_ID`, `SCP_TF_ACCOUNT_ID`, " +
					"then `account-id` in `~/.scpconf/config.json`.",
				Optional: true,
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "Virtual Server API version (`Scp-Api-Version`). Default `1.3` (current). `1.2` works with a warning; " +
					"`1.0` and `1.1` are refused because their Not Before dates have passed. Falls back to `SCP_API_VERSION`.",
				Optional: true,
			},
		},
		Blocks: map[string]schema.Block{"openstack": openstackBlock()},
	}
}

// ValidateConfig rejects at validate time what can be judged from the configuration alone.
func (p *scpProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	if cfg.OpenStack != nil {
		p.checkOpenStack(cfg, &resp.Diagnostics)
		return
	}
	// Plain http is judged with the opt-in from the block or the environment; an unknown opt-in
	// leaves the judgement to Configure.
	if !cfg.AllowInsecureHTTP.IsUnknown() {
		p.validateURLs(cfg, resp)
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

// validateURLs checks the endpoint-like arguments: base URLs without a path, https unless local.
func (p *scpProvider) validateURLs(cfg providerModel, resp *provider.ValidateConfigResponse) {
	allow, err := p.sources.allowInsecureHTTP(cfg.settings().AllowInsecureHTTP)
	if err != nil {
		resp.Diagnostics.AddError("Invalid SCP_ALLOW_INSECURE_HTTP", err.Error())
		return
	}
	for _, attr := range []struct {
		name  string
		value types.String
	}{{"endpoint", cfg.Endpoint}, {"resource_manager_endpoint", cfg.ResourceManagerEndpoint}} {
		if !attr.value.IsNull() && !attr.value.IsUnknown() {
			if err := checkEndpointValue(attr.name, attr.value.ValueString(), allow); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root(attr.name), "Invalid SCP "+attr.name, err.Error())
			}
		}
	}
	if v := cfg.AuthURL; !v.IsNull() && !v.IsUnknown() {
		if err := checkAuthURLValue(v.ValueString(), allow); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("auth_url"), "Invalid SCP auth_url", err.Error())
		}
	}
}

func (p *scpProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	if cfg.OpenStack != nil {
		p.configureOpenStack(ctx, cfg, resp)
		return
	}
	if anyUnknown(cfg.Endpoint, cfg.AuthURL, cfg.Region, cfg.DefaultRegion, cfg.Environment, cfg.ResourceManagerEndpoint,
		cfg.AccessKey, cfg.SecretKey, cfg.AccountID, cfg.APIVersion, cfg.CAFile) || cfg.AllowInsecureHTTP.IsUnknown() {
		// Values computed by other resources arrive later; Terraform calls Configure again then.
		return
	}
	resolved, ok := p.resolveSCP(cfg, resp)
	if !ok {
		return
	}
	client, ok := p.newSCPClient(ctx, req.TerraformVersion, resolved, resp)
	if !ok {
		return
	}
	p.publish(client.AsCloud(), resp)
}

// publish hands the configured cloud to the resources, data sources and list resources, with
// the poller and timings cache of its endpoint: the last step of Configure for every cloud.
func (p *scpProvider) publish(c cloud.Cloud, resp *provider.ConfigureResponse) {
	timings := newTimingsCache(p.sources.getenv, c.Facts().Endpoint)
	data := &providerData{cloud: withSharedReads(c), poller: p.pollerFor(c, timings), locks: p.locks, timings: timings}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

// resolveSCP merges the block with the environment and the SCP CLI's files, and checks what
// ValidateConfig could not see: the values that did not come from the block.
func (p *scpProvider) resolveSCP(cfg providerModel, resp *provider.ConfigureResponse) (resolvedConfig, bool) {
	resolved, err := p.sources.resolve(cfg.settings())
	for _, w := range resolved.warnings {
		resp.Diagnostics.AddWarning(w.summary, w.detail)
	}
	if err != nil {
		resp.Diagnostics.AddError("Incomplete SCP provider configuration", err.Error())
		return resolved, false
	}
	if !p.checkResolvedURLs(resolved, resp) {
		return resolved, false
	}
	if cfg.APIVersion.IsNull() {
		warning, errMsg := checkAPIVersion(resolved.apiVersion, p.now())
		if errMsg != "" {
			resp.Diagnostics.AddError("Unsupported SCP API version", errMsg+" (the version came from SCP_API_VERSION)")
			return resolved, false
		}
		if warning != "" {
			resp.Diagnostics.AddWarning("SCP API version is not the current one", warning+" (the version came from SCP_API_VERSION)")
		}
	}
	return resolved, true
}

// newSCPClient builds the SCP client, reading the endpoint catalog first when only an auth URL
// says where SCP is.
func (p *scpProvider) newSCPClient(ctx context.Context, terraformVersion string, resolved resolvedConfig, resp *provider.ConfigureResponse) (*scp.Client, bool) {
	// One HTTP client for every service: it never follows a redirect, so signed requests reach
	// only the endpoints configured here.
	httpClient, err := safehttp.NewClient(safehttp.Options{CAFiles: resolved.caFiles})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_file"), "Cannot use the CA bundle", err.Error())
		return nil, false
	}
	clientCfg := scp.Config{
		AccessKey:         resolved.accessKey,
		SecretKey:         resolved.secretKey,
		AccountID:         resolved.accountID,
		APIVersion:        resolved.apiVersion,
		CredentialSource:  resolved.credentialSource,
		UserAgent:         "terraform-provider-scp/" + p.version + " (+https://registry.terraform.io/providers/scp-community/scp) " + terraformVersion,
		HTTPClient:        httpClient,
		AllowInsecureHTTP: resolved.allowInsecureHTTP,
		Retry:             p.retry,
	}
	if resolved.needsCatalog() && !applyCatalog(ctx, &resolved, clientCfg, resp) {
		return nil, false
	}
	if resolved.region == "" {
		resolved.region, _ = scpHostParts(resolved.endpoint)
	}
	clientCfg.Endpoint = resolved.endpoint
	clientCfg.ResourceManagerEndpoint = resolved.resourceManagerEndpoint
	clientCfg.Region = resolved.region
	clientCfg.Environment = resolved.environment

	client, err := scp.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the SCP client", err.Error()+" (the endpoint came from "+resolved.endpointSource+")")
		return nil, false
	}
	tflog.Info(ctx, "configured the SCP provider", map[string]any{
		"endpoint": resolved.endpoint, "endpoint_source": resolved.endpointSource,
		"resource_manager_endpoint": resolved.resourceManagerEndpoint, "resource_manager_source": resolved.resourceManagerSource,
		"region": resolved.region, "environment": resolved.environment, "api_version": resolved.apiVersion,
		"access_key": scp.MaskKey(resolved.accessKey), "credential_source": resolved.credentialSource,
	})
	return client, true
}

// applyCatalog fills the endpoints from SCP's endpoint catalog at the auth URL.
func applyCatalog(ctx context.Context, resolved *resolvedConfig, clientCfg scp.Config, resp *provider.ConfigureResponse) bool {
	seen := len(resolved.warnings)
	catalog, err := scp.FetchCatalog(ctx, resolved.authURL, clientCfg)
	if err == nil {
		err = resolved.applyCatalog(catalog)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot find the SCP endpoints in the endpoint catalog",
			fmt.Sprintf("%v\n\nThe auth URL came from %s. To use the API without the catalog, set endpoint "+
				"(and resource_manager_endpoint, for tags) in the provider block.", err, resolved.authURLSource))
		return false
	}
	for _, w := range resolved.warnings[seen:] {
		resp.Diagnostics.AddWarning(w.summary, w.detail)
	}
	return true
}

// checkResolvedURLs applies the validate-time URL rules to the resolved values, naming where each came from.
func (p *scpProvider) checkResolvedURLs(r resolvedConfig, resp *provider.ConfigureResponse) bool {
	checks := []struct {
		summary, value, source string
		check                  func() error
	}{
		{"Invalid SCP endpoint", r.endpoint, r.endpointSource, func() error { return checkEndpointValue("endpoint", r.endpoint, r.allowInsecureHTTP) }},
		{"Invalid SCP resource_manager_endpoint", r.resourceManagerEndpoint, r.resourceManagerSource, func() error {
			return checkEndpointValue("resource_manager_endpoint", r.resourceManagerEndpoint, r.allowInsecureHTTP)
		}},
		{"Invalid SCP auth_url", r.authURL, r.authURLSource, func() error { return checkAuthURLValue(r.authURL, r.allowInsecureHTTP) }},
	}
	for _, c := range checks {
		if c.value == "" {
			continue
		}
		if err := c.check(); err != nil {
			resp.Diagnostics.AddError(c.summary, err.Error()+" (the value came from "+c.source+")")
			return false
		}
	}
	return true
}

// pollerFor returns the provider's poller, making it on first use with the cloud's priors and what
// the cache remembers.
func (p *scpProvider) pollerFor(c cloud.Cloud, timings *timingsCache) *wait.Poller {
	p.pollerMu.Lock()
	defer p.pollerMu.Unlock()
	if p.poller == nil {
		opts := []wait.Option{wait.WithPriors(WaitPriors(c.Facts().Name)), wait.WithPressure(throttledRecently(c))}
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
	return []func() datasource.DataSource{NewVirtualServerDataSource, NewVolumeDataSource, NewVirtualServersDataSource, NewVolumesDataSource}
}

// The optional interfaces the provider and each resource and data source implement, checked by the
// compiler in one list beside the registrations above.
var (
	_ provider.Provider                         = (*scpProvider)(nil)
	_ provider.ProviderWithValidateConfig       = (*scpProvider)(nil)
	_ provider.ProviderWithListResources        = (*scpProvider)(nil)
	_ resource.ResourceWithConfigure            = (*virtualServerResource)(nil)
	_ resource.ResourceWithImportState          = (*virtualServerResource)(nil)
	_ resource.ResourceWithModifyPlan           = (*virtualServerResource)(nil)
	_ resource.ResourceWithConfigure            = (*volumeResource)(nil)
	_ resource.ResourceWithImportState          = (*volumeResource)(nil)
	_ resource.ResourceWithModifyPlan           = (*volumeResource)(nil)
	_ resource.ResourceWithConfigure            = (*volumeAttachmentResource)(nil)
	_ resource.ResourceWithImportState          = (*volumeAttachmentResource)(nil)
	_ resource.ResourceWithModifyPlan           = (*volumeAttachmentResource)(nil)
	_ resource.ResourceWithIdentity             = (*virtualServerResource)(nil)
	_ resource.ResourceWithIdentity             = (*volumeResource)(nil)
	_ resource.ResourceWithIdentity             = (*volumeAttachmentResource)(nil)
	_ datasource.DataSourceWithConfigure        = (*virtualServerDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*virtualServerDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*volumeDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*volumeDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*virtualServersDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*volumesDataSource)(nil)
	_ list.ListResourceWithConfigure            = (*listResource[virtualServerListModel, cloud.Server, *virtualServerModel])(nil)
	_ list.ListResourceWithConfigure            = (*listResource[volumeListModel, cloud.Volume, *volumeModel])(nil)
	_ list.ListResourceWithConfigure            = (*listResource[volumeAttachmentListModel, serverAttachment, *volumeAttachmentModel])(nil)
)

func anyUnknown(values ...types.String) bool {
	for _, v := range values {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}
