package scp

import (
	"net/http"
	"strings"
	"testing"
)

func TestVolumeLifecycle(t *testing.T) {
	e, c := startParallel(t, Config{})
	r := c.expect("POST", "/v1/volumes", map[string]any{"name": "data", "size": 16, "volume_type": "HDD", "max_iops": 3000, "tags": []Tag{{Key: "a", Value: "b"}}}, http.StatusAccepted, "")
	var v volumeJSON
	r.decode(t, &v)
	if v.ID == "" || v.State != VolumeCreating || v.Size != 16 || v.VolumeType != "HDD" || v.Bootable {
		t.Fatalf("created: %+v", v)
	}
	c.waitVolume(v.ID, VolumeAvailable)

	c.expect("POST", "/v1/volumes", map[string]any{"name": "", "size": 16}, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("POST", "/v1/volumes", map[string]any{"name": "x", "size": 12}, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("POST", "/v1/volumes", map[string]any{"name": "x", "size": 0}, http.StatusBadRequest, CodeInvalidRequest)
	takeViolations(t, e, "minimum string length", "number must be at least 8")

	var renamed volumeJSON
	c.expect("PUT", "/v1/volumes/"+v.ID, map[string]any{"name": "renamed"}, http.StatusOK, "").decode(t, &renamed)
	if renamed.Name != "renamed" {
		t.Fatalf("rename: %+v", renamed)
	}

	// Extend: PUT /v1/volumes/{id}/size, grow only, in 8 GiB steps; 202 with the volume.
	c.expect("PUT", "/v1/volumes/"+v.ID+"/size", map[string]any{"size": 16}, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("PUT", "/v1/volumes/"+v.ID+"/size", map[string]any{"size": 20}, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("PUT", "/v1/volumes/nope/size", map[string]any{"size": 24}, http.StatusBadRequest, CodeNotFound)
	var extending volumeJSON
	c.expect("PUT", "/v1/volumes/"+v.ID+"/size", map[string]any{"size": 24}, http.StatusAccepted, "").decode(t, &extending)
	if extending.ID != v.ID || extending.State != VolumeExtending || extending.Size != 16 {
		t.Fatalf("extend answer: %+v", extending)
	}
	c.expect("PUT", "/v1/volumes/"+v.ID+"/size", map[string]any{"size": 32}, http.StatusConflict, CodeInvalidState)
	if got, _ := c.getVolume(v.ID); got.State != VolumeExtending {
		t.Fatalf("after extend: %s", got.State)
	}
	if got := c.waitVolume(v.ID, VolumeAvailable); got.Size != 24 {
		t.Fatalf("size after extend: %d", got.Size)
	}
	// The call that does not exist is no SCP endpoint: a plain 404, and a violation.
	if r := c.do("POST", "/v1/volumes/"+v.ID+"/extend", map[string]any{"size": 32}); r.status != http.StatusNotFound {
		t.Fatalf("POST .../extend: %d", r.status)
	} else if _, _, envelope := r.errEntry(); envelope {
		t.Fatalf("POST .../extend answered with the SCP envelope: %s", r.body)
	}
	takeViolations(t, e, "undocumented path")

	var list struct {
		Volumes []volumeJSON `json:"volumes"`
		Count   int          `json:"count"`
	}
	c.expect("GET", "/v1/volumes?name=renamed", nil, http.StatusOK, "").decode(t, &list)
	if list.Count != 1 {
		t.Fatalf("list: %+v", list)
	}

	c.expect("DELETE", "/v1/volumes/"+v.ID+"?cascade=maybe", nil, http.StatusBadRequest, CodeInvalidRequest)
	takeViolations(t, e, "cascade")
	c.expect("DELETE", "/v1/volumes/"+v.ID+"?cascade=false", nil, http.StatusAccepted, "")
	if got, _ := c.getVolume(v.ID); got.State != VolumeDeleting {
		t.Fatalf("after delete: %s", got.State)
	}
	c.waitGone("/v1/volumes/" + v.ID)
}

func TestVolumeDeleteRules(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("host", 1)
	osVol, dataVol := s.Volumes[0].ID, s.Volumes[1].ID

	c.expect("DELETE", "/v1/volumes/"+osVol, nil, http.StatusBadRequest, CodeOSVolume)
	r := c.expect("DELETE", "/v1/volumes/"+dataVol, nil, http.StatusConflict, CodeVolumeInUse)
	if !strings.Contains(r.errDetail(), s.ID) || !strings.Contains(r.errDetail(), "detach") {
		t.Fatalf("VOLUME_IN_USE detail %q", r.errDetail())
	}

	_ = e.SetLatency(OpVolumeCreate, quick*20, 0)
	var creating volumeJSON
	c.expect("POST", "/v1/volumes", map[string]any{"name": "slow", "size": 8}, http.StatusAccepted, "").decode(t, &creating)
	c.expect("DELETE", "/v1/volumes/"+creating.ID, nil, http.StatusConflict, CodeInvalidState)

	// A volume in an error state can be deleted.
	_ = e.SetLatency(OpVolumeCreate, quick, 0)
	_ = e.FailNext(OpVolumeCreate, 1)
	var failed volumeJSON
	c.expect("POST", "/v1/volumes", map[string]any{"name": "bad", "size": 8}, http.StatusAccepted, "").decode(t, &failed)
	c.waitVolume(failed.ID, VolumeError)
	c.expect("DELETE", "/v1/volumes/"+failed.ID, nil, http.StatusAccepted, "")
	c.waitGone("/v1/volumes/" + failed.ID)
	// DELETE volume documents no 404: a volume that is gone answers 400.
	c.expect("DELETE", "/v1/volumes/"+failed.ID, nil, http.StatusBadRequest, CodeNotFound)
}

func TestOutOfBandVolumeDelete(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("host", 1)
	if err := e.DeleteVolumeOutOfBand(s.Volumes[1].ID); err != nil {
		t.Fatal(err)
	}
	got, _ := c.getServer(s.ID)
	if len(got.Volumes) != 1 || got.Volumes[0].ID != s.Volumes[0].ID {
		t.Fatalf("server volumes after out-of-band delete: %+v", got.Volumes)
	}
}
