package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later): what names one object of the cloud, kept in the
// state beside the attributes and accepted by import blocks as `identity = { ... }`. A server and
// a volume are named by their id; an attachment by its server's id and its volume's id, so that no
// one has to assemble the `<server_id>/<volume_id>` import string. Import by that string, and by
// `terraform import`, keeps working. Terraform before 1.12 ignores identity.

// idIdentityModel is the identity of a server or a volume.
type idIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// attachmentIdentityModel is the identity of a volume attachment.
type attachmentIdentityModel struct {
	ServerID types.String `tfsdk:"server_id"`
	VolumeID types.String `tfsdk:"volume_id"`
}

func idIdentitySchema(kind string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{
			RequiredForImport: true, Description: fmt.Sprintf("The %s's id, a UUID.", kind),
		},
	}}
}

func (r *virtualServerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("server")
}

func (r *volumeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("volume")
}

func (r *volumeAttachmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"server_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The server's id, a UUID."},
		"volume_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The volume's id, a UUID."},
	}}
}

// setIDIdentity records a server's or a volume's identity. identity is nil when the caller gives
// no identity to fill (a request made by hand, in unit tests); an empty id is not recorded.
func setIDIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil || id == "" {
		return nil
	}
	return identity.Set(ctx, idIdentityModel{ID: types.StringValue(id)})
}

// setAttachmentIdentity records a volume attachment's identity, as setIDIdentity does.
func setAttachmentIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, serverID, volumeID string) diag.Diagnostics {
	if identity == nil || serverID == "" || volumeID == "" {
		return nil
	}
	return identity.Set(ctx, attachmentIdentityModel{ServerID: types.StringValue(serverID), VolumeID: types.StringValue(volumeID)})
}

// importByIDOrIdentity imports a server or a volume by its id, given as the import string or as
// the import block's identity.
func importByIDOrIdentity(ctx context.Context, kind, typeName string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" || req.Identity == nil {
		importByID(ctx, kind, typeName, req, resp)
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, strings.TrimSpace(req.ID))...)
		}
		return
	}
	var identity idIdentityModel
	if resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...); resp.Diagnostics.HasError() {
		return
	}
	id := identity.ID.ValueString()
	if !idPattern.MatchString(id) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid "+kind+" identity",
			fmt.Sprintf("%q is not a %s id. Import a %s by identity with its id, a UUID:\n\n"+
				"  import {\n    to       = %s.example\n    identity = { id = %q }\n  }", id, kind, kind, typeName, idExample))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
}

// attachmentImportIDs reads the server and volume ids an attachment import names: the import
// string `<server_id>/<volume_id>`, or the import block's identity. An error says how to write it.
func attachmentImportIDs(ctx context.Context, req resource.ImportStateRequest) (serverID, volumeID string, diags diag.Diagnostics) {
	var problem string
	if req.ID == "" && req.Identity != nil {
		var identity attachmentIdentityModel
		if diags = req.Identity.Get(ctx, &identity); diags.HasError() {
			return "", "", diags
		}
		serverID, volumeID = identity.ServerID.ValueString(), identity.VolumeID.ValueString()
		problem = fmt.Sprintf("The identity (server_id = %q, volume_id = %q) does not name two ids", serverID, volumeID)
	} else {
		serverID, volumeID, _ = strings.Cut(strings.TrimSpace(req.ID), "/")
		problem = fmt.Sprintf("%q is not <server_id>/<volume_id>", req.ID)
	}
	if !idPattern.MatchString(serverID) || !idPattern.MatchString(volumeID) {
		diags.AddError("Invalid volume attachment id",
			fmt.Sprintf("%s. Import an attachment with both ids (UUIDs), for example:\n\n"+
				"  terraform import scp_volume_attachment.example %s/%s\n\nor, with Terraform 1.12 and later, by identity:\n\n"+
				"  import {\n    to       = scp_volume_attachment.example\n    identity = {\n      server_id = %q\n      volume_id = %q\n    }\n  }",
				problem, idExample, exampleVolumeID, idExample, exampleVolumeID))
		return "", "", diags
	}
	return serverID, volumeID, diags
}

// exampleVolumeID is the second UUID of messages that show a server id and a volume id.
const exampleVolumeID = "3f500f00-ed80-4566-a057-e31760226f9a"
