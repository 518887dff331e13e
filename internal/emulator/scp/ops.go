package scp

import (
	"context"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// OpKind names an asynchronous operation: the unit of latency configuration,
// outcome faults and the operation log.
type OpKind = engine.OpKind

// The operation kinds: the engine's shared ones, and lock (lock and unlock).
const (
	OpServerCreate        = engine.OpServerCreate
	OpServerDelete        = engine.OpServerDelete
	OpServerLock   OpKind = "server_lock"
	OpServerPower         = engine.OpServerPower // stop and start
	OpVolumeCreate        = engine.OpVolumeCreate
	OpVolumeDelete        = engine.OpVolumeDelete
	OpVolumeExtend        = engine.OpVolumeExtend
	OpAttach              = engine.OpAttach
	OpDetach              = engine.OpDetach
)

// OpKinds lists every operation kind.
var OpKinds = []OpKind{
	OpServerCreate, OpServerDelete, OpServerLock, OpServerPower,
	OpVolumeCreate, OpVolumeDelete, OpVolumeExtend, OpAttach, OpDetach,
}

// Latency is how long an operation takes: Base, varied uniformly by ±Jitter×Base.
type Latency = engine.Latency

// DefaultLatencies are short enough for a demo to finish well under a minute and long
// enough that intermediate states (BUILD, DELETING, attaching...) are observable.
func DefaultLatencies() map[OpKind]Latency {
	return map[OpKind]Latency{
		OpServerCreate: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerDelete: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerLock:   {Base: 300 * time.Millisecond, Jitter: 0.2},
		OpServerPower:  {Base: 1000 * time.Millisecond, Jitter: 0.2},
		OpVolumeCreate: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeDelete: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeExtend: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpAttach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
		OpDetach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
	}
}

// Outcome is how an operation ended.
type Outcome = engine.Outcome

// The outcomes.
const (
	OutcomePending   = engine.OutcomePending
	OutcomeSucceeded = engine.OutcomeSucceeded
	OutcomeFailed    = engine.OutcomeFailed    // ended in ERROR / error (an injected outcome fault)
	OutcomeCancelled = engine.OutcomeCancelled // superseded, its object removed, or the emulator closed
)

// OperationRecord is one accepted asynchronous operation. FinishedAt is zero while
// pending; FinishedAt minus the time a client noticed is the benchmark's overshoot.
type OperationRecord = engine.OperationRecord

// operation is a scheduled transition; its apply runs under e.mu.
type operation = engine.Operation

// schedule accepts an operation of kind on objectID; apply performs its final
// transition after the drawn latency. Call with e.mu held.
func (e *Emulator) schedule(kind OpKind, objectID, relatedID string, apply func(failed bool)) *operation {
	return e.sched.Schedule(kind, objectID, relatedID, apply)
}

// cancel stops a pending operation; nil or finished operations are ignored. Call with e.mu held.
func (e *Emulator) cancel(op *operation, why string) { e.sched.Cancel(op, why) }

// Operations returns a copy of the operation log, oldest first.
func (e *Emulator) Operations() []OperationRecord { return e.sched.Operations() }

// SetLatency sets the latency of one operation kind; later operations use it.
func (e *Emulator) SetLatency(kind OpKind, base time.Duration, jitter float64) error {
	return e.sched.SetLatency(kind, base, jitter)
}

// SetLatencyScale sets the factor every latency is multiplied by (> 0).
func (e *Emulator) SetLatencyScale(scale float64) error { return e.sched.SetLatencyScale(scale) }

// Latencies returns the current per-kind latencies and the scale.
func (e *Emulator) Latencies() (map[OpKind]Latency, float64) { return e.sched.Latencies() }

// FailNext makes the next n accepted operations of kind end in failure instead of
// succeeding: server create/delete/power → server ERROR; volume create, attach,
// detach → volume error; volume delete → error_deleting; volume extend →
// error_extending; lock → the lock flag does not change.
func (e *Emulator) FailNext(kind OpKind, n int) error { return e.sched.FailNext(kind, n) }

// PendingOperations is the number of accepted operations not yet finished.
func (e *Emulator) PendingOperations() int { return e.sched.Pending() }

// WaitIdle blocks until no operation is pending or ctx ends.
func (e *Emulator) WaitIdle(ctx context.Context) error { return e.sched.WaitIdle(ctx) }
