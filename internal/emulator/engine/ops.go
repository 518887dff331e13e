package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// OpKind names an asynchronous operation: the unit of latency configuration,
// outcome faults and the operation log.
type OpKind string

// Latency is how long an operation takes: Base, varied uniformly by ±Jitter×Base.
type Latency struct {
	Base   time.Duration `json:"base"`
	Jitter float64       `json:"jitter"`
}

// Outcome is how an operation ended.
type Outcome string

// The outcomes.
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

// Operation is a scheduled transition. Its apply runs under the scheduler's lock
// when the timer fires, unless it was cancelled or the scheduler stopped first.
type Operation struct {
	rec   int // index into Scheduler.records
	timer *time.Timer
	fail  bool
	apply func(failed bool)
	done  bool
}

// SchedulerConfig is what a personality hands its scheduler.
type SchedulerConfig struct {
	// Name starts error messages ("emulator", "openstack emulator").
	Name string
	// Lock is the personality's model lock: it guards the scheduler, and apply
	// runs under it, so a transition and the model change together.
	Lock sync.Locker
	// Rand draws jitter. It is the personality's seeded rng (guarded by Lock), so
	// ids and latencies come from one sequence, as they always have.
	Rand *rand.Rand
	Now  func() time.Time
	// Kinds are the operation kinds SetLatency and FailNext accept.
	Kinds []OpKind
	// Latencies are the defaults with the configured overrides applied.
	Latencies map[OpKind]Latency
	Scale     float64
}

// Scheduler holds latencies, outcome faults, pending operations and the operation
// log. Methods that say "call with the lock held" expect SchedulerConfig.Lock held;
// the others take it.
type Scheduler struct {
	cfg       SchedulerConfig
	latencies map[OpKind]Latency
	scale     float64
	failNext  map[OpKind]int
	records   []OperationRecord
	pending   map[*Operation]struct{}
	closed    bool
}

// Init readies s. Call before the personality is shared.
func (s *Scheduler) Init(cfg SchedulerConfig) {
	s.cfg = cfg
	s.latencies = make(map[OpKind]Latency, len(cfg.Latencies))
	for k, l := range cfg.Latencies {
		s.latencies[k] = l
	}
	s.scale = cfg.Scale
	s.failNext = make(map[OpKind]int)
	s.pending = make(map[*Operation]struct{})
}

func (s *Scheduler) draw(kind OpKind) time.Duration {
	l := s.latencies[kind]
	d := float64(l.Base) * s.scale
	if l.Jitter > 0 {
		d *= 1 + l.Jitter*(2*s.cfg.Rand.Float64()-1)
	}
	return time.Duration(max(d, 0))
}

// Schedule accepts an operation of kind on objectID; apply makes its final
// transition after the drawn latency. Call with the lock held.
func (s *Scheduler) Schedule(kind OpKind, objectID, relatedID string, apply func(failed bool)) *Operation {
	d := s.draw(kind)
	op := &Operation{rec: len(s.records), apply: apply}
	s.records = append(s.records, OperationRecord{
		Seq: op.rec + 1, Kind: kind, ObjectID: objectID, RelatedID: relatedID,
		AcceptedAt: s.cfg.Now(), Latency: d, Outcome: OutcomePending,
	})
	if s.closed {
		s.finish(op, OutcomeCancelled, "emulator closed")
		return op
	}
	if n := s.failNext[kind]; n > 0 {
		s.failNext[kind] = n - 1
		op.fail = true
	}
	s.pending[op] = struct{}{}
	op.timer = time.AfterFunc(d, func() { s.complete(op) })
	return op
}

func (s *Scheduler) complete(op *Operation) {
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	if op.done {
		return
	}
	// Done first, so clean-up inside apply that cancels the object's operations
	// leaves this one alone.
	op.done = true
	delete(s.pending, op)
	op.apply(op.fail)
	if op.fail {
		s.finish(op, OutcomeFailed, "injected failure")
	} else {
		s.finish(op, OutcomeSucceeded, "")
	}
}

// Cancel stops a pending operation; nil or finished ones are ignored. Call with the
// lock held.
func (s *Scheduler) Cancel(op *Operation, why string) {
	if op == nil || op.done {
		return
	}
	if op.timer != nil {
		op.timer.Stop()
	}
	s.finish(op, OutcomeCancelled, why)
}

func (s *Scheduler) finish(op *Operation, outcome Outcome, detail string) {
	op.done = true
	delete(s.pending, op)
	r := &s.records[op.rec]
	r.FinishedAt, r.Outcome, r.Detail = s.cfg.Now(), outcome, detail
}

// stop cancels everything pending and refuses new timers. Call with the lock held.
func (s *Scheduler) stop() {
	s.closed = true
	s.CancelAll("emulator closed")
}

// CancelAll cancels everything pending. Call with the lock held.
func (s *Scheduler) CancelAll(why string) {
	for op := range s.pending { // deleting while ranging is allowed
		s.Cancel(op, why)
	}
}

// ForgetRecords empties the operation log; call after CancelAll, with the lock held.
func (s *Scheduler) ForgetRecords() { s.records = nil }

// ClearFailNext drops pending outcome faults. Call with the lock held.
func (s *Scheduler) ClearFailNext() { clear(s.failNext) }

// Operations returns a copy of the operation log, oldest first.
func (s *Scheduler) Operations() []OperationRecord {
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	return append([]OperationRecord(nil), s.records...)
}

func (s *Scheduler) known(kind OpKind) bool {
	for _, k := range s.cfg.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// SetLatency sets the latency of one operation kind; later operations use it.
func (s *Scheduler) SetLatency(kind OpKind, base time.Duration, jitter float64) error {
	if !s.known(kind) {
		return fmt.Errorf("%s: unknown operation kind %q", s.cfg.Name, kind)
	}
	if base < 0 || jitter < 0 || jitter > 1 {
		return fmt.Errorf("%s: latency for %s needs base >= 0 and jitter in [0,1]", s.cfg.Name, kind)
	}
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	s.latencies[kind] = Latency{Base: base, Jitter: jitter}
	return nil
}

// SetLatencyScale sets the factor every latency is multiplied by (> 0).
func (s *Scheduler) SetLatencyScale(scale float64) error {
	if scale <= 0 {
		return fmt.Errorf("%s: latency scale must be > 0, got %v", s.cfg.Name, scale)
	}
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	s.scale = scale
	return nil
}

// Latencies returns the current per-kind latencies and the scale.
func (s *Scheduler) Latencies() (map[OpKind]Latency, float64) {
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	out := make(map[OpKind]Latency, len(s.latencies))
	for k, v := range s.latencies {
		out[k] = v
	}
	return out, s.scale
}

// FailNext makes the next n accepted operations of kind fail.
func (s *Scheduler) FailNext(kind OpKind, n int) error {
	if !s.known(kind) {
		return fmt.Errorf("%s: unknown operation kind %q", s.cfg.Name, kind)
	}
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	s.failNext[kind] += n
	return nil
}

// PendingOperations is the number of accepted operations not yet finished.
func (s *Scheduler) PendingOperations() int {
	s.cfg.Lock.Lock()
	defer s.cfg.Lock.Unlock()
	return len(s.pending)
}

// WaitIdle blocks until no operation is pending or ctx ends.
func (s *Scheduler) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for s.PendingOperations() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
