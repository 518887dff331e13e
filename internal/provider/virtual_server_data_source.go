package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var (
	_ datasource.DataSourceWithConfigure        = (*virtualServerDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*virtualServerDataSource)(nil)
)

// NewVirtualServerDataSource is the scp_virtual_server data source.
func NewVirtualServerDataSource() datasource.DataSource { return &virtualServerDataSource{} }

type virtualServerDataSource struct{ data *providerData }

func (d *virtualServerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_virtual_server"
}

func (d *virtualServerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	id, name := lookupAttributes("server", "scp_virtual_servers")
	resp.Schema = schema.Schema{
		MarkdownDescription: "One existing virtual server, by id or by a name only it has, for servers this configuration does " +
			"not manage. Its `os_volume_id` is the server's OS default volume: an `scp_volume_attachment` of a volume to this " +
			"server keeps the same protection as with a managed server (its OS volume is never attached twice nor detached).",
		Attributes: withAttributes(serverDataAttributes(), map[string]schema.Attribute{"id": id, "name": name}),
	}
}

func (d *virtualServerDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return exactlyOneOfIDAndName()
}

func (d *virtualServerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *virtualServerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	config, ok := getModel[serverDataModel](ctx, d.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	server, ok := d.find(ctx, config, resp)
	if !ok {
		return
	}
	model, err := d.data.describeServer(ctx, server)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the server", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// find is the server the configuration names: by id, or the only one with the name.
func (d *virtualServerDataSource) find(ctx context.Context, config serverDataModel, resp *datasource.ReadResponse) (*cloud.Server, bool) {
	return findOne(ctx, d.data.cloud, lookup[cloud.Server]{
		kind: "server", dataSource: "scp_virtual_server", listForm: "scp_virtual_servers",
		byID: d.data.cloud.Server, byName: d.data.cloud.ServersNamed,
		describe: func(s cloud.Server) string { return fmt.Sprintf("%s (%s, created %s)", s.ID, s.State, s.CreatedAt) },
	}, config.ID, config.Name, &resp.Diagnostics)
}
