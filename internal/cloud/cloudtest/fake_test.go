package cloudtest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var ctx = context.Background()

func TestCreateServerFinishesAtTheDelayedRead(t *testing.T) {
	f := New()
	f.Delay("CreateServer", 3)
	id, err := f.CreateServer(ctx, cloud.ServerSpec{Name: "web", BootVolume: cloud.BootVolume{Size: 16, DeleteOnTermination: true}})
	if err != nil {
		t.Fatal(err)
	}
	var phases []cloud.Phase
	for range 4 {
		s, err := f.Server(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		phases = append(phases, s.Phase)
	}
	want := []cloud.Phase{cloud.PhaseInProgress, cloud.PhaseInProgress, cloud.PhaseActive, cloud.PhaseActive}
	if !reflect.DeepEqual(phases, want) {
		t.Fatalf("phases over four reads = %v, want %v", phases, want)
	}
	if got := f.Reads("Server"); got != 4 {
		t.Errorf("Reads(Server) = %d, want 4", got)
	}
	attachments, err := f.ServerAttachments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	disk, ok := cloud.SystemDisk(attachments)
	if !ok || disk.Device != "/dev/vda" || !disk.DeleteOnTermination {
		t.Fatalf("system disk = %+v, %v; want one on /dev/vda deleted with the server", disk, ok)
	}
}

func TestWithoutDelayOperationsFinishAtOnce(t *testing.T) {
	f := New()
	id, _ := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "data", Size: 8})
	v, err := f.Volume(ctx, id)
	if err != nil || v.Phase != cloud.PhaseAvailable {
		t.Fatalf("first read = %+v, %v; want available", v, err)
	}
}

func TestCallLogRecordsMutationsWithTheirIDs(t *testing.T) {
	f := New()
	srv := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	vol := f.PutVolume(cloud.Volume{Name: "v", Phase: cloud.PhaseAvailable})
	if _, err := f.Attach(ctx, srv, vol, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Volume(ctx, vol); err != nil { // reads are not mutations
		t.Fatal(err)
	}
	if err := f.Detach(ctx, srv, vol); err != nil {
		t.Fatal(err)
	}
	want := []Call{{"Attach", []string{srv, vol}}, {"Detach", []string{srv, vol}}}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Calls() = %v, want %v", got, want)
	}
	if f.Sent("Detach") != 1 || f.Sent("DeleteVolume") != 0 {
		t.Fatalf("Sent: detach %d, delete %d", f.Sent("Detach"), f.Sent("DeleteVolume"))
	}
}

func TestFailIsNotCarriedOutAndFailAfterIs(t *testing.T) {
	f := New()
	refused := Err(cloud.OutcomeRejected, "bad name")
	lost := Ambiguous("connection reset")
	f.Fail("CreateVolume", refused)
	f.FailAfter("CreateVolume", lost)

	if _, err := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "a"}); !errors.Is(err, refused) || !cloud.IsRejected(err) {
		t.Fatalf("first create: %v, want the rejection", err)
	}
	if _, err := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "a"}); !errors.Is(err, lost) || !cloud.MayHaveTakenEffect(err) {
		t.Fatalf("second create: %v, want the ambiguous failure", err)
	}
	id, err := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "a"})
	if err != nil {
		t.Fatalf("third create: %v, want success once the queue is empty", err)
	}
	named, _ := f.VolumesNamed(ctx, "a")
	if len(named) != 2 || named[1].ID != id {
		t.Fatalf("volumes named a = %+v; want the lost one and the third", named)
	}
	if f.Sent("CreateVolume") != 3 {
		t.Fatalf("Sent(CreateVolume) = %d, want 3 (failed calls are sent too)", f.Sent("CreateVolume"))
	}
}

func TestScriptedReadFailures(t *testing.T) {
	f := New()
	id := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	f.Fail("Server", errors.New("unclassified"))
	if _, err := f.Server(ctx, id); err == nil || cloud.OutcomeOf(err) != cloud.OutcomeFailed {
		t.Fatalf("scripted read: %v", err)
	}
	if _, err := f.Server(ctx, id); err != nil {
		t.Fatalf("next read: %v", err)
	}
}

