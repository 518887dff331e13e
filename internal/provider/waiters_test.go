package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// The attachment's read and detach, the waits behind every resource, and the argument checks.

// attachedHarness is an attachment harness whose volume is attached on /dev/vdb, as the state records it.
func attachedHarness(t *testing.T) (*attachmentHarness, volumeAttachmentModel) {
	h := newAttachmentHarness(t)
	h.fake.PutAttachment(h.server, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vdb"})
	h.fake.SetVolumePhase(h.volume, cloud.PhaseInUse, "in-use")
	return h, h.recorded(t, h.server, h.volume, "/dev/vdb", false)
}

func TestDetachSendsOneDetachAndWaits(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.Delay("Detach", 4)
	wantNoError(t, h.delete(t, state).Diagnostics)
	if h.fake.IsAttached(h.server, h.volume) {
		t.Fatal("delete returned while the volume was still attached")
	}
	wantCalls(t, h.fake, "Detach("+h.server+", "+h.volume+")")
}

func TestDetachIsNeverSentForSkipDestroyOrTheOSDisk(t *testing.T) {
	h, state := attachedHarness(t)
	state.SkipDestroy = types.BoolValue(true)
	wantNoError(t, h.delete(t, state).Diagnostics)

	// A plan made by an older provider may still ask: the delete refuses as the plan would.
	osDisk := h.recorded(t, h.server, h.volume, "/dev/sda", false)
	wantError(t, h.delete(t, osDisk).Diagnostics, "Cannot detach the server's OS disk",
		"attached as /dev/sda", "skip_destroy = true")
	osDisk = h.recorded(t, h.server, h.volume, "/dev/vdc", true)
	wantError(t, h.delete(t, osDisk).Diagnostics, "Cannot detach the server's OS disk", "the server's OS default volume")

	wantCalls(t, h.fake) // no detach sent
	if !h.fake.IsAttached(h.server, h.volume) {
		t.Fatal("detached")
	}
}

func TestDetachOfWhatIsGoneSucceeds(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.RemoveVolume(h.volume)
	wantNoError(t, h.delete(t, state).Diagnostics)
	if h.fake.Sent("Detach") != 1 {
		t.Fatalf("Detach sent %d times", h.fake.Sent("Detach"))
	}
}

func TestDetachRejectedButDetachedSucceeds(t *testing.T) {
	// Detached outside Terraform between plan and apply: the cloud says "not attached", and a
	// read confirms it.
	h, state := attachedHarness(t)
	h.fake.DetachOutOfBand(h.server, h.volume)
	h.fake.SetVolumePhase(h.volume, cloud.PhaseAvailable, "available")
	wantNoError(t, h.delete(t, state).Diagnostics)
	if h.fake.Sent("Detach") != 1 {
		t.Fatalf("Detach sent %d times", h.fake.Sent("Detach"))
	}
}

func TestDetachRejectedAndStillAttachedIsAnError(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.Fail("Detach", cloudtest.Err(cloud.OutcomeRejected, "400 the server is being resized"))
	wantError(t, h.delete(t, state).Diagnostics, "Fake refused to detach the volume", "400 the server is being resized")

	// Rejected, and the volume is gone when read: nothing left to detach.
	h.fake.Fail("Detach", cloudtest.Err(cloud.OutcomeRejected, "400 not attached"))
	h.fake.Fail("Volume", cloudtest.Err(cloud.OutcomeGone, "404 volume not found"))
	wantNoError(t, h.delete(t, state).Diagnostics)

	// Rejected, and the confirming read fails: not confirmed, so an error.
	h.fake.Fail("Detach", cloudtest.Err(cloud.OutcomeRejected, "400 not attached"))
	h.fake.Fail("Volume", errors.New("read timed out"))
	wantError(t, h.delete(t, state).Diagnostics, "Fake refused to detach the volume", "400 not attached")
}

func TestDetachWhileTheVolumeIsBusyWaitsAndSendsAgain(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.Delay("ExtendVolume", 3)
	if err := h.fake.ExtendVolume(context.Background(), h.volume, 16); err != nil {
		t.Fatal(err)
	}
	h.fake.Delay("ExtendVolume", 0)
	wantNoError(t, h.delete(t, state).Diagnostics)
	detach := "Detach(" + h.server + ", " + h.volume + ")"
	wantCalls(t, h.fake, "ExtendVolume("+h.volume+")", detach, detach)
	if h.fake.IsAttached(h.server, h.volume) {
		t.Fatal("still attached")
	}
}

func TestDetachConflictOnAnIdleVolumeIsNotRetried(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.Fail("Detach", cloudtest.Err(cloud.OutcomeConflict, "409 the server is locked"))
	wantError(t, h.delete(t, state).Diagnostics, "Cannot detach the volume", "409 the server is locked")
	if h.fake.Sent("Detach") != 1 {
		t.Fatalf("Detach sent %d times", h.fake.Sent("Detach"))
	}
}

func TestDetachThatFailsOrNeverFinishesKeepsTheState(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.Delay("Detach", 2)
	h.fake.EndIn("Detach", cloud.PhaseFailed, "error")
	wantError(t, h.delete(t, state).Diagnostics, "Detach did not finish",
		`went to state "error" while being detached`, "stays in the Terraform state")

	h.fake.SetVolumePhase(h.volume, cloud.PhaseInUse, "in-use")
	h.fake.Delay("Detach", 1_000_000)
	wantError(t, h.delete(t, state).Diagnostics, "Detach did not finish", "gave up waiting for volume.detach", "raise the timeouts block")

	h.fake.Fail("Detach", errors.New("connection reset"))
	wantError(t, h.delete(t, state).Diagnostics, "Cannot detach the volume", "connection reset")
}

func TestDetachWaitsBehindTheServersOtherVolumeOperation(t *testing.T) {
	h, state := attachedHarness(t)
	unlock, err := h.r.data.locks.Lock(context.Background(), h.server)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := stateOf(t, h.schema, &state)
	resp := resource.DeleteResponse{State: st}
	h.r.Delete(ctx, resource.DeleteRequest{State: st}, &resp)
	wantError(t, resp.Diagnostics, "Interrupted while waiting for the server's other volume operations")
	wantCalls(t, h.fake)
}

func TestAttachmentReadRemovesItOnlyWhenGoneOrDetached(t *testing.T) {
	h, state := attachedHarness(t)
	h.fake.Fail("Volume", errors.New("EOF"))
	resp := h.read(t, state)
	wantError(t, resp.Diagnostics, "Cannot read the volume attachment", "EOF")
	if resp.State.Raw.IsNull() {
		t.Fatal("an unclassified error removed the attachment")
	}

	resp = h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	got, ok := stateModel[volumeAttachmentModel](t, resp.State)
	if !ok || got.Device.ValueString() != "/dev/vdb" {
		t.Fatalf("read of an attached volume: %+v", got)
	}
	if h.fake.Reads("ServerAttachments") != 0 {
		t.Error("a read asked the server again for what the state already knows")
	}

	h.fake.DetachOutOfBand(h.server, h.volume)
	h.wantReadRemoves(t, state)
	h.fake.RemoveVolume(h.volume)
	h.wantReadRemoves(t, state)
}

func TestAttachmentImportReadsWhatTheServerSays(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.PutAttachment(h.server, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vda", DeleteOnTermination: true, SystemDisk: true})

	state := h.imported(t, h.server+"/"+h.volume)

	resp := h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeAttachmentModel](t, resp.State)
	if !got.OSVolume.ValueBool() || !got.DeleteOnTermination.ValueBool() || got.SkipDestroy.ValueBool() ||
		got.Device.ValueString() != "/dev/vda" || got.ID.ValueString() != h.server+"/"+h.volume {
		t.Fatalf("imported attachment = %+v", got)
	}
	// The imported OS disk is then protected at plan time.
	wantError(t, h.modifyPlan(t, nil, &got).Diagnostics, "Cannot detach the server's OS disk")

	h.fake.Fail("ServerAttachments", errors.New("server unavailable"))
	wantError(t, h.read(t, state).Diagnostics, "Cannot read the server of the volume attachment", "server unavailable")

	for _, id := range []string{h.server, h.server + "/not-a-uuid", "a/b"} {
		wantError(t, h.importState(id).Diagnostics, "Invalid volume attachment id", "is not <server_id>/<volume_id>",
			"terraform import scp_volume_attachment.example")
	}
}

func TestAttachmentUpdateChangesOnlySkipDestroy(t *testing.T) {
	h, state := attachedHarness(t)
	plan := state
	plan.SkipDestroy = types.BoolValue(true)
	st := stateOf(t, h.schema, &state)
	resp := resource.UpdateResponse{State: st}
	h.r.Update(context.Background(), resource.UpdateRequest{Plan: planOf(t, h.schema, &plan), State: st}, &resp)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeAttachmentModel](t, resp.State)
	if !got.SkipDestroy.ValueBool() {
		t.Fatal("skip_destroy not recorded")
	}
	wantCalls(t, h.fake)
}

