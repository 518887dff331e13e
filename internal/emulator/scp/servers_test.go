package scp

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServerLifecycle(t *testing.T) {
	e, c := startParallel(t, Config{})
	id := c.createServer(serverRequest("web-1", 2))

	s, status := c.getServer(id)
	if status != http.StatusOK || s.State != ServerBuild {
		t.Fatalf("right after create: %d %+v", status, s)
	}
	for _, sv := range s.Volumes {
		if v, _ := c.getVolume(sv.ID); v.State != VolumeReserved || len(v.Servers) != 0 {
			t.Fatalf("volume during BUILD: %+v", v)
		}
	}

	s = c.waitServer(id, ServerActive)
	if s.Name != "web-1" || s.ImageID != "img-1" || s.ServerType.ID != "s1v2m4" || s.VPCID == "" || s.Locked {
		t.Fatalf("server: %+v", s)
	}
	if _, err := time.Parse(time.RFC3339, s.CreatedAt); err != nil {
		t.Fatalf("created_at %q: %v", s.CreatedAt, err)
	}
	if len(s.Volumes) != 3 {
		t.Fatalf("volumes/tags: %+v", s)
	}
	boot, _ := c.getVolume(s.Volumes[0].ID)
	if !boot.Bootable || boot.Name != "web-1-os" || boot.State != VolumeInUse || boot.Size != 32 ||
		len(boot.Servers) != 1 || boot.Servers[0].ID != id || boot.Servers[0].Device != "/dev/vda" {
		t.Fatalf("boot volume: %+v", boot)
	}
	for i, want := range []string{"/dev/vdb", "/dev/vdc"} {
		v, _ := c.getVolume(s.Volumes[i+1].ID)
		if v.Bootable || v.State != VolumeInUse || v.Servers[0].Device != want {
			t.Fatalf("data volume %d: %+v", i, v)
		}
	}

	if s.AccountID != e.AccountID() || len(s.SecurityGroups) != 1 || s.SecurityGroups[0].Name == "" {
		t.Fatalf("account / security groups: %+v", s)
	}

	var list struct {
		Servers []serverJSON `json:"servers"`
	}
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "").decode(t, &list)
	if len(list.Servers) != 1 || list.Servers[0].ID != id {
		t.Fatalf("list: %+v", list)
	}

	c.expect("DELETE", "/v1/servers/"+id, nil, http.StatusAccepted, "")
	if s, _ := c.getServer(id); s.State != ServerDeleting {
		t.Fatalf("after DELETE: %s", s.State)
	}
	c.expect("DELETE", "/v1/servers/"+id, nil, http.StatusAccepted, "") // again: no second operation
	c.waitGone("/v1/servers/" + id)
	c.expect("DELETE", "/v1/servers/"+id, nil, http.StatusNotFound, CodeNotFound)

	// The boot volume had delete_on_termination; the data volumes survive, detached.
	if _, status := c.getVolume(boot.ID); status != http.StatusNotFound {
		t.Fatalf("boot volume after delete: %d", status)
	}
	for _, sv := range s.Volumes[1:] {
		v, _ := c.getVolume(sv.ID)
		if v.State != VolumeAvailable || len(v.Servers) != 0 {
			t.Fatalf("data volume after delete: %+v", v)
		}
	}

	var deletes int
	for _, op := range e.Operations() {
		if op.Kind == OpServerDelete {
			deletes++
			if op.Outcome != OutcomeSucceeded || op.FinishedAt.Before(op.AcceptedAt) || op.ObjectID != id {
				t.Fatalf("delete record: %+v", op)
			}
		}
	}
	if deletes != 1 {
		t.Fatalf("%d delete operations, want 1", deletes)
	}
}

