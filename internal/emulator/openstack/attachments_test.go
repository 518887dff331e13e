package openstack

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
)

func TestAttachDetachLifecycle(t *testing.T) {
	// Attach and detach last 200ms at the test scale, so "attaching" and "detaching" are
	// seen even on a busy machine.
	ev := newEnv(t, Config{Latencies: map[OpKind]Latency{OpAttach: {Base: 4 * time.Second}, OpDetach: {Base: 4 * time.Second}}})
	s := ev.createServer("app")
	v := ev.createVolume("data", 20)

	a, err := volumeattach.Create(ctx, ev.compute, s.ID, volumeattach.CreateOpts{VolumeID: v.ID}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != v.ID || a.VolumeID != v.ID || a.ServerID != s.ID || a.Device != "/dev/vdb" {
		t.Errorf("attachment %+v", a)
	}
	if got := ev.getVolume(v.ID); got.Status != "attaching" {
		t.Errorf("right after the attach: %s", got.Status)
	}
	ev.waitVolume(v.ID, "in-use")
	got := ev.getVolume(v.ID)
	if len(got.Attachments) != 1 || got.Attachments[0].ServerID != s.ID || got.Attachments[0].Device != "/dev/vdb" ||
		got.Attachments[0].AttachmentID == "" || got.Attachments[0].AttachmentID == v.ID {
		t.Errorf("Cinder's attachment %+v", got.Attachments)
	}
	pages, err := volumeattach.List(ev.compute, s.ID).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := volumeattach.ExtractVolumeAttachments(pages)
	if err != nil || len(list) != 2 || list[1].ID != v.ID {
		t.Errorf("list %+v, %v", list, err)
	}
	if g, err := volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Extract(); err != nil || g.Device != "/dev/vdb" {
		t.Errorf("get %+v, %v", g, err)
	}
	if sv := ev.getServer(s.ID); len(sv.AttachedVolumes) != 2 {
		t.Errorf("volumes_attached %+v", sv.AttachedVolumes)
	}

	ev.e.ResetRequests()
	if err := volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if got := ev.getVolume(v.ID); got.Status != "detaching" {
		t.Errorf("right after the detach: %s", got.Status)
	}
	if _, err := volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Extract(); err != nil {
		t.Errorf("the attachment is still there while detaching: %v", err)
	}
	eventually(t, "attachment 404", func() bool {
		return gophercloud.ResponseCodeIs(volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Err, http.StatusNotFound)
	})
	if got := ev.getVolume(v.ID); got.Status != "available" || len(got.Attachments) != 0 {
		t.Errorf("after the detach %+v", got)
	}
	if n := ev.count(RouteAttachmentDelete); n != 1 {
		t.Errorf("%d detach DELETEs", n)
	}
	if uses := ev.e.DeprecatedActionUses(); len(uses) != 0 {
		t.Errorf("deprecated actions used: %+v", uses)
	}
	// Detached now: the mapping is gone, so a second DELETE is a 404.
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusNotFound, "is not attached")
}

// TestBothComputePrefixes: /v2 and /v2.1 serve the same servers, whichever the
// catalog advertises (otc-ecs-detach-disk.md shows both).
func TestBothComputePrefixes(t *testing.T) {
	ev := newEnv(t, Config{ComputePrefix: "/v2"})
	s := ev.createServer("both")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	v21 := *ev.compute
	v21.Endpoint = strings.Replace(ev.compute.Endpoint, "/v2/", "/v2.1/", 1)
	if _, err := volumeattach.Get(ctx, &v21, s.ID, v.ID).Extract(); err != nil {
		t.Fatal(err)
	}
	if err := volumeattach.Delete(ctx, &v21, s.ID, v.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	ev.waitVolume(v.ID, "available")
	recs := ev.e.RequestsFor(RouteAttachmentDelete)
	if len(recs) != 1 || !strings.HasPrefix(recs[0].Path, "/v2.1/") || recs[0].VolumeID != v.ID || recs[0].ServerID != s.ID {
		t.Errorf("records %+v", recs)
	}
	if !strings.HasPrefix(ev.e.RequestsFor(RouteAttachmentCreate)[0].Path, "/v2/") {
		t.Error("the attach did not use /v2")
	}
}

func TestDetachAnswers(t *testing.T) {
	ev := newEnv(t, Config{Latencies: map[OpKind]Latency{OpDetach: {Base: 10 * time.Second}}})
	s := ev.createServer("answers")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	del := func() error { return volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr() }

	wantCode(t, volumeattach.Delete(ctx, ev.compute, "3b5ed2a6-0000-4000-8000-000000000000", v.ID).ExtractErr(),
		http.StatusNotFound, "Instance 3b5ed2a6-0000-4000-8000-000000000000 could not be found")
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, "9d0c8e55-0000-4000-8000-000000000000").ExtractErr(),
		http.StatusNotFound, "is not attached")

	if err := ev.e.SetServerVMState(s.ID, "rescued"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, del(), http.StatusConflict, "Cannot 'detach_volume' instance "+s.ID+" while it is in vm_state rescued")
	if err := ev.e.SetServerVMState(s.ID, "active"); err != nil {
		t.Fatal(err)
	}

	if err := ev.e.SetServerTask(s.ID, "rebooting", time.Minute); err != nil {
		t.Fatal(err)
	}
	if sv := ev.getServer(s.ID); sv.TaskState != "rebooting" || sv.Status != "REBOOT" {
		t.Errorf("injected task: %s/%s", sv.Status, sv.TaskState)
	}
	wantCode(t, del(), http.StatusConflict, "Cannot 'detach_volume' instance "+s.ID+" while it is in task_state rebooting")
	ev.e.ClearFaults()

	if err := servers.Lock(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	wantCode(t, del(), http.StatusConflict, "is locked")
	if err := servers.Unlock(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}

	if err := del(); err != nil {
		t.Fatal(err)
	}
	// A DELETE re-sent while the detach runs: Cinder refuses to begin a second one.
	wantCode(t, del(), http.StatusBadRequest, "Unable to detach volume. Volume status must be 'in-use'")
	if n := len(ev.e.Operations()); ev.e.Operations()[n-1].Kind != OpDetach || countOps(ev.e, OpDetach) != 1 {
		t.Errorf("operations %+v", ev.e.Operations())
	}
}

