package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// openStackFlavors makes the harness's fake cloud take server types by id or name, and show a
// server's type in both forms, as the OpenStack implementation reads a flavor back.
func openStackFlavors(h *serverHarness) {
	h.fake.CloudName = "OpenStack"
	h.fake.ServerTypes = []cloud.ServerType{{ID: "1", Name: "m1.tiny"}, {ID: "2", Name: "m1.small"}}
}

// A refresh keeps server_type_id in the form the configuration gives it, so an unchanged flavor
// never plans a replacement.
func TestServerTypeKeepsTheConfiguredForm(t *testing.T) {
	for _, configured := range []string{"m1.tiny", "1"} {
		h := newServerHarness(t)
		openStackFlavors(h)
		plan := h.plannedServer(t, "web")
		plan.ServerTypeID = str(configured)
		state := h.created(t, plan)
		if state.ServerTypeID.ValueString() != configured {
			t.Fatalf("configured %q, the create recorded %q", configured, state.ServerTypeID.ValueString())
		}
		resp := h.read(t, state)
		wantNoError(t, resp.Diagnostics)
		if got, _ := stateModel[virtualServerModel](t, resp.State); got.ServerTypeID.ValueString() != configured {
			t.Fatalf("configured %q, a refresh recorded %q", configured, got.ServerTypeID.ValueString())
		}
	}
}

// A server whose type changed behind Terraform's back shows the new one, so the plan replaces it.
func TestServerTypeChangedOutsideIsShown(t *testing.T) {
	h := newServerHarness(t)
	openStackFlavors(h)
	plan := h.plannedServer(t, "web")
	plan.ServerTypeID = str("1")
	state := h.created(t, plan)
	id := h.fake.PutServer(cloud.Server{ID: state.ID.ValueString(), Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive,
		ImageID: "image-1", ServerTypeID: "2", ServerTypeName: "m1.small"})
	if id != state.ID.ValueString() {
		t.Fatalf("PutServer made %s, want %s", id, state.ID.ValueString())
	}
	resp := h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	if got, _ := stateModel[virtualServerModel](t, resp.State); got.ServerTypeID.ValueString() != "m1.small" {
		t.Fatalf("a resized server's type reads as %q", got.ServerTypeID.ValueString())
	}
}

// After an import the state has the type as the cloud shows it (the flavor's name on OpenStack);
// a configuration that gives the same flavor by id plans no replacement, another flavor does, and
// a flavor the cloud does not have stops the plan.
func TestImportedServerTypeThenPlan(t *testing.T) {
	h := newServerHarness(t)
	openStackFlavors(h)
	id := h.fake.PutServer(cloud.Server{Name: "legacy", State: "ACTIVE", Phase: cloud.PhaseActive, ImageID: "image-1",
		ServerTypeID: "2", ServerTypeName: "m1.small", KeypairName: "key-1"})
	resp := h.read(t, h.imported(t, id))
	wantNoError(t, resp.Diagnostics)
	state, _ := stateModel[virtualServerModel](t, resp.State)
	if state.ServerTypeID.ValueString() != "m1.small" {
		t.Fatalf("an import recorded server_type_id %v, want m1.small", state.ServerTypeID)
	}

	for configured, replace := range map[string]bool{"2": false, "m1.small": false, "m1.tiny": true, "1": true} {
		got := h.planServerType(t, &state, configured)
		wantNoError(t, got.Diagnostics)
		if got.RequiresReplace != replace {
			t.Errorf("state %q, configured %q: RequiresReplace %v, want %v", "m1.small", configured, got.RequiresReplace, replace)
		}
	}
	plan := state
	plan.BootVolume = h.plannedServer(t, "legacy").BootVolume
	plan.ServerTypeID = types.StringUnknown() // from another resource: known only at apply
	unknown := h.planWithConfig(t, plan, &state)
	wantNoError(t, unknown.Diagnostics)
	if !unknown.RequiresReplace.Contains(path.Root("server_type_id")) {
		t.Error("a server type known only at apply does not plan a replacement")
	}
	got := h.planServerType(t, &state, "m9.huge")
	wantError(t, got.Diagnostics, "Unknown server type", `"m9.huge"`, "nothing was sent")

	// The same flavor by id is recorded in place: a locked server is not "replaced".
	// (With a boot volume in the state: a state without one, planned with one, is a replacement.)
	state.Lock = types.BoolValue(true)
	state.BootVolume = h.plannedServer(t, "legacy").BootVolume
	plan = state
	plan.ServerTypeID = str("2")
	wantNoError(t, h.planWithConfig(t, plan, &state).Diagnostics)
	plan.ServerTypeID = str("m1.tiny")
	wantError(t, h.planWithConfig(t, plan, &state).Diagnostics, "Cannot replace a locked server", "server_type_id")
}

// A new server's type is looked up at plan time: one the cloud does not have stops the plan.
func TestServerTypeLookedUpForANewServer(t *testing.T) {
	h := newServerHarness(t)
	openStackFlavors(h)
	got := h.planServerType(t, nil, "m9.huge")
	wantError(t, got.Diagnostics, "Unknown server type", "OpenStack has no server type")
	if got := h.planServerType(t, nil, "m1.tiny"); got.Diagnostics.HasError() || got.RequiresReplace {
		t.Fatalf("a known flavor by name: %v, replace %v", errorText(got.Diagnostics), got.RequiresReplace)
	}
}

// planServerType plans server_type_id = configured through the resource's ModifyPlan, from state
// (nil: a create), and reports whether the plan replaces the server for it.
func (h *serverHarness) planServerType(t *testing.T, state *virtualServerModel, configured string) serverTypePlan {
	t.Helper()
	plan := h.plannedServer(t, "legacy")
	if state != nil {
		plan = *state
		plan.BootVolume = h.plannedServer(t, "legacy").BootVolume // required: a configuration has it
	}
	plan.ServerTypeID = str(configured)
	resp := h.planWithConfig(t, plan, state)
	return serverTypePlan{Diagnostics: resp.Diagnostics, RequiresReplace: resp.RequiresReplace.Contains(path.Root("server_type_id"))}
}

type serverTypePlan struct {
	Diagnostics     diag.Diagnostics
	RequiresReplace bool
}
