package main

import (
	"strings"
	"testing"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

func TestCommonDelay(t *testing.T) {
	var total time.Duration
	for i := 0; i < commonMaxPending; i++ {
		total += commonDelay(i)
	}
	if commonDelay(0) != 3*time.Second || commonDelay(1) != 6*time.Second || commonDelay(2) != 10*time.Second || commonDelay(30) != 10*time.Second {
		t.Errorf("delays %s %s %s %s", commonDelay(0), commonDelay(1), commonDelay(2), commonDelay(30))
	}
	// The common provider gives up after about 190 s of pending polls.
	if total != 189*time.Second {
		t.Errorf("20 pending polls take %s, want 189s", total)
	}
}

// Detaches longer than the common loop's ~190 s all give up there, none with the provider, which
// sends one DELETE each; short ones succeed with both.
func TestSimulateDetaches(t *testing.T) {
	rows := simulateDetaches(scpemu.Latency{Base: 25 * time.Second, Jitter: 0.25}, 40, 1)
	if len(rows) != 6 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		mine := strings.HasPrefix(r.Strategy, "this provider")
		long := strings.Contains(r.Setting, "3.5-5 min")
		switch {
		case mine && (r.GaveUp != 0 || r.DelMax != 1):
			t.Errorf("%s / %s: %d gave up, up to %d DELETEs", r.Setting, r.Strategy, r.GaveUp, r.DelMax)
		case !mine && long && r.GaveUp != r.Detaches:
			t.Errorf("%s / %s: %d of %d gave up, want all", r.Setting, r.Strategy, r.GaveUp, r.Detaches)
		case !mine && !long && r.GaveUp != 0:
			t.Errorf("%s / %s: %d gave up", r.Setting, r.Strategy, r.GaveUp)
		case !mine && r.DelMedian < 2 && !strings.Contains(r.Setting, "25s"):
			t.Errorf("%s / %s: DELETEs p50 %g, the loop re-sends one on every pending poll", r.Setting, r.Strategy, r.DelMedian)
		}
	}
}

func TestOpenStackHCL(t *testing.T) {
	out, err := openstackHCL(configHCL("os", 2, false))
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"ubuntu-22.04", "s1v2m4", "bench-subnet", "provider \"scp\" {}"} {
		if strings.Contains(out, gone) {
			t.Errorf("%q left in the OpenStack configuration", gone)
		}
	}
	if !strings.Contains(out, "openstack {}") || strings.Count(out, "resource \"scp_volume_attachment\"") != 4 {
		t.Errorf("configuration:\n%s", out)
	}
}
