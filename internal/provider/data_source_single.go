package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// The single forms, scp_virtual_server and scp_volume: one existing object, by id or by a name only
// it has. Both are one singleDataSource; what differs is the lookup and the model.

type (
	virtualServerDataSource = singleDataSource[cloud.Server, serverDataModel]
	volumeDataSource        = singleDataSource[cloud.Volume, volumeDataModel]
)

// NewVirtualServerDataSource is the scp_virtual_server data source.
func NewVirtualServerDataSource() datasource.DataSource {
	return &virtualServerDataSource{
		lookup: lookup[cloud.Server]{
			kind: "server", dataSource: "scp_virtual_server", listForm: "scp_virtual_servers",
			byID: cloud.Cloud.Server, byName: cloud.Cloud.ServersNamed,
			label: func(s cloud.Server) string { return fmt.Sprintf("%s (%s, created %s)", s.ID, s.State, s.CreatedAt) },
		},
		description: "One existing virtual server, by id or by a name only it has, for servers this configuration does " +
			"not manage. Its `os_volume_id` is the server's OS default volume: an `scp_volume_attachment` of a volume to this " +
			"server keeps the same protection as with a managed server (its OS volume is never attached twice nor detached).",
		attributes: serverDataAttributes,
		key:        func(m serverDataModel) (types.String, types.String) { return m.ID, m.Name },
		describe:   (*providerData).describeServer,
	}
}

// NewVolumeDataSource is the scp_volume data source.
func NewVolumeDataSource() datasource.DataSource {
	return &volumeDataSource{
		lookup: lookup[cloud.Volume]{
			kind: "volume", dataSource: "scp_volume", listForm: "scp_volumes",
			byID: cloud.Cloud.Volume, byName: cloud.Cloud.VolumesNamed,
			label: func(v cloud.Volume) string {
				return fmt.Sprintf("%s (%s, %d GiB, created %s)", v.ID, v.State, v.Size, v.CreatedAt)
			},
		},
		description: "One existing block storage volume, by id or by a name only it has, for volumes this configuration " +
			"does not manage: attach it with `scp_volume_attachment` (`volume_id = data.scp_volume.<name>.id`).",
		attributes: volumeDataAttributes,
		key:        func(m volumeDataModel) (types.String, types.String) { return m.ID, m.Name },
		describe:   (*providerData).describeVolume,
	}
}

// singleDataSource reads one object of type T into the model M.
type singleDataSource[T, M any] struct {
	data        *providerData
	lookup      lookup[T]
	description string
	// attributes are the object's, without id and name.
	attributes func() map[string]schema.Attribute
	// key is the configuration's id and name, one of them null.
	key      func(M) (id, name types.String)
	describe func(*providerData, context.Context, *T) (M, error)
}

func (d *singleDataSource[T, M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + strings.TrimPrefix(d.lookup.dataSource, "scp")
}

func (d *singleDataSource[T, M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	id, name := lookupAttributes(d.lookup.kind, d.lookup.listForm)
	resp.Schema = schema.Schema{
		MarkdownDescription: d.description,
		Attributes:          withAttributes(d.attributes(), map[string]schema.Attribute{"id": id, "name": name}),
	}
}

func (d *singleDataSource[T, M]) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return exactlyOneOfIDAndName()
}

func (d *singleDataSource[T, M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *singleDataSource[T, M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	config, ok := getModel[M](ctx, d.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	id, name := d.key(config)
	object, ok := findOne(ctx, d.data.cloud, d.lookup, id, name, &resp.Diagnostics)
	if !ok {
		return
	}
	model, err := d.describe(d.data, ctx, object)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the "+d.lookup.kind, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// lookupAttributes are id and name of a single form: exactly one of them is given, the other is read.
func lookupAttributes(kind, listForm string) (id, name schema.StringAttribute) {
	id = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: fmt.Sprintf("Id of the %s to read. Exactly one of `id` and `name` is given.", kind),
		Validators:          []validator.String{validID(kind)},
	}
	name = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: fmt.Sprintf("Name of the %s to read, compared exactly. Exactly one %s must have it: "+
			"none, or several, is an error that lists the ids found (then give `id`, or list them with `%s`).", kind, kind, listForm),
	}
	return id, name
}

// exactlyOneOfIDAndName is the single forms' configuration rule.
func exactlyOneOfIDAndName() []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

// lookup is how a single form finds its object on the cloud.
type lookup[T any] struct {
	kind, dataSource, listForm string
	byID                       func(cloud.Cloud, context.Context, string) (*T, error)
	byName                     func(cloud.Cloud, context.Context, string) ([]T, error)
	// label names one match for the error that lists several.
	label func(T) string
}

// goneDetail says that an object looked up by id does not exist.
func goneDetail(cloudName, kind, id, dataSource string, err error) string {
	return fmt.Sprintf("%s says %s %s does not exist: %v\n\nCheck the id (an object deleted since the id was copied "+
		"is gone for good), or look the %s up by name: %s with name = \"...\" instead of id.", cloudName, kind, id, err, kind, dataSource)
}

// noMatchDetail says that no object has the name.
func noMatchDetail(cloudName, kind, name, listForm string) string {
	return fmt.Sprintf("%s lists no %s named %q. Names are compared exactly, case and spaces included: check the name, "+
		"give the %s's id instead, or find it with the %s data source and its filters.", cloudName, kind, name, kind, listForm)
}

// ambiguousDetail lists the objects that share the name, so that one can be picked by id.
func ambiguousDetail(kind, name string, found []string, listForm string) string {
	return fmt.Sprintf("A look-up by name needs exactly one %s with that name; these %d have %q:\n\n  %s\n\n"+
		"Give id = \"<one of them>\" instead of name, rename the others, or read them all with the %s data source (name = %q).",
		kind, len(found), name, strings.Join(found, "\n  "), listForm, name)
}

// findOne is the object the configuration names: by id, or the only one with the name. None, or
// several, is an error that says what was found and what to do.
func findOne[T any](ctx context.Context, c cloud.Cloud, l lookup[T], id, name types.String, diags *diag.Diagnostics) (*T, bool) {
	if !id.IsNull() {
		object, err := l.byID(c, ctx, id.ValueString())
		switch {
		case cloud.IsGone(err):
			diags.AddError("The "+l.kind+" does not exist", goneDetail(c.Facts().Name, l.kind, id.ValueString(), l.dataSource, err))
			return nil, false
		case err != nil:
			addError(diags, "Cannot read the "+l.kind, err)
			return nil, false
		}
		return object, true
	}
	objects, err := l.byName(c, ctx, name.ValueString())
	if err != nil {
		addError(diags, fmt.Sprintf("Cannot list the %ss named %q", l.kind, name.ValueString()), err)
		return nil, false
	}
	switch len(objects) {
	case 0:
		diags.AddError("No "+l.kind+" has this name", noMatchDetail(c.Facts().Name, l.kind, name.ValueString(), l.listForm))
		return nil, false
	case 1:
		return &objects[0], true
	}
	found := make([]string, 0, len(objects))
	for _, o := range objects {
		found = append(found, l.label(o))
	}
	diags.AddError(fmt.Sprintf("%d %ss have this name", len(objects), l.kind), ambiguousDetail(l.kind, name.ValueString(), found, l.listForm))
	return nil, false
}