func TestRefusalsFollowTheObjectsCondition(t *testing.T) {
	f := New()
	locked := f.PutServer(cloud.Server{Name: "l", Phase: cloud.PhaseActive, Locked: true})
	srv := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	vol := f.PutVolume(cloud.Volume{Name: "v", Phase: cloud.PhaseInUse})
	f.PutAttachment(srv, cloud.Attachment{VolumeID: vol, Device: "/dev/vdb"})
	free := f.PutVolume(cloud.Volume{Name: "free", Phase: cloud.PhaseAvailable})

	cases := []struct {
		name string
		err  error
		want cloud.Outcome
	}{
		{"locked server delete", f.DeleteServer(ctx, locked), cloud.OutcomeConflict},
		{"attached volume delete", f.DeleteVolume(ctx, vol), cloud.OutcomeConflict},
		{"detach of a volume not attached", f.Detach(ctx, srv, free), cloud.OutcomeRejected},
		{"delete of a missing server", f.DeleteServer(ctx, "nope"), cloud.OutcomeGone},
		{"second attach", func() error { _, err := f.Attach(ctx, locked, vol, false); return err }(), cloud.OutcomeConflict},
	}
	for _, c := range cases {
		if cloud.OutcomeOf(c.err) != c.want {
			t.Errorf("%s: %v (outcome %d), want outcome %d", c.name, c.err, cloud.OutcomeOf(c.err), c.want)
		}
	}
	if !f.HasServer(locked) || !f.HasVolume(vol) {
		t.Fatal("a refused delete removed its object")
	}
}

func TestMutationOfABusyVolumeIsAConflict(t *testing.T) {
	f := New()
	srv := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	vol := f.PutVolume(cloud.Volume{Name: "v", Phase: cloud.PhaseAvailable})
	f.Delay("Attach", 2)
	if _, err := f.Attach(ctx, srv, vol, false); err != nil {
		t.Fatal(err)
	}
	if err := f.Detach(ctx, srv, vol); !cloud.IsConflict(err) {
		t.Fatalf("detach while attaching: %v, want a conflict", err)
	}
	_, _ = f.Volume(ctx, vol) // one more read: the delayed attach ends at the second
	v, _ := f.Volume(ctx, vol)
	if _, ok := v.AttachedTo(srv); !ok || v.Phase != cloud.PhaseInUse {
		t.Fatalf("after the delayed reads: %+v, want in use on the server", v)
	}
}

func TestDeletingAServerReleasesItsVolumes(t *testing.T) {
	f := New()
	f.Delay("DeleteServer", 2)
	id, _ := f.CreateServer(ctx, cloud.ServerSpec{Name: "s", BootVolume: cloud.BootVolume{Size: 8, DeleteOnTermination: true}})
	attachments, _ := f.ServerAttachments(ctx, id)
	boot := attachments[0].VolumeID
	data := f.PutVolume(cloud.Volume{Name: "d", Phase: cloud.PhaseInUse})
	f.PutAttachment(id, cloud.Attachment{VolumeID: data, Device: "/dev/vdb"})

	if err := f.DeleteServer(ctx, id); err != nil {
		t.Fatal(err)
	}
	if s, err := f.Server(ctx, id); err != nil || s.Phase != cloud.PhaseInProgress {
		t.Fatalf("first read after delete = %+v, %v; want deleting", s, err)
	}
	if _, err := f.Server(ctx, id); !cloud.IsGone(err) {
		t.Fatalf("second read: %v, want gone", err)
	}
	if f.HasVolume(boot) {
		t.Error("the boot volume (delete on termination) survived its server")
	}
	v, err := f.Volume(ctx, data)
	if err != nil || v.Phase != cloud.PhaseAvailable || len(v.Servers) != 0 {
		t.Errorf("data volume = %+v, %v; want available and attached to nothing", v, err)
	}
}

