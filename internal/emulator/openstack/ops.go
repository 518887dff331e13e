package openstack

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
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

// operation is a scheduled transition; apply runs under e.mu when the timer fires,
// unless the operation was cancelled or the emulator closed first.
type operation struct {
	rec   int
	timer *time.Timer
	fail  bool
	apply func(failed bool)
	done  bool
}

// scheduler holds latencies, outcome faults and the operation log. Guarded by e.mu.
type scheduler struct {
	latencies map[OpKind]Latency
	scale     float64
	failNext  map[OpKind]int
	records   []OperationRecord
	pending   map[*operation]struct{}
	closed    bool
}

func (s *scheduler) init(overrides map[OpKind]Latency, scale float64) {
	s.latencies = DefaultLatencies()
	for k, l := range overrides {
		s.latencies[k] = l
	}
	s.scale = scale
	s.failNext = make(map[OpKind]int)
	s.pending = make(map[*operation]struct{})
}

func (s *scheduler) draw(kind OpKind, rng *rand.Rand) time.Duration {
	l := s.latencies[kind]
	d := float64(l.Base) * s.scale
	if l.Jitter > 0 {
		d *= 1 + l.Jitter*(2*rng.Float64()-1)
	}
	return time.Duration(max(d, 0))
}

// schedule accepts an operation; apply makes its final transition after the drawn
// latency. Call with e.mu held.
func (e *Emulator) schedule(kind OpKind, objectID, relatedID string, apply func(failed bool)) *operation {
	d := e.sched.draw(kind, e.rng)
	op := &operation{rec: len(e.sched.records), apply: apply}
	e.sched.records = append(e.sched.records, OperationRecord{
		Seq: op.rec + 1, Kind: kind, ObjectID: objectID, RelatedID: relatedID,
		AcceptedAt: e.now(), Latency: d, Outcome: OutcomePending,
	})
	if e.sched.closed {
		e.finishRecord(op, OutcomeCancelled, "emulator closed")
		return op
	}
	if n := e.sched.failNext[kind]; n > 0 {
		e.sched.failNext[kind] = n - 1
		op.fail = true
	}
	e.sched.pending[op] = struct{}{}
	op.timer = time.AfterFunc(d, func() { e.complete(op) })
	return op
}

func (e *Emulator) complete(op *operation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if op.done {
		return
	}
	// Done first, so clean-up inside apply that cancels the object's operations
	// leaves this one alone.
	op.done = true
	delete(e.sched.pending, op)
	op.apply(op.fail)
	if op.fail {
		e.finishRecord(op, OutcomeFailed, "injected failure")
	} else {
		e.finishRecord(op, OutcomeSucceeded, "")
	}
}

// cancel stops a pending operation; nil or finished ones are ignored. Call with e.mu held.
func (e *Emulator) cancel(op *operation, why string) {
	if op == nil || op.done {
		return
	}
	if op.timer != nil {
		op.timer.Stop()
	}
	e.finishRecord(op, OutcomeCancelled, why)
}

func (e *Emulator) finishRecord(op *operation, outcome Outcome, detail string) {
	op.done = true
	delete(e.sched.pending, op)
	r := &e.sched.records[op.rec]
	r.FinishedAt, r.Outcome, r.Detail = e.now(), outcome, detail
}

// stopOperations cancels everything pending and refuses new timers. Call with e.mu held.
func (e *Emulator) stopOperations() {
	e.sched.closed = true
	for op := range e.sched.pending {
		e.cancel(op, "emulator closed")
	}
}

// Operations returns a copy of the operation log, oldest first.
func (e *Emulator) Operations() []OperationRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]OperationRecord(nil), e.sched.records...)
}

// SetLatency sets one operation kind's latency; later operations use it.
func (e *Emulator) SetLatency(kind OpKind, base time.Duration, jitter float64) error {
	if !validOp(kind) {
		return fmt.Errorf("openstack emulator: unknown operation kind %q", kind)
	}
	if base < 0 || jitter < 0 || jitter > 1 {
		return fmt.Errorf("openstack emulator: latency for %s needs base >= 0 and jitter in [0,1]", kind)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sched.latencies[kind] = Latency{Base: base, Jitter: jitter}
	return nil
}

// SetLatencyScale sets the factor every latency is multiplied by (> 0).
func (e *Emulator) SetLatencyScale(scale float64) error {
	if scale <= 0 {
		return fmt.Errorf("openstack emulator: latency scale must be > 0, got %v", scale)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sched.scale = scale
	return nil
}

// Latencies returns the current per-kind latencies and the scale.
func (e *Emulator) Latencies() (map[OpKind]Latency, float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[OpKind]Latency, len(e.sched.latencies))
	for k, v := range e.sched.latencies {
		out[k] = v
	}
	return out, e.sched.scale
}

// FailNext makes the next n accepted operations of kind fail: a server build, stop,
// start or delete ends in ERROR; a volume create in error, a delete in
// error_deleting, an extend in error_extending; an attach rolls back (the volume is
// available again, the attachment gone); a detach rolls back (in-use, still attached).
func (e *Emulator) FailNext(kind OpKind, n int) error {
	if !validOp(kind) {
		return fmt.Errorf("openstack emulator: unknown operation kind %q", kind)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sched.failNext[kind] += n
	return nil
}

// PendingOperations is the number of accepted operations not yet finished.
func (e *Emulator) PendingOperations() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.sched.pending)
}

// WaitIdle blocks until no operation is pending or ctx ends.
func (e *Emulator) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for e.PendingOperations() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
