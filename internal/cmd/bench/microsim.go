package main

import (
	"context"
	"math/rand/v2"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

// The fake-clock micro-benchmark runs the same schedules on the real-world (unscaled) latencies,
// plus a long kind spread over 6-10 minutes (the longest the probe target speaks of), on
// waittest's auto-advancing clock: hours of polling in milliseconds.
// The emulator cannot run on a fake clock (its operations use real timers), so the operations are
// modelled here: an operation drawn like the emulator's ends at start+d, and a probe taking
// probeRTT observes the state at its midpoint, as a request reaching the server would.

const (
	longKind = "long_6-10m"
	probeRTT = 40 * time.Millisecond
)

// simKind is one modelled operation kind.
type simKind struct {
	name    string
	latency scpemu.Latency
}

func simKinds(real map[scpemu.OpKind]scpemu.Latency) []simKind {
	var out []simKind
	for _, k := range benchKinds {
		out = append(out, simKind{string(k), real[k]})
	}
	return append(out, simKind{longKind, scpemu.Latency{Base: 8 * time.Minute, Jitter: 0.25}})
}

// runMicroSim waits ops operations of every kind, one after the other, with each schedule; a
// sequence per kind, whose waits after the learning poller's first MinSamples are its learned
// column. Its cold column is ops more waits of the same durations, each on a poller that knows
// nothing but the kind's prior (the first wait of a CI job).
func runMicroSim(real map[scpemu.OpKind]scpemu.Latency, ops int, seed uint64) []microRow {
	kinds := simKinds(real)
	scheds := schedules()
	var samples []microSample
	for si, sc := range scheds {
		for ki, k := range kinds {
			// The same durations for every schedule: a paired comparison.
			rng := rand.New(rand.NewPCG(seed, uint64(ki)))
			clk := waittest.NewAutoClock(time.Time{})
			w := sc.newWaiter(clk, wait.WithSeed(seed+uint64(si)))
			for i := 0; i < ops; i++ {
				s := simulateWait(w, clk, sc.Name, k, rng)
				if sc.Name == learningSchedule && !s.Learned {
					continue // the cold column comes from pollers that know nothing, below
				}
				samples = append(samples, s)
			}
			if sc.Name != learningSchedule {
				continue
			}
			// No history at all: each wait on a new poller, as the first wait of a CI job.
			coldRng := rand.New(rand.NewPCG(seed, uint64(ki)))
			for i := 0; i < ops; i++ {
				clk := waittest.NewAutoClock(time.Time{})
				samples = append(samples, simulateWait(sc.newWaiter(clk, wait.WithSeed(seed+uint64(i))), clk, sc.Name, k, coldRng))
			}
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return aggregateMicro("fake clock", samples, scheds, names)
}

func simulateWait(w waitFunc, clk *waittest.Clock, schedName string, k simKind, rng *rand.Rand) microSample {
	d := time.Duration(float64(k.latency.Base) * (1 + k.latency.Jitter*(2*rng.Float64()-1)))
	op := startSimOp(clk, d)
	res, err := w(context.Background(), k.name, op.check)
	s := microSample{Schedule: schedName, Kind: k.name, Learned: res.Learned, Duration: d, Probes: res.Probes}
	overshoot, noticed := op.overshoot()
	if err != nil || !noticed {
		s.Failed = true
		return s
	}
	s.Overshoot = overshoot
	return s
}
