package provider

import (
	"context"
	"fmt"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// What the four data sources share: the attributes of one server and of one volume (the single
// forms have them at the top, the list forms once per item) and how an object the cloud describes
// becomes them. The single forms are in data_source_single.go, the list forms in data_source_list.go.

const tagsDataDescription = "Tags of the %s, read through SCP Resource Manager. Null when this provider configuration " +
	"cannot read tags (it needs Resource Manager's endpoint, from the endpoint catalog of `auth_url` or from " +
	"`resource_manager_endpoint`, and `account_id` and the region); an empty map when the %s has none."

// serverDataAttributes are a server's attributes; id and name are the caller's.
func serverDataAttributes() map[string]dsschema.Attribute {
	computed := func(description string) dsschema.StringAttribute {
		return dsschema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	return map[string]dsschema.Attribute{
		"image_id": computed("Image the server was created from."),
		"server_type_id": computed("Server type: its id, such as `s1v2m4` on SCP; on OpenStack the flavor's id, or its name " +
			"when the flavor can no longer be listed (Nova shows a server's flavor by name only)."),
		"keypair_name": computed("Key pair of the server; null when it has none."),
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
	tagger, ok := cloud.Capability[cloud.Tagger](d.cloud)
	if !ok {
		return types.MapNull(types.StringType), nil
	}
	tags, err := tagger.Tags(ctx, kind, id)
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
		ImageID: optionalString(server.ImageID), ServerTypeID: optionalString(serverTypeOf(server)),
		KeypairName: optionalString(server.KeypairName), Lock: types.BoolValue(server.Locked),
		State: types.StringValue(server.State), OSVolumeID: optionalString(osVolumeID), VolumeIDs: volumeIDs,
		VpcID: optionalString(server.VpcID), CreatedAt: optionalString(server.CreatedAt), Tags: tags,
	}, nil
}

// serverTypeOf is the server's type for the data sources: its id, else the name the cloud shows.
func serverTypeOf(server *cloud.Server) string {
	if server.ServerTypeID != "" {
		return server.ServerTypeID
	}
	return server.ServerTypeName
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