func countOps(e *Emulator, kind OpKind) int {
	n := 0
	for _, op := range e.Operations() {
		if op.Kind == kind {
			n++
		}
	}
	return n
}

// TestDetachAlreadyDetached: the api-doc's 400 when the volume is already
// available while Nova still maps it (what a Cinder-only os-detach leaves).
func TestDetachAlreadyDetached(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("stale")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	if err := ev.e.DetachOutOfBand(v.ID, s.ID, true); err != nil {
		t.Fatal(err)
	}
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusBadRequest, "already detached")
	if got := ev.getVolume(v.ID); got.Status != "available" || len(got.Attachments) != 0 {
		t.Errorf("volume %+v", got)
	}
	if _, err := volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Extract(); err != nil {
		t.Errorf("Nova still maps it: %v", err)
	}
	// A full out-of-band detach removes the mapping: then the DELETE is a 404.
	v2 := ev.createVolume("d2", 1)
	ev.attach(s.ID, v2.ID)
	if err := ev.e.DetachOutOfBand(v2.ID, "", false); err != nil {
		t.Fatal(err)
	}
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v2.ID).ExtractErr(), http.StatusNotFound)
}

func TestRootDeviceDetach(t *testing.T) {
	for _, tc := range []struct {
		status int
		msg    string
	}{{403, "Can't detach root device volume"}, {400, "Cannot detach a root device volume"}} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			cfg := Config{}
			if tc.status == 403 {
				cfg.RootDetachStatus = 403
			}
			ev := newEnv(t, cfg)
			s := ev.createServer("root")
			boot := s.AttachedVolumes[0].ID
			wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, boot).ExtractErr(), tc.status, tc.msg)
			// Even on a stopped server: Nova never detaches the root device.
			if err := servers.Stop(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
				t.Fatal(err)
			}
			ev.waitServer(s.ID, "SHUTOFF")
			wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, boot).ExtractErr(), tc.status)
			if got := ev.getVolume(boot); got.Status != "in-use" {
				t.Errorf("boot volume %s", got.Status)
			}
		})
	}
}

// TestOTCSystemDiskRule: otc-ecs-detach-disk.md. /dev/sda only from a stopped
// server; a running one gives up data disks only, when its OS can hot-unplug.
func TestOTCSystemDiskRule(t *testing.T) {
	// A stop lasts 200ms at the test scale, so the powering-off 409 is seen on a busy machine.
	ev := newEnv(t, Config{Flavour: FlavourOTC, Latencies: map[OpKind]Latency{OpServerPower: {Base: 4 * time.Second}}})
	s := ev.createServer("ecs")
	if st, _ := ev.e.Server(s.ID); st.RootDeviceName != "/dev/sda" {
		t.Fatalf("root device %s", st.RootDeviceName)
	}
	sys := s.AttachedVolumes[0].ID
	d1, d2 := ev.createVolume("d1", 1), ev.createVolume("d2", 1)
	if a := ev.attach(s.ID, d1.ID); a.Device != "/dev/sdb" {
		t.Errorf("data disk device %s", a.Device)
	}
	ev.attach(s.ID, d2.ID)

	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, sys).ExtractErr(), http.StatusBadRequest, "/dev/sda", "only when the server is stopped")
	if err := volumeattach.Delete(ctx, ev.compute, s.ID, d1.ID).ExtractErr(); err != nil {
		t.Fatalf("a data disk from a running server: %v", err)
	}
	ev.waitVolume(d1.ID, "available")

	if err := ev.e.SetHotplug(s.ID, false); err != nil {
		t.Fatal(err)
	}
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, d2.ID).ExtractErr(), http.StatusBadRequest, "does not support detaching")
	if st, _ := ev.e.Server(s.ID); st.Hotplug {
		t.Error("SetHotplug did not take")
	}

	if err := servers.Stop(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	// While powering off a task runs: 409, as on Nova.
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, d2.ID).ExtractErr(), http.StatusConflict, "task_state powering-off")
	ev.waitServer(s.ID, "SHUTOFF")
	for _, id := range []string{d2.ID, sys} {
		if err := volumeattach.Delete(ctx, ev.compute, s.ID, id).ExtractErr(); err != nil {
			t.Fatalf("detach %s from a stopped ECS: %v", id, err)
		}
		ev.waitVolume(id, "available")
	}
}

