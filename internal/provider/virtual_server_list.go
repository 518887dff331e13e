package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// NewVirtualServerListResource is the scp_virtual_server list resource.
func NewVirtualServerListResource() list.ListResource {
	return &listResource[virtualServerListModel, cloud.Server, *virtualServerModel]{
		resourceBase: resourceBase{suffix: "_virtual_server"}, kind: "server", schema: virtualServerListSchema, imported: importedServer,
		find: func(ctx context.Context, _ *providerData, l cloud.Lister, config virtualServerListModel) ([]cloud.Server, error) {
			return l.ListServers(ctx, config.filter())
		},
		label: labelServer,
	}
}

// labelServer names a listed server by its name and id.
func labelServer(ctx context.Context, s *cloud.Server, result *list.ListResult) {
	labelByID(ctx, result, s.Name, s.ID)
}

func (m virtualServerListModel) filter() cloud.ServerFilter {
	return cloud.ServerFilter{Name: m.Name.ValueString(), State: m.State.ValueString(), IP: m.IP.ValueString(),
		VpcID: m.VpcID.ValueString(), ServerTypeID: m.ServerTypeID.ValueString()}
}

func virtualServerListSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Finds the virtual servers that match every filter given (all of them without filters), read " +
			"page by page to the end, for `terraform query` (Terraform 1.14 and later). With `-generate-config-out`, each " +
			"server comes as an `scp_virtual_server` block and an import block by identity. The API does not show " +
			"`networks`, `security_group_ids`, `user_data` or `file_storage_ids`: `networks` is written as `null` and must " +
			"be filled in before the configuration is applied (the first apply records it without sending anything).",
		Attributes: map[string]schema.Attribute{
			"name":   listFilter("Only servers with exactly this name."),
			"state":  listFilter("Only servers in this state, such as `ACTIVE` or `SHUTOFF`."),
			"ip":     listFilter("Only the server with this IP address."),
			"vpc_id": listFilter("Only servers in this VPC. SCP only: other clouds refuse it."),
			"server_type_id": listFilter("Only servers of this server type, such as `s1v2m4` (on OpenStack clouds, " +
				"the flavor id)."),
		},
	}
}

// importedServer is the server as the resource reads it after an import: what the API shows,
// its OS volume as boot_volume, and its tags when they can be read. It costs a read of the
// server's volumes, one of its OS volume and one of its tags.
func importedServer(ctx context.Context, d *providerData, s *cloud.Server) (*virtualServerModel, error) {
	m := &virtualServerModel{Tags: types.MapNull(types.StringType)}
	attachments, err := d.cloud.ServerAttachments(ctx, s.ID)
	if err != nil {
		return m, err
	}
	osDisk, hasOSDisk := cloud.SystemDisk(attachments)
	m.applyServer(s, osDisk.VolumeID, d.cloud.Facts().ShowsServerGroup)
	if m.Tags, err = d.readTags(ctx, cloud.KindServer, s.ID, m.Tags, true); err != nil {
		return m, err
	}
	if !hasOSDisk {
		return m, nil
	}
	volume, err := d.cloud.Volume(ctx, osDisk.VolumeID)
	if err != nil {
		return m, err
	}
	m.BootVolume = &bootVolumeModel{
		Size: types.Int64Value(volume.Size), Type: optionalString(volume.Type),
		DeleteOnTermination: types.BoolValue(osDisk.DeleteOnTermination),
	}
	return m, nil
}

// listFilter is a string filter of a list resource.
func listFilter(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: description}
}