func TestWaitAttachedGivesUpOnAnAttachThatDidNotTakeEffect(t *testing.T) {
	// The volume settles available without listing the server (the server was deleted while
	// the attach ran): the wait ends with that, instead of running out the timeout.
	f := cloudtest.New()
	d := newTestData(f)
	vol := f.PutVolume(cloud.Volume{Name: "v", State: "available", Phase: cloud.PhaseAvailable})
	_, err := d.waitAttached(context.Background(), vol, serverA)
	if err == nil || !strings.Contains(err.Error(), "did not take effect") || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if n := f.Reads("Volume"); n != settledNeverAttaching {
		t.Errorf("gave up after %d reads, want %d", n, settledNeverAttaching)
	}

	f.SetVolumePhase(vol, cloud.PhaseFailed, "error")
	if _, err := d.waitAttached(context.Background(), vol, serverA); err == nil || !strings.Contains(err.Error(), `went to state "error"`) {
		t.Fatalf("failed volume: %v", err)
	}
	f.RemoveVolume(vol)
	if _, err := d.waitAttached(context.Background(), vol, serverA); err == nil || !strings.Contains(err.Error(), "disappeared") {
		t.Fatalf("deleted volume: %v", err)
	}
}

func TestWaitAttachedGivesUpSoonerOnceTheVolumeWasSeenAttaching(t *testing.T) {
	f := cloudtest.New()
	d := newTestData(f)
	srv := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	vol := f.PutVolume(cloud.Volume{Name: "v", State: "available", Phase: cloud.PhaseAvailable})
	// An attach to another server: seen attaching, then settled in use, not listing srv.
	f.Delay("Attach", 2)
	if _, err := f.Attach(context.Background(), srv, vol, false); err != nil {
		t.Fatal(err)
	}
	_, err := d.waitAttached(context.Background(), vol, serverA)
	if err == nil || !strings.Contains(err.Error(), `the volume is "in-use" and does not list the server`) {
		t.Fatalf("err = %v", err)
	}
	if n := f.Reads("Volume"); n != 1+settledAfterAttaching {
		t.Errorf("gave up after %d reads, want %d", n, 1+settledAfterAttaching)
	}
}

