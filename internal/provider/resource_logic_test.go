package provider

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
)

// Create, read, update and delete of servers and volumes: one mutation, then a wait; what the
// cloud reports goes into the state; nothing leaves the state unless the cloud says it is gone.

func TestServerCreateSendsOneCreateAndWaitsUntilActive(t *testing.T) {
	h := newServerHarness(t)
	h.fake.Delay("CreateServer", 4)
	plan := h.plannedServer(t, "web")
	plan.UserData = str("#!/bin/sh\necho hi")

	resp := h.create(t, context.Background(), plan)
	wantNoError(t, resp.Diagnostics)
	got, ok := stateModel[virtualServerModel](t, resp.State)
	if !ok {
		t.Fatal("no state after a successful create")
	}
	wantCalls(t, h.fake, "CreateServer(web)")
	if reads := h.fake.Reads("Server"); reads < 4 {
		t.Errorf("the create was read %d times; it finishes at the 4th read", reads)
	}
	server, err := h.fake.Server(context.Background(), got.ID.ValueString())
	if err != nil {
		t.Fatal(err)
	}
	attachments, _ := h.fake.ServerAttachments(context.Background(), server.ID)
	osDisk, _ := cloud.SystemDisk(attachments)
	if got.State.ValueString() != "ACTIVE" || got.OSVolumeID.ValueString() != osDisk.VolumeID || got.VpcID.ValueString() != server.VpcID ||
		got.CreatedAt.ValueString() != server.CreatedAt {
		t.Errorf("state = %+v; want ACTIVE, os volume %s, vpc %s", got, osDisk.VolumeID, server.VpcID)
	}
	if got.UserData.ValueString() != "#!/bin/sh\necho hi" || got.ImageID.ValueString() != "image-1" {
		t.Errorf("the configured arguments were not kept: %+v", got)
	}
}

func TestServerCreateThatFailsInTheCloudKeepsTheID(t *testing.T) {
	h := newServerHarness(t)
	h.fake.Delay("CreateServer", 2)
	h.fake.EndIn("CreateServer", cloud.PhaseFailed, "ERROR")

	resp := h.create(t, context.Background(), h.plannedServer(t, "web"))
	wantError(t, resp.Diagnostics, "Server did not become ACTIVE", `("web") went to ERROR while being created`)
	if strings.Contains(errorText(resp.Diagnostics), "untaint") {
		t.Error("advises keeping a server that went to ERROR")
	}
	got, ok := stateModel[virtualServerModel](t, resp.State)
	if !ok || got.ID.IsNull() || !h.fake.HasServer(got.ID.ValueString()) {
		t.Fatalf("the failed server is not in the state (it would leak): %+v", got)
	}
	if got.State.IsUnknown() || got.OSVolumeID.IsUnknown() {
		t.Errorf("computed attributes left unknown in the state: %+v", got)
	}
}

func TestServerCreateRefusedByTheCloudsValidationSendsNothing(t *testing.T) {
	h := newServerHarness(t)
	h.fake.Validate = func(spec cloud.ServerSpec) error {
		if spec.ServerGroupID != "" {
			return errors.New("server_group_id is not supported by Fake.")
		}
		return nil
	}
	plan := h.plannedServer(t, "web")
	plan.ServerGroupID = str("group-1")
	resp := h.create(t, context.Background(), plan)
	wantError(t, resp.Diagnostics, "The server cannot be created on this cloud", "not supported by Fake", "Nothing was sent to the API")
	wantCalls(t, h.fake)
}