func TestOutOfBandChanges(t *testing.T) {
	f := New()
	srv := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	vol := f.PutVolume(cloud.Volume{Name: "v", Phase: cloud.PhaseInUse})
	f.PutAttachment(srv, cloud.Attachment{VolumeID: vol, Device: "/dev/vdb"})

	f.DetachOutOfBand(srv, vol)
	if f.IsAttached(srv, vol) {
		t.Fatal("still attached")
	}
	f.Delay("DeleteVolume", 5)
	if err := f.DeleteVolume(ctx, vol); err != nil {
		t.Fatal(err)
	}
	f.SetVolumePhase(vol, cloud.PhaseFailed, "error_deleting")
	for range 6 { // the phase set ended the deletion: it never finishes
		if v, err := f.Volume(ctx, vol); err != nil || v.State != "error_deleting" {
			t.Fatalf("read = %+v, %v", v, err)
		}
	}
	f.RemoveServer(srv)
	if _, err := f.Server(ctx, srv); !cloud.IsGone(err) {
		t.Fatalf("removed server: %v", err)
	}
	if len(f.Calls()) != 1 {
		t.Fatalf("out-of-band changes were logged as calls: %v", f.Calls())
	}
}

func TestTags(t *testing.T) {
	f := New()
	id, _ := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "v", Tags: map[string]string{"a": "1"}})
	if got, _ := f.Tags(ctx, cloud.KindVolume, id); !reflect.DeepEqual(got, map[string]string{"a": "1"}) {
		t.Fatalf("tags at create = %v", got)
	}
	if err := f.SetTags(ctx, cloud.KindVolume, id, map[string]string{"b": "2"}); err != nil {
		t.Fatal(err)
	}
	if got := f.TagsOf(cloud.KindVolume, id); !reflect.DeepEqual(got, map[string]string{"b": "2"}) {
		t.Fatalf("tags after SetTags = %v, want exactly b=2", got)
	}
	if _, err := f.Tags(ctx, cloud.KindServer, id); !cloud.IsGone(err) {
		t.Fatalf("tags of a server that does not exist: %v, want gone", err)
	}
}

func TestServerLockFinishesAtTheDelayedRead(t *testing.T) {
	f := New()
	id := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	f.Delay("LockServer", 2)
	if err := f.SetServerLocked(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	first, _ := f.Server(ctx, id)
	second, _ := f.Server(ctx, id)
	if first.Locked || !second.Locked {
		t.Fatalf("locked on reads 1, 2 = %v, %v; want false, true", first.Locked, second.Locked)
	}
	if got := f.Calls(); len(got) != 1 || got[0].Method != "LockServer" {
		t.Fatalf("calls = %v", got)
	}
}

func TestEndInReplacesTheOperationsResult(t *testing.T) {
	f := New()
	f.Delay("DeleteServer", 2)
	f.EndIn("DeleteServer", cloud.PhaseFailed, "ERROR")
	id := f.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive})
	if err := f.DeleteServer(ctx, id); err != nil {
		t.Fatal(err)
	}
	var states []string
	for range 3 {
		s, err := f.Server(ctx, id)
		if err != nil {
			t.Fatalf("the server went away: %v", err)
		}
		states = append(states, s.State)
	}
	if want := []string{"DELETING", "ERROR", "ERROR"}; !reflect.DeepEqual(states, want) {
		t.Fatalf("states = %v, want %v", states, want)
	}
	// The ending was used up: the next delete finishes.
	f.SetServerPhase(id, cloud.PhaseActive, "ACTIVE")
	if err := f.DeleteServer(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, _ = f.Server(ctx, id) // the read that ends the delete
	if _, err := f.Server(ctx, id); !cloud.IsGone(err) {
		t.Fatalf("second delete: %v, want gone", err)
	}
}

func TestANilFailureLetsItsCallThrough(t *testing.T) {
	f := New()
	f.Fail("CreateVolume", nil, Err(cloud.OutcomeRejected, "second refused"))
	if _, err := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateVolume(ctx, cloud.VolumeSpec{Name: "b"}); !cloud.IsRejected(err) {
		t.Fatalf("second create: %v", err)
	}
	if named, _ := f.VolumesNamed(ctx, "a"); len(named) != 1 {
		t.Fatal("the first create was not carried out")
	}
}