func TestWaitsRetryFlakyReadsAndStopOnPermanentOnes(t *testing.T) {
	f := cloudtest.New()
	d := newTestData(f)
	id := f.PutServer(cloud.Server{Name: "s", State: "ACTIVE", Phase: cloud.PhaseActive})

	// A flaky read path (a 502, a 429) is asked again.
	f.Fail("Server", errors.New("502 bad gateway"), cloudtest.Err(cloud.OutcomeBusy, "429"))
	if s, err := d.waitServerActive(context.Background(), id); err != nil || s.ID != id {
		t.Fatalf("waitServerActive = %v, %v", s, err)
	}
	if n := f.Reads("Server"); n != 3 {
		t.Errorf("reads = %d, want 3", n)
	}

	// Refused credentials will not get better.
	for _, permanent := range []error{
		cloudtest.Err(cloud.OutcomeDenied, "401 signature mismatch"),
		cloudtest.Err(cloud.OutcomeRejected, "400 malformed"),
	} {
		before := f.Reads("Volume")
		f.Fail("Volume", permanent)
		_, err := d.waitVolume(context.Background(), kindVolumeCreate, volumeA, func(*cloud.Volume) bool { return true })
		if !errors.Is(err, permanent) {
			t.Errorf("waitVolume with %v: %v", permanent, err)
		}
		if n := f.Reads("Volume") - before; n != 1 {
			t.Errorf("%v was read %d times, want once", permanent, n)
		}
	}
	if !wait.IsPermanent(probeError(cloudtest.Err(cloud.OutcomeGone, "404"))) || wait.IsPermanent(probeError(errors.New("EOF"))) {
		t.Error("probeError: Gone is final, an unclassified error is not")
	}
}

