package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var _ datasource.DataSourceWithConfigure = (*volumesDataSource)(nil)

// NewVolumesDataSource is the scp_volumes data source.
func NewVolumesDataSource() datasource.DataSource { return &volumesDataSource{} }

type volumesDataSource struct{ data *providerData }

type volumesDataModel struct {
	Name     types.String      `tfsdk:"name"`
	State    types.String      `tfsdk:"state"`
	Bootable types.Bool        `tfsdk:"bootable"`
	IDs      []string          `tfsdk:"ids"`
	Volumes  []volumeDataModel `tfsdk:"volumes"`
}

func (m volumesDataModel) filter() cloud.VolumeFilter {
	f := cloud.VolumeFilter{Name: m.Name.ValueString(), State: m.State.ValueString()}
	if !m.Bootable.IsNull() {
		bootable := m.Bootable.ValueBool()
		f.Bootable = &bootable
	}
	return f
}

func (d *volumesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_volumes"
}

func (d *volumesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := volumeDataAttributes()
	item["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Volume id."}
	item["name"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Volume name."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The block storage volumes that match every filter given (all of them without filters), read " +
			"page by page to the end. The filters are the API's own (`GET /v1/volumes`), which Cinder-based clouds offer too. " +
			"Each volume has the attributes of the `scp_volume` data source.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only volumes with exactly this name.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"state": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only volumes in this state, such as `available` or `in-use`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"bootable": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Only volumes that hold an OS image (`true`: servers' OS volumes among them) or only " +
					"those that do not (`false`). Unset: both.",
			},
			"ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Ids of the volumes found, in the order the API lists them.",
			},
			"volumes": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The volumes found, in the order of `ids`.",
				NestedObject: schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *volumesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *volumesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	lister, ok := d.data.lister("scp_volumes", "scp_volume", &resp.Diagnostics)
	if !ok {
		return
	}
	var config volumesDataModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	volumes, err := lister.ListVolumes(ctx, config.filter())
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the volumes", listErrorDetail(d.data.cloud, err))
		return
	}
	models, err := describeAll(ctx, volumes, func(ctx context.Context, v *cloud.Volume) (volumeDataModel, error) {
		return d.data.describeVolume(ctx, v)
	})
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the volumes listed", err)
		return
	}
	config.Volumes = models
	config.IDs = make([]string, 0, len(models))
	for _, m := range models {
		config.IDs = append(config.IDs, m.ID.ValueString())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