func TestServerCreateSpecCarriesThePlan(t *testing.T) {
	h := newServerHarness(t)
	plan := h.plannedServer(t, "web")
	plan.SecurityGroupIDs = []types.String{str("sg-1"), str("sg-2")}
	plan.FileStorageIDs = []types.String{str("fs-1")}
	plan.Tags = tagsValue(t, map[string]string{"env": "prod"})
	plan.Lock = types.BoolValue(true)
	var seen cloud.ServerSpec
	h.fake.Validate = func(spec cloud.ServerSpec) error { seen = spec; return nil }

	resp := h.create(t, context.Background(), plan)
	wantNoError(t, resp.Diagnostics)
	want := cloud.ServerSpec{
		Name: "web", ImageID: "image-1", ServerTypeID: "s1v1m2", KeypairName: "key-1",
		Networks:         []cloud.Network{{SubnetID: "subnet-1"}},
		SecurityGroupIDs: []string{"sg-1", "sg-2"}, FileStorageIDs: []string{"fs-1"},
		BootVolume: cloud.BootVolume{Size: 16, Type: "SSD", DeleteOnTermination: true},
		Lock:       true, Tags: map[string]string{"env": "prod"},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("spec = %+v\nwant   %+v", seen, want)
	}
	got, _ := stateModel[virtualServerModel](t, resp.State)
	if h.fake.TagsOf(cloud.KindServer, got.ID.ValueString())["env"] != "prod" || !got.Lock.ValueBool() {
		t.Errorf("the created server lacks the plan's tags or lock")
	}
}

func TestServerReadRemovesTheStateOnlyWhenTheServerIsGone(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	id := state.ID.ValueString()

	for _, failure := range []error{
		errors.New("connection reset by peer"),
		cloudtest.Err(cloud.OutcomeDenied, "401 unauthorised"),
		cloudtest.Err(cloud.OutcomeBusy, "try later"),
		cloudtest.Ambiguous("502 bad gateway"),
	} {
		h.fake.Fail("Server", failure)
		h.wantReadKeeps(t, state, "Cannot read the server", failure.Error())
	}

	h.fake.RemoveServer(id)
	h.wantReadRemoves(t, state)
}

func TestServerReadReflectsTheCloud(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	id := state.ID.ValueString()
	h.fake.SetServerPhase(id, cloud.PhaseStopped, "SHUTOFF")

	resp := h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[virtualServerModel](t, resp.State)
	if got.State.ValueString() != "SHUTOFF" {
		t.Errorf("state = %q, want SHUTOFF", got.State.ValueString())
	}
	// The OS volume recorded at create is kept while the server lists it: no second lookup.
	if n := h.fake.Reads("ServerAttachments"); n != 1 {
		t.Errorf("ServerAttachments read %d times over create and read, want 1", n)
	}
	if got.OSVolumeID != state.OSVolumeID {
		t.Errorf("os_volume_id %v, want %v", got.OSVolumeID, state.OSVolumeID)
	}
	// A configuration without tags never asks for them.
	if n := h.fake.Reads("Tags"); n != 0 {
		t.Errorf("tags were read %d times for a state without tags", n)
	}
}

func TestServerReadAfterImportFillsTheBootVolumeAndTags(t *testing.T) {
	h := newServerHarness(t)
	created := h.existing(t, "web")
	id := created.ID.ValueString()
	if err := h.fake.SetTags(context.Background(), cloud.KindServer, id, map[string]string{"team": "a"}); err != nil {
		t.Fatal(err)
	}

	imported := h.imported(t, " "+id+" ") // the import trims the id
	resp := h.read(t, imported)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[virtualServerModel](t, resp.State)
	if got.Name.ValueString() != "web" || got.OSVolumeID != created.OSVolumeID {
		t.Errorf("imported state = %+v", got)
	}
	if got.BootVolume == nil || got.BootVolume.Size.ValueInt64() != 16 || !got.BootVolume.DeleteOnTermination.ValueBool() ||
		got.BootVolume.Type.ValueString() != "SSD" {
		t.Errorf("boot_volume = %+v, want 16 GiB SSD deleted with the server", got.BootVolume)
	}
	if !reflect.DeepEqual(got.Tags, tagsValue(t, map[string]string{"team": "a"})) {
		t.Errorf("tags after import = %v", got.Tags)
	}

	// Without Resource Manager an import reads no tags, and that is no error.
	h.withoutTags("no Resource Manager")
	resp = h.read(t, imported)
	wantNoError(t, resp.Diagnostics)
	got, _ = stateModel[virtualServerModel](t, resp.State)
	if !got.Tags.IsNull() {
		t.Errorf("tags = %v without Resource Manager, want null", got.Tags)
	}
}

