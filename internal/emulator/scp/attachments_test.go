package scp

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

type attachJSON struct {
	ServerID            string `json:"server_id"`
	VolumeID            string `json:"volume_id"`
	Device              string `json:"device"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

type serverVolumesJSON struct {
	Volumes []struct {
		ID                  string `json:"id"`
		VolumeID            string `json:"volume_id"`
		ServerID            string `json:"server_id"`
		Device              string `json:"device"`
		DeleteOnTermination bool   `json:"delete_on_termination"`
	} `json:"volumes"`
}

func TestAttachDetach(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("host", 1)
	v := c.availableVolume("extra", 16)

	var att attachJSON
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": s.ID, "delete_on_termination": true}, http.StatusAccepted, "").decode(t, &att)
	if att.Device != "/dev/vdc" || att.ServerID != s.ID || att.VolumeID != v.ID || !att.DeleteOnTermination {
		t.Fatalf("attach answer: %+v", att)
	}
	got, _ := c.getVolume(v.ID)
	if got.State != VolumeAttaching || len(got.Servers) != 0 {
		t.Fatalf("while attaching: %+v", got)
	}
	if srv, _ := c.getServer(s.ID); len(srv.Volumes) != 2 {
		t.Fatalf("server lists the volume before the attach finished: %+v", srv.Volumes)
	}

	got = c.waitVolume(v.ID, VolumeInUse)
	if len(got.Servers) != 1 || got.Servers[0].ID != s.ID || got.Servers[0].Device != "/dev/vdc" || got.Servers[0].AttachedAt == "" {
		t.Fatalf("attached: %+v", got)
	}
	srv, _ := c.getServer(s.ID)
	if len(srv.Volumes) != 3 || srv.Volumes[0].ID != s.Volumes[0].ID || srv.Volumes[2].ID != v.ID || !srv.Volumes[2].DeleteOnTermination {
		t.Fatalf("server volumes: %+v", srv.Volumes)
	}
	var sv serverVolumesJSON
	c.expect("GET", "/v1/servers/"+s.ID+"/volumes", nil, http.StatusOK, "").decode(t, &sv)
	if len(sv.Volumes) != 3 || sv.Volumes[0].Device != "/dev/vda" || sv.Volumes[2].VolumeID != v.ID || sv.Volumes[2].ID == "" {
		t.Fatalf("server attachments: %+v", sv)
	}
	attachmentID := sv.Volumes[2].ID

	// Attaching again, or attaching an in-use volume elsewhere, is refused.
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusConflict, CodeInvalidState)

	c.expect("DELETE", "/v1/volumes/"+v.ID+"/servers/"+s.ID, nil, http.StatusAccepted, "")
	got, _ = c.getVolume(v.ID)
	if got.State != VolumeDetaching || len(got.Servers) != 1 {
		t.Fatalf("while detaching: %+v", got)
	}
	c.expect("GET", "/v1/servers/"+s.ID+"/volumes", nil, http.StatusOK, "").decode(t, &sv)
	if sv.Volumes[2].ID != attachmentID {
		t.Fatal("attachment id changed")
	}
	c.expect("DELETE", "/v1/volumes/"+v.ID+"/servers/"+s.ID, nil, http.StatusAccepted, "") // repeated: same operation

	got = c.waitVolume(v.ID, VolumeAvailable)
	if len(got.Servers) != 0 {
		t.Fatalf("after detach: %+v", got)
	}
	if srv, _ := c.getServer(s.ID); len(srv.Volumes) != 2 {
		t.Fatalf("server still lists the volume: %+v", srv.Volumes)
	}
	c.expect("DELETE", "/v1/volumes/"+v.ID+"/servers/"+s.ID, nil, http.StatusBadRequest, CodeNotAttached)

	var detaches int
	for _, op := range e.Operations() {
		if op.Kind == OpDetach {
			detaches++
			if op.ObjectID != v.ID || op.RelatedID != s.ID || op.Outcome != OutcomeSucceeded {
				t.Fatalf("detach record %+v", op)
			}
		}
	}
	if detaches != 1 {
		t.Fatalf("%d detach operations, want 1", detaches)
	}
}

func TestAttachDetachErrors(t *testing.T) {
	e, c := startParallel(t, Config{})
	a := c.activeServer("a", 0)
	b := c.activeServer("b", 0)
	v := c.availableVolume("v", 8)
	osVol := a.Volumes[0].ID

	r := c.expect("DELETE", "/v1/volumes/"+osVol+"/servers/"+a.ID, nil, http.StatusBadRequest, CodeOSVolume)
	if !strings.Contains(r.errDetail(), "OS default volume cannot be detached") {
		t.Fatalf("detail %q", r.errDetail())
	}
	c.expect("POST", "/v1/volumes/"+osVol+"/servers", map[string]any{"server_id": b.ID}, http.StatusBadRequest, CodeOSVolume)
	c.expect("DELETE", "/v1/volumes/"+v.ID+"/servers/"+a.ID, nil, http.StatusBadRequest, CodeNotAttached)
	// Attach and detach document no 404: an unknown volume or server is 400.
	c.expect("POST", "/v1/volumes/nope/servers", map[string]any{"server_id": a.ID}, http.StatusBadRequest, CodeNotFound)
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": "nope"}, http.StatusBadRequest, CodeNotFound)
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{}, http.StatusBadRequest, CodeInvalidRequest)
	takeViolations(t, e, "server_id")
	c.expect("DELETE", "/v1/volumes/nope/servers/"+a.ID, nil, http.StatusBadRequest, CodeNotFound)
	c.expect("DELETE", "/v1/volumes/"+v.ID+"/servers/nope", nil, http.StatusBadRequest, CodeNotFound)

	c.expect("POST", "/v1/servers/"+b.ID+"/stop", nil, http.StatusAccepted, "")
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": b.ID}, http.StatusConflict, CodeInvalidState)
}

func TestServerBusy(t *testing.T) {
	_, c := startParallel(t, Config{})
	s := c.activeServer("host", 0)
	v1 := c.availableVolume("v1", 8)
	v2 := c.availableVolume("v2", 8)

	c.expect("POST", "/v1/volumes/"+v1.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusAccepted, "")
	r := c.expect("POST", "/v1/volumes/"+v2.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusConflict, CodeServerBusy)
	if r.errDetail() != "server "+s.ID+" is busy with another volume operation; retry later" || !r.errDetailIsArray() {
		t.Fatalf("busy detail %s, want an array of strings", r.body)
	}
	// Detaching a volume that is still attaching is busy too, not "not attached".
	c.expect("DELETE", "/v1/volumes/"+v1.ID+"/servers/"+s.ID, nil, http.StatusConflict, CodeServerBusy)
	c.waitVolume(v1.ID, VolumeInUse)
	c.expect("POST", "/v1/volumes/"+v2.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusAccepted, "")
	c.expect("DELETE", "/v1/volumes/"+v1.ID+"/servers/"+s.ID, nil, http.StatusConflict, CodeServerBusy)
	c.waitVolume(v2.ID, VolumeInUse)
	c.expect("DELETE", "/v1/volumes/"+v1.ID+"/servers/"+s.ID, nil, http.StatusAccepted, "")
}

func TestBusyRuleOff(t *testing.T) {
	_, c := startParallel(t, Config{DisableBusyRule: true})
	s := c.activeServer("host", 0)
	v1 := c.availableVolume("v1", 8)
	v2 := c.availableVolume("v2", 8)
	var a1, a2 attachJSON
	c.expect("POST", "/v1/volumes/"+v1.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusAccepted, "").decode(t, &a1)
	c.expect("POST", "/v1/volumes/"+v2.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusAccepted, "").decode(t, &a2)
	if a1.Device == a2.Device {
		t.Fatalf("both got %s", a1.Device)
	}
	c.expect("DELETE", "/v1/volumes/"+v1.ID+"/servers/"+s.ID, nil, http.StatusConflict, CodeInvalidState)
}

func TestBusyWindow(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("host", 0)
	v := c.availableVolume("v", 8)
	if err := e.SetServerBusy(s.ID, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusConflict, CodeServerBusy)
	c.expect("DELETE", "/v1/servers/"+s.ID, nil, http.StatusConflict, CodeServerBusy)
	eventually(t, "busy window to close", func() bool {
		return c.do("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": s.ID}).status == http.StatusAccepted
	})
}

func TestVolumeLimit(t *testing.T) {
	_, c := startParallel(t, Config{DisableBusyRule: true})
	s := c.activeServer("full", MaxVolumesPerServer-1)
	v := c.availableVolume("one-too-many", 8)
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusBadRequest, CodeVolumeLimit)
}

func TestAttachDetachOutcomeFaults(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("host", 0)
	v := c.availableVolume("v", 8)

	_ = e.FailNext(OpAttach, 1)
	c.expect("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusAccepted, "")
	if got := c.waitVolume(v.ID, VolumeError); len(got.Servers) != 0 {
		t.Fatalf("failed attach lists the server: %+v", got)
	}

	w := c.availableVolume("w", 8)
	c.expect("POST", "/v1/volumes/"+w.ID+"/servers", map[string]any{"server_id": s.ID}, http.StatusAccepted, "")
	c.waitVolume(w.ID, VolumeInUse)
	_ = e.FailNext(OpDetach, 1)
	c.expect("DELETE", "/v1/volumes/"+w.ID+"/servers/"+s.ID, nil, http.StatusAccepted, "")
	if got := c.waitVolume(w.ID, VolumeError); len(got.Servers) != 1 {
		t.Fatalf("failed detach should leave the server listed: %+v", got)
	}
}

func TestDetachOutOfBand(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("host", 1)
	data := s.Volumes[1].ID
	if err := e.DetachOutOfBand(data, s.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.getVolume(data); v.State != VolumeAvailable || len(v.Servers) != 0 {
		t.Fatalf("after out-of-band detach: %+v", v)
	}
	if err := e.DetachOutOfBand(data, s.ID); err == nil {
		t.Fatal("detaching twice succeeded")
	}
}
