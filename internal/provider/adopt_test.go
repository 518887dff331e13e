package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
)

// After a create whose answer was lost, the provider never sends it again: it looks for what its
// request made and adopts it when exactly one object fits; otherwise it says what to look for.

func TestServerCreateAnswerLostAdoptsTheServerItMade(t *testing.T) {
	h := newServerHarness(t)
	// A server of the same name made long ago is not this request's.
	old := h.fake.PutServer(cloud.Server{Name: "web", Phase: cloud.PhaseActive, CreatedAt: time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	h.fake.FailAfter("CreateServer", cloudtest.Ambiguous("connection reset after the request was sent"))

	resp := h.create(t, context.Background(), h.plannedServer(t, "web"))
	wantNoError(t, resp.Diagnostics)
	got, ok := stateModel[virtualServerModel](t, resp.State)
	if !ok || got.ID.ValueString() == old || !h.fake.HasServer(got.ID.ValueString()) {
		t.Fatalf("adopted %v; want the new server, not %s", got.ID, old)
	}
	if got.State.ValueString() != "ACTIVE" {
		t.Errorf("the adopted server was not waited for: %v", got.State)
	}
	if n := h.fake.Sent("CreateServer"); n != 1 {
		t.Fatalf("CreateServer sent %d times; a lost create must never be re-sent", n)
	}
}

func TestVolumeCreateAnswerLostAdoptsTheVolumeItMade(t *testing.T) {
	h := newVolumeHarness(t)
	h.fake.FailAfter("CreateVolume", cloudtest.Ambiguous("502 bad gateway"))
	resp := h.create(t, context.Background(), h.plannedVolume(t, "data", 8))
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeModel](t, resp.State)
	if !h.fake.HasVolume(got.ID.ValueString()) || h.fake.Sent("CreateVolume") != 1 {
		t.Fatalf("state %v, creates sent %d", got.ID, h.fake.Sent("CreateVolume"))
	}
}

func TestCreateAnswerLostAndNothingMadeSaysApplyingAgainIsSafe(t *testing.T) {
	t.Parallel() // the lookup is repeated a few times a second apart
	h := newServerHarness(t)
	h.fake.Fail("CreateServer", cloudtest.Ambiguous("timeout awaiting response headers"))

	resp := h.create(t, context.Background(), h.plannedServer(t, "web"))
	wantError(t, resp.Diagnostics, "Cannot create the server",
		"timeout awaiting response headers", `listed the servers named "web"`, "There is none", "applying again is safe",
		"terraform import scp_virtual_server.<name>")
	if !resp.State.Raw.IsNull() {
		t.Fatal("something was recorded in the state")
	}
	if n := h.fake.Reads("ServersNamed"); n != lookupAttempts {
		t.Errorf("listed %d times, want %d (a new object may take a moment to be listed)", n, lookupAttempts)
	}
}

func TestCreateAnswerLostAndSeveralFoundAdoptsNone(t *testing.T) {
	h := newVolumeHarness(t)
	other := h.fake.PutVolume(cloud.Volume{Name: "data", Phase: cloud.PhaseAvailable, CreatedAt: time.Now().UTC().Format(time.RFC3339)})
	h.fake.FailAfter("CreateVolume", cloudtest.Ambiguous("connection reset"))

	resp := h.create(t, context.Background(), h.plannedVolume(t, "data", 8))
	wantError(t, resp.Diagnostics, "Cannot create the volume", "found 2 volumes (", other,
		"cannot tell which one this request made", "none was recorded in the state", "terraform import scp_volume.<name> <id>")
	if !resp.State.Raw.IsNull() {
		t.Fatal("one of several candidates was recorded")
	}
	if h.fake.Sent("CreateVolume") != 1 {
		t.Fatal("the create was re-sent")
	}
}

func TestCreateAnswerLostAndAnUndatedOneFoundAdoptsNone(t *testing.T) {
	t.Parallel()
	h := newServerHarness(t)
	undated := h.fake.PutServer(cloud.Server{Name: "web", Phase: cloud.PhaseActive, CreatedAt: ""})
	h.fake.Fail("CreateServer", cloudtest.Ambiguous("EOF"))
	resp := h.create(t, context.Background(), h.plannedServer(t, "web"))
	wantError(t, resp.Diagnostics, "Cannot create the server", "found one server ("+undated+")", "cannot tell which one")
}

func TestCreateAnswerLostAndTheLookupFailed(t *testing.T) {
	h := newServerHarness(t)
	h.fake.FailAfter("CreateServer", cloudtest.Ambiguous("connection reset"))
	h.fake.Fail("ServersNamed", errors.New("503 service unavailable"))

	resp := h.create(t, context.Background(), h.plannedServer(t, "web"))
	wantError(t, resp.Diagnostics, "Cannot create the server",
		"The lookup failed: 503 service unavailable", `look for a server named "web"`,
		"terraform import scp_virtual_server.<name> <id>", "otherwise the next apply creates another one")
	if !resp.State.Raw.IsNull() {
		t.Fatal("state recorded without knowing the id")
	}
}

func TestCreateRefusedLooksForNothing(t *testing.T) {
	h := newVolumeHarness(t)
	h.fake.Fail("CreateVolume", cloudtest.Err(cloud.OutcomeRejected, "size must be a multiple of 8"))
	resp := h.create(t, context.Background(), h.plannedVolume(t, "data", 8))
	wantError(t, resp.Diagnostics, "Cannot create the volume", "size must be a multiple of 8")
	if strings.Contains(errorText(resp.Diagnostics), "listed") || h.fake.Reads("VolumesNamed") != 0 {
		t.Fatal("a refusal that proves nothing was done started a lookup")
	}
}

func TestInterruptedCreateStillRecordsWhatItMade(t *testing.T) {
	// Ctrl-C while the create's answer is on its way: the lookup gets a short context of its own,
	// so the server is recorded (and the interrupted wait says so) instead of leaking.
	h := newServerHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.fake.FailAfter("CreateServer", cloudtest.Ambiguous("context canceled while reading the answer"))

	resp := h.create(t, ctx, h.plannedServer(t, "web"))
	wantError(t, resp.Diagnostics, "Server did not become ACTIVE", "marked tainted", "terraform untaint")
	got, ok := stateModel[virtualServerModel](t, resp.State)
	if !ok || !h.fake.HasServer(got.ID.ValueString()) {
		t.Fatal("the server made by the interrupted create is not in the state")
	}
}

func TestCreatedSinceAllowsForClocksThatDisagree(t *testing.T) {
	sent := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	since := sent.Add(-createdAtSlack)
	objects := []createdObject{
		{ID: "just-inside", CreatedAt: since.Format(time.RFC3339)},
		{ID: "too-old", CreatedAt: since.Add(-time.Second).Format(time.RFC3339)},
		{ID: "after", CreatedAt: sent.Add(time.Minute).Format(time.RFC3339)},
		{ID: "undated", CreatedAt: "yesterday"},
	}
	found, unsure := createdSince(objects, since)
	if len(found) != 2 || found[0].ID != "just-inside" || found[1].ID != "after" {
		t.Errorf("found = %v", found)
	}
	if len(unsure) != 1 || unsure[0].ID != "undated" {
		t.Errorf("unsure = %v", unsure)
	}
}

// ---- attachments: adoption after a refused or lost attach ----

func TestAttachSendsOneAttachAndWaits(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.Delay("Attach", 3)
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeAttachmentModel](t, resp.State)
	if got.ID.ValueString() != h.server+"/"+h.volume || got.Device.ValueString() != "/dev/vdb" ||
		got.OSVolume.ValueBool() || got.DeleteOnTermination.ValueBool() {
		t.Fatalf("state = %+v", got)
	}
	if !h.fake.IsAttached(h.server, h.volume) {
		t.Fatal("create returned before the attach finished")
	}
	wantCalls(t, h.fake, "Attach("+h.server+", "+h.volume+")")
}