func TestServerReadOfManagedTags(t *testing.T) {
	h := newServerHarness(t)
	plan := h.plannedServer(t, "web")
	plan.Tags = tagsValue(t, map[string]string{"env": "prod"})
	resp := h.create(t, context.Background(), plan)
	wantNoError(t, resp.Diagnostics)
	state, _ := stateModel[virtualServerModel](t, resp.State)

	// Changed outside Terraform: the read shows the drift.
	_ = h.fake.SetTags(context.Background(), cloud.KindServer, state.ID.ValueString(), map[string]string{"env": "dev"})
	read := h.read(t, state)
	wantNoError(t, read.Diagnostics)
	got, _ := stateModel[virtualServerModel](t, read.State)
	if !reflect.DeepEqual(got.Tags, tagsValue(t, map[string]string{"env": "dev"})) {
		t.Errorf("tags = %v, want the cloud's env=dev", got.Tags)
	}

	// Managed tags that cannot be read are an error, never "unchanged".
	unavailable := errors.New("Resource Manager is not configured")
	h.withoutTags(unavailable.Error())
	read = h.read(t, state)
	wantError(t, read.Diagnostics, "Cannot read the server's tags", unavailable.Error())

	h.withTags()
	h.fake.Fail("Tags", errors.New("tag service down"))
	wantError(t, h.read(t, state).Diagnostics, "Cannot read the server's tags", "tag service down")
}

func TestServerReadWhenTheVolumesCannotBeListed(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	state.OSVolumeID = types.StringNull() // not known: it must be looked up
	h.fake.Fail("ServerAttachments", errors.New("volumes unavailable"))
	h.wantReadKeeps(t, state, "Cannot read the server's volumes", "volumes unavailable")
}

func TestServerUpdateLockWaitsForTheCloudToShowIt(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	id := state.ID.ValueString()
	h.fake.Delay("LockServer", 3)

	plan := state
	plan.Lock = types.BoolValue(true)
	resp := h.update(t, plan, state)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[virtualServerModel](t, resp.State)
	if !got.Lock.ValueBool() {
		t.Fatal("lock = false in the state after locking")
	}
	wantCalls(t, h.fake, "CreateServer(web)", "LockServer("+id+")")

	// Unlocking sends the other call; an update of nothing sends none.
	resp = h.update(t, state, got)
	wantNoError(t, resp.Diagnostics)
	wantCalls(t, h.fake, "CreateServer(web)", "LockServer("+id+")", "UnlockServer("+id+")")
	unlocked, _ := stateModel[virtualServerModel](t, resp.State)
	wantNoError(t, h.update(t, unlocked, unlocked).Diagnostics)
	if n := len(h.fake.Calls()); n != 3 {
		t.Fatalf("an update without changes sent %v", h.fake.Calls()[3:])
	}
}

func TestServerUpdateFailures(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	locking := state
	locking.Lock = types.BoolValue(true)

	h.wantUpdateFails(t, locking, state, "LockServer", cloudtest.Err(cloud.OutcomeDenied, "403 forbidden"), "Cannot change the server's lock")

	h.fake.Delay("LockServer", 1_000_000) // never seen locked: the wait times out
	wantError(t, h.update(t, locking, state).Diagnostics, "The server's lock did not change",
		"gave up waiting for server.lock", "raise the timeouts block")

	tagging := state
	tagging.Tags = tagsValue(t, map[string]string{"a": "b"})
	h.wantUpdateFails(t, tagging, state, "SetTags", errors.New("tag service down"), "Cannot change the server's tags")

	h.wantUpdateFails(t, tagging, state, "Server", errors.New("read failed"), "Cannot read the server after the update")
}

