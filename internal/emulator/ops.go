package emulator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// OpKind names an asynchronous operation: the unit of latency configuration,
// outcome faults and the operation log.
type OpKind string

// The operation kinds. Lock covers lock and unlock, power covers stop and start.
const (
	OpServerCreate OpKind = "server_create"
	OpServerDelete OpKind = "server_delete"
	OpServerLock   OpKind = "server_lock"
	OpServerPower  OpKind = "server_power"
	OpVolumeCreate OpKind = "volume_create"
	OpVolumeDelete OpKind = "volume_delete"
	OpVolumeExtend OpKind = "volume_extend"
	OpAttach       OpKind = "attach"
	OpDetach       OpKind = "detach"
)

// OpKinds lists every operation kind.
var OpKinds = []OpKind{
	OpServerCreate, OpServerDelete, OpServerLock, OpServerPower,
	OpVolumeCreate, OpVolumeDelete, OpVolumeExtend, OpAttach, OpDetach,
}

func (k OpKind) valid() bool {
	for _, known := range OpKinds {
		if k == known {
			return true
		}
	}
	return false
}

// Latency is how long an operation takes: Base, varied uniformly by ±Jitter×Base.
type Latency struct {
	Base   time.Duration `json:"base"`
	Jitter float64       `json:"jitter"`
}

// DefaultLatencies are short enough for a demo to finish well under a minute and long
// enough that intermediate states (BUILD, DELETING, attaching...) are observable.
func DefaultLatencies() map[OpKind]Latency {
	return map[OpKind]Latency{
		OpServerCreate: {1500 * time.Millisecond, 0.3},
		OpServerDelete: {1500 * time.Millisecond, 0.3},
		OpServerLock:   {300 * time.Millisecond, 0.2},
		OpServerPower:  {1000 * time.Millisecond, 0.2},
		OpVolumeCreate: {500 * time.Millisecond, 0.2},
		OpVolumeDelete: {500 * time.Millisecond, 0.2},
		OpVolumeExtend: {500 * time.Millisecond, 0.2},
		OpAttach:       {750 * time.Millisecond, 0.3},
		OpDetach:       {750 * time.Millisecond, 0.3},
	}
}

// Outcome is how an operation ended.
type Outcome string

const (
	OutcomePending   Outcome = "pending"
	OutcomeSucceeded Outcome = "succeeded"
	OutcomeFailed    Outcome = "failed"    // ended in ERROR / error (an injected outcome fault)
	OutcomeCancelled Outcome = "cancelled" // superseded, its object removed, or the emulator closed
)

// OperationRecord is one accepted asynchronous operation. FinishedAt is zero while
// pending; FinishedAt minus the time a client noticed is the benchmark's overshoot.
type OperationRecord struct {
	Seq        int           `json:"seq"`
	Kind       OpKind        `json:"kind"`
	ObjectID   string        `json:"object_id"`            // the server (server_*) or volume (volume_*, attach, detach)
	RelatedID  string        `json:"related_id,omitempty"` // the server of an attach or detach
	AcceptedAt time.Time     `json:"accepted_at"`
	FinishedAt time.Time     `json:"finished_at"`
	Latency    time.Duration `json:"latency_ns"` // as drawn when accepted
	Outcome    Outcome       `json:"outcome"`
	Detail     string        `json:"detail,omitempty"`
}

// operation is a scheduled transition. apply runs under Emulator.mu when the timer
// fires, unless the operation was cancelled or the emulator closed first.
type operation struct {
	rec   int // index into scheduler.records
	kind  OpKind
	timer *time.Timer
	fail  bool
	apply func(failed bool)
	done  bool
}

// scheduler holds latencies, outcome faults and the operation log. Guarded by Emulator.mu.
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
	if d < 0 {
		d = 0
	}
	return time.Duration(d)
}

// schedule accepts an operation of kind on objectID; apply performs its final
// transition after the drawn latency. Call with e.mu held.
func (e *Emulator) schedule(kind OpKind, objectID, relatedID string, apply func(failed bool)) *operation {
	d := e.sched.draw(kind, e.rng)
	op := &operation{rec: len(e.sched.records), kind: kind, apply: apply}
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
	// Mark done first so apply's own clean-up (which cancels the object's
	// operations) leaves this one alone.
	op.done = true
	delete(e.sched.pending, op)
	op.apply(op.fail)
	if op.fail {
		e.finishRecord(op, OutcomeFailed, "injected failure")
	} else {
		e.finishRecord(op, OutcomeSucceeded, "")
	}
}

// cancel stops a pending operation; nil or finished operations are ignored. Call with e.mu held.
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
	for op := range e.sched.pending { // deleting while ranging is allowed
		e.cancel(op, "emulator closed")
	}
}

// Operations returns a copy of the operation log, oldest first.
func (e *Emulator) Operations() []OperationRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]OperationRecord(nil), e.sched.records...)
}

// SetLatency sets the latency of one operation kind; later operations use it.
func (e *Emulator) SetLatency(kind OpKind, base time.Duration, jitter float64) error {
	if !kind.valid() {
		return fmt.Errorf("emulator: unknown operation kind %q", kind)
	}
	if base < 0 || jitter < 0 || jitter > 1 {
		return fmt.Errorf("emulator: latency for %s needs base >= 0 and jitter in [0,1]", kind)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sched.latencies[kind] = Latency{Base: base, Jitter: jitter}
	return nil
}

// SetLatencyScale sets the factor every latency is multiplied by (> 0).
func (e *Emulator) SetLatencyScale(scale float64) error {
	if scale <= 0 {
		return fmt.Errorf("emulator: latency scale must be > 0, got %v", scale)
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

// FailNext makes the next n accepted operations of kind end in failure instead of
// succeeding: server create/delete/power → server ERROR; volume create, attach,
// detach → volume error; volume delete → error_deleting; volume extend →
// error_extending; lock → the lock flag does not change.
func (e *Emulator) FailNext(kind OpKind, n int) error {
	if !kind.valid() {
		return fmt.Errorf("emulator: unknown operation kind %q", kind)
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
