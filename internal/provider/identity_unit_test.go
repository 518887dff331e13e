package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// identityOf is an identity of r with the given string attributes; the others are null.
func identityOf(t *testing.T, r resource.ResourceWithIdentity, values map[string]string) *tfsdk.ResourceIdentity {
	t.Helper()
	ctx := context.Background()
	var resp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &resp)
	raw := map[string]tftypes.Value{}
	for name := range resp.IdentitySchema.Attributes {
		if v, ok := values[name]; ok {
			raw[name] = tftypes.NewValue(tftypes.String, v)
		} else {
			raw[name] = tftypes.NewValue(tftypes.String, nil)
		}
	}
	return &tfsdk.ResourceIdentity{Schema: resp.IdentitySchema, Raw: tftypes.NewValue(resp.IdentitySchema.Type().TerraformType(ctx), raw)}
}

// identityValues reads an identity's string attributes.
func identityValues(t *testing.T, identity *tfsdk.ResourceIdentity) map[string]string {
	t.Helper()
	var raw map[string]tftypes.Value
	if err := identity.Raw.As(&raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, v := range raw {
		var s string
		if err := v.As(&s); err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	return out
}

func wantIdentity(t *testing.T, identity *tfsdk.ResourceIdentity, want map[string]string) {
	t.Helper()
	got := identityValues(t, identity)
	for name, value := range want {
		if got[name] != value {
			t.Errorf("identity %s = %q, want %q (identity %v)", name, got[name], value, got)
		}
	}
}

// An attachment imports by its identity's two ids as it does by the <server_id>/<volume_id> string,
// and either way its identity is recorded.
func TestAttachmentImportsByIdentityOrString(t *testing.T) {
	h := newAttachmentHarness(t)
	ids := map[string]string{"server_id": h.server, "volume_id": h.volume}
	for name, req := range map[string]resource.ImportStateRequest{
		"identity": {Identity: identityOf(t, h.r, ids)},
		"string":   {ID: attachmentID(h.server, h.volume)},
	} {
		t.Run(name, func(t *testing.T) {
			resp := resource.ImportStateResponse{State: emptyState(h.schema), Identity: identityOf(t, h.r, nil)}
			if req.Identity != nil {
				resp.Identity = identityOf(t, h.r, ids)
			}
			h.r.ImportState(context.Background(), req, &resp)
			wantNoError(t, resp.Diagnostics)
			m, _ := stateModel[volumeAttachmentModel](t, resp.State)
			if m.ID.ValueString() != attachmentID(h.server, h.volume) || m.ServerID.ValueString() != h.server || m.VolumeID.ValueString() != h.volume {
				t.Errorf("imported state %+v", m)
			}
			wantIdentity(t, resp.Identity, ids)
		})
	}
}

// An identity that does not hold two ids is refused with the syntax of both imports.
func TestAttachmentImportRefusesAnIdentityWithoutTwoIDs(t *testing.T) {
	h := newAttachmentHarness(t)
	bad := identityOf(t, h.r, map[string]string{"server_id": h.server, "volume_id": "data"})
	resp := resource.ImportStateResponse{State: emptyState(h.schema), Identity: bad}
	h.r.ImportState(context.Background(), resource.ImportStateRequest{Identity: bad}, &resp)
	wantError(t, resp.Diagnostics, "Invalid volume attachment id", `volume_id = "data"`, "does not name two ids",
		"terraform import scp_volume_attachment.example", "identity = {")
}

// A server imported by its id string gets its identity at once, and by identity its id.
func TestServerImportRecordsTheIdentity(t *testing.T) {
	h := newServerHarness(t)
	id := h.fake.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive})
	resp := resource.ImportStateResponse{State: emptyState(h.schema), Identity: identityOf(t, h.r, nil)}
	h.r.ImportState(context.Background(), resource.ImportStateRequest{ID: " " + id + " "}, &resp)
	wantNoError(t, resp.Diagnostics)
	wantIdentity(t, resp.Identity, map[string]string{"id": id})

	byIdentity := identityOf(t, h.r, map[string]string{"id": id})
	resp = resource.ImportStateResponse{State: emptyState(h.schema), Identity: byIdentity}
	h.r.ImportState(context.Background(), resource.ImportStateRequest{Identity: byIdentity}, &resp)
	wantNoError(t, resp.Diagnostics)
	m, _ := stateModel[virtualServerModel](t, resp.State)
	if m.ID.ValueString() != id {
		t.Errorf("imported id %q, want %q", m.ID.ValueString(), id)
	}

	notAnID := identityOf(t, h.r, map[string]string{"id": "web-1"})
	resp = resource.ImportStateResponse{State: emptyState(h.schema), Identity: notAnID}
	h.r.ImportState(context.Background(), resource.ImportStateRequest{Identity: notAnID}, &resp)
	wantError(t, resp.Diagnostics, "Invalid server identity", `"web-1" is not a server id`, "identity = { id =")
}

// A state written before identity existed gets its identity at the next read, also when that read
// finds the object gone (Terraform refuses a read that leaves a resource with identity without one).
func TestVolumeReadFillsAMissingIdentity(t *testing.T) {
	h := newVolumeHarness(t)
	state := h.existing(t, "data", 8)
	for _, gone := range []bool{false, true} {
		if gone {
			h.fake.RemoveVolume(state.ID.ValueString())
		}
		resp := resource.ReadResponse{State: stateOf(t, h.schema, state), Identity: identityOf(t, h.r, nil)}
		h.r.Read(context.Background(), resource.ReadRequest{State: stateOf(t, h.schema, state), Identity: identityOf(t, h.r, nil)}, &resp)
		wantNoError(t, resp.Diagnostics)
		wantIdentity(t, resp.Identity, map[string]string{"id": state.ID.ValueString()})
	}
}