func TestServerUpdateSetsTheWholeTagSet(t *testing.T) {
	h := newServerHarness(t)
	plan := h.plannedServer(t, "web")
	plan.Tags = tagsValue(t, map[string]string{"a": "1", "b": "2"})
	created := h.create(t, context.Background(), plan)
	state, _ := stateModel[virtualServerModel](t, created.State)
	id := state.ID.ValueString()

	next := state
	next.Tags = tagsValue(t, map[string]string{"a": "1", "c": "3"})
	wantNoError(t, h.update(t, next, state).Diagnostics)
	if got := h.fake.TagsOf(cloud.KindServer, id); !reflect.DeepEqual(got, map[string]string{"a": "1", "c": "3"}) {
		t.Fatalf("tags = %v, want exactly a=1, c=3", got)
	}
	wantCalls(t, h.fake, "CreateServer(web)", "SetTags(server, "+id+")")
}

func TestServerDeleteSendsOneDeleteAndWaitsUntilGone(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	id := state.ID.ValueString()
	h.fake.Delay("DeleteServer", 5)
	readsBefore := h.fake.Reads("Server")

	resp := h.delete(t, state)
	wantNoError(t, resp.Diagnostics)
	wantCalls(t, h.fake, "CreateServer(web)", "DeleteServer("+id+")")
	if h.fake.HasServer(id) {
		t.Fatal("delete returned before the server was gone")
	}
	if n := h.fake.Reads("Server") - readsBefore; n < 5 {
		t.Errorf("the delete was read %d times; it finishes at the 5th read", n)
	}
}

// buildingServer is a server whose create was accepted but whose wait ended at once (as a
// timeout would end it), still building for reads more reads; deletes are refused meanwhile.
func buildingServer(t *testing.T, h *serverHarness, reads int) virtualServerModel {
	t.Helper()
	h.fake.RefuseDeleteWhileBuilding = true
	h.fake.Delay("CreateServer", reads)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	created, _ := stateModel[virtualServerModel](t, h.create(t, ctx, h.plannedServer(t, "web")).State)
	if s, err := h.fake.Server(context.Background(), created.ID.ValueString()); err != nil || s.Phase.Final() {
		t.Fatalf("the server should still be building: %v %v", s, err)
	}
	return created
}

// A delete refused while the server is still building (after a create whose wait timed out) is
// sent again once the build ends.
func TestServerDeleteWaitsOutABuild(t *testing.T) {
	h := newServerHarness(t)
	created := buildingServer(t, h, 4)
	wantNoError(t, h.delete(t, created).Diagnostics)
	if h.fake.Sent("DeleteServer") != 2 || h.fake.HasServer(created.ID.ValueString()) {
		t.Fatalf("want the refused DELETE and one more, and the server gone: sent %d", h.fake.Sent("DeleteServer"))
	}
}

// A read that answers 404 while the build is waited out proves nothing: the delete is sent again,
// and only its own answer (or the wait after it) says the server is gone.
func TestServerDeleteIsNotFooledByA404WhileWaitingOutABuild(t *testing.T) {
	h := newServerHarness(t)
	created := buildingServer(t, h, 6)
	id := created.ID.ValueString()
	// The read after the refusal sees the build; the next one, inside the wait, answers 404.
	h.fake.Fail("Server", nil, cloudtest.Err(cloud.OutcomeGone, "server "+id+" not found"))
	wantNoError(t, h.delete(t, created).Diagnostics)
	if h.fake.HasServer(id) {
		t.Fatal("Delete returned while the server still exists")
	}
	if n := h.fake.Sent("DeleteServer"); n < 3 {
		t.Fatalf("DeleteServer sent %d times; want it sent again after the stray 404 and once more after the build", n)
	}
}

