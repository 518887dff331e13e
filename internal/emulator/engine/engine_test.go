package engine

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

type route string

func TestPathMatches(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"/v1/servers", "/v1/servers", true},
		{"/v1/servers/", "/v1/servers/abc", true},
		{"/v1/servers", "/v1/serversx", false},
		{"/v1/volumes/{id}/servers/{id}", "/v1/volumes/a/servers/b", true},
		{"/v1/volumes/{id}/servers/{id}", "/v1/volumes/a/servers", false},
		{"/v1/volumes/{id}", "/v1/volumes//", false},
	}
	for _, c := range cases {
		if got := PathMatches(c.pattern, c.path); got != c.want {
			t.Errorf("PathMatches(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

func TestFaultSetCountsAndRemoves(t *testing.T) {
	var fs FaultSet[route]
	fs.Init("test", 1)
	id, err := fs.AddFault(Fault[route]{Op: "a", Kind: FaultStatus, Count: 2})
	if err != nil || id != "fault-1" {
		t.Fatalf("Add = %q, %v", id, err)
	}
	if fs.MatchFault("GET", "/x", "b") != nil {
		t.Fatal("a rule for op a fired for op b")
	}
	for i := 1; i <= 2; i++ {
		if f := fs.MatchFault("GET", "/x", "a"); f == nil || f.Fired != i {
			t.Fatalf("match %d: %+v", i, f)
		}
	}
	if len(fs.Faults()) != 0 || fs.RemoveFault(id) {
		t.Fatal("a used-up rule is still listed")
	}
	if _, err := fs.AddFault(Fault[route]{Kind: "nope"}); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

func TestLogNumbersAndHook(t *testing.T) {
	type rec struct{ Seq int64 }
	var heard []int64
	var l RequestLog[rec]
	l.Init(func(r *rec, seq int64) { r.Seq = seq }, func(r rec) { heard = append(heard, r.Seq) })
	l.Append(rec{})
	l.ResetRequests()
	l.Append(rec{})
	if all := l.Requests(); len(all) != 1 || all[0].Seq != 2 || len(heard) != 2 {
		t.Fatalf("records %+v, heard %v", all, heard)
	}
}

func TestSchedulerRunsFailsAndCancels(t *testing.T) {
	var mu sync.Mutex
	var s Scheduler
	s.Init(SchedulerConfig{
		Name: "test", Lock: &mu, Rand: rand.New(rand.NewPCG(1, 2)), Now: time.Now,
		Kinds: []OpKind{"k"}, Latencies: map[OpKind]Latency{"k": {Base: time.Millisecond}}, Scale: 1,
	})
	if err := s.FailNext("k", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.FailNext("other", 1); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
	done := make(chan bool, 1)
	mu.Lock()
	s.Schedule("k", "obj", "", func(failed bool) { done <- failed })
	slow := s.Schedule("k", "obj2", "", func(bool) { t.Error("a cancelled operation ran") })
	s.Cancel(slow, "superseded")
	mu.Unlock()
	if failed := <-done; !failed {
		t.Fatal("FailNext did not fail the next operation")
	}
	if err := s.WaitIdle(t.Context()); err != nil {
		t.Fatal(err)
	}
	ops := s.Operations()
	if len(ops) != 2 || ops[0].Outcome != OutcomeFailed || ops[1].Outcome != OutcomeCancelled || ops[1].Detail != "superseded" {
		t.Fatalf("operations %+v", ops)
	}
}
