package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// NewVolumeAttachmentListResource is the scp_volume_attachment list resource.
func NewVolumeAttachmentListResource() list.ListResource {
	return &listResource[volumeAttachmentListModel, serverAttachment, *volumeAttachmentModel]{
		resourceBase: resourceBase{suffix: "_volume_attachment"}, kind: "volume attachment", schema: volumeAttachmentListSchema,
		imported: importedAttachment,
		find: func(ctx context.Context, d *providerData, l cloud.Lister, config volumeAttachmentListModel) ([]serverAttachment, error) {
			return d.listAttachments(ctx, l, config)
		},
		label: func(ctx context.Context, a *serverAttachment, result *list.ListResult) {
			result.DisplayName = fmt.Sprintf("%s on %s (%s)", a.VolumeID, a.ServerName, a.Device)
			result.Diagnostics.Append(setAttachmentIdentity(ctx, result.Identity, a.ServerID, a.VolumeID)...)
		},
	}
}

// importedAttachment is the attachment as the resource reads it after an import; an OS disk's
// is never detached by destroy (skip_destroy).
func importedAttachment(_ context.Context, _ *providerData, a *serverAttachment) (*volumeAttachmentModel, error) {
	return &volumeAttachmentModel{
		ID: types.StringValue(attachmentID(a.ServerID, a.VolumeID)), ServerID: types.StringValue(a.ServerID),
		VolumeID: types.StringValue(a.VolumeID), DeleteOnTermination: types.BoolValue(a.DeleteOnTermination),
		SkipDestroy: types.BoolValue(a.SystemDisk), Device: optionalString(a.Device), OSVolume: types.BoolValue(a.SystemDisk),
	}, nil
}

// serverAttachment is one volume as a server lists it, with the server.
type serverAttachment struct {
	ServerID   string
	ServerName string
	cloud.Attachment
}

func volumeAttachmentListSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Finds the volumes attached to one server, or to every server, for `terraform query` " +
			"(Terraform 1.14 and later). With `-generate-config-out`, each attachment comes as an `scp_volume_attachment` " +
			"block and an import block by identity (its server id and volume id). The servers' OS disks are left out unless " +
			"`include_os_disks = true`, and then come with `skip_destroy = true`, so that the generated configuration can " +
			"never plan to detach one. Without `server_id` this lists every server and reads each one's volumes.",
		Attributes: map[string]schema.Attribute{
			"server_id": listFilter("Only the volumes attached to this server."),
			"include_os_disks": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Also list each server's OS disk attachment, with `skip_destroy = true`. Default `false`.",
			},
		},
	}
}

// listAttachments lists the attachments of the server config names, or of every server: one
// listing of the servers, then one read of each server's volumes, describeParallel at a time.
func (d *providerData) listAttachments(ctx context.Context, lister cloud.Lister, config volumeAttachmentListModel) ([]serverAttachment, error) {
	var servers []cloud.Server
	if id := config.ServerID.ValueString(); id != "" {
		server, err := d.cloud.Server(ctx, id)
		if cloud.IsGone(err) {
			return nil, fmt.Errorf("no server has the id %q: check server_id in the list block's config, or leave it out to list every server's attachments: %w", id, err)
		}
		if err != nil {
			return nil, err
		}
		servers = []cloud.Server{*server}
	} else {
		var err error
		if servers, err = lister.ListServers(ctx, cloud.ServerFilter{}); err != nil {
			return nil, err
		}
	}
	perServer, err := describeAll(ctx, servers, func(ctx context.Context, s *cloud.Server) ([]serverAttachment, error) {
		attachments, err := d.cloud.ServerAttachments(ctx, s.ID)
		var out []serverAttachment
		for _, a := range attachments {
			if !a.SystemDisk || config.IncludeOSDisks.ValueBool() {
				out = append(out, serverAttachment{ServerID: s.ID, ServerName: s.Name, Attachment: a})
			}
		}
		return out, err
	})
	var all []serverAttachment
	for _, attachments := range perServer {
		all = append(all, attachments...)
	}
	return all, err
}