// A build that outlasts the delete timeout ends in an error that says so, not in the cloud's list
// of refusal reasons, and the server stays.
func TestServerDeleteOfABuildThatDoesNotEnd(t *testing.T) {
	h := newServerHarness(t)
	created := buildingServer(t, h, 1_000_000)
	resp := h.delete(t, created)
	wantError(t, resp.Diagnostics, "Cannot delete the server", "was busy (BUILDING) when the request was refused",
		"waiting for it to settle ended", "Nothing was changed")
	if strings.Contains(errorText(resp.Diagnostics), "for these reasons") {
		t.Error("the message lists the refusal reasons although the server was only building")
	}
	if !h.fake.HasServer(created.ID.ValueString()) {
		t.Fatal("the server is gone")
	}
}

func TestServerDeleteOfAServerAlreadyGoneSucceeds(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	h.fake.RemoveServer(state.ID.ValueString())
	wantNoError(t, h.delete(t, state).Diagnostics)
	if h.fake.Sent("DeleteServer") != 1 {
		t.Fatalf("DeleteServer sent %d times", h.fake.Sent("DeleteServer"))
	}
}

func TestServerDeleteConflictNamesTheLockWhenItIsSet(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	id := state.ID.ValueString()
	// Locked outside Terraform: the state says lock = false, so the plan let the destroy through.
	if err := h.fake.SetServerLocked(context.Background(), id, true); err != nil {
		t.Fatal(err)
	}
	resp := h.delete(t, state)
	wantError(t, resp.Diagnostics, "Cannot delete the server",
		"Fake refused to delete server "+id, "The server's lock is set. Set lock = false", "stays in the Terraform state")
	if strings.Contains(errorText(resp.Diagnostics), "refuses to delete server for these reasons") {
		t.Error("the locked case lists the generic reasons instead of naming the lock")
	}
	if h.fake.Sent("DeleteServer") != 1 || !h.fake.HasServer(id) {
		t.Fatal("want exactly one DELETE, and the server still there")
	}
}

func TestServerDeleteConflictWithoutLockListsTheReasons(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	h.fake.Fail("DeleteServer", cloudtest.Err(cloud.OutcomeConflict, "file storage is connected"))
	resp := h.delete(t, state)
	wantError(t, resp.Diagnostics, "Cannot delete the server",
		"file storage is connected", "Fake refuses to delete server for these reasons.", "Resolve the one that applies",
		"stays in the Terraform state")
	if strings.Contains(errorText(resp.Diagnostics), "lock is set") {
		t.Error("names a lock that is not set")
	}
}

func TestServerDeleteFailures(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	id := state.ID.ValueString()

	h.fake.Fail("DeleteServer", errors.New("connection reset"))
	wantError(t, h.delete(t, state).Diagnostics, "Cannot delete the server", "connection reset")

	h.fake.Delay("DeleteServer", 3)
	h.fake.EndIn("DeleteServer", cloud.PhaseFailed, "ERROR")
	wantError(t, h.delete(t, state).Diagnostics, "Server deletion did not finish",
		"went to ERROR while being deleted", "stays in the Terraform state", "Check it in the Fake console")

	h.fake.SetServerPhase(id, cloud.PhaseActive, "ACTIVE")
	h.fake.Delay("DeleteServer", 1_000_000)
	resp := h.delete(t, state)
	wantError(t, resp.Diagnostics, "Server deletion did not finish",
		"gave up waiting for server.delete", "The resource stays in the Terraform state", "raise the timeouts block")
	if h.fake.Sent("DeleteServer") != 3 {
		t.Fatalf("DeleteServer sent %d times over three deletes; a wait must never re-send", h.fake.Sent("DeleteServer"))
	}
}

func TestServerImportStateRefusesWhatIsNotAnID(t *testing.T) {
	h := newServerHarness(t)
	wantError(t, h.importState("web-1").Diagnostics, "Invalid server id", `"web-1" is not a server id`, "terraform import scp_virtual_server.example "+idExample)
}

