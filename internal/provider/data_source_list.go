package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// The list forms, scp_virtual_servers and scp_volumes: every object that matches the API's own
// filters, read page by page to the end. Both are one listDataSource; what differs is the schema,
// the list call and the model.

type (
	virtualServersDataSource = listDataSource[cloud.Server, serverDataModel, virtualServersDataModel]
	volumesDataSource        = listDataSource[cloud.Volume, volumeDataModel, volumesDataModel]
)

// NewVirtualServersDataSource is the scp_virtual_servers data source.
func NewVirtualServersDataSource() datasource.DataSource {
	return &virtualServersDataSource{dataSource: "scp_virtual_servers", single: "scp_virtual_server", kind: "server",
		schema: virtualServersSchema, list: virtualServersDataModel.list, describe: (*providerData).describeServer,
		record: (*virtualServersDataModel).record}
}

// NewVolumesDataSource is the scp_volumes data source.
func NewVolumesDataSource() datasource.DataSource {
	return &volumesDataSource{dataSource: "scp_volumes", single: "scp_volume", kind: "volume",
		schema: volumesSchema, list: volumesDataModel.list, describe: (*providerData).describeVolume,
		record: (*volumesDataModel).record}
}

// listDataSource lists objects of type T, describes each as the model M, and records them in the
// configuration's model C.
type listDataSource[T, M, C any] struct {
	data               *providerData
	dataSource, single string
	kind               string
	schema             func() schema.Schema
	// list is the API's listing with the configuration's filters.
	list     func(C, context.Context, cloud.Lister) ([]T, error)
	describe func(*providerData, context.Context, *T) (M, error)
	// record puts the objects described, in the order listed, into the configuration's model.
	record func(*C, []M)
}

func (d *listDataSource[T, M, C]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + strings.TrimPrefix(d.dataSource, "scp")
}

func (d *listDataSource[T, M, C]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schema()
}

func (d *listDataSource[T, M, C]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *listDataSource[T, M, C]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	lister, ok := d.data.lister(d.dataSource, d.single, &resp.Diagnostics)
	if !ok {
		return
	}
	var config C
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	objects, err := d.list(config, ctx, lister)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the "+d.kind+"s", listErrorDetail(d.data.cloud, err))
		return
	}
	models, err := describeAll(ctx, objects, func(ctx context.Context, object *T) (M, error) {
		return d.describe(d.data, ctx, object)
	})
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the "+d.kind+"s listed", err)
		return
	}
	d.record(&config, models)
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

func (m virtualServersDataModel) filter() cloud.ServerFilter {
	return cloud.ServerFilter{
		Name: m.Name.ValueString(), State: m.State.ValueString(), IP: m.IP.ValueString(), VpcID: m.VpcID.ValueString(),
		ServerTypeID: m.ServerTypeID.ValueString(), ProductCategory: m.ProductCategory.ValueString(),
		ProductOfferings: stringValues(m.ProductOfferings),
	}
}

func (m volumesDataModel) filter() cloud.VolumeFilter {
	return volumeFilter(m.Name, m.State, m.Bootable)
}

func (m virtualServersDataModel) list(ctx context.Context, l cloud.Lister) ([]cloud.Server, error) {
	return l.ListServers(ctx, m.filter())
}

func (m volumesDataModel) list(ctx context.Context, l cloud.Lister) ([]cloud.Volume, error) {
	return l.ListVolumes(ctx, m.filter())
}

func (m *virtualServersDataModel) record(servers []serverDataModel) {
	m.Servers, m.IDs = servers, idsOf(servers, func(s serverDataModel) types.String { return s.ID })
}

func (m *volumesDataModel) record(volumes []volumeDataModel) {
	m.Volumes, m.IDs = volumes, idsOf(volumes, func(v volumeDataModel) types.String { return v.ID })
}

func virtualServersSchema() schema.Schema {
	s := schema.Schema{
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
		},
	}
	addFoundAttributes("servers", " (newest first on SCP)", listItem("server", serverDataAttributes()), s.Attributes)
	return s
}

