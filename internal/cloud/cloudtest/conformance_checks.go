package cloudtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// volumeLifecycle: create and delete each go through their phases to their end, and a delete of a
// deleted volume is refused (Gone, or Rejected where the API answers 400).
func (r *conformance) volumeLifecycle() {
	v := r.newVolume("vol")
	ctx, cancel := r.ctx()
	defer cancel()
	listsOnly(r, ctx, "VolumesNamed", r.c.VolumesNamed, v.Name, v.ID, func(v cloud.Volume) string { return v.ID })
	if err := r.c.DeleteVolume(ctx, v.ID); err != nil {
		r.t.Fatalf("DeleteVolume: %v", err)
	}
	r.volumeGone(v.ID, cloud.PhaseAvailable)
	r.sentAsWanted(once("CreateVolume", ""), once("DeleteVolume", v.ID))
	if err := r.c.DeleteVolume(ctx, v.ID); !refusedUnknown(err) {
		r.t.Errorf("DeleteVolume of a deleted volume: %v (outcome %d), want Gone (or Rejected where the API answers 400)", err, cloud.OutcomeOf(err))
	}
}

// volumeExtend: an extend goes through its phases back to available, at the new size.
func (r *conformance) volumeExtend() {
	v := r.newVolume("ext")
	ctx, cancel := r.ctx()
	defer cancel()
	if err := r.c.ExtendVolume(ctx, v.ID, r.fx.ExtendedSize); err != nil {
		r.t.Fatalf("ExtendVolume: %v", err)
	}
	r.volumeUntil(v.ID, cloud.PhaseAvailable, cloud.PhaseAvailable, func(v *cloud.Volume) bool { return v.Size == r.fx.ExtendedSize })
	r.sentAsWanted(once("ExtendVolume", v.ID))
}

// refusedUnknown: a mutation of an object that does not exist is Gone where the API answers its
// own 404, or Rejected where it documents a 400 for it (SCP's volume delete); never a success, a
// conflict or an ambiguous failure.
func refusedUnknown(err error) bool {
	return (cloud.IsGone(err) || cloud.IsRejected(err)) && !cloud.MayHaveTakenEffect(err)
}

// unknownIDsAreGone: a read of an id the cloud never had is Gone (its API's own 404); a mutation of
// one is refused as Gone or Rejected.
func (r *conformance) unknownIDsAreGone() {
	ctx, cancel := r.ctx()
	defer cancel()
	server, volume := randomUUID(), randomUUID()
	reads := map[string]func() error{
		"Server":            func() error { _, err := r.c.Server(ctx, server); return err },
		"Volume":            func() error { _, err := r.c.Volume(ctx, volume); return err },
		"ServerAttachments": func() error { _, err := r.c.ServerAttachments(ctx, server); return err },
	}
	for name, call := range reads {
		if err := call(); !cloud.IsGone(err) || cloud.MayHaveTakenEffect(err) {
			r.t.Errorf("%s of an unknown id: %v (outcome %d), want Gone", name, err, cloud.OutcomeOf(err))
		}
	}
	mutations := map[string]func() error{
		"DeleteVolume": func() error { return r.c.DeleteVolume(ctx, volume) },
		"DeleteServer": func() error { return r.c.DeleteServer(ctx, server) },
	}
	for name, call := range mutations {
		if err := call(); !refusedUnknown(err) {
			r.t.Errorf("%s of an unknown id: %v (outcome %d), want Gone or Rejected", name, err, cloud.OutcomeOf(err))
		}
	}
}

// foreignNotFoundIsNotGone: a 404 that is not the API's own answer (no error body of the API) is
// never Gone: the object may well exist.
func (r *conformance) foreignNotFoundIsNotGone() {
	if r.fx.ForeignNotFound == nil {
		r.t.Skip("this target cannot inject a 404 that its API did not send")
	}
	v := r.newVolume("foreign404")
	if err := r.fx.ForeignNotFound(v.ID); err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := r.ctx()
	defer cancel()
	_, err := r.c.Volume(ctx, v.ID)
	if err == nil || cloud.IsGone(err) {
		r.t.Errorf("a read answered with a bare 404: %v (outcome %d), want an error that is not Gone", err, cloud.OutcomeOf(err))
	}
	if _, err := r.c.Volume(ctx, v.ID); err != nil {
		r.t.Errorf("the read after it: %v", err)
	}
}

