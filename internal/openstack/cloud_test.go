package openstack

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	emu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

func TestServerLifecycle(t *testing.T) {
	f := newFixture(t, emu.Config{})
	ctx := f.ctx()
	if f.c.Name() != "OpenStack" || !strings.Contains(f.c.Endpoint(), "/v2.1/") {
		t.Fatalf("Name %q Endpoint %q", f.c.Name(), f.c.Endpoint())
	}
	id, err := f.c.CreateServer(ctx, cloud.ServerSpec{
		Name: "web", ImageID: testImage, ServerTypeID: "m1.small", KeypairName: "key",
		Networks: []cloud.Network{{SubnetID: testNetwork}}, SecurityGroupIDs: []string{"sg-web"},
		BootVolume: cloud.BootVolume{Size: 20, Type: "SSD", DeleteOnTermination: true}, UserData: "#!/bin/sh\necho hi\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.c.Server(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.Phase != cloud.PhaseInProgress {
		t.Fatalf("a building server is %v (%s)", s.Phase, s.State)
	}
	f.idle()
	s, err = f.c.Server(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.Phase != cloud.PhaseActive || s.State != "ACTIVE" || s.Locked || s.Name != "web" || s.KeypairName != "key" ||
		!s.ServerTypeIs("m1.small") || s.CreatedAt == "" || len(s.VolumeIDs) != 1 {
		t.Fatalf("server %+v", s)
	}
	// Booted from a volume, Nova shows no image; the boot volume's image metadata gives it, even
	// to a Cloud that did not create the server (a later terraform run).
	other, err := New(ctx, passwordConfig(f.e))
	if err != nil {
		t.Fatal(err)
	}
	if s2, err := other.Server(ctx, id); err != nil || s2.ImageID != testImage {
		t.Fatalf("image of a volume-booted server: %+v %v", s2, err)
	}

	named, err := f.c.ServersNamed(ctx, "web")
	if err != nil || len(named) != 1 || named[0].ID != id {
		t.Fatalf("ServersNamed: %+v %v", named, err)
	}
	if named, _ := f.c.ServersNamed(ctx, "we"); len(named) != 0 {
		t.Fatalf("a name prefix matched: %+v", named)
	}

	if err := f.c.SetServerLocked(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.c.Server(ctx, id); !s.Locked {
		t.Fatal("the lock is not shown")
	}
	err = f.c.DeleteServer(ctx, id)
	wantOutcome(t, err, cloud.OutcomeConflict, "delete of a locked server")
	if !strings.Contains(err.Error(), "lock = false") {
		t.Fatalf("the message does not say how to unlock: %v", err)
	}
	if err := f.c.SetServerLocked(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	f.e.ResetRequests()
	if err := f.c.DeleteServer(ctx, id); err != nil {
		t.Fatal(err)
	}
	f.idle()
	_, err = f.c.Server(ctx, id)
	wantOutcome(t, err, cloud.OutcomeGone, "read of a deleted server")
	f.wantSent(emu.RouteServerDelete, 1, "DELETE /servers/{id}")
	wantOutcome(t, f.c.DeleteServer(ctx, id), cloud.OutcomeGone, "delete of a deleted server")
	f.noDeprecated()
}

func TestServerLockAfterCreateAndImageBoot(t *testing.T) {
	// Nova cannot lock in the create: the server comes up unlocked, and the resource locks it once
	// it is ACTIVE (one lock action, as here).
	f := newFixture(t, emu.Config{})
	ctx := f.ctx()
	id, err := f.c.CreateServer(ctx, cloud.ServerSpec{
		Name: "locked", ImageID: testImage, ServerTypeID: "m1.small",
		Networks: []cloud.Network{{PortID: "port-1"}}, Lock: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.idle()
	s, err := f.c.Server(ctx, id)
	if err != nil || s.Locked || s.Phase != cloud.PhaseActive || s.ImageID != testImage || len(s.VolumeIDs) != 0 {
		t.Fatalf("server %+v %v", s, err)
	}
	if err := f.c.SetServerLocked(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	f.idle()
	if s, err = f.c.Server(ctx, id); err != nil || !s.Locked {
		t.Fatalf("server %+v %v after the lock", s, err)
	}
}

func TestServerDeletedStatusIsGone(t *testing.T) {
	for _, status := range []string{"DELETED", "SOFT_DELETED"} {
		t.Run(status, func(t *testing.T) {
			f := newFixture(t, emu.Config{DeletedStatus: status, Latencies: map[emu.OpKind]emu.Latency{emu.OpServerPurge: {Base: time.Hour}}})
			id := f.server("gone")
			if err := f.c.DeleteServer(f.ctx(), id); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				s, ok := f.e.Server(id)
				if ok && s.Status == status {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the server never showed %s: %+v", status, s)
				}
				time.Sleep(5 * time.Millisecond)
			}
			_, err := f.c.Server(f.ctx(), id)
			wantOutcome(t, err, cloud.OutcomeGone, status)
			if named, _ := f.c.ServersNamed(f.ctx(), "gone"); len(named) != 0 {
				t.Fatalf("a %s server was listed: %+v", status, named)
			}
		})
	}
}

func TestServerErrorIsFailed(t *testing.T) {
	f := newFixture(t, emu.Config{})
	if err := f.e.FailNext(emu.OpServerCreate, 1); err != nil {
		t.Fatal(err)
	}
	id := f.server("broken")
	s, err := f.c.Server(f.ctx(), id)
	if err != nil || s.Phase != cloud.PhaseFailed {
		t.Fatalf("server %+v %v", s, err)
	}
}

func TestServerStoppedPhase(t *testing.T) {
	f := newFixture(t, emu.Config{})
	id := f.server("stopped")
	if err := f.e.SetServerVMState(id, "stopped"); err != nil {
		t.Fatal(err)
	}
	if s, err := f.c.Server(f.ctx(), id); err != nil || s.Phase != cloud.PhaseStopped {
		t.Fatalf("server %+v %v", s, err)
	}
	if err := f.e.SetServerTask(id, "rebooting", time.Minute); err != nil {
		t.Fatal(err)
	}
	if s, err := f.c.Server(f.ctx(), id); err != nil || s.Phase != cloud.PhaseInProgress || !strings.Contains(s.State, "rebooting") {
		t.Fatalf("a server with a task is %+v %v", s, err)
	}
}

func TestValidateServer(t *testing.T) {
	f := newFixture(t, emu.Config{})
	ok := cloud.ServerSpec{Name: "a", ImageID: testImage, ServerTypeID: "f", Networks: []cloud.Network{{SubnetID: testNetwork}}}
	if err := f.c.ValidateServer(ok); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*cloud.ServerSpec){
		"file_storage_ids": func(s *cloud.ServerSpec) { s.FileStorageIDs = []string{"fs"} },
		"public_ip_id":     func(s *cloud.ServerSpec) { s.Networks[0].PublicIPID = "ip" },
		"tags":             func(s *cloud.ServerSpec) { s.Tags = map[string]string{"a": "b"} },
		"port_id":          func(s *cloud.ServerSpec) { s.Networks = []cloud.Network{{}} },
	}
	for want, mutate := range cases {
		spec := ok
		spec.Networks = append([]cloud.Network(nil), ok.Networks...)
		mutate(&spec)
		err := f.c.ValidateServer(spec)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "OpenStack") {
			t.Errorf("%s: %v", want, err)
		}
	}
	f.e.ResetRequests()
	_, err := f.c.CreateServer(f.ctx(), cloud.ServerSpec{Name: "x", FileStorageIDs: []string{"fs"}})
	wantOutcome(t, err, cloud.OutcomeRejected, "create with file storage")
	f.wantSent(emu.RouteServerCreate, 0, "a refused create")
}

func TestVolumeLifecycle(t *testing.T) {
	f := newFixture(t, emu.Config{})
	ctx := f.ctx()
	id, err := f.c.CreateVolume(ctx, cloud.VolumeSpec{Name: "data", Size: 5, Type: "SSD"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.c.Volume(ctx, id); v.Phase != cloud.PhaseInProgress || v.State != "creating" {
		t.Fatalf("new volume %+v", v)
	}
	f.idle()
	v, err := f.c.Volume(ctx, id)
	if err != nil || v.Phase != cloud.PhaseAvailable || v.Size != 5 || v.Type != "SSD" || v.Name != "data" || v.Bootable || v.CreatedAt == "" {
		t.Fatalf("volume %+v %v", v, err)
	}
	named, err := f.c.VolumesNamed(ctx, "data")
	if err != nil || len(named) != 1 || named[0].ID != id {
		t.Fatalf("VolumesNamed %+v %v", named, err)
	}
	if err := f.c.RenameVolume(ctx, id, "data2"); err != nil {
		t.Fatal(err)
	}
	if err := f.c.ExtendVolume(ctx, id, 8); err != nil {
		t.Fatal(err)
	}
	f.idle()
	if v, _ := f.c.Volume(ctx, id); v.Name != "data2" || v.Size != 8 || v.Phase != cloud.PhaseAvailable {
		t.Fatalf("after rename and extend: %+v", v)
	}
	wantOutcome(t, f.c.ExtendVolume(ctx, id, 4), cloud.OutcomeRejected, "shrink")
	if err := f.c.DeleteVolume(ctx, id); err != nil {
		t.Fatal(err)
	}
	f.idle()
	_, err = f.c.Volume(ctx, id)
	wantOutcome(t, err, cloud.OutcomeGone, "read of a deleted volume")
	wantOutcome(t, f.c.DeleteVolume(ctx, id), cloud.OutcomeGone, "delete of a deleted volume")

	_, err = f.c.CreateVolume(ctx, cloud.VolumeSpec{Name: "iops", Size: 1, MaxIOPS: 3000})
	wantOutcome(t, err, cloud.OutcomeRejected, "max_iops")
	if !strings.Contains(err.Error(), "only on SCP") {
		t.Fatalf("message: %v", err)
	}
}

func TestVolumeInUseExtendAndDeleteRefused(t *testing.T) {
	f := newFixture(t, emu.Config{})
	ctx := f.ctx()
	_, vol := f.attachedPair()
	if err := f.c.ExtendVolume(ctx, vol, 2); err != nil {
		t.Fatalf("extend of an in-use volume (3.42): %v", err)
	}
	f.idle()
	err := f.c.DeleteVolume(ctx, vol)
	wantOutcome(t, err, cloud.OutcomeConflict, "delete of an attached volume")
	if r := f.c.Facts().RefusalReasons[cloud.OpDeleteVolume]; !strings.Contains(r, "attached") {
		t.Fatalf("RefusalReasons: %q", r)
	}
}

func TestVolumeErrorIsFailed(t *testing.T) {
	f := newFixture(t, emu.Config{})
	if err := f.e.FailNext(emu.OpVolumeCreate, 1); err != nil {
		t.Fatal(err)
	}
	id := f.volume("bad", 1)
	if v, err := f.c.Volume(f.ctx(), id); err != nil || v.Phase != cloud.PhaseFailed {
		t.Fatalf("%+v %v", v, err)
	}
}

func TestAttachDetach(t *testing.T) {
	f := newFixture(t, emu.Config{})
	ctx := f.ctx()
	srv := f.server("s")
	vols := []string{f.volume("a", 1), f.volume("b", 1), f.volume("c", 1)}
	for _, v := range vols {
		device := f.attach(srv, v)
		if device == "" || device == "/dev/vda" {
			t.Fatalf("device %q", device)
		}
		got, err := f.c.Volume(ctx, v)
		if err != nil || got.Phase != cloud.PhaseInUse {
			t.Fatalf("attached volume %+v %v", got, err)
		}
		if a, ok := got.AttachedTo(srv); !ok || a.Device != device {
			t.Fatalf("Cinder does not list the server: %+v", got)
		}
	}
	boot := f.bootVolume(srv)
	atts, err := f.c.ServerAttachments(ctx, srv)
	if err != nil || len(atts) != 4 {
		t.Fatalf("ServerAttachments %+v %v", atts, err)
	}
	for _, a := range atts {
		if a.SystemDisk != (a.VolumeID == boot) {
			t.Fatalf("system disk marked wrong: %+v (boot %s)", a, boot)
		}
		if a.VolumeID == boot && !a.DeleteOnTermination {
			t.Fatalf("the boot volume's delete_on_termination is not read: %+v", a)
		}
	}
	if sd, ok := cloud.SystemDisk(atts); !ok || sd.Device != "/dev/vda" {
		t.Fatalf("system disk %+v", sd)
	}

	// Remove the middle one: exactly one DELETE, for it.
	f.e.ResetRequests()
	if err := f.c.Detach(ctx, srv, vols[1]); err != nil {
		t.Fatal(err)
	}
	f.idle()
	dels := f.e.RequestsFor(emu.RouteAttachmentDelete)
	if len(dels) != 1 || dels[0].VolumeID != vols[1] || dels[0].Status != http.StatusAccepted {
		t.Fatalf("detach DELETEs: %+v", dels)
	}
	if v, _ := f.c.Volume(ctx, vols[1]); v.Phase != cloud.PhaseAvailable || len(v.Servers) != 0 {
		t.Fatalf("detached volume %+v", v)
	}
	for _, other := range []string{vols[0], vols[2]} {
		if v, _ := f.c.Volume(ctx, other); v.Phase != cloud.PhaseInUse {
			t.Fatalf("another volume was detached: %+v", v)
		}
	}
	// Nova no longer maps it and answers its own 404: "not attached", a refusal the caller confirms
	// by reading the volume (the seam's promise), never "gone".
	wantOutcome(t, f.c.Detach(ctx, srv, vols[1]), cloud.OutcomeRejected, "detach of a detached volume")
	wantOutcome(t, f.c.Detach(ctx, "00000000-0000-4000-8000-000000000000", vols[0]), cloud.OutcomeRejected, "unknown server")
	f.noDeprecated()
}

func TestAttachBusyVolumeIsConflict(t *testing.T) {
	f := newFixture(t, emu.Config{Latencies: map[emu.OpKind]emu.Latency{emu.OpAttach: {Base: time.Minute}}})
	srv := f.server("s")
	vol := f.volume("v", 1)
	srv2 := f.server("s2")
	if _, err := f.c.Attach(f.ctx(), srv, vol, false); err != nil {
		t.Fatal(err)
	}
	// The volume is attaching: a second attach is refused for the volume's condition.
	_, err := f.c.Attach(f.ctx(), srv2, vol, false)
	wantOutcome(t, err, cloud.OutcomeConflict, "attach of an attaching volume")
}

func TestDetachRootDevice(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusBadRequest} {
		f := newFixture(t, emu.Config{RootDetachStatus: status})
		srv := f.server("s")
		boot := f.bootVolume(srv)
		err := f.c.Detach(f.ctx(), srv, boot)
		wantOutcome(t, err, cloud.OutcomeConflict, "root device detach")
		if !strings.Contains(err.Error(), "plan should have refused") || !strings.Contains(err.Error(), "root device") {
			t.Fatalf("%d: message %v", status, err)
		}
		if s, _ := f.e.Server(srv); len(s.Attachments) != 1 {
			t.Fatalf("the boot volume went: %+v", s)
		}
	}
}

func TestDetachAlreadyDetached(t *testing.T) {
	f := newFixture(t, emu.Config{})
	srv, vol := f.attachedPair()
	// Someone used os-detach: Cinder shows the volume available, Nova still maps it.
	if err := f.e.DetachOutOfBand(vol, srv, true); err != nil {
		t.Fatal(err)
	}
	err := f.c.Detach(f.ctx(), srv, vol)
	wantOutcome(t, err, cloud.OutcomeRejected, "detach of an already detached volume")
	v, err := f.c.Volume(f.ctx(), vol)
	if err != nil {
		t.Fatal(err)
	}
	if _, attached := v.AttachedTo(srv); attached {
		t.Fatalf("Cinder still lists the server: %+v", v)
	}
	f.wantSent(emu.RouteAttachmentDelete, 1, "the detach of an already detached volume")
}

func TestDetachLockedAndVMState(t *testing.T) {
	f := newFixture(t, emu.Config{})
	srv, vol := f.attachedPair()
	ctx := f.ctx()
	if err := f.c.SetServerLocked(ctx, srv, true); err != nil {
		t.Fatal(err)
	}
	err := f.c.Detach(ctx, srv, vol)
	wantOutcome(t, err, cloud.OutcomeConflict, "detach from a locked server")
	if !strings.Contains(err.Error(), "locked") {
		t.Fatalf("message %v", err)
	}
	if err := f.c.SetServerLocked(ctx, srv, false); err != nil {
		t.Fatal(err)
	}
	if err := f.e.SetServerVMState(srv, "rescued"); err != nil {
		t.Fatal(err)
	}
	f.e.ResetRequests()
	err = f.c.Detach(ctx, srv, vol)
	wantOutcome(t, err, cloud.OutcomeConflict, "detach from a rescued server")
	if !strings.Contains(err.Error(), "RESCUE") || !strings.Contains(err.Error(), "vm_state rescued") {
		t.Fatalf("the message does not name the server's state: %v", err)
	}
	f.wantSent(emu.RouteAttachmentDelete, 1, "a vm_state refusal of a settled server")
}

func TestDetachTaskStateRetried(t *testing.T) {
	f := newFixture(t, emu.Config{})
	srv, vol := f.attachedPair()
	if err := f.e.SetServerTask(srv, "rebooting", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	f.e.ResetRequests()
	if err := f.c.Detach(f.ctx(), srv, vol); err != nil {
		t.Fatal(err)
	}
	f.idle()
	dels := f.e.RequestsFor(emu.RouteAttachmentDelete)
	if len(dels) < 2 || dels[len(dels)-1].Status != http.StatusAccepted {
		t.Fatalf("DELETEs %+v", dels)
	}
	for _, d := range dels[:len(dels)-1] {
		if d.Status != http.StatusConflict {
			t.Fatalf("a DELETE was re-sent after %d: %+v", d.Status, dels)
		}
	}
	if v, _ := f.c.Volume(f.ctx(), vol); v.Phase != cloud.PhaseAvailable {
		t.Fatalf("volume %+v", v)
	}

	// A task that outlasts the caller's patience: Busy, nothing done.
	vol2 := f.volume("v2", 1)
	f.attach(srv, vol2)
	if err := f.e.SetServerTask(srv, "resize_prep", time.Minute); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := f.c.Detach(ctx, srv, vol2)
	wantOutcome(t, err, cloud.OutcomeBusy, "detach while a long task runs")
	if cloud.MayHaveTakenEffect(err) {
		t.Fatal("a busy answer is not ambiguous")
	}
	f.noDeprecated()
}

func TestDetachOnV2Prefix(t *testing.T) {
	f := newFixture(t, emu.Config{ComputePrefix: "/v2"})
	if !strings.Contains(f.c.Endpoint(), "/v2/") {
		t.Fatalf("endpoint %s", f.c.Endpoint())
	}
	srv, vol := f.attachedPair()
	if err := f.c.Detach(f.ctx(), srv, vol); err != nil {
		t.Fatal(err)
	}
	dels := f.e.RequestsFor(emu.RouteAttachmentDelete)
	if len(dels) != 1 || !strings.HasPrefix(dels[0].Path, "/v2/") {
		t.Fatalf("DELETE %+v", dels)
	}
}

func TestOTCRules(t *testing.T) {
	f := newFixture(t, emu.Config{Flavour: emu.FlavourOTC, ColdplugImages: []string{"cold-image"}})
	if f.c.Name() != "Open Telekom Cloud" {
		t.Fatal(f.c.Name())
	}
	rule := f.c.Facts().SystemDiskRule
	if !strings.Contains(rule, "stopped server") || !strings.Contains(rule, "never") {
		t.Fatalf("rule %q", rule)
	}
	for dev, want := range map[string]bool{"/dev/sda": true, "/dev/vda": true, "/dev/xvda": true, "/dev/sdb": false} {
		if f.c.Facts().IsSystemDiskDevice(dev) != want {
			t.Fatalf("IsSystemDiskDevice(%s)", dev)
		}
	}
	srv := f.server("s")
	atts, err := f.c.ServerAttachments(f.ctx(), srv)
	if err != nil || len(atts) != 1 || !atts[0].SystemDisk || atts[0].Device != "/dev/sda" {
		t.Fatalf("attachments %+v %v", atts, err)
	}
	// The system disk of a running server: refused, with the rule.
	err = f.c.Detach(f.ctx(), srv, atts[0].VolumeID)
	wantOutcome(t, err, cloud.OutcomeConflict, "OTC system disk")
	if !strings.Contains(err.Error(), "stopped server") {
		t.Fatalf("message %v", err)
	}
	// A data disk of a running server that can hot-unplug: detached.
	vol := f.volume("data", 1)
	f.attach(srv, vol)
	if err := f.c.Detach(f.ctx(), srv, vol); err != nil {
		t.Fatal(err)
	}
	// A server whose OS cannot hot-unplug: the refusal says so.
	cold, err := f.c.CreateServer(f.ctx(), cloud.ServerSpec{Name: "cold", ImageID: "cold-image", ServerTypeID: "m1.small",
		Networks: []cloud.Network{{SubnetID: testNetwork}}, BootVolume: cloud.BootVolume{Size: 10}})
	if err != nil {
		t.Fatal(err)
	}
	f.idle()
	vol2 := f.volume("data2", 1)
	f.attach(cold, vol2)
	err = f.c.Detach(f.ctx(), cold, vol2)
	wantOutcome(t, err, cloud.OutcomeRejected, "OTC data disk without hot-unplug")
	if !strings.Contains(err.Error(), "hot-unplug") {
		t.Fatalf("message %v", err)
	}
	if v, _ := f.c.Volume(f.ctx(), vol2); v.Phase != cloud.PhaseInUse {
		t.Fatalf("volume %+v", v)
	}
	f.noDeprecated()
}

func TestNovaRule(t *testing.T) {
	f := newFixture(t, emu.Config{})
	facts := f.c.Facts()
	if r := facts.SystemDiskRule; !strings.Contains(r, "root device") {
		t.Fatal(r)
	}
	if !facts.IsSystemDiskDevice("/dev/VDA") || facts.IsSystemDiskDevice("/dev/vdb") {
		t.Fatal("IsSystemDiskDevice")
	}
	if _, tags := any(f.c).(cloud.Tagger); tags || facts.NoTags == "" {
		t.Fatalf("a Tagger: %v; why not: %q", tags, facts.NoTags)
	}
	for _, op := range []cloud.Operation{cloud.OpDeleteServer, cloud.OpDeleteVolume, cloud.OpAttach} {
		if facts.RefusalReasons[op] == "" {
			t.Fatal(op)
		}
	}
}

func TestRootDeviceNameMarksSystemDisk(t *testing.T) {
	// A server booted from the image's local disk: no boot volume, root device /dev/vda. A volume
	// attached there (only by hand) would still be the system disk.
	f := newFixture(t, emu.Config{DevicePrefix: "/dev/xvd"})
	srv := f.server("s")
	atts, err := f.c.ServerAttachments(f.ctx(), srv)
	if err != nil || len(atts) != 1 || !atts[0].SystemDisk || atts[0].Device != "/dev/xvda" {
		t.Fatalf("%+v %v", atts, err)
	}
	vol := f.volume("v", 1)
	f.attach(srv, vol)
	atts, _ = f.c.ServerAttachments(f.ctx(), srv)
	for _, a := range atts {
		if a.VolumeID == vol && a.SystemDisk {
			t.Fatalf("a data volume marked: %+v", a)
		}
	}
}

// A vm_state 409 from a server that is still building is waited out like a task_state one.
func TestDetachVMStateBuildingRetried(t *testing.T) {
	f := newFixture(t, emu.Config{})
	srv, vol := f.attachedPair()
	if err := f.e.SetServerVMState(srv, "building"); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = f.e.SetServerVMState(srv, "active")
	}()
	f.e.ResetRequests()
	if err := f.c.Detach(f.ctx(), srv, vol); err != nil {
		t.Fatal(err)
	}
	dels := f.e.RequestsFor(emu.RouteAttachmentDelete)
	if len(dels) < 2 || dels[0].Status != http.StatusConflict || dels[len(dels)-1].Status != http.StatusAccepted {
		t.Fatalf("DELETEs %+v", dels)
	}
}

func TestRefusedVMStateReadsTheStateOrNothing(t *testing.T) {
	for msg, want := range map[string]string{
		"Cannot 'detach_volume' instance x while it is in vm_state building": "building",
		"Cannot 'detach_volume' instance x while it is in vm_state stopped.": "stopped",
		"Cannot 'detach_volume' instance x while it is in vm_state ":         "",
		"something else": "",
	} {
		if got := refusedVMState(gophercloud.ErrUnexpectedResponseCode{Actual: http.StatusConflict, Body: []byte(`{"conflictingRequest":{"message":"` + msg + `","code":409}}`)}); got != want {
			t.Errorf("%q: got %q, want %q", msg, got, want)
		}
	}
}
