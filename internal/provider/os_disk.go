package provider

import (
	"context"

	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// osVolumeID returns the server's OS disk: known when the state recorded it and the server still
// lists it (a server's OS disk never changes), otherwise the attachment on /dev/vda or /dev/sda in
// GET /v1/servers/{id}/volumes. The order of a server's volumes is not documented, so position
// says nothing. "" means the server shows no OS disk.
func (d *providerData) osVolumeID(ctx context.Context, server *scp.Server, known string) (string, error) {
	if known != "" {
		return known, nil
	}
	attachments, err := d.client.ListServerVolumes(ctx, server.ID)
	if err != nil {
		return "", err
	}
	osDisk, _ := scp.OSDisk(attachments)
	return osDisk.VolumeID, nil
}

// isOSVolume asks the server whether volumeID is its OS disk, and returns the attachment's
// delete_on_termination as the server reports it.
func (d *providerData) isOSVolume(ctx context.Context, serverID, volumeID string) (osVolume, deleteOnTermination bool, err error) {
	attachments, err := d.client.ListServerVolumes(ctx, serverID)
	if err != nil {
		return false, false, err
	}
	for _, a := range attachments {
		if a.VolumeID == volumeID {
			return scp.IsOSDiskDevice(a.Device), a.DeleteOnTermination, nil
		}
	}
	return false, false, nil
}
