package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

func warningText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags.Warnings() {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

func TestPlanThatDeletesAServerWithFileStorageWarns(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	state.FileStorageIDs = []types.String{types.StringValue("fs-0001")}

	resp := h.modifyPlan(t, nil, &state)
	if resp.Diagnostics.HasError() {
		t.Fatalf("a destroy of an unlocked server was refused: %v", resp.Diagnostics)
	}
	got := warningText(resp.Diagnostics)
	for _, want := range []string{"File Storage", "fs-0001", "disconnect it first"} {
		if !strings.Contains(got, want) {
			t.Errorf("warning %q does not say %q", got, want)
		}
	}

	// A plan that keeps the server says nothing.
	plan := state
	if resp := h.modifyPlan(t, &plan, &state); len(resp.Diagnostics) != 0 {
		t.Errorf("a plan that keeps the server warned: %v", resp.Diagnostics)
	}
	// Without File Storage a destroy says nothing either.
	state.FileStorageIDs = nil
	if resp := h.modifyPlan(t, nil, &state); len(resp.Diagnostics) != 0 {
		t.Errorf("a destroy without File Storage warned: %v", resp.Diagnostics)
	}
}

func TestVolumeDeleteWhileTheVolumeIsStillSettlingWaitsAndSendsAgain(t *testing.T) {
	// A volume whose detach (here: an extension) is still settling refuses a delete with a conflict;
	// the provider waits for it to be idle and sends the delete again.
	h := newVolumeHarness(t)
	state := h.existing(t, "data", 8)
	id := state.ID.ValueString()
	h.fake.Delay("ExtendVolume", 3)
	if err := h.fake.ExtendVolume(context.Background(), id, 16); err != nil {
		t.Fatal(err)
	}
	h.fake.Delay("ExtendVolume", 0)
	wantNoError(t, h.delete(t, state).Diagnostics)
	if n := h.fake.Sent("DeleteVolume"); n != 2 {
		t.Fatalf("DeleteVolume sent %d times, want 2 (refused while busy, then accepted)", n)
	}
}

func TestVolumeWhoseCreateFailsLeavesNoUnknownInTheState(t *testing.T) {
	// Recorded before the wait, the state must be wholly known even when the wait fails (here the
	// volume ends in an error state): Terraform refuses an unknown value after apply.
	h := newVolumeHarness(t)
	plan := h.plannedVolume(t, "data", 8)
	plan.VolumeType = types.StringUnknown()
	h.fake.Delay("CreateVolume", 2)
	h.fake.EndIn("CreateVolume", cloud.PhaseFailed, "error")
	resp := h.create(t, context.Background(), plan)
	wantError(t, resp.Diagnostics, "Volume did not become available")
	got, ok := stateModel[volumeModel](t, resp.State)
	if !ok || got.ID.ValueString() == "" {
		t.Fatal("the volume the create made is not in the state")
	}
	if got.VolumeType.IsUnknown() {
		t.Fatal("volume_type is unknown in the state")
	}
}
