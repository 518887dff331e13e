package main

import (
	"context"
	"fmt"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// The micro-benchmark compares the provider's poller with the schedules polling code usually has:
// a fixed interval, or one growing linearly to a cap. They live here, not in internal/wait, as
// the provider never polls that way.

// waitFunc waits for one operation: the learning poller's Wait, or a baseline's.
type waitFunc func(ctx context.Context, kind string, probe wait.Probe) (wait.Result, error)

// baseline polls on a fixed schedule: no jitter, no learning.
type baseline struct {
	clock wait.Clock
	// delay is the time to sleep before the next probe, after `probes` probes.
	delay func(probes int) time.Duration
}

// fixedInterval probes first after d, then every d.
func fixedInterval(d time.Duration) func(int) time.Duration {
	return func(int) time.Duration { return d }
}

// linearCapped waits k × start before the k-th probe, at most limit (start 3 s, limit 10 s:
// 3, 6, 9, 10, 10, ... s).
func linearCapped(start, limit time.Duration) func(int) time.Duration {
	return func(probes int) time.Duration { return min(start*time.Duration(probes+1), limit) }
}

// wait probes until done, a wait.Permanent error, or the end of ctx. Transient errors are counted
// and retried on the same schedule.
func (b baseline) wait(ctx context.Context, kind string, probe wait.Probe) (wait.Result, error) {
	start := b.clock.Now()
	var res wait.Result
	end := func(err error) (wait.Result, error) {
		res.Elapsed = b.clock.Now().Sub(start)
		return res, err
	}
	for {
		t := b.clock.NewTimer(b.delay(res.Probes))
		select {
		case <-ctx.Done():
			t.Stop()
			return end(fmt.Errorf("waiting for %s after %d probes: %w", kind, res.Probes, ctx.Err()))
		case <-t.C():
		}
		done, err := probe(ctx)
		res.Probes++
		switch {
		case err != nil && wait.IsPermanent(err):
			return end(err)
		case err != nil:
			res.TransientErrors++
		case done:
			return end(nil)
		}
	}
}
