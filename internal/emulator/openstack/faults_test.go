package openstack

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
)

func TestStatusFaults(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("f")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	for _, code := range []int{500, 502, 503, 504, 409} {
		if _, err := ev.e.AddFault(Fault{Op: RouteAttachmentDelete, Kind: FaultStatus, Status: code, Count: 1}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), code, "injected fault")
	}
	if got := ev.getVolume(v.ID); got.Status != "in-use" {
		t.Errorf("a fault before the handler changed the volume: %s", got.Status)
	}
	if err := volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(); err != nil {
		t.Fatalf("after the faults are used up: %v", err)
	}
	recs := ev.e.RequestsFor(RouteAttachmentDelete)
	if len(recs) != 6 || recs[0].Fault != FaultStatus || recs[0].Status != 500 || recs[5].Fault != "" {
		t.Errorf("records %+v", recs)
	}
}

// TestAfterHandlerFault: the detach is accepted, but the client hears a 500.
func TestAfterHandlerFault(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("f")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	if _, err := ev.e.AddFault(Fault{Method: "DELETE", Path: "/v2.1/{p}/servers/{s}/os-volume_attachments/{a}", Kind: FaultStatus, AfterHandler: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusInternalServerError)
	ev.waitVolume(v.ID, "available")
}

func TestConnectionFaults(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("f")
	// No count: Go's transport retries an idempotent request once on a reused
	// connection that was reset.
	resetID, err := ev.e.AddFault(Fault{Op: RouteServerGet, Kind: FaultReset})
	if err != nil {
		t.Fatal(err)
	}
	err = servers.Get(ctx, ev.compute, s.ID).Err
	var code gophercloud.ErrUnexpectedResponseCode
	if err == nil || errors.As(err, &code) {
		t.Errorf("reset: %v", err)
	}
	ev.e.RemoveFault(resetID)

	if _, err := ev.e.AddFault(Fault{Op: RouteVolumeList, Kind: FaultHang, Delay: time.Minute, Count: 1}); err != nil {
		t.Fatal(err)
	}
	hctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := volumes.List(ev.volume, nil).AllPages(hctx); err == nil {
		t.Error("hang: the call returned")
	}
	if time.Since(start) > 5*time.Second {
		t.Error("hang outlived the client's deadline")
	}

	for _, kind := range []FaultKind{FaultMalformedJSON, FaultHTML, FaultEmptyBody} {
		if _, err := ev.e.AddFault(Fault{Op: RouteServerGet, Kind: kind, Count: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := servers.Get(ctx, ev.compute, s.ID).Extract(); err == nil {
			t.Errorf("%s: parsed", kind)
		}
	}
	if _, err := ev.e.AddFault(Fault{Op: RouteServerGet, Kind: FaultSlow, Delay: 20 * time.Millisecond, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := servers.Get(ctx, ev.compute, s.ID).Extract(); err != nil {
		t.Errorf("slow: %v", err)
	}
}

// TestTokenRequestFault: a Keystone failure during reauthentication reaches the
// caller; the next call authenticates again.
func TestTokenRequestFault(t *testing.T) {
	ev := newEnv(t, Config{})
	if _, err := ev.e.AddFault(Fault{Op: RouteTokenCreate, Kind: FaultStatus, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	ev.e.ExpireTokens()
	if _, err := volumes.List(ev.volume, nil).AllPages(ctx); err == nil {
		t.Fatal("a call whose reauthentication failed succeeded")
	}
	if _, err := volumes.List(ev.volume, nil).AllPages(ctx); err != nil {
		t.Fatalf("the next call: %v", err)
	}
	recs := ev.e.RequestsFor(RouteTokenCreate)
	if last := recs[len(recs)-2]; last.Status != 503 || last.Fault != FaultStatus {
		t.Errorf("token request records %+v", recs)
	}
}

func TestOutOfBandDeletes(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("oob")
	boot := s.AttachedVolumes[0].ID
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	if err := ev.e.DeleteVolumeOutOfBand(v.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusNotFound)
	if err := ev.e.DeleteServerOutOfBand(s.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, servers.Get(ctx, ev.compute, s.ID).Err, http.StatusNotFound)
	wantCode(t, volumes.Get(ctx, ev.volume, boot).Err, http.StatusNotFound) // delete_on_termination
	if err := ev.e.DeleteServerOutOfBand(s.ID); err == nil {
		t.Error("a second out-of-band delete succeeded")
	}
}

func TestFaultRules(t *testing.T) {
	e := New(Config{})
	defer e.Close()
	if _, err := e.AddFault(Fault{Kind: "warp"}); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := e.AddFault(Fault{Kind: FaultStatus, Probability: 2}); err == nil {
		t.Error("probability 2 accepted")
	}
	id, err := e.AddFault(Fault{Kind: FaultStatus, Path: "/v2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if f := e.MatchFault("GET", "/v2.1/p/servers/s", RouteServerGet); f == nil || f.ID != id {
		t.Errorf("prefix match: %+v", f)
	}
	if f := e.MatchFault("GET", "/v2/p/servers/s", RouteServerGet); f != nil {
		t.Errorf("/v2 matched /v2.1: %+v", f)
	}
	if !e.RemoveFault(id) || e.RemoveFault(id) {
		t.Error("RemoveFault")
	}
	if len(e.Faults()) != 0 {
		t.Errorf("faults left: %+v", e.Faults())
	}
}
