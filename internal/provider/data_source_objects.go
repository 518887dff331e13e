package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// What the four data sources share: the attributes of one server and of one volume (the single
// forms have them at the top, the list forms once per item), how an object the cloud describes
// becomes them, and the messages of a look-up that does not find exactly one.

// serverDataModel is one server as scp_virtual_server shows it and as each item of
// scp_virtual_servers does.
type serverDataModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	ImageID      types.String `tfsdk:"image_id"`
	ServerTypeID types.String `tfsdk:"server_type_id"`
	KeypairName  types.String `tfsdk:"keypair_name"`
	Lock         types.Bool   `tfsdk:"lock"`
	State        types.String `tfsdk:"state"`
	OSVolumeID   types.String `tfsdk:"os_volume_id"`
	VolumeIDs    []string     `tfsdk:"volume_ids"`
	VpcID        types.String `tfsdk:"vpc_id"`
	CreatedAt    types.String `tfsdk:"created_at"`
	Tags         types.Map    `tfsdk:"tags"`
}

// volumeDataModel is one volume as scp_volume shows it and as each item of scp_volumes does.
type volumeDataModel struct {
	ID            types.String           `tfsdk:"id"`
	Name          types.String           `tfsdk:"name"`
	Size          types.Int64            `tfsdk:"size"`
	VolumeType    types.String           `tfsdk:"volume_type"`
	MaxIOPS       types.Int64            `tfsdk:"max_iops"`
	MaxThroughput types.Int64            `tfsdk:"max_throughput"`
	State         types.String           `tfsdk:"state"`
	Bootable      types.Bool             `tfsdk:"bootable"`
	Multiattach   types.Bool             `tfsdk:"multiattach"`
	CreatedAt     types.String           `tfsdk:"created_at"`
	Attachments   []volumeDataAttachment `tfsdk:"attachments"`
	Tags          types.Map              `tfsdk:"tags"`
}

type volumeDataAttachment struct {
	ServerID types.String `tfsdk:"server_id"`
	Device   types.String `tfsdk:"device"`
}

const tagsDataDescription = "Tags of the %s, read through SCP Resource Manager. Null when this provider configuration " +
	"cannot read tags (it needs Resource Manager's endpoint, from the endpoint catalog of `auth_url` or from " +
	"`resource_manager_endpoint`, and `account_id` and the region); an empty map when the %s has none."

