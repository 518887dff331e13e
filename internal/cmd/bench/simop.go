package main

import (
	"context"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

// simOp is an operation on a fake clock: it ends latency after it starts, and each probe is a
// read taking probeRTT that sees the state at its midpoint. Every fake-clock simulation of the
// bench (the micro-benchmark's waits, the detach comparison's two loops) probes through one.
type simOp struct {
	clk     *waittest.Clock
	end     time.Time
	noticed time.Time // the midpoint of the first probe that saw the end; zero until then
}

func startSimOp(clk *waittest.Clock, latency time.Duration) *simOp {
	return &simOp{clk: clk, end: clk.Now().Add(latency)}
}

// probe reads the state, taking probeRTT, and reports whether the operation had ended.
func (o *simOp) probe() bool {
	o.clk.Advance(probeRTT / 2)
	done := !o.clk.Now().Before(o.end)
	if done && o.noticed.IsZero() {
		o.noticed = o.clk.Now()
	}
	o.clk.Advance(probeRTT / 2)
	return done
}

// check is probe as a poller's check function.
func (o *simOp) check(context.Context) (bool, error) { return o.probe(), nil }

// overshoot is how late the first probe that saw the end saw it; ok is false if none did.
func (o *simOp) overshoot() (d time.Duration, ok bool) {
	if o.noticed.IsZero() {
		return 0, false
	}
	return o.noticed.Sub(o.end), true
}