func TestVolumeLifecycle(t *testing.T) {
	h := newVolumeHarness(t)
	h.fake.Delay("CreateVolume", 3)
	plan := h.plannedVolume(t, "data", 8)
	plan.Tags = tagsValue(t, map[string]string{"env": "prod"})
	resp := h.create(t, context.Background(), plan)
	wantNoError(t, resp.Diagnostics)
	state, _ := stateModel[volumeModel](t, resp.State)
	id := state.ID.ValueString()
	if state.State.ValueString() != "available" || state.Bootable.ValueBool() || state.Size.ValueInt64() != 8 {
		t.Fatalf("state after create = %+v", state)
	}
	if !reflect.DeepEqual(h.fake.TagsOf(cloud.KindVolume, id), map[string]string{"env": "prod"}) {
		t.Errorf("tags not sent with the create")
	}

	// Rename only: one call, no extension, one read for the state.
	renamed := state
	renamed.Name = str("data2")
	up := h.update(t, renamed, state)
	wantNoError(t, up.Diagnostics)
	state, _ = stateModel[volumeModel](t, up.State)
	if state.Name.ValueString() != "data2" {
		t.Fatalf("name = %v after rename", state.Name)
	}

	// Growing extends in place and waits for the size.
	h.fake.Delay("ExtendVolume", 4)
	grown := state
	grown.Size = types.Int64Value(32)
	up = h.update(t, grown, state)
	wantNoError(t, up.Diagnostics)
	state, _ = stateModel[volumeModel](t, up.State)
	if state.Size.ValueInt64() != 32 || state.State.ValueString() != "available" {
		t.Fatalf("after extend: %+v", state)
	}

	h.fake.Delay("DeleteVolume", 2)
	wantNoError(t, h.delete(t, state).Diagnostics)
	if h.fake.HasVolume(id) {
		t.Fatal("delete returned before the volume was gone")
	}
	wantCalls(t, h.fake, "CreateVolume(data)", "RenameVolume("+id+")", "ExtendVolume("+id+")", "DeleteVolume("+id+")")
}

func TestVolumeCreateThatFailsInTheCloudKeepsTheID(t *testing.T) {
	h := newVolumeHarness(t)
	h.fake.Delay("CreateVolume", 2)
	h.fake.EndIn("CreateVolume", cloud.PhaseFailed, "error")
	resp := h.create(t, context.Background(), h.plannedVolume(t, "data", 8))
	wantError(t, resp.Diagnostics, "Volume did not become available", `("data") went to state "error"`)
	if strings.Contains(errorText(resp.Diagnostics), "untaint") {
		t.Error("advises keeping a volume that went to error")
	}
	if got, ok := stateModel[volumeModel](t, resp.State); !ok || !h.fake.HasVolume(got.ID.ValueString()) {
		t.Fatal("the failed volume is not in the state")
	}
}

func TestVolumeReadRemovesTheStateOnlyWhenTheVolumeIsGone(t *testing.T) {
	h := newVolumeHarness(t)
	state := h.existing(t, "data", 8)
	h.fake.Fail("Volume", errors.New("EOF"), cloudtest.Err(cloud.OutcomeRejected, "400 bad request"))
	for range 2 {
		h.wantReadKeeps(t, state, "Cannot read the volume")
	}
	h.fake.RemoveVolume(state.ID.ValueString())
	h.wantReadRemoves(t, state)
}