func TestAttachRefusedBecauseAlreadyAttachedAdoptsIt(t *testing.T) {
	// A data volume attached to this server already (an earlier run whose answer was lost): the
	// cloud refuses the attach, and the attachment is adopted.
	h := newAttachmentHarness(t)
	h.fake.PutAttachment(h.server, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vdc"})
	h.fake.SetVolumePhase(h.volume, cloud.PhaseInUse, "in-use")

	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeAttachmentModel](t, resp.State)
	if got.Device.ValueString() != "/dev/vdc" || got.OSVolume.ValueBool() {
		t.Fatalf("adopted state = %+v; want /dev/vdc, not the OS volume", got)
	}
	if h.fake.Sent("Attach") != 1 {
		t.Fatalf("Attach sent %d times", h.fake.Sent("Attach"))
	}
}

func TestAttachOfTheServersOwnOSDiskIsRefusedBeforeSending(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.PutAttachment(h.server, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vda", SystemDisk: true})
	h.fake.SetVolumePhase(h.volume, cloud.PhaseInUse, "in-use")

	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach a server's own OS disk", "skip_destroy = true", "terraform import")
	if h.fake.Sent("Attach") != 0 {
		t.Fatalf("Attach sent %d times; the OS disk must be refused before anything is sent", h.fake.Sent("Attach"))
	}
	if !resp.State.Raw.IsNull() {
		t.Fatal("the refused attachment was recorded in the state")
	}
}

func TestAttachAnswerLostAdoptsTheAttachment(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.FailAfter("Attach", cloudtest.Ambiguous("connection reset"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeAttachmentModel](t, resp.State)
	if got.Device.ValueString() != "/dev/vdb" || got.OSVolume.ValueBool() {
		t.Fatalf("state = %+v", got)
	}
}

func TestAttachAnswerLostWhileStillAttachingWaitsThenAdopts(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.Delay("Attach", 4)
	h.fake.FailAfter("Attach", cloudtest.Ambiguous("502 bad gateway"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantNoError(t, resp.Diagnostics)
	if !h.fake.IsAttached(h.server, h.volume) || h.fake.Sent("Attach") != 1 {
		t.Fatalf("attached %v after %d attaches", h.fake.IsAttached(h.server, h.volume), h.fake.Sent("Attach"))
	}
}

func TestAttachAnswerLostAndNothingAttachedIsSafeToRetry(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.Fail("Attach", cloudtest.Ambiguous("connection reset"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach the volume", "connection reset",
		"it is not attached to the server, so nothing was recorded in the state and applying again is safe")
	if !resp.State.Raw.IsNull() {
		t.Fatal("an attach that did not happen was recorded")
	}
}

func TestAttachAnswerLostAndUnreadableKeepsItTainted(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.FailAfter("Attach", cloudtest.Ambiguous("connection reset"))
	h.fake.Fail("Volume", errors.New("read timed out"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Attach did not finish",
		"read timed out", "could not read whether it took effect", "stays in the Terraform state (tainted)")
	got, ok := stateModel[volumeAttachmentModel](t, resp.State)
	if !ok || got.ID.ValueString() != h.server+"/"+h.volume {
		t.Fatal("an attach that may have happened was not kept in the state")
	}
	if !got.OSVolume.IsNull() || !got.Device.IsNull() {
		t.Errorf("unknown facts were recorded as known: os_volume %v, device %v", got.OSVolume, got.Device)
	}
}

func TestAttachAnswerLostAndNeverFinishingKeepsItTainted(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.Delay("Attach", 1_000_000)
	h.fake.FailAfter("Attach", cloudtest.Ambiguous("connection reset"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Attach did not finish",
		"gave up waiting for volume.attach", "seen attaching afterwards, but not finishing", "stays in the Terraform state (tainted)")
	if resp.State.Raw.IsNull() {
		t.Fatal("an attach under way was not kept in the state")
	}
}

func TestAttachAnswerLostAndTheServerListingFails(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.FailAfter("Attach", cloudtest.Ambiguous("connection reset"))
	// Both listings fail: the check before the attach (which does not stop it) and the adoption's.
	h.fake.Fail("ServerAttachments", errors.New("server volumes unavailable"), errors.New("server volumes unavailable"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Attach did not finish", "server volumes unavailable", "could not read whether it took effect")
}

func TestAttachConflictElsewhereListsTheReasons(t *testing.T) {
	h := newAttachmentHarness(t)
	other := h.fake.PutServer(cloud.Server{Name: "db", Phase: cloud.PhaseActive})
	h.fake.PutAttachment(other, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vdb"})
	h.fake.SetVolumePhase(h.volume, cloud.PhaseInUse, "in-use")

	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach the volume",
		"Fake refused to attach volume "+h.volume+" to server "+h.server, "already attached to server "+other,
		"Fake refuses to attach for these reasons.", "Nothing was attached.")
	if strings.Contains(errorText(resp.Diagnostics), "applying again is safe") {
		t.Error("a refusal is described as a lost answer")
	}
	if h.fake.Sent("Attach") != 1 {
		t.Fatalf("a conflict on an idle volume was sent again (%d attaches)", h.fake.Sent("Attach"))
	}
}

func TestAttachToAMissingServer(t *testing.T) {
	h := newAttachmentHarness(t)
	missing := "5e3a8f1c-0000-4000-8000-00000000dead"
	resp := h.create(t, context.Background(), h.planned(t, missing, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach the volume", "The volume "+h.volume+" or the server "+missing+" does not exist")
}

func TestAttachRefusedAsInvalidWithoutAttachmentReportsIt(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.Fail("Attach", cloudtest.Err(cloud.OutcomeRejected, "400 device name invalid"))
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach the volume", "400 device name invalid")
	if strings.Contains(errorText(resp.Diagnostics), "applying again is safe") {
		t.Error("a refusal is described as a lost answer")
	}
}

func TestAttachWhileTheVolumeIsBusyWaitsAndSendsAgain(t *testing.T) {
	h := newAttachmentHarness(t)
	// Another operation is under way on the volume (an extension): the first attach is refused.
	h.fake.Delay("ExtendVolume", 3)
	if err := h.fake.ExtendVolume(context.Background(), h.volume, 16); err != nil {
		t.Fatal(err)
	}
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantNoError(t, resp.Diagnostics)
	wantCalls(t, h.fake, "ExtendVolume("+h.volume+")", "Attach("+h.server+", "+h.volume+")", "Attach("+h.server+", "+h.volume+")")
	if !h.fake.IsAttached(h.server, h.volume) {
		t.Fatal("not attached")
	}
}

func TestAttachAttemptsWhileBusyAreBounded(t *testing.T) {
	h := newAttachmentHarness(t)
	// Each attach is refused while the volume shows an operation under way, which settles before
	// the next one: the provider sends at most busyRounds attaches.
	busy := cloudtest.Err(cloud.OutcomeConflict, "volume is busy")
	for range busyRounds + 2 {
		h.fake.Fail("Attach", busy)
	}
	settling := &settlingCloud{Fake: h.fake, volume: h.volume, rounds: busyRounds}
	h.r.data = newTestData(settling)
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach the volume", "volume is busy", "Nothing was attached")
	if n := h.fake.Sent("Attach"); n != busyRounds {
		t.Fatalf("Attach sent %d times, want %d", n, busyRounds)
	}
}

// settlingCloud shows its volume under way at the first read after each refusal and idle at the
// next, for rounds refusals; then as the fake has it.
type settlingCloud struct {
	*cloudtest.Fake
	volume string
	rounds int
	reads  int
}

func (s *settlingCloud) Volume(ctx context.Context, id string) (*cloud.Volume, error) {
	v, err := s.Fake.Volume(ctx, id)
	if err != nil || id != s.volume || s.reads >= 2*s.rounds {
		return v, err
	}
	s.reads++
	if s.reads%2 == 1 {
		v.Phase, v.State = cloud.PhaseInProgress, "maintenance"
	} else {
		v.Phase, v.State = cloud.PhaseAvailable, "available"
	}
	return v, nil
}

func TestAttachRecordsTheDeviceTheVolumeListsWhenTheAnswerNamesNone(t *testing.T) {
	h := newAttachmentHarness(t)
	h.r.data = newTestData(quietAttach{h.fake})
	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeAttachmentModel](t, resp.State)
	if got.Device.ValueString() != "/dev/vdb" {
		t.Fatalf("device = %v, want the /dev/vdb the volume lists", got.Device)
	}
}

// quietAttach is a cloud whose attach answer does not name the device.
type quietAttach struct{ *cloudtest.Fake }

func (q quietAttach) Attach(ctx context.Context, serverID, volumeID string, deleteOnTermination bool) (string, error) {
	_, err := q.Fake.Attach(ctx, serverID, volumeID, deleteOnTermination)
	return "", err
}

func TestAttachRefusedAndFoundToBeTheOSDiskIsNeverAdopted(t *testing.T) {
	// The listing before the attach failed, so the attach was sent; the cloud refused it, and the
	// adoption finds the volume is the server's OS disk: refused, not recorded.
	h := newAttachmentHarness(t)
	h.fake.PutAttachment(h.server, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vda", SystemDisk: true})
	h.fake.SetVolumePhase(h.volume, cloud.PhaseInUse, "in-use")
	h.fake.Fail("ServerAttachments", errors.New("server volumes unavailable"))

	resp := h.create(t, context.Background(), h.planned(t, h.server, h.volume))
	wantError(t, resp.Diagnostics, "Cannot attach a server's own OS disk", "the apply stops here",
		"The attach request was refused", "skip_destroy = true")
	if !resp.State.Raw.IsNull() {
		t.Fatal("the OS disk was adopted into the state")
	}
	if h.fake.Sent("Attach") != 1 {
		t.Fatalf("Attach sent %d times", h.fake.Sent("Attach"))
	}
}
