package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var (
	_ datasource.DataSourceWithConfigure        = (*volumeDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*volumeDataSource)(nil)
)

// NewVolumeDataSource is the scp_volume data source.
func NewVolumeDataSource() datasource.DataSource { return &volumeDataSource{} }

type volumeDataSource struct{ data *providerData }

func (d *volumeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_volume"
}

func (d *volumeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	id, name := lookupAttributes("volume", "scp_volumes")
	resp.Schema = schema.Schema{
		MarkdownDescription: "One existing block storage volume, by id or by a name only it has, for volumes this configuration " +
			"does not manage: attach it with `scp_volume_attachment` (`volume_id = data.scp_volume.<name>.id`).",
		Attributes: withAttributes(volumeDataAttributes(), map[string]schema.Attribute{"id": id, "name": name}),
	}
}

func (d *volumeDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return exactlyOneOfIDAndName()
}

func (d *volumeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *volumeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	config, ok := getModel[volumeDataModel](ctx, d.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	volume, ok := d.find(ctx, config, resp)
	if !ok {
		return
	}
	model, err := d.data.describeVolume(ctx, volume)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the volume", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// find is the volume the configuration names: by id, or the only one with the name.
func (d *volumeDataSource) find(ctx context.Context, config volumeDataModel, resp *datasource.ReadResponse) (*cloud.Volume, bool) {
	return findOne(ctx, d.data.cloud, lookup[cloud.Volume]{
		kind: "volume", dataSource: "scp_volume", listForm: "scp_volumes",
		byID: d.data.cloud.Volume, byName: d.data.cloud.VolumesNamed,
		describe: func(v cloud.Volume) string {
			return fmt.Sprintf("%s (%s, %d GiB, created %s)", v.ID, v.State, v.Size, v.CreatedAt)
		},
	}, config.ID, config.Name, &resp.Diagnostics)
}
