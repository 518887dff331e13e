package provider

import (
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// throttledRecentlyWithin is how long after the API's last 429 the poller keeps probing frugally
// (wait.WithPressure): a rate limit that bit once in a run bites again while the run lasts.
const throttledRecentlyWithin = 30 * time.Second

// throttledRecently tells the poller whether the cloud's API rate limited us lately, for a cloud
// whose client keeps track (SCP's does); nil for one that does not.
func throttledRecently(c cloud.Cloud) func() bool {
	if _, ok := cloud.Capability[cloud.RateLimitReporter](c); !ok {
		return nil
	}
	return func() bool { return time.Until(throttledUntil(c)) > 0 }
}

// throttledUntil is until when the cloud's last 429 keeps the waits frugal (zero: no 429 known).
func throttledUntil(c cloud.Cloud) time.Time {
	r, ok := cloud.Capability[cloud.RateLimitReporter](c)
	if !ok {
		return time.Time{}
	}
	last := r.LastThrottled()
	if last.IsZero() {
		return time.Time{}
	}
	return last.Add(throttledRecentlyWithin)
}

// Terraform refreshes in one provider process and applies in another, so a rate limit the refresh
// met would be learned again by the apply's first waits, from a 429 whose Retry-After holds back
// every request. The pressure is passed on in the resources' private state instead (privateTimings),
// as the wall-clock time until which it lasts.

// pressureToPass is until when (Unix ms) the pressure this process knows of lasts, 0 when it is over.
func (d *providerData) pressureToPass() int64 {
	left := max(d.poller.PressureHeld(), time.Until(throttledUntil(d.cloud)))
	if left <= 0 {
		return 0
	}
	return time.Now().Add(left).UnixMilli()
}

// holdPassedPressure holds the poller's pressure until a time passed on in private state (Unix ms;
// 0: none). One further away than a fresh 429 would hold (another machine's clock) is not trusted.
func (d *providerData) holdPassedPressure(untilMs int64) {
	if untilMs <= 0 {
		return
	}
	if left := time.Until(time.UnixMilli(untilMs)); left > 0 && left <= throttledRecentlyWithin {
		d.poller.HoldPressure(left)
	}
}