func TestCreateServerValidation(t *testing.T) {
	e, c := startParallel(t, Config{})
	cases := []struct {
		name   string
		mutate func(m map[string]any)
		field  string
	}{
		{"empty name", func(m map[string]any) { m["name"] = "" }, "name"},
		{"bad name", func(m map[string]any) { m["name"] = "web/1" }, "name"},
		{"long name", func(m map[string]any) { m["name"] = strings.Repeat("a", 64) }, "name"},
		{"no image", func(m map[string]any) { delete(m, "image_id") }, "image_id"},
		{"no type", func(m map[string]any) { m["server_type_id"] = "" }, "server_type_id"},
		{"no keypair", func(m map[string]any) { delete(m, "keypair_name") }, "keypair_name"},
		{"user_data not base64", func(m map[string]any) { m["user_data"] = "#!/bin/sh\necho hi\n" }, "user_data"},
		{"volume without size", func(m map[string]any) { m["volumes"] = []map[string]any{{"boot_index": 0}} }, "volumes[0].size"},
		{"no boot volume", func(m map[string]any) { m["volumes"] = []map[string]any{{"boot_index": -1, "size": 16}} }, "boot_index"},
		{"two boot volumes", func(m map[string]any) {
			m["volumes"] = []map[string]any{{"boot_index": 0, "size": 16}, {"boot_index": 0, "size": 16}}
		}, "boot_index"},
		{"size not multiple of 8", func(m map[string]any) {
			m["volumes"] = []map[string]any{{"boot_index": 0, "size": 10}}
		}, "volumes[0].size"},
		{"27 volumes", func(m map[string]any) {
			vols := []map[string]any{{"boot_index": 0, "size": 16}}
			for i := 0; i < 26; i++ {
				vols = append(vols, map[string]any{"boot_index": -1, "size": 8})
			}
			m["volumes"] = vols
		}, "volumes"},
		{"wrong type", func(m map[string]any) { m["name"] = 5 }, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := serverRequest("ok name_1-x", 0)
			tc.mutate(body)
			r := c.expect("POST", "/v1/servers", body, http.StatusBadRequest, CodeInvalidRequest)
			if !strings.Contains(r.errDetail(), tc.field) {
				t.Fatalf("detail %q does not name %s", r.errDetail(), tc.field)
			}
		})
	}
	// Most of these break the contract too (the check sees what the emulator refuses);
	// the emulator's own rules (one boot volume, sizes in 8 GiB steps, base64) go further.
	takeViolations(t, e, "")

	// networks is optional (unknown for 1.3), volumes too: the OS volume is then made
	// from the image at a default size. Tags go with the create.
	body := serverRequest("minimal", 0)
	delete(body, "networks")
	delete(body, "volumes")
	body["user_data"] = "IyEvYmluL3NoCmVjaG8gaGkK"
	body["metadata"] = map[string]any{"role": "web"}
	s := c.waitServer(c.createServer(body), ServerActive)
	if len(s.Volumes) != 1 {
		t.Fatalf("default volumes: %+v", s.Volumes)
	}
	if snap, _ := e.Server(s.ID); snap.UserData != "IyEvYmluL3NoCmVjaG8gaGkK" || len(snap.Tags) != 1 {
		t.Fatalf("stored: %+v", snap)
	}
	var sv serverVolumesJSON
	c.expect("GET", "/v1/servers/"+s.ID+"/volumes", nil, http.StatusOK, "").decode(t, &sv)
	if len(sv.Volumes) != 1 || sv.Volumes[0].Device != "/dev/vda" {
		t.Fatalf("OS attachment: %+v", sv)
	}

	// max_count creates that many servers.
	body = serverRequest("pair", 0)
	body["max_count"] = 2
	var out struct {
		Servers []struct{ ID string } `json:"servers"`
	}
	c.expect("POST", "/v1/servers", body, http.StatusAccepted, "").decode(t, &out)
	if len(out.Servers) != 2 || out.Servers[0].ID == out.Servers[1].ID {
		t.Fatalf("max_count 2: %+v", out)
	}
}