func TestColdplugImages(t *testing.T) {
	ev := newEnv(t, Config{Flavour: FlavourOTC, ColdplugImages: []string{"img-ubuntu"}})
	s := ev.createServer("cold") // boot volume made from img-ubuntu
	if st, _ := ev.e.Server(s.ID); st.Hotplug {
		t.Error("a server from a coldplug image can hot-unplug")
	}
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusBadRequest, "does not support detaching")
}

func TestAttachRefusalsAndRollback(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("att")
	v := ev.createVolume("d", 1)
	wantCode(t, volumeattach.Create(ctx, ev.compute, s.ID, volumeattach.CreateOpts{VolumeID: "5e1f0000-0000-4000-8000-000000000000"}).Err,
		http.StatusNotFound, "could not be found")
	if err := ev.e.SetServerTask(s.ID, "resize_prep", time.Minute); err != nil {
		t.Fatal(err)
	}
	wantCode(t, volumeattach.Create(ctx, ev.compute, s.ID, volumeattach.CreateOpts{VolumeID: v.ID}).Err,
		http.StatusConflict, "Cannot 'attach_volume'", "task_state resize_prep")
	ev.e.ClearFaults()

	if err := ev.e.FailNext(OpAttach, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := volumeattach.Create(ctx, ev.compute, s.ID, volumeattach.CreateOpts{VolumeID: v.ID}).Extract(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "attach rolled back", func() bool {
		return gophercloud.ResponseCodeIs(volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Err, http.StatusNotFound)
	})
	if got := ev.getVolume(v.ID); got.Status != "available" {
		t.Errorf("after a failed attach: %s", got.Status)
	}
	ev.attach(s.ID, v.ID)
	wantCode(t, volumeattach.Create(ctx, ev.compute, s.ID, volumeattach.CreateOpts{VolumeID: v.ID}).Err,
		http.StatusBadRequest, "status must be 'available'")

	// A failed detach rolls back too: in-use, still attached.
	if err := ev.e.FailNext(OpDetach, 1); err != nil {
		t.Fatal(err)
	}
	if err := volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	ev.waitVolume(v.ID, "in-use")
	if _, err := volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Extract(); err != nil {
		t.Errorf("still attached after a failed detach: %v", err)
	}
}

// TestMicroversionAttachmentShape: from 2.89 Nova drops the id and adds
// attachment_id and bdm_uuid, which gophercloud then leaves empty / ignores.
func TestMicroversionAttachmentShape(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("mv")
	c := *ev.compute
	c.Microversion = "2.79"
	a, err := volumeattach.Get(ctx, &c, s.ID, s.AttachedVolumes[0].ID).Extract()
	if err != nil || a.DeleteOnTermination == nil || !*a.DeleteOnTermination || a.ID == "" {
		t.Errorf("2.79: %+v, %v", a, err)
	}
	c.Microversion = "2.89"
	if a, err := volumeattach.Get(ctx, &c, s.ID, s.AttachedVolumes[0].ID).Extract(); err != nil || a.ID != "" || a.VolumeID == "" {
		t.Errorf("2.89: %+v, %v", a, err)
	}
}

// TestDetachAcrossTokenExpiry: a token that expires while a detach is awaited is
// renewed by gophercloud, and the wait goes on.
func TestDetachAcrossTokenExpiry(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("exp")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	if err := volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	ev.e.ExpireTokens()
	eventually(t, "detached", func() bool {
		return gophercloud.ResponseCodeIs(volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Err, http.StatusNotFound)
	})
	if ev.count(RouteAttachmentDelete) != 1 {
		t.Error("the DELETE was repeated")
	}
	if _, err := gcos.NewComputeV2(ev.provider, gophercloud.EndpointOpts{}); err != nil {
		t.Error(err)
	}
}