func TestVolumeReadAfterImport(t *testing.T) {
	h := newVolumeHarness(t)
	id := h.fake.PutVolume(cloud.Volume{Name: "legacy", State: "in-use", Phase: cloud.PhaseInUse, Size: 24, Type: "HDD", MaxIOPS: 3000})
	_ = h.fake.SetTags(context.Background(), cloud.KindVolume, id, map[string]string{"owner": "ops"})

	state := h.imported(t, id)

	resp := h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[volumeModel](t, resp.State)
	if got.Name.ValueString() != "legacy" || got.Size.ValueInt64() != 24 || got.VolumeType.ValueString() != "HDD" ||
		got.MaxIOPS.ValueInt64() != 3000 || !got.MaxThroughput.IsNull() || got.State.ValueString() != "in-use" {
		t.Errorf("imported volume = %+v", got)
	}
	if !reflect.DeepEqual(got.Tags, tagsValue(t, map[string]string{"owner": "ops"})) {
		t.Errorf("tags = %v", got.Tags)
	}

	// An imported volume without tags reads as null, as a configuration without tags has it: no change planned.
	_ = h.fake.SetTags(context.Background(), cloud.KindVolume, id, map[string]string{})
	resp = h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	if got, _ = stateModel[volumeModel](t, resp.State); !got.Tags.IsNull() {
		t.Errorf("tags of an imported volume without tags = %v, want null", got.Tags)
	}
	// tags = {} in the configuration stays {} when the cloud has none.
	state.Name = str("legacy")
	state.Tags = tagsValue(t, map[string]string{})
	resp = h.read(t, state)
	if got, _ = stateModel[volumeModel](t, resp.State); got.Tags.IsNull() || len(got.Tags.Elements()) != 0 {
		t.Errorf("configured empty tags read back as %v, want {}", got.Tags)
	}

	wantError(t, h.importState("vol-1").Diagnostics, "Invalid volume id", "terraform import scp_volume.example "+idExample)
}

func TestVolumeUpdateFailures(t *testing.T) {
	h := newVolumeHarness(t)
	state := h.existing(t, "data", 8)
	id := state.ID.ValueString()

	renamed := state
	renamed.Name = str("x")
	h.wantUpdateFails(t, renamed, state, "RenameVolume", cloudtest.Err(cloud.OutcomeRejected, "name taken"), "Cannot rename the volume")

	grown := state
	grown.Size = types.Int64Value(16)
	h.wantUpdateFails(t, grown, state, "ExtendVolume", cloudtest.Err(cloud.OutcomeConflict, "quota"), "Cannot extend the volume")

	h.fake.Delay("ExtendVolume", 2)
	h.fake.EndIn("ExtendVolume", cloud.PhaseFailed, "error_extending")
	wantError(t, h.update(t, grown, state).Diagnostics, "Volume extension did not finish", `went to state "error_extending"`)

	tagged := state
	tagged.Tags = tagsValue(t, map[string]string{"a": "b"})
	h.fake.SetVolumePhase(id, cloud.PhaseAvailable, "available")
	h.wantUpdateFails(t, tagged, state, "SetTags", errors.New("tag service down"), "Cannot change the volume's tags")

	h.wantUpdateFails(t, renamed, state, "Volume", errors.New("read failed"), "Cannot read the volume after the update")
}

func TestVolumeDeleteOfAnAttachedVolumeNamesTheServer(t *testing.T) {
	h := newVolumeHarness(t)
	state := h.existing(t, "data", 8)
	id := state.ID.ValueString()
	srv := h.fake.PutServer(cloud.Server{Name: "web", Phase: cloud.PhaseActive})
	h.fake.PutAttachment(srv, cloud.Attachment{VolumeID: id, Device: "/dev/vdb"})

	resp := h.delete(t, state)
	wantError(t, resp.Diagnostics, "Cannot delete an attached volume",
		"Fake refused to delete volume "+id, "It is attached to server "+srv, "remove its scp_volume_attachment",
		"stays in the Terraform state")
	if h.fake.Sent("DeleteVolume") != 1 || !h.fake.HasVolume(id) {
		t.Fatal("want exactly one DELETE and the volume still there")
	}
}