func TestDeleteServerConflicts(t *testing.T) {
	e, c := startParallel(t, Config{Latencies: quickLatencies(30 * time.Millisecond)})

	locked := serverRequest("locked", 0)
	locked["lock"] = true
	lockedID := c.createServer(locked)
	fs := serverRequest("fs", 0)
	fs["file_storage_ids"] = []string{"fs-1"}
	fsID := c.createServer(fs)
	lb := c.activeServer("lb", 0).ID
	backup := c.activeServer("backup", 0).ID
	if err := e.SetServerAttachments(lb, Connections{LBServerGroup: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.SetServerAttachments(backup, Connections{Backup: true}); err != nil {
		t.Fatal(err)
	}
	if s := c.waitServer(lockedID, ServerActive); !s.Locked {
		t.Fatal("lock requested at create is not set once ACTIVE")
	}
	c.waitServer(fsID, ServerActive)

	for _, tc := range []struct{ id, code, hint string }{
		{lockedID, CodeServerLocked, "unlock it first"},
		{fsID, CodeFileStorageConnected, "File Storage"},
		{lb, CodeLBServerGroupConnected, "LB server group"},
		{backup, CodeBackupConnected, "backup"},
	} {
		r := c.expect("DELETE", "/v1/servers/"+tc.id, nil, http.StatusConflict, tc.code)
		if !strings.Contains(r.errDetail(), tc.hint) {
			t.Errorf("%s detail %q lacks %q", tc.code, r.errDetail(), tc.hint)
		}
	}

	// Unlock, then the delete goes through.
	c.expect("POST", "/v1/servers/"+lockedID+"/unlock", nil, http.StatusAccepted, "")
	eventually(t, "unlocked", func() bool { s, _ := c.getServer(lockedID); return !s.Locked })
	c.expect("DELETE", "/v1/servers/"+lockedID, nil, http.StatusAccepted, "")
	c.waitGone("/v1/servers/" + lockedID)

	// While BUILD.
	if err := e.SetLatency(OpServerCreate, time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	building := c.createServer(serverRequest("building", 0))
	r := c.expect("DELETE", "/v1/servers/"+building, nil, http.StatusConflict, CodeServerBuilding)
	if !strings.Contains(r.errDetail(), "BUILD") {
		t.Errorf("detail %q", r.errDetail())
	}
	c.expect("DELETE", "/v1/servers/no-such-id", nil, http.StatusNotFound, CodeNotFound)
}

func TestServerPowerAndLock(t *testing.T) {
	_, c := startParallel(t, Config{})
	id := c.activeServer("power", 0).ID

	c.expect("POST", "/v1/servers/"+id+"/start", nil, http.StatusConflict, CodeInvalidState)
	c.expect("POST", "/v1/servers/"+id+"/stop", nil, http.StatusAccepted, "")
	if s, _ := c.getServer(id); s.State != ServerStopping {
		t.Fatalf("after stop: %s", s.State)
	}
	c.waitServer(id, ServerShutoff)
	c.expect("POST", "/v1/servers/"+id+"/start", nil, http.StatusAccepted, "")
	if s, _ := c.getServer(id); s.State != ServerStarting {
		t.Fatalf("after start: %s", s.State)
	}
	c.waitServer(id, ServerActive)

	c.expect("POST", "/v1/servers/"+id+"/lock", nil, http.StatusAccepted, "")
	if s, _ := c.getServer(id); s.Locked {
		t.Fatal("locked before the lock latency")
	}
	eventually(t, "locked", func() bool { s, _ := c.getServer(id); return s.Locked })
	c.expect("DELETE", "/v1/servers/"+id, nil, http.StatusConflict, CodeServerLocked)
}

func TestOutcomeFaultServerCreate(t *testing.T) {
	e, c := startParallel(t, Config{})
	if err := e.FailNext(OpServerCreate, 1); err != nil {
		t.Fatal(err)
	}
	id := c.createServer(serverRequest("doomed", 0))
	s := c.waitServer(id, ServerError)
	if v, _ := c.getVolume(s.Volumes[0].ID); v.State != VolumeError {
		t.Fatalf("boot volume of failed server: %s", v.State)
	}
	ok := c.activeServer("fine", 0) // only the next one fails
	if ok.State != ServerActive {
		t.Fatal(ok.State)
	}
	// An ERROR server can be deleted.
	c.expect("DELETE", "/v1/servers/"+id, nil, http.StatusAccepted, "")
	c.waitGone("/v1/servers/" + id)

	ops := e.Operations()
	if ops[0].Kind != OpServerCreate || ops[0].Outcome != OutcomeFailed {
		t.Fatalf("first op: %+v", ops[0])
	}
}

func TestOutcomeFaultServerDelete(t *testing.T) {
	e, c := startParallel(t, Config{})
	id := c.activeServer("stuck", 0).ID
	_ = e.FailNext(OpServerDelete, 1)
	c.expect("DELETE", "/v1/servers/"+id, nil, http.StatusAccepted, "")
	c.waitServer(id, ServerError)
}

func TestOutOfBandServerDelete(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("drift", 1)
	if err := e.DeleteServerOutOfBand(s.ID); err != nil {
		t.Fatal(err)
	}
	c.expect("GET", "/v1/servers/"+s.ID, nil, http.StatusNotFound, CodeNotFound)
	if v, _ := c.getVolume(s.Volumes[1].ID); v.State != VolumeAvailable {
		t.Fatalf("data volume: %+v", v)
	}
	if err := e.DeleteServerOutOfBand(s.ID); err == nil {
		t.Fatal("second out-of-band delete succeeded")
	}
}

func TestServerRenameAndVolumeSettings(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("before", 1)
	var renamed serverJSON
	c.expect("PUT", "/v1/servers/"+s.ID, map[string]any{"name": "after"}, http.StatusOK, "").decode(t, &renamed)
	if renamed.Name != "after" {
		t.Fatalf("rename: %+v", renamed)
	}
	c.expect("PUT", "/v1/servers/"+s.ID, map[string]any{"name": "a/b"}, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("PUT", "/v1/servers/nope", map[string]any{"name": "x"}, http.StatusNotFound, CodeNotFound)
	takeViolations(t, e, "regular expression")

	data := s.Volumes[1].ID
	c.expect("PUT", "/v1/servers/"+s.ID+"/volumes/"+data, map[string]any{"volume_id": data, "delete_on_termination": true}, http.StatusOK, "")
	if got, _ := c.getServer(s.ID); !got.Volumes[1].DeleteOnTermination {
		t.Fatalf("delete_on_termination not set: %+v", got.Volumes)
	}
	c.expect("PUT", "/v1/servers/"+s.ID+"/volumes/"+data, map[string]any{"volume_id": "other"}, http.StatusBadRequest, CodeInvalidRequest)
	other := c.availableVolume("loose", 8)
	c.expect("PUT", "/v1/servers/"+s.ID+"/volumes/"+other.ID, map[string]any{"volume_id": other.ID}, http.StatusNotFound, CodeNotAttached)
}

// With the SCSI prefix and OSVolumeLast, the OS disk is /dev/sda and listed last, so
// only the device name tells it.
func TestOSVolumeLastOnSCSI(t *testing.T) {
	_, c := startParallel(t, Config{DevicePrefix: "/dev/sd", OSVolumeLast: true})
	s := c.activeServer("scsi", 2)
	boot := s.Volumes[len(s.Volumes)-1].ID
	if v, _ := c.getVolume(boot); !v.Bootable || v.Servers[0].Device != "/dev/sda" {
		t.Fatalf("last volume is not the OS disk: %+v", v)
	}
	if v, _ := c.getVolume(s.Volumes[0].ID); v.Bootable {
		t.Fatalf("first volume is the OS disk: %+v", v)
	}
	var sv serverVolumesJSON
	c.expect("GET", "/v1/servers/"+s.ID+"/volumes", nil, http.StatusOK, "").decode(t, &sv)
	last := sv.Volumes[len(sv.Volumes)-1]
	if len(sv.Volumes) != 3 || last.Device != "/dev/sda" || last.VolumeID != boot || sv.Volumes[0].Device == "/dev/sda" {
		t.Fatalf("attachments: %+v", sv.Volumes)
	}
}

func TestErrorDetailArrayConfig(t *testing.T) {
	_, c := startParallel(t, Config{ErrorDetailArray: true})
	r := c.expect("POST", "/v1/volumes", map[string]any{"name": "x", "size": 12}, http.StatusBadRequest, CodeInvalidRequest)
	if !r.errDetailIsArray() || !strings.Contains(r.errDetail(), "multiple of 8") {
		t.Fatalf("detail %s", r.body)
	}
}
