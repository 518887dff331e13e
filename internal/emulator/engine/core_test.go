package engine

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

type testRecord struct{ Seq int64 }

func newTestCore(t *testing.T, validate func() error, onClear func()) (*Core[route, testRecord], *sync.Mutex) {
	t.Helper()
	mu := &sync.Mutex{}
	c := &Core[route, testRecord]{}
	c.Init(CoreConfig[testRecord]{
		Name: "test", Seed: 1, Listen: "127.0.0.1:0",
		Scheduler: SchedulerConfig{
			Lock: mu, Rand: rand.New(rand.NewPCG(1, 2)), Now: time.Now,
			Kinds: []OpKind{"k"}, Latencies: map[OpKind]Latency{"k": {Base: time.Hour}}, Scale: 1,
		},
		NumberRequest: func(r *testRecord, seq int64) { r.Seq = seq },
		Validate:      validate,
		ClearFaults:   onClear,
	})
	c.Mount(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	t.Cleanup(c.Close)
	return c, mu
}

func TestCoreStartServesTheMountedHandler(t *testing.T) {
	c, _ := newTestCore(t, nil, nil)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(c.URL() + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Fatalf("status %d, want the mounted handler's 418", resp.StatusCode)
	}
	rec := httptest.NewRecorder()
	c.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusTeapot {
		t.Fatalf("Handler answered %d", rec.Code)
	}
}

func TestCoreStartRefusesAnInvalidConfig(t *testing.T) {
	refused := errors.New("bad config")
	c, _ := newTestCore(t, func() error { return refused }, nil)
	if err := c.Start(); !errors.Is(err, refused) {
		t.Fatalf("Start = %v, want the validation error", err)
	}
	if c.URL() != "" {
		t.Fatalf("listening at %s after a refused Start", c.URL())
	}
}

func TestCoreClearFaultsClearsRulesOutcomesAndThePersonalitysOwn(t *testing.T) {
	var mu *sync.Mutex
	var heldDuringHook bool
	c, m := newTestCore(t, nil, func() {
		if mu.TryLock() {
			mu.Unlock()
			return
		}
		heldDuringHook = true
	})
	mu = m
	if _, err := c.AddFault(Fault[route]{Kind: FaultStatus, Status: 500}); err != nil {
		t.Fatal(err)
	}
	if err := c.FailNext("k", 1); err != nil {
		t.Fatal(err)
	}
	c.ClearFaults()
	if len(c.Faults()) != 0 {
		t.Fatalf("rules left: %+v", c.Faults())
	}
	if !heldDuringHook {
		t.Fatal("the personality's clear-up ran without the model lock")
	}
	failed := make(chan bool, 1)
	if err := c.SetLatency("k", time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	m.Lock()
	c.Schedule("k", "obj", "", func(f bool) { failed <- f })
	m.Unlock()
	if <-failed {
		t.Fatal("an outcome fault survived ClearFaults")
	}
}

func TestCoreCloseCancelsPendingOperations(t *testing.T) {
	c, m := newTestCore(t, nil, nil)
	m.Lock()
	c.Schedule("k", "obj", "", func(bool) { t.Error("an operation ran after Close") })
	m.Unlock()
	c.Close()
	c.Close() // a second Close is harmless
	ops := c.Operations()
	if c.PendingOperations() != 0 || len(ops) != 1 || ops[0].Outcome != OutcomeCancelled {
		t.Fatalf("pending %d, operations %+v", c.PendingOperations(), ops)
	}
	select {
	case <-c.Closing():
	default:
		t.Fatal("Closing was not closed")
	}
}

func TestCoreRequestLogNumbersRecords(t *testing.T) {
	c, _ := newTestCore(t, nil, nil)
	c.Append(testRecord{})
	c.Append(testRecord{})
	c.ResetRequests()
	c.Append(testRecord{})
	if got := c.Requests(); len(got) != 1 || got[0].Seq != 3 {
		t.Fatalf("records %+v", got)
	}
}