// serverLifecycle: create, lock, a refused delete, unlock and delete, each to its end.
func (r *conformance) serverLifecycle() {
	s := r.newServer("srv")
	ctx, cancel := r.ctx()
	defer cancel()
	listsOnly(r, ctx, "ServersNamed", r.c.ServersNamed, s.Name, s.ID, func(s cloud.Server) string { return s.ID })
	if want := r.fx.Server.KeypairName; want != "" && s.KeypairName != want {
		r.t.Errorf("the server shows key pair %q, want %q", s.KeypairName, want)
	}
	if err := r.c.SetServerLocked(ctx, s.ID, true); err != nil {
		r.t.Fatalf("lock: %v", err)
	}
	r.serverUntil(s.ID, cloud.PhaseActive, cloud.PhaseActive, func(s *cloud.Server) bool { return s.Locked })
	err := r.c.DeleteServer(ctx, s.ID)
	if !cloud.IsConflict(err) || cloud.MayHaveTakenEffect(err) {
		r.t.Errorf("DeleteServer of a locked server: %v (outcome %d), want a conflict that did nothing", err, cloud.OutcomeOf(err))
	}
	if err := r.c.SetServerLocked(ctx, s.ID, false); err != nil {
		r.t.Fatalf("unlock: %v", err)
	}
	r.serverUntil(s.ID, cloud.PhaseActive, cloud.PhaseActive, func(s *cloud.Server) bool { return !s.Locked })
	attachments, err := r.c.ServerAttachments(ctx, s.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.c.DeleteServer(ctx, s.ID); err != nil {
		r.t.Fatalf("DeleteServer: %v", err)
	}
	r.serverGone(s.ID, cloud.PhaseActive)
	r.sentAsWanted(once("CreateServer", ""), once("LockServer", s.ID), once("UnlockServer", s.ID),
		sentWant{"DeleteServer", s.ID, 2})
	if disk, ok := cloud.SystemDisk(attachments); ok && r.fx.Server.BootVolume.DeleteOnTermination {
		r.untilVolumeGoneAnyPhase(disk.VolumeID)
	}
}

// untilVolumeGoneAnyPhase waits for a volume the cloud deletes on its own (a boot volume with
// delete_on_termination), whatever it shows on the way, as long as it does not fail.
func (r *conformance) untilVolumeGoneAnyPhase(id string) {
	r.poll("boot volume "+id+" deleted with its server", func(ctx context.Context) (bool, error) {
		v, err := r.c.Volume(ctx, id)
		switch {
		case cloud.IsGone(err):
			return true, nil
		case err != nil:
			return false, err
		case v.Phase == cloud.PhaseFailed:
			return false, fmt.Errorf("the volume went to %s", v.State)
		}
		return false, nil
	})
}

// attachDetach: attach and detach each go through their phases to their end, the server lists
// its data volume as no system disk, and a detach of a volume no longer attached is Rejected.
func (r *conformance) attachDetach() {
	s, v := r.newServer("att"), r.newVolume("att")
	r.attach(s.ID, v.ID)
	ctx, cancel := r.ctx()
	defer cancel()
	attachments, err := r.c.ServerAttachments(ctx, s.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	found := false
	for _, a := range attachments {
		if a.VolumeID == v.ID {
			found = true
			if a.SystemDisk || a.Device == "" || r.c.Facts().IsSystemDiskDevice(a.Device) {
				r.t.Errorf("the data volume's attachment: %+v; want a device that is not the system disk", a)
			}
		}
	}
	if !found {
		r.t.Fatalf("ServerAttachments does not list the attached volume: %+v", attachments)
	}
	if err := r.c.Detach(ctx, s.ID, v.ID); err != nil {
		r.t.Fatalf("Detach: %v", err)
	}
	r.volumeUntil(v.ID, cloud.PhaseInUse, cloud.PhaseAvailable, func(v *cloud.Volume) bool { return len(v.Servers) == 0 })
	if after, err := r.c.Server(ctx, s.ID); err != nil || after.HasVolume(v.ID) {
		r.t.Errorf("the server after the detach: %+v, %v; want it no longer to list the volume", after, err)
	}
	r.sentAsWanted(once("Attach", v.ID), once("Detach", v.ID))
	r.sub("NotAttachedIsRejected", func(t *testing.T) {
		err := r.c.Detach(ctx, s.ID, v.ID)
		if !cloud.IsRejected(err) || cloud.MayHaveTakenEffect(err) {
			t.Errorf("Detach of a volume no longer attached: %v (outcome %d), want Rejected", err, cloud.OutcomeOf(err))
		}
	})
}

// attach attaches a volume and waits until it is in use by the server.
func (r *conformance) attach(serverID, volumeID string) {
	r.t.Helper()
	ctx, cancel := r.ctx()
	defer cancel()
	if _, err := r.c.Attach(ctx, serverID, volumeID, false); err != nil {
		r.t.Fatalf("Attach: %v", err)
	}
	r.volumeUntil(volumeID, cloud.PhaseAvailable, cloud.PhaseInUse, func(v *cloud.Volume) bool {
		_, ok := v.AttachedTo(serverID)
		return ok
	})
	if s, err := r.c.Server(ctx, serverID); err != nil || !s.HasVolume(volumeID) {
		r.t.Errorf("the server after the attach: %+v, %v; want it to list the volume", s, err)
	}
}

// systemDisk: a new server lists exactly one system disk, its bootable boot volume, and a detach
// of it is refused (never Gone, never ambiguous) with the disk left in place.
func (r *conformance) systemDisk() {
	s := r.newServer("sys")
	ctx, cancel := r.ctx()
	defer cancel()
	attachments, err := r.c.ServerAttachments(ctx, s.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	var disks []cloud.Attachment
	for _, a := range attachments {
		if a.SystemDisk {
			disks = append(disks, a)
		}
	}
	if len(disks) != 1 {
		r.t.Fatalf("attachments %+v: want exactly one marked as the system disk", attachments)
	}
	disk := disks[0]
	if v, err := r.c.Volume(ctx, disk.VolumeID); err != nil || !v.Bootable || v.Phase != cloud.PhaseInUse {
		r.t.Errorf("the system disk's volume: %+v, %v; want a bootable volume in use", v, err)
	}
	if !s.HasVolume(disk.VolumeID) {
		r.t.Errorf("the server %+v does not list its system disk %s", s, disk.VolumeID)
	}
	err = r.c.Detach(ctx, s.ID, disk.VolumeID)
	if err == nil || cloud.IsGone(err) || cloud.MayHaveTakenEffect(err) || !(cloud.IsConflict(err) || cloud.IsRejected(err)) {
		r.t.Errorf("Detach of the system disk: %v (outcome %d), want a refusal (conflict or rejected) that did nothing", err, cloud.OutcomeOf(err))
	}
	r.t.Logf("the system disk's detach was refused with: %v", err)
	sleepCtx(ctx, 2*r.fx.Poll)
	if v, err := r.c.Volume(ctx, disk.VolumeID); err != nil || v.Phase != cloud.PhaseInUse {
		r.t.Errorf("the system disk after the refused detach: %+v, %v; want it in use", v, err)
	} else if _, ok := v.AttachedTo(s.ID); !ok {
		r.t.Errorf("the system disk left its server: %+v", v)
	}
	r.sentAsWanted(once("Detach", disk.VolumeID))
}

// listsAreComplete: a Lister returns every object, across pages where the target pages, and its
// name filter selects exactly the object named.
func (r *conformance) listsAreComplete() {
	lister, ok := cloud.Capability[cloud.Lister](r.c)
	if !ok {
		r.t.Skip("this target does not implement cloud.Lister")
	}
	var made []*cloud.Volume
	for range 3 {
		made = append(made, r.newVolume("list"))
	}
	ctx, cancel := r.ctx()
	defer cancel()
	all, err := lister.ListVolumes(ctx, cloud.VolumeFilter{})
	if err != nil {
		r.t.Fatal(err)
	}
	seen := map[string]int{}
	for _, v := range all {
		seen[v.ID]++
	}
	for _, v := range made {
		if seen[v.ID] != 1 {
			r.t.Errorf("ListVolumes listed volume %s %d times, want once (%d volumes listed)", v.ID, seen[v.ID], len(all))
		}
	}
	named, err := lister.ListVolumes(ctx, cloud.VolumeFilter{Name: made[1].Name})
	if err != nil || len(named) != 1 || named[0].ID != made[1].ID {
		r.t.Errorf("ListVolumes(name %s) = %+v, %v; want the one volume", made[1].Name, named, err)
	}
	r.sub("Paged", func(t *testing.T) {
		if r.fx.ListPageSize == 0 || r.fx.ListPageSize >= len(made) {
			t.Skip("this target's pages are not known to be smaller than the objects listed")
		}
		if len(all) <= r.fx.ListPageSize {
			t.Errorf("%d volumes listed with pages of %d: the listing stopped at the first page", len(all), r.fx.ListPageSize)
		}
	})
}

// busyIsBusy: a mutation the API answers "busy, nothing done" is Busy, does nothing, and succeeds
// once the server is idle again.
func (r *conformance) busyIsBusy() {
	if r.fx.MakeBusy == nil {
		r.t.Skip("this target cannot make a server busy on demand")
	}
	s, v := r.newServer("busy"), r.newVolume("busy")
	r.attach(s.ID, v.ID)
	const busyFor = 4 * time.Second
	if err := r.fx.MakeBusy(s.ID, busyFor); err != nil {
		r.t.Fatal(err)
	}
	idleAt := time.Now().Add(busyFor)
	short, cancelShort := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	err := r.c.Detach(short, s.ID, v.ID)
	cancelShort()
	if !cloud.IsBusy(err) || cloud.MayHaveTakenEffect(err) {
		r.t.Errorf("Detach while the server is busy: %v (outcome %d), want Busy", err, cloud.OutcomeOf(err))
	}
	read, cancelRead := r.ctx()
	now, err := r.c.Volume(read, v.ID)
	cancelRead()
	if err != nil || now.Phase != cloud.PhaseInUse {
		r.t.Errorf("the volume after the busy answer: %+v, %v; want it still in use", now, err)
	}
	time.Sleep(time.Until(idleAt))
	ctx, cancel := r.ctx()
	defer cancel()
	if err := r.c.Detach(ctx, s.ID, v.ID); err != nil {
		r.t.Fatalf("Detach once the server is idle: %v", err)
	}
	r.volumeUntil(v.ID, cloud.PhaseInUse, cloud.PhaseAvailable, func(v *cloud.Volume) bool { return len(v.Servers) == 0 })
}

// randomUUID is a version 4 UUID no cloud has given out.
func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
