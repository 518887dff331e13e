package openstack

import (
	"context"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// DefaultLatencies are short enough for a demo and long enough that the
// intermediate states (BUILD, attaching, detaching, task_state deleting...) can be seen.
func DefaultLatencies() map[OpKind]Latency {
	return map[OpKind]Latency{
		OpServerCreate: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerDelete: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerPower:  {Base: 1000 * time.Millisecond, Jitter: 0.2},
		OpServerPurge:  {Base: DefaultDeletedVisibleFor, Jitter: 0},
		OpVolumeCreate: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeDelete: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeExtend: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpAttach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
		OpDetach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
	}
}

// operation is a scheduled transition; its apply runs under e.mu.
type operation = engine.Operation

// schedule accepts an operation; apply makes its final transition after the drawn
// latency. Call with e.mu held.
func (e *Emulator) schedule(kind OpKind, objectID, relatedID string, apply func(failed bool)) *operation {
	return e.sched.Schedule(kind, objectID, relatedID, apply)
}

// cancel stops a pending operation; nil or finished ones are ignored. Call with e.mu held.
func (e *Emulator) cancel(op *operation, why string) { e.sched.Cancel(op, why) }

// Operations returns a copy of the operation log, oldest first.
func (e *Emulator) Operations() []OperationRecord { return e.sched.Operations() }

// SetLatency sets one operation kind's latency; later operations use it.
func (e *Emulator) SetLatency(kind OpKind, base time.Duration, jitter float64) error {
	return e.sched.SetLatency(kind, base, jitter)
}

// SetLatencyScale sets the factor every latency is multiplied by (> 0).
func (e *Emulator) SetLatencyScale(scale float64) error { return e.sched.SetLatencyScale(scale) }

// Latencies returns the current per-kind latencies and the scale.
func (e *Emulator) Latencies() (map[OpKind]Latency, float64) { return e.sched.Latencies() }

// FailNext makes the next n accepted operations of kind fail: a server build, stop,
// start or delete ends in ERROR; a volume create in error, a delete in
// error_deleting, an extend in error_extending; an attach rolls back (the volume is
// available again, the attachment gone); a detach rolls back (in-use, still attached).
func (e *Emulator) FailNext(kind OpKind, n int) error { return e.sched.FailNext(kind, n) }

// PendingOperations is the number of accepted operations not yet finished.
func (e *Emulator) PendingOperations() int { return e.sched.Pending() }

// WaitIdle blocks until no operation is pending or ctx ends.
func (e *Emulator) WaitIdle(ctx context.Context) error { return e.sched.WaitIdle(ctx) }
