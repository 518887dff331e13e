package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// The scp_volume model's mapping to and from the cloud; the model is in models.go.

// spec is the volume the plan asks for.
func (m *volumeModel) spec(ctx context.Context) (cloud.VolumeSpec, diag.Diagnostics) {
	tags, diags := tagsFromMap(ctx, m.Tags)
	return cloud.VolumeSpec{
		Name: m.Name.ValueString(), Size: m.Size.ValueInt64(), Type: m.VolumeType.ValueString(),
		MaxIOPS: m.MaxIOPS.ValueInt64(), MaxThroughput: m.MaxThroughput.ValueInt64(), Tags: tags,
	}, diags
}

// applyVolume copies what the cloud reports into the model; tags are read apart.
func (m *volumeModel) applyVolume(v *cloud.Volume) {
	m.ID = types.StringValue(v.ID)
	m.Name = types.StringValue(v.Name)
	m.Size = types.Int64Value(v.Size)
	if v.Type != "" {
		m.VolumeType = types.StringValue(v.Type)
	}
	m.MaxIOPS = optionalInt64(v.MaxIOPS)
	m.MaxThroughput = optionalInt64(v.MaxThroughput)
	m.State = types.StringValue(v.State)
	m.Bootable = types.BoolValue(v.Bootable)
	m.Multiattach = types.BoolValue(v.Multiattach)
}
