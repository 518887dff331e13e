package provider

import (
	"context"
	"slices"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/openstack"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// osVolumeID returns the server's system disk: known when the state recorded it and the server
// still lists it (a server's system disk never changes), otherwise the attachment the cloud marks
// as the system disk (on SCP, the one on /dev/vda or /dev/sda; the order of a server's volumes is
// not documented, so position says nothing). "" means the server shows none.
func (d *providerData) osVolumeID(ctx context.Context, server *cloud.Server, known string) (string, error) {
	if known != "" {
		return known, nil
	}
	attachments, err := d.cloud.ServerAttachments(ctx, server.ID)
	if err != nil {
		return "", err
	}
	osDisk, _ := cloud.SystemDisk(attachments)
	return osDisk.VolumeID, nil
}

// serverAttachment returns how the server lists volumeID: whether it is the system disk, and the
// attachment's delete_on_termination.
func (d *providerData) serverAttachment(ctx context.Context, serverID, volumeID string) (cloud.Attachment, error) {
	attachments, err := d.cloud.ServerAttachments(ctx, serverID)
	if err != nil {
		return cloud.Attachment{}, err
	}
	for _, a := range attachments {
		if a.VolumeID == volumeID {
			return a, nil
		}
	}
	return cloud.Attachment{VolumeID: volumeID}, nil
}

// unconfiguredFacts are what holds before the provider is configured (a plan whose provider
// settings are not known yet): there is no cloud to ask, so every name any supported cloud gives a
// system disk counts, and the rule never lets a system disk through.
var unconfiguredFacts = cloud.Facts{
	SystemDiskDevices: everySystemDiskDevice(scp.SystemDiskDevices(), openstack.SystemDiskDevices()),
	SystemDiskRule:    "A server's system disk cannot be detached from it",
}

// everySystemDiskDevice is the clouds' lists in one, each name once.
func everySystemDiskDevice(lists ...[]string) []string {
	all := slices.Concat(lists...)
	slices.Sort(all)
	return slices.Compact(all)
}

// systemDiskDevice is the cloud's rule for device names that are always the system disk.
func (d *providerData) systemDiskDevice(device string) bool {
	if d == nil {
		return unconfiguredFacts.IsSystemDiskDevice(device)
	}
	return d.cloud.Facts().IsSystemDiskDevice(device)
}

// systemDiskRule words why the system disk is never detached, for the refusal.
func (d *providerData) systemDiskRule() string {
	if d == nil {
		return unconfiguredFacts.SystemDiskRule
	}
	return d.cloud.Facts().SystemDiskRule
}
