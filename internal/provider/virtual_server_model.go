package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// The scp_virtual_server model's mapping to and from the API; the model is in models.go.

// recordedFromConfig lists the create-only arguments this plan records from the configuration
// because the state has no value for them: the API does not show them, so an import leaves them
// out, and so does adding them to the configuration after the server was created. Recording them
// sends nothing and changes nothing on the server.
func (m *virtualServerModel) recordedFromConfig(prior *virtualServerModel, showsGroup bool) []string {
	recorded := map[string]bool{
		"networks":             prior.Networks == nil && m.Networks != nil,
		"security_group_ids":   prior.SecurityGroupIDs == nil && m.SecurityGroupIDs != nil,
		"user_data":            prior.UserData.IsNull() && !m.UserData.IsNull(),
		"user_data_wo_version": prior.UserDataWOVersion.IsNull() && !m.UserDataWOVersion.IsNull(),
		"server_group_id":      !showsGroup && prior.ServerGroupID.IsNull() && !m.ServerGroupID.IsNull() && !m.ServerGroupID.IsUnknown(),
		"file_storage_ids":     prior.FileStorageIDs == nil && m.FileStorageIDs != nil,
	}
	var names []string
	for _, name := range []string{"networks", "security_group_ids", "user_data", "user_data_wo_version",
		"server_group_id", "file_storage_ids"} {
		if recorded[name] {
			names = append(names, name)
		}
	}
	return names
}

// spec is the server the plan asks for.
func (m *virtualServerModel) spec(ctx context.Context) (cloud.ServerSpec, diag.Diagnostics) {
	spec := cloud.ServerSpec{
		Name:          m.Name.ValueString(),
		ImageID:       m.ImageID.ValueString(),
		ServerTypeID:  m.ServerTypeID.ValueString(),
		KeypairName:   m.KeypairName.ValueString(),
		Lock:          m.Lock.ValueBool(),
		UserData:      m.UserData.ValueString(),
		ServerGroupID: m.ServerGroupID.ValueString(),
		BootVolume: cloud.BootVolume{
			Size:                m.BootVolume.Size.ValueInt64(),
			Type:                m.BootVolume.Type.ValueString(),
			DeleteOnTermination: m.BootVolume.DeleteOnTermination.ValueBool(),
		},
		SecurityGroupIDs: stringValues(m.SecurityGroupIDs),
		FileStorageIDs:   stringValues(m.FileStorageIDs),
	}
	for _, n := range m.Networks {
		spec.Networks = append(spec.Networks, cloud.Network{
			SubnetID: n.SubnetID.ValueString(), PortID: n.PortID.ValueString(),
			FixedIP: n.FixedIP.ValueString(), PublicIPID: n.PublicIPID.ValueString(),
		})
	}
	tags, diags := tagsFromMap(ctx, m.Tags)
	spec.Tags = tags
	return spec, diags
}

// applyServer copies what the cloud reports into the model. osVolumeID is the server's system disk
// as its attachments show it (see providerData.osVolumeID); tags are read apart.
func (m *virtualServerModel) applyServer(s *cloud.Server, osVolumeID string, showsGroup bool) {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.ImageID = types.StringValue(s.ImageID)
	m.ServerTypeID = recordedServerType(m.ServerTypeID, s)
	m.KeypairName = optionalString(s.KeypairName)
	m.Lock = types.BoolValue(s.Locked)
	m.State = types.StringValue(s.State)
	m.VpcID = types.StringValue(s.VpcID)
	// A cloud that does not show the group keeps the configured one.
	if showsGroup || m.ServerGroupID.IsUnknown() {
		m.ServerGroupID = optionalString(s.ServerGroupID)
	}
	m.CreatedAt = types.StringValue(s.CreatedAt)
	m.OSVolumeID = optionalString(osVolumeID)
}

// knownOSVolume is the OS volume recorded earlier, while the server still lists it: which volume is
// a server's OS disk never changes, so it need not be looked up again.
func (m *virtualServerModel) knownOSVolume(s *cloud.Server) string {
	if m.OSVolumeID.IsNull() || m.OSVolumeID.IsUnknown() || !s.HasVolume(m.OSVolumeID.ValueString()) {
		return ""
	}
	return m.OSVolumeID.ValueString()
}

// setComputedNull gives every computed attribute a known value, for the state written before the wait.
func (m *virtualServerModel) setComputedNull() {
	if m.BootVolume != nil && m.BootVolume.Type.IsUnknown() {
		m.BootVolume.Type = types.StringNull()
	}
	m.State = types.StringNull()
	m.OSVolumeID = types.StringNull()
	m.VpcID = types.StringNull()
	m.CreatedAt = types.StringNull()
}
