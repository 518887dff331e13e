package provider

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// throttledCloud is a cloud whose API last answered 429 at last.
type throttledCloud struct {
	cloud.Cloud
	last time.Time
}

func (c throttledCloud) LastThrottled() time.Time { return c.last }

// TestRateLimitPassesToTheNextProcess: a refresh that met the API's rate limit passes it on in the
// private state, so that the apply's process, which has met none yet, probes frugally from its
// first wait (first probe at the learned median: fewer probes). A pressure that is over, or one
// further away than a 429 would hold (another machine's clock), is not taken.
func TestRateLimitPassesToTheNextProcess(t *testing.T) {
	refresh, clk := newProcess(t)
	for _, ms := range []int{1000, 1100, 1200, 1300, 1400} {
		operation(t, refresh, clk, kindDetach, time.Duration(ms)*time.Millisecond)
	}
	calm := memPrivate{}
	refresh.saveTimings(context.Background(), calm, attachmentTimingKinds)
	// Behind the shared reads, as Configure wraps every cloud.
	refresh.cloud = withSharedReads(throttledCloud{Cloud: refresh.cloud, last: time.Now()})
	throttled := memPrivate{}
	refresh.saveTimings(context.Background(), throttled, attachmentTimingKinds)

	probes := func(p memPrivate) int {
		apply, clk := newProcess(t)
		apply.seedTimings(context.Background(), p)
		res, _ := operation(t, apply, clk, kindDetach, 1300*time.Millisecond)
		return res.Probes
	}
	usual, frugal := probes(calm), probes(throttled)
	if frugal*2 > usual {
		t.Errorf("a detach after a throttled refresh took %d probes, after a calm one %d: want at most half", frugal, usual)
	}

	for name, until := range map[string]time.Time{"over": time.Now().Add(-time.Second), "too far": time.Now().Add(time.Hour)} {
		var pt privateTimings
		if err := json.Unmarshal(throttled[privateTimingsKey], &pt); err != nil {
			t.Fatal(err)
		}
		pt.Pressure = until.UnixMilli()
		raw, _ := json.Marshal(pt)
		if got := probes(memPrivate{privateTimingsKey: raw}); got != usual {
			t.Errorf("a pressure %s: %d probes, want the usual %d", name, got, usual)
		}
	}
}
