package openstack

import (
	"context"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	emu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

func addFault(t *testing.T, e *emu.Emulator, f emu.Fault) {
	t.Helper()
	if _, err := e.AddFault(f); err != nil {
		t.Fatal(err)
	}
}

func TestFaultOutcomes(t *testing.T) {
	f := newFixture(t, emu.Config{})
	srv, vol := f.attachedPair()
	ctx := f.ctx()

	// A 503 after Nova accepted the detach: it may have taken effect.
	addFault(t, f.e, emu.Fault{Op: emu.RouteAttachmentDelete, Kind: emu.FaultStatus, Status: 503, AfterHandler: true, Count: 1})
	err := f.c.Detach(ctx, srv, vol)
	wantOutcome(t, err, cloud.OutcomeFailed, "503 on the detach")
	if !cloud.MayHaveTakenEffect(err) {
		t.Fatal("a 503 on a mutation is ambiguous")
	}
	f.idle()
	if v, _ := f.c.Volume(ctx, vol); v.Phase != cloud.PhaseAvailable {
		t.Fatalf("the detach did take effect: %+v", v)
	}
	f.wantSent(emu.RouteAttachmentDelete, 1, "a 503 answered by resending the DELETE")

	// A reset connection on a mutation: ambiguous; on a read: not.
	vol2 := f.volume("v2", 1)
	addFault(t, f.e, emu.Fault{Op: emu.RouteAttachmentCreate, Kind: emu.FaultReset, Count: 1})
	_, err = f.c.Attach(ctx, srv, vol2, false)
	if cloud.OutcomeOf(err) != cloud.OutcomeFailed || !cloud.MayHaveTakenEffect(err) {
		t.Fatalf("reset attach: %v (ambiguous %t)", err, cloud.MayHaveTakenEffect(err))
	}
	addFault(t, f.e, emu.Fault{Op: emu.RouteVolumeGet, Kind: emu.FaultReset, Count: 1})
	_, err = f.c.Volume(ctx, vol2)
	if err == nil || cloud.MayHaveTakenEffect(err) {
		t.Fatalf("reset read: %v", err)
	}

	// A 500 on a read is a failed read, nothing more.
	addFault(t, f.e, emu.Fault{Op: emu.RouteServerGet, Kind: emu.FaultStatus, Status: 500, Count: 1})
	_, err = f.c.Server(ctx, srv)
	if cloud.OutcomeOf(err) != cloud.OutcomeFailed || cloud.MayHaveTakenEffect(err) || cloud.IsGone(err) {
		t.Fatalf("500 read: %v", err)
	}

	// A 404 without Nova's envelope (a gateway) is still the API's 404 here: gophercloud gives only
	// the status. Malformed JSON on a create: ambiguous.
	addFault(t, f.e, emu.Fault{Op: emu.RouteVolumeCreate, Kind: emu.FaultMalformedJSON, AfterHandler: true, Count: 1})
	_, err = f.c.CreateVolume(ctx, cloud.VolumeSpec{Name: "m", Size: 1})
	if err == nil || !cloud.MayHaveTakenEffect(err) {
		t.Fatalf("malformed create answer: %v", err)
	}

	// 429: waited out and sent again (it changed nothing).
	addFault(t, f.e, emu.Fault{Op: emu.RouteVolumeGet, Kind: emu.FaultRateLimit, RetryAfter: 0, Count: 2})
	if _, err := f.c.Volume(ctx, vol2); err != nil {
		t.Fatalf("after 429s: %v", err)
	}

	// A hung detach: the caller's deadline ends it, ambiguous.
	vol3 := f.volume("v3", 1)
	f.attach(srv, vol3)
	addFault(t, f.e, emu.Fault{Op: emu.RouteAttachmentDelete, Kind: emu.FaultHang, Delay: 5 * time.Second, Count: 1})
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	err = f.c.Detach(short, srv, vol3)
	if err == nil || !cloud.MayHaveTakenEffect(err) {
		t.Fatalf("hung detach: %v", err)
	}
	f.noDeprecated()
}

func TestKeystoneFailureDuringReauth(t *testing.T) {
	f := newFixture(t, emu.Config{})
	vol := f.volume("v", 1)
	f.e.ExpireTokens()
	addFault(t, f.e, emu.Fault{Op: emu.RouteTokenCreate, Kind: emu.FaultStatus, Status: 503, Count: 1})
	_, err := f.c.Volume(f.ctx(), vol)
	if err == nil {
		t.Fatal("a read succeeded without a token")
	}
	// The next call authenticates again and works.
	if _, err := f.c.Volume(f.ctx(), vol); err != nil {
		t.Fatalf("after Keystone recovered: %v", err)
	}
}