// lookupAttributes are id and name of a single form: exactly one of them is given, the other is read.
func lookupAttributes(kind, listForm string) (id, name dsschema.StringAttribute) {
	id = dsschema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: fmt.Sprintf("Id of the %s to read. Exactly one of `id` and `name` is given.", kind),
		Validators:          []validator.String{validID(kind)},
	}
	name = dsschema.StringAttribute{
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

// serverDataAttributes are a server's attributes; id and name are the caller's.
func serverDataAttributes() map[string]dsschema.Attribute {
	computed := func(description string) dsschema.StringAttribute {
		return dsschema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	return map[string]dsschema.Attribute{
		"image_id":       computed("Image the server was created from."),
		"server_type_id": computed("Server type (flavour), such as `s1v2m4`."),
		"keypair_name":   computed("Key pair of the server; null when it has none."),
		"lock": dsschema.BoolAttribute{
			Computed: true, MarkdownDescription: "Whether the server's lock is set (SCP refuses to delete a locked server).",
		},
		"state": computed("Server state as the cloud reports it (`ACTIVE`, `SHUTOFF`, ...)."),
		"os_volume_id": computed("Id of the server's OS default volume, found as the `scp_virtual_server` resource finds it (on SCP, " +
			"the attachment on `/dev/vda` or `/dev/sda`); null when the server lists none. An `scp_volume_attachment` " +
			"of this volume is refused at plan time, and so is a plan that would detach it. Its size and type: the " +
			"`scp_volume` data source with `id = <this>`."),
		"volume_ids": dsschema.ListAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Every volume the server's description lists, the OS volume included, in the order the API gives.",
		},
		"vpc_id":     computed("VPC the server is in."),
		"created_at": computed("Creation time (RFC 3339)."),
		"tags": dsschema.MapAttribute{
			Computed: true, ElementType: types.StringType, MarkdownDescription: fmt.Sprintf(tagsDataDescription, "server", "server"),
		},
	}
}

// volumeDataAttributes are a volume's attributes; id and name are the caller's.
func volumeDataAttributes() map[string]dsschema.Attribute {
	return map[string]dsschema.Attribute{
		"size":        dsschema.Int64Attribute{Computed: true, MarkdownDescription: "Size in GiB."},
		"volume_type": dsschema.StringAttribute{Computed: true, MarkdownDescription: "Volume type, such as `SSD`."},
		"max_iops": dsschema.Int64Attribute{
			Computed: true, MarkdownDescription: "Provisioned IOPS; null when the volume has none.",
		},
		"max_throughput": dsschema.Int64Attribute{
			Computed: true, MarkdownDescription: "Provisioned throughput (MB/s); null when the volume has none.",
		},
		"state":       dsschema.StringAttribute{Computed: true, MarkdownDescription: "Volume state (`available`, `in-use`, ...)."},
		"bootable":    dsschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the volume holds an OS image."},
		"multiattach": dsschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the volume can be attached to several servers."},
		"created_at":  dsschema.StringAttribute{Computed: true, MarkdownDescription: "Creation time (RFC 3339)."},
		"attachments": dsschema.ListNestedAttribute{
			Computed: true,
			MarkdownDescription: "The servers the volume lists itself attached to. A server's OS volume is attached on " +
				"`/dev/vda` or `/dev/sda`; use the `scp_virtual_server` data source's `os_volume_id` to tell for sure.",
			NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
				"server_id": dsschema.StringAttribute{Computed: true, MarkdownDescription: "Server the volume is attached to."},
				"device":    dsschema.StringAttribute{Computed: true, MarkdownDescription: "Device name on that server, such as `/dev/vdb`."},
			}},
		},
		"tags": dsschema.MapAttribute{
			Computed: true, ElementType: types.StringType, MarkdownDescription: fmt.Sprintf(tagsDataDescription, "volume", "volume"),
		},
	}
}

// withAttributes adds more to attributes and returns it.
func withAttributes(attributes map[string]dsschema.Attribute, more map[string]dsschema.Attribute) map[string]dsschema.Attribute {
	for k, v := range more {
		attributes[k] = v
	}
	return attributes
}