func TestWaitServerActiveToleratesABriefNotFound(t *testing.T) {
	f := cloudtest.New()
	d := newTestData(f)
	id := f.PutServer(cloud.Server{Name: "s", State: "ACTIVE", Phase: cloud.PhaseActive})
	notFound := cloudtest.Err(cloud.OutcomeGone, "404 server not found")
	f.Fail("Server", notFound, notFound)
	if _, err := d.waitServerActive(context.Background(), id); err != nil {
		t.Fatalf("two 404s of a new server ended the wait: %v", err)
	}
	f.Fail("Server", notFound, notFound, notFound)
	_, err := d.waitServerActive(context.Background(), id)
	if err == nil || !strings.Contains(err.Error(), "disappeared while it was being created") {
		t.Fatalf("three 404s: %v", err)
	}
}

func TestErrorDetailSaysWhatToDo(t *testing.T) {
	timeout := &wait.TimeoutError{Kind: kindServerDelete, Probes: 3}
	if got := errorDetail(fmt.Errorf("wrapped: %w", timeout)); !strings.Contains(got, "may still finish in the cloud") ||
		!strings.Contains(got, "raise the timeouts block") {
		t.Errorf("timeout detail: %q", got)
	}
	if got := errorDetail(fmt.Errorf("wait: %w", context.Canceled)); !strings.Contains(got, "run the same command again") {
		t.Errorf("interrupt detail: %q", got)
	}
	if got := errorDetail(errors.New("401: check the access key")); got != "401: check the access key" {
		t.Errorf("other errors are shown as they are: %q", got)
	}
}

func TestUserDataChecks(t *testing.T) {
	limit := maxUserDataBytes / 4 * 3
	for n, ok := range map[int]bool{limit: true, limit + 1: false} {
		var resp validator.StringResponse
		userDataSize{}.ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringValue(strings.Repeat("x", n))}, &resp)
		if resp.Diagnostics.HasError() == ok {
			t.Errorf("user_data of %d bytes: error %v", n, resp.Diagnostics.HasError())
		}
		if !ok {
			wantError(t, resp.Diagnostics, "user_data is too long", fmt.Sprintf("Keep it under %d bytes", limit))
		}
	}
	if !strings.Contains(userDataSize{}.MarkdownDescription(context.Background()), "base64") {
		t.Error("descriptions do not state the rule")
	}
}

