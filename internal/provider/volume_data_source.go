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
	c := d.data.cloud
	if !config.ID.IsNull() {
		id := config.ID.ValueString()
		volume, err := c.Volume(ctx, id)
		switch {
		case cloud.IsGone(err):
			resp.Diagnostics.AddError("The volume does not exist", goneDetail(c.Name(), "volume", id, "scp_volume", err))
			return nil, false
		case err != nil:
			addError(&resp.Diagnostics, "Cannot read the volume", err)
			return nil, false
		}
		return volume, true
	}
	name := config.Name.ValueString()
	volumes, err := c.VolumesNamed(ctx, name)
	if err != nil {
		addError(&resp.Diagnostics, fmt.Sprintf("Cannot list the volumes named %q", name), err)
		return nil, false
	}
	switch len(volumes) {
	case 0:
		resp.Diagnostics.AddError("No volume has this name", noMatchDetail(c.Name(), "volume", name, "scp_volumes"))
		return nil, false
	case 1:
		return &volumes[0], true
	}
	found := make([]string, 0, len(volumes))
	for _, v := range volumes {
		found = append(found, fmt.Sprintf("%s (%s, %d GiB, created %s)", v.ID, v.State, v.Size, v.CreatedAt))
	}
	resp.Diagnostics.AddError(fmt.Sprintf("%d volumes have this name", len(volumes)),
		ambiguousDetail("volume", name, found, "scp_volumes"))
	return nil, false
}
