package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The scp_volume_attachment model. Its id is <server_id>/<volume_id>: an attachment has no id of
// its own on SCP, and on Nova the attachment id is the volume id.

type volumeAttachmentModel struct {
	ID                  types.String   `tfsdk:"id"`
	ServerID            types.String   `tfsdk:"server_id"`
	VolumeID            types.String   `tfsdk:"volume_id"`
	DeleteOnTermination types.Bool     `tfsdk:"delete_on_termination"`
	SkipDestroy         types.Bool     `tfsdk:"skip_destroy"`
	Device              types.String   `tfsdk:"device"`
	OSVolume            types.Bool     `tfsdk:"os_volume"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func attachmentID(serverID, volumeID string) string { return serverID + "/" + volumeID }