func TestCreateOnlyArgumentsReplaceUnlessImported(t *testing.T) {
	h := newServerHarness(t)
	prior := h.existing(t, "web")
	prior.UserData = str("old")
	st, pl := stateOf(t, h.schema, &prior), planOf(t, h.schema, &prior)
	m := replaceModifier{replaceUnlessImported}

	cases := []struct {
		name          string
		state, plan   types.String
		creating, rep bool
	}{
		{"changed", str("old"), str("new"), false, true},
		{"unchanged", str("old"), str("old"), false, false},
		{"after an import (null in the state)", types.StringNull(), str("new"), false, false},
		{"on create", types.StringNull(), str("new"), true, false},
	}
	for _, c := range cases {
		req := planmodifier.StringRequest{State: st, Plan: pl, StateValue: c.state, PlanValue: c.plan}
		if c.creating {
			req.State = emptyState(h.schema)
		}
		var resp planmodifier.StringResponse
		m.PlanModifyString(context.Background(), req, &resp)
		if resp.RequiresReplace != c.rep {
			t.Errorf("%s: RequiresReplace = %v", c.name, resp.RequiresReplace)
		}
	}

	list := func(values ...string) types.List {
		elems := make([]attr.Value, 0, len(values))
		for _, v := range values {
			elems = append(elems, types.StringValue(v))
		}
		return types.ListValueMust(types.StringType, elems)
	}
	var lresp planmodifier.ListResponse
	m.PlanModifyList(context.Background(), planmodifier.ListRequest{State: st, Plan: pl, StateValue: list("a"), PlanValue: list("b")}, &lresp)
	var nresp planmodifier.ListResponse
	m.PlanModifyList(context.Background(), planmodifier.ListRequest{State: st, Plan: pl, StateValue: types.ListNull(types.StringType),
		PlanValue: list("b")}, &nresp)
	if !lresp.RequiresReplace || nresp.RequiresReplace {
		t.Errorf("list change replaces: %v (want true); list set after import replaces: %v (want false)", lresp.RequiresReplace, nresp.RequiresReplace)
	}
	if !strings.Contains(m.MarkdownDescription(context.Background()), "after an import") {
		t.Error("the description does not mention imports")
	}
}

// holdsData reports whether a resource or data source holds data in its data field, where its
// Configure keeps the provider's data.
func holdsData(t *testing.T, resourceOrDataSource any, data *providerData) bool {
	t.Helper()
	field := reflect.ValueOf(resourceOrDataSource).Elem().FieldByName("data")
	if !field.IsValid() || field.Type() != reflect.TypeOf(data) {
		t.Fatalf("%T has no data field of type %T", resourceOrDataSource, data)
	}
	return field.Pointer() == reflect.ValueOf(data).Pointer()
}

func TestProviderHandsItsDataToEveryResource(t *testing.T) {
	p := New("test")()
	data := newTestData(cloudtest.New())
	for _, factory := range p.Resources(context.Background()) {
		r := factory()
		var meta resource.MetadataResponse
		r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "scp"}, &meta)
		if !strings.HasPrefix(meta.TypeName, "scp_") {
			t.Errorf("type name %q", meta.TypeName)
		}
		var resp resource.ConfigureResponse
		r.(resource.ResourceWithConfigure).Configure(context.Background(), resource.ConfigureRequest{ProviderData: data}, &resp)
		wantNoError(t, resp.Diagnostics)
		if !holdsData(t, r, data) {
			t.Errorf("%s was not configured with the provider's data", meta.TypeName)
		}
		// Before the provider is configured, Configure hands nil and that is no error.
		var early resource.ConfigureResponse
		r.(resource.ResourceWithConfigure).Configure(context.Background(), resource.ConfigureRequest{}, &early)
		wantNoError(t, early.Diagnostics)
	}
	names := map[string]bool{}
	for _, factory := range p.DataSources(context.Background()) {
		d := factory()
		var meta datasource.MetadataResponse
		d.Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: "scp"}, &meta)
		names[meta.TypeName] = true
		var resp datasource.ConfigureResponse
		d.(datasource.DataSourceWithConfigure).Configure(context.Background(), datasource.ConfigureRequest{ProviderData: data}, &resp)
		wantNoError(t, resp.Diagnostics)
		if !holdsData(t, d, data) {
			t.Errorf("data source %s was not configured with the provider's data", meta.TypeName)
		}
	}
	for _, want := range []string{"scp_virtual_server", "scp_virtual_servers", "scp_volume", "scp_volumes"} {
		if !names[want] {
			t.Errorf("data source %s is not registered (have %v)", want, names)
		}
	}
}
