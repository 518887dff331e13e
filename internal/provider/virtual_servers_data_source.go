package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var _ datasource.DataSourceWithConfigure = (*virtualServersDataSource)(nil)

// NewVirtualServersDataSource is the scp_virtual_servers data source.
func NewVirtualServersDataSource() datasource.DataSource { return &virtualServersDataSource{} }

type virtualServersDataSource struct{ data *providerData }

type virtualServersDataModel struct {
	Name             types.String      `tfsdk:"name"`
	State            types.String      `tfsdk:"state"`
	IP               types.String      `tfsdk:"ip"`
	VpcID            types.String      `tfsdk:"vpc_id"`
	ServerTypeID     types.String      `tfsdk:"server_type_id"`
	ProductCategory  types.String      `tfsdk:"product_category"`
	ProductOfferings []types.String    `tfsdk:"product_offerings"`
	IDs              []string          `tfsdk:"ids"`
	Servers          []serverDataModel `tfsdk:"servers"`
}

func (m virtualServersDataModel) filter() cloud.ServerFilter {
	return cloud.ServerFilter{
		Name: m.Name.ValueString(), State: m.State.ValueString(), IP: m.IP.ValueString(), VpcID: m.VpcID.ValueString(),
		ServerTypeID: m.ServerTypeID.ValueString(), ProductCategory: m.ProductCategory.ValueString(),
		ProductOfferings: stringValues(m.ProductOfferings),
	}
}

func (d *virtualServersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_virtual_servers"
}

func (d *virtualServersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(description string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, MarkdownDescription: description,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	item := serverDataAttributes()
	item["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Server id."}
	item["name"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Server name."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The virtual servers that match every filter given (all of them without filters), read page by page " +
			"to the end. The filters are the API's own (`GET /v1/servers`): `name` and `state` are offered by every cloud that " +
			"lists servers; the others are SCP's, and a cloud that cannot apply one refuses it by name. Each server has the attributes of the `scp_virtual_server` data source, " +
			"which costs one read of its volumes (and one of its tags, when tags can be read) per server.",
		Attributes: map[string]schema.Attribute{
			"name":   filter("Only servers with exactly this name."),
			"state":  filter("Only servers in this state, such as `ACTIVE` or `SHUTOFF`."),
			"ip":     filter("Only the server with this IP address. SCP's filter; OpenStack clouds apply Nova's."),
			"vpc_id": filter("Only servers in this VPC. SCP only: other clouds refuse it."),
			"server_type_id": filter("Only servers of this server type, such as `s1v2m4` (on OpenStack clouds, the flavor id). " +
				"SCP's filter; OpenStack clouds apply Nova's."),
			"product_category": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only servers of this product category: `compute` or `container`. SCP only: other clouds refuse it.",
				Validators: []validator.String{stringvalidator.OneOf("compute", "container")},
			},
			"product_offerings": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only servers of one of these product offerings: `virtual_server`, `gpu_server`, `k8s_vm`, " +
					"`k8s_gpu_vm`. SCP only: other clouds refuse it.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf("virtual_server", "gpu_server", "k8s_vm", "k8s_gpu_vm")),
				},
			},
			"ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Ids of the servers found, in the order the API lists them (newest first on SCP).",
			},
			"servers": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The servers found, in the order of `ids`.",
				NestedObject: schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *virtualServersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *virtualServersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	lister, ok := d.data.lister("scp_virtual_servers", "scp_virtual_server", &resp.Diagnostics)
	if !ok {
		return
	}
	var config virtualServersDataModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	servers, err := lister.ListServers(ctx, config.filter())
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the servers", listErrorDetail(d.data.cloud, err))
		return
	}
	models, err := describeAll(ctx, servers, func(ctx context.Context, s *cloud.Server) (serverDataModel, error) {
		return d.data.describeServer(ctx, s)
	})
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the servers listed", err)
		return
	}
	config.Servers = models
	config.IDs = make([]string, 0, len(models))
	for _, m := range models {
		config.IDs = append(config.IDs, m.ID.ValueString())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
