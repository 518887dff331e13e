package provider

import (
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// The poller's priors: what each kind of operation typically takes on each cloud, for the first
// wait of a kind before anything was learned (see wait.Prior). Neither SCP nor the OpenStack
// family documents durations; these are the usual orders of magnitude of a public cloud (a VM build
// in minutes, a block volume in seconds to tens of seconds). A prior only decides from when a cold
// wait probes densely (a quarter of it, or an eighth once another kind has measured the cloud's
// pace), so one off by a factor of 2 still meets the cold targets, and one off by far more (a
// local emulator) costs lateness until the first wait of any kind has ended.

// scpPriors are the SCP Virtual Server API's kinds.
var scpPriors = map[string]time.Duration{
	kindServerCreate: 2 * time.Minute,
	kindServerDelete: time.Minute,
	kindServerLock:   10 * time.Second,
	kindServerSettle: time.Minute,
	kindVolumeCreate: 20 * time.Second,
	kindVolumeDelete: 15 * time.Second,
	kindVolumeExtend: 30 * time.Second,
	kindVolumeSettle: 20 * time.Second,
	kindAttach:       30 * time.Second,
	kindDetach:       25 * time.Second,
}

// openStackPriors are Nova's and Cinder's: builds are faster than SCP's on most clouds that use them.
var openStackPriors = map[string]time.Duration{
	kindServerCreate: time.Minute,
	kindServerDelete: 20 * time.Second,
	kindServerLock:   2 * time.Second,
	kindServerSettle: 30 * time.Second,
	kindVolumeCreate: 10 * time.Second,
	kindVolumeDelete: 10 * time.Second,
	kindVolumeExtend: 15 * time.Second,
	kindVolumeSettle: 10 * time.Second,
	kindAttach:       15 * time.Second,
	kindDetach:       15 * time.Second,
}

// WaitPriors returns the poller's priors for a cloud, by the name its implementation gives
// (its Facts().Name: "SCP", or an OpenStack-family name). The benchmark uses them too.
func WaitPriors(cloudName string) map[string]wait.Prior {
	table := openStackPriors
	if cloudName == "SCP" {
		table = scpPriors
	}
	out := make(map[string]wait.Prior, len(table))
	for kind, d := range table {
		out[kind] = wait.Prior{Typical: d}
	}
	return out
}