func TestVolumeDeleteOutcomes(t *testing.T) {
	h := newVolumeHarness(t)
	state := h.existing(t, "data", 8)
	id := state.ID.ValueString()

	h.fake.Fail("DeleteVolume", cloudtest.Err(cloud.OutcomeConflict, "linked to a custom image"))
	wantError(t, h.delete(t, state).Diagnostics, "Cannot delete the volume",
		"linked to a custom image", "Fake refuses to delete volume for these reasons.", "stays in the Terraform state")

	h.fake.Fail("DeleteVolume", errors.New("connection reset"))
	wantError(t, h.delete(t, state).Diagnostics, "Cannot delete the volume", "connection reset")

	h.fake.Delay("DeleteVolume", 2)
	h.fake.EndIn("DeleteVolume", cloud.PhaseFailed, "error_deleting")
	wantError(t, h.delete(t, state).Diagnostics, "Volume deletion did not finish",
		`went to state "error_deleting" while being deleted`, "Check it in the Fake console")

	h.fake.SetVolumePhase(id, cloud.PhaseAvailable, "available")
	h.fake.Delay("DeleteVolume", 1_000_000)
	wantError(t, h.delete(t, state).Diagnostics, "Volume deletion did not finish",
		"gave up waiting for volume.delete", "raise the timeouts block")

	h.fake.RemoveVolume(id)
	wantNoError(t, h.delete(t, state).Diagnostics)
	if n := h.fake.Sent("DeleteVolume"); n != 5 {
		t.Fatalf("DeleteVolume sent %d times over five deletes", n)
	}
}

func TestResourcesRefuseToWorkUnconfigured(t *testing.T) {
	// Terraform may hand a resource a request before the provider could be configured.
	h := newVolumeHarness(t)
	h.r.data = nil
	state := h.plannedVolume(t, "data", 8)
	state.ID = str(volumeA)
	wantError(t, h.read(t, state).Diagnostics, "The SCP provider is not configured")
	wantError(t, h.delete(t, state).Diagnostics, "The SCP provider is not configured")

	var resp resource.ConfigureResponse
	h.r.Configure(context.Background(), resource.ConfigureRequest{ProviderData: "not provider data"}, &resp)
	wantError(t, resp.Diagnostics, "Unexpected provider data", "this is a bug in the provider")
}

func TestServerCreateWhoseVolumesCannotBeReadKeepsTheID(t *testing.T) {
	h := newServerHarness(t)
	h.fake.Fail("ServerAttachments", errors.New("volumes unavailable"))
	resp := h.create(t, context.Background(), h.plannedServer(t, "web"))
	wantError(t, resp.Diagnostics, "Cannot read the server's volumes", "volumes unavailable")
	if got, ok := stateModel[virtualServerModel](t, resp.State); !ok || !h.fake.HasServer(got.ID.ValueString()) {
		t.Fatal("the new server is not in the state")
	}
}

func TestServerImportWhoseOSVolumeCannotBeRead(t *testing.T) {
	h := newServerHarness(t)
	created := h.existing(t, "web")
	imported := h.imported(t, " "+created.ID.ValueString()+" ")

	// The first listing finds the OS disk, the second (its delete_on_termination) fails.
	h.fake.Fail("ServerAttachments", nil)
	h.fake.Fail("ServerAttachments", errors.New("listing failed"))
	wantError(t, h.read(t, imported).Diagnostics, "Cannot read the server's volumes", "listing failed")

	h.fake.Fail("Volume", errors.New("volume read failed"))
	wantError(t, h.read(t, imported).Diagnostics, "Cannot read the server's OS volume", "volume read failed")
}

func TestVolumeCreateWhoseWaitTimesOutSaysItIsTainted(t *testing.T) {
	h := newVolumeHarness(t)
	h.fake.Delay("CreateVolume", 1_000_000)
	resp := h.create(t, context.Background(), h.plannedVolume(t, "data", 8))
	got, ok := stateModel[volumeModel](t, resp.State)
	if !ok || !h.fake.HasVolume(got.ID.ValueString()) {
		t.Fatal("the volume whose wait timed out is not in the state")
	}
	wantError(t, resp.Diagnostics, "Volume did not become available",
		"gave up waiting for volume.create", "The volume "+got.ID.ValueString()+" was created", "marked tainted",
		"terraform untaint ADDRESS", "terraform state list -id="+got.ID.ValueString()+" prints it")
	if h.fake.Sent("CreateVolume") != 1 {
		t.Fatal("the create was re-sent")
	}
}
