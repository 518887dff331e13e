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
	t, ok := c.(interface{ LastThrottled() time.Time })
	if !ok {
		return nil
	}
	return func() bool {
		last := t.LastThrottled()
		return !last.IsZero() && time.Since(last) < throttledRecentlyWithin
	}
}