// dataTags reads an object's tags when this configuration can, and is null otherwise.
func (d *providerData) dataTags(ctx context.Context, kind cloud.ObjectKind, id string) (types.Map, error) {
	// Why tags cannot be read is the attribute description's to say: they are left null.
	if readable := d.cloud.TagsUnavailable() == nil; !readable {
		return types.MapNull(types.StringType), nil
	}
	tags, err := d.cloud.Tags(ctx, kind, id)
	if err != nil {
		return types.MapNull(types.StringType), err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	m, diags := types.MapValueFrom(ctx, types.StringType, tags)
	if diags.HasError() {
		return m, fmt.Errorf("the tags of %s %s are not a map of strings", kind, id)
	}
	return m, nil
}

// describeServer is what the data sources show of server: its description, its OS volume (one
// more read: its attachments) and its tags (one more, when this configuration can read them).
func (d *providerData) describeServer(ctx context.Context, server *cloud.Server) (serverDataModel, error) {
	osVolumeID, err := d.osVolumeID(ctx, server, "")
	if err != nil {
		return serverDataModel{}, fmt.Errorf("reading the volumes of server %s: %w", server.ID, err)
	}
	tags, err := d.dataTags(ctx, cloud.KindServer, server.ID)
	if err != nil {
		return serverDataModel{}, fmt.Errorf("reading the tags of server %s: %w", server.ID, err)
	}
	volumeIDs := append([]string{}, server.VolumeIDs...)
	return serverDataModel{
		ID: types.StringValue(server.ID), Name: types.StringValue(server.Name),
		ImageID: optionalString(server.ImageID), ServerTypeID: optionalString(server.ServerTypeID),
		KeypairName: optionalString(server.KeypairName), Lock: types.BoolValue(server.Locked),
		State: types.StringValue(server.State), OSVolumeID: optionalString(osVolumeID), VolumeIDs: volumeIDs,
		VpcID: optionalString(server.VpcID), CreatedAt: optionalString(server.CreatedAt), Tags: tags,
	}, nil
}

// describeVolume is what the data sources show of volume: its description and its tags.
func (d *providerData) describeVolume(ctx context.Context, volume *cloud.Volume) (volumeDataModel, error) {
	tags, err := d.dataTags(ctx, cloud.KindVolume, volume.ID)
	if err != nil {
		return volumeDataModel{}, fmt.Errorf("reading the tags of volume %s: %w", volume.ID, err)
	}
	attachments := []volumeDataAttachment{}
	for _, s := range volume.Servers {
		attachments = append(attachments, volumeDataAttachment{ServerID: types.StringValue(s.ServerID), Device: optionalString(s.Device)})
	}
	return volumeDataModel{
		ID: types.StringValue(volume.ID), Name: types.StringValue(volume.Name), Size: types.Int64Value(volume.Size),
		VolumeType: optionalString(volume.Type), MaxIOPS: optionalInt64(volume.MaxIOPS),
		MaxThroughput: optionalInt64(volume.MaxThroughput), State: types.StringValue(volume.State),
		Bootable: types.BoolValue(volume.Bootable), Multiattach: types.BoolValue(volume.Multiattach),
		CreatedAt: optionalString(volume.CreatedAt), Attachments: attachments, Tags: tags,
	}, nil
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
	if !d.ready(diags) {
		return nil, false
	}
	l, ok := d.cloud.(cloud.Lister)
	if !ok {
		diags.AddError(fmt.Sprintf("Listing is not supported on %s", d.cloud.Name()),
			fmt.Sprintf("The %s data source lists objects by filter, which this provider cannot do yet on %s. "+
				"Look objects up one at a time with the %s data source (by id, or by a name only one of them has).",
				dataSource, d.cloud.Name(), single))
		return nil, false
	}
	return l, true
}

// listErrorDetail explains a failed listing; a refusal of the call as invalid is about the filters.
func listErrorDetail(c cloud.Cloud, err error) string {
	if cloud.IsRejected(err) {
		return fmt.Sprintf("%s refused the listing as asked: %v\n\nCheck this data source's filters: remove those the "+
			"message names, or correct their values. Nothing was changed.", c.Name(), err)
	}
	return errorDetail(err)
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

// lookup is how a single-object data source finds its object on the cloud.
type lookup[T any] struct {
	kind, dataSource, listForm string
	byID                       func(context.Context, string) (*T, error)
	byName                     func(context.Context, string) ([]T, error)
	// describe names one match for the error that lists several.
	describe func(T) string
}

// findOne is the object the configuration names: by id, or the only one with the name. None, or
// several, is an error that says what was found and what to do.
func findOne[T any](ctx context.Context, c cloud.Cloud, l lookup[T], id, name types.String, diags *diag.Diagnostics) (*T, bool) {
	if !id.IsNull() {
		object, err := l.byID(ctx, id.ValueString())
		switch {
		case cloud.IsGone(err):
			diags.AddError("The "+l.kind+" does not exist", goneDetail(c.Name(), l.kind, id.ValueString(), l.dataSource, err))
			return nil, false
		case err != nil:
			addError(diags, "Cannot read the "+l.kind, err)
			return nil, false
		}
		return object, true
	}
	objects, err := l.byName(ctx, name.ValueString())
	if err != nil {
		addError(diags, fmt.Sprintf("Cannot list the %ss named %q", l.kind, name.ValueString()), err)
		return nil, false
	}
	switch len(objects) {
	case 0:
		diags.AddError("No "+l.kind+" has this name", noMatchDetail(c.Name(), l.kind, name.ValueString(), l.listForm))
		return nil, false
	case 1:
		return &objects[0], true
	}
	found := make([]string, 0, len(objects))
	for _, o := range objects {
		found = append(found, l.describe(o))
	}
	diags.AddError(fmt.Sprintf("%d %ss have this name", len(objects), l.kind), ambiguousDetail(l.kind, name.ValueString(), found, l.listForm))
	return nil, false
}