func volumesSchema() schema.Schema {
	s := schema.Schema{
		MarkdownDescription: "The block storage volumes that match every filter given (all of them without filters), read " +
			"page by page to the end. The filters are the API's own (`GET /v1/volumes`), which Cinder-based clouds offer too. " +
			"Each volume has the attributes of the `scp_volume` data source.",
		Attributes: map[string]schema.Attribute{
			"name":  filter("Only volumes with exactly this name."),
			"state": filter("Only volumes in this state, such as `available` or `in-use`."),
			"bootable": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Only volumes that hold an OS image (`true`: servers' OS volumes among them) or only " +
					"those that do not (`false`). Unset: both.",
			},
		},
	}
	addFoundAttributes("volumes", "", listItem("volume", volumeDataAttributes()), s.Attributes)
	return s
}

// filter is a string filter of a list form.
func filter(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, MarkdownDescription: description,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// addFoundAttributes adds what a list form found: the ids, and the objects (each with the
// attributes item) under plural, both in the order the API lists them (order says more of it).
func addFoundAttributes(plural, order string, item map[string]schema.Attribute, attributes map[string]schema.Attribute) {
	attributes["ids"] = schema.ListAttribute{
		Computed: true, ElementType: types.StringType,
		MarkdownDescription: fmt.Sprintf("Ids of the %s found, in the order the API lists them%s.", plural, order),
	}
	attributes[plural] = schema.ListNestedAttribute{
		Computed: true, MarkdownDescription: fmt.Sprintf("The %s found, in the order of `ids`.", plural),
		NestedObject: schema.NestedAttributeObject{Attributes: item},
	}
}

// listItem is one item of a list form: the object's attributes, with its id and name read.
func listItem(kind string, attributes map[string]schema.Attribute) map[string]schema.Attribute {
	return withAttributes(attributes, map[string]schema.Attribute{
		"id":   schema.StringAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("%s id.", capitalized(kind))},
		"name": schema.StringAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("%s name.", capitalized(kind))},
	})
}

func capitalized(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// idsOf is the ids of the models, in their order.
func idsOf[M any](models []M, id func(M) types.String) []string {
	ids := make([]string, 0, len(models))
	for _, m := range models {
		ids = append(ids, id(m).ValueString())
	}
	return ids
}

// describeParallel is how many objects of a list form are described at once: each takes a read or
// two, and the client already retries what the API throttles.
const describeParallel = 4

// describeAll describes every item, describeParallel at a time, keeping their order. An item that
// is gone by the time it is described (deleted since the listing) is left out.
func describeAll[T any, M any](ctx context.Context, items []T, describe func(context.Context, *T) (M, error)) ([]M, error) {
	out := make([]M, len(items))
	keep := make([]bool, len(items))
	errs := make([]error, len(items))
	sem := make(chan struct{}, describeParallel)
	var wg sync.WaitGroup
	for i := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			m, err := describe(ctx, &items[i])
			switch {
			case cloud.IsGone(err):
			case err != nil:
				errs[i] = err
			default:
				out[i], keep[i] = m, true
			}
		}(i)
	}
	wg.Wait()
	kept := make([]M, 0, len(items))
	for i := range items {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if keep[i] {
			kept = append(kept, out[i])
		}
	}
	return kept, nil
}

// lister is the configured cloud's optional list calls, or an error diagnostic that says listing
// is not supported there.
func (d *providerData) lister(dataSource, single string, diags *diag.Diagnostics) (cloud.Lister, bool) {
	return d.cloudLister(fmt.Sprintf("The %s data source lists objects by filter", dataSource),
		fmt.Sprintf("Look objects up one at a time with the %s data source (by id, or by a name only one of them has).", single), diags)
}

// listErrorDetail explains a failed listing; a refusal of the call as invalid is about the filters.
func listErrorDetail(c cloud.Cloud, err error) string {
	return listingErrorDetail(c, err, "Check this data source's filters")
}
