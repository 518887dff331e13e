package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Log keeps records until reset, numbering them from 1; its own lock keeps logging
// off the model lock. T is the personality's request record.
type Log[T any] struct {
	mu      sync.Mutex
	nextSeq int64
	records []T
	number  func(*T, int64)
	onAdd   func(T)
}

// Init sets how a record gets its number and who hears of each (onAdd may be nil).
func (l *Log[T]) Init(number func(*T, int64), onAdd func(T)) {
	l.number, l.onAdd = number, onAdd
}

// Add numbers rec, keeps it and hands it to onAdd, outside the lock.
func (l *Log[T]) Add(rec T) {
	l.mu.Lock()
	l.nextSeq++
	l.number(&rec, l.nextSeq)
	l.records = append(l.records, rec)
	l.mu.Unlock()
	if l.onAdd != nil {
		l.onAdd(rec)
	}
}

// All returns a copy of the records, oldest first.
func (l *Log[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.records...)
}

// Reset empties the log; sequence numbers keep counting.
func (l *Log[T]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = nil
}

// rngReader feeds uuid generation from a seeded rng.
type rngReader struct{ rng *rand.Rand }

func (r rngReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.rng.Uint32())
	}
	return len(p), nil
}

// NewID returns a version 4 UUID drawn from rng, so a run with the same seed and
// the same request order yields the same ids. rng is not safe for concurrent use:
// the caller holds whatever guards it.
func NewID(rng *rand.Rand) string {
	id, err := uuid.NewRandomFromReader(rngReader{rng})
	if err != nil { // cannot happen: rngReader never fails
		return uuid.NewString()
	}
	return id.String()
}

// StatusWriter remembers the status for the request log. Unwrap lets
// http.ResponseController reach the connection (the reset fault hijacks it).
type StatusWriter struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records the first status written.
func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the wrapped writer.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Duration is a control-API duration: a string such as "1.5s", or a number of seconds.
type Duration time.Duration

// UnmarshalJSON reads either form.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		parsed, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(parsed)
		return nil
	}
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration must be a string like \"500ms\" or a number of seconds, got %s", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// LatencyView shows a latency the way the control API takes it.
type LatencyView struct {
	Base   string  `json:"base"`
	Jitter float64 `json:"jitter"`
}

// LatencyViews converts latencies for the control API.
func LatencyViews(in map[OpKind]Latency) map[OpKind]LatencyView {
	out := make(map[OpKind]LatencyView, len(in))
	for k, l := range in {
		out[k] = LatencyView{Base: l.Base.String(), Jitter: l.Jitter}
	}
	return out
}

// FaultView shows Delay as a string, the way the control API takes it.
type FaultView[R ~string] struct {
	Fault[R]
	Delay string `json:"delay,omitempty"`
}

// FaultViews converts rules for the control API.
func FaultViews[R ~string](in []Fault[R]) []FaultView[R] {
	out := make([]FaultView[R], 0, len(in))
	for _, f := range in {
		v := FaultView[R]{Fault: f}
		if f.Delay > 0 {
			v.Delay = f.Delay.String()
		}
		out = append(out, v)
	}
	return out
}

// NonNil makes an empty list encode as [] rather than null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
