package scp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStatusFaultBurst(t *testing.T) {
	e, c := startParallel(t, Config{})
	id, err := e.AddFault(Fault{Method: "GET", Path: "/v1/servers", Kind: FaultStatus, Status: 503, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	c.expect("GET", "/v1/servers", nil, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	c.expect("GET", "/v1/servers/x", nil, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE") // prefix match
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	if e.RemoveFault(id) {
		t.Fatal("used-up fault still listed")
	}

	_, _ = e.AddFault(Fault{Op: RouteVolumeList, Kind: FaultStatus, Status: 502, NoBody: true, Count: 1})
	r := c.expect("GET", "/v1/volumes", nil, http.StatusBadGateway, "")
	if len(r.body) != 0 {
		t.Fatalf("no_body fault sent %q", r.body)
	}
	reqs := e.Requests()
	if last := reqs[len(reqs)-1]; last.Fault != FaultStatus || last.Status != 502 || last.Op != RouteVolumeList {
		t.Fatalf("request record: %+v", last)
	}
}

func TestTemplateFaultAndRateLimitFault(t *testing.T) {
	e, c := startParallel(t, Config{})
	_, _ = e.AddFault(Fault{Method: "DELETE", Path: "/v1/volumes/{volume_id}/servers/{server_id}", Kind: FaultRateLimit, RetryAfter: 3, Count: 1})
	// The shape does not match. DELETE volume documents no 404: an unknown volume is 400.
	c.expect("DELETE", "/v1/volumes/a", nil, http.StatusBadRequest, CodeNotFound)
	r := c.expect("DELETE", "/v1/volumes/a/servers/b", nil, http.StatusTooManyRequests, CodeTooManyRequests)
	if r.header.Get("Retry-After") != "3" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
}

func TestBodyFaults(t *testing.T) {
	e, c := startParallel(t, Config{})
	for _, tc := range []struct {
		kind        FaultKind
		status      int
		contentType string
		check       func(body []byte) bool
	}{
		{FaultMalformedJSON, 200, "application/json", func(b []byte) bool { return len(b) > 0 && !json.Valid(b) }},
		{FaultHTML, 502, "text/html", func(b []byte) bool { return strings.Contains(string(b), "<html>") }},
		{FaultEmptyBody, 200, "application/json", func(b []byte) bool { return len(b) == 0 }},
	} {
		_, _ = e.AddFault(Fault{Kind: tc.kind, Count: 1})
		r := c.do("GET", "/v1/servers", nil)
		if r.status != tc.status || !strings.HasPrefix(r.header.Get("Content-Type"), tc.contentType) || !tc.check(r.body) {
			t.Errorf("%s: %d %q %q", tc.kind, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
}

func TestResetFault(t *testing.T) {
	e, c := startParallel(t, Config{})
	_, _ = e.AddFault(Fault{Kind: FaultReset, Count: 1})
	if _, err := c.hc.Do(c.request("GET", "/v1/servers", nil)); err == nil {
		t.Fatal("request survived a connection reset")
	}
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	// The reset request's record is written when its handler returns, which may be after the next
	// request's answer: find it by its fault, waiting a moment for it.
	var reset []RequestRecord
	for deadline := time.Now().Add(2 * time.Second); len(reset) == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, r := range e.Requests() {
			if r.Fault == FaultReset {
				reset = append(reset, r)
			}
		}
	}
	if len(reset) != 1 || reset[0].Status != 0 {
		t.Fatalf("reset records: %+v (all: %+v)", reset, e.Requests())
	}
}

func TestHangFault(t *testing.T) {
	e, c := startParallel(t, Config{})
	_, _ = e.AddFault(Fault{Kind: FaultHang, Count: 1, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.hc.Do(c.request("GET", "/v1/servers", nil).WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("hang outlived the client")
	}

	// A hang with a short bound ends by dropping the connection.
	_, _ = e.AddFault(Fault{Kind: FaultHang, Count: 1, Delay: 50 * time.Millisecond})
	if _, err := c.hc.Do(c.request("GET", "/v1/servers", nil)); err == nil {
		t.Fatal("bounded hang answered")
	}
}

func TestHangReleasedOnClose(t *testing.T) {
	e, c := startParallel(t, Config{})
	_, _ = e.AddFault(Fault{Kind: FaultHang, Delay: time.Minute})
	done := make(chan error, 1)
	go func() {
		_, err := c.hc.Do(c.request("GET", "/v1/servers", nil))
		done <- err
	}()
	eventually(t, "request to arrive", func() bool { return len(e.Faults()) == 1 && e.Faults()[0].Fired == 1 })
	start := time.Now()
	e.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("released hang answered instead of dropping the connection")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("hanging request not released by Close")
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("Close took too long")
	}
}

func TestSlowFault(t *testing.T) {
	e, c := startParallel(t, Config{})
	_, _ = e.AddFault(Fault{Kind: FaultSlow, Delay: 200 * time.Millisecond, Count: 1})
	start := time.Now()
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	if time.Since(start) < 200*time.Millisecond {
		t.Fatal("slow fault was not slow")
	}
}

// TestAfterHandlerFault: the delete is accepted, but the client hears a 502.
func TestAfterHandlerFault(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("lost-answer", 0)
	_, _ = e.AddFault(Fault{Op: RouteServerDelete, Kind: FaultStatus, Status: 502, AfterHandler: true, Count: 1})
	c.expect("DELETE", "/v1/servers/"+s.ID, nil, http.StatusBadGateway, "")
	if got, _ := c.getServer(s.ID); got.State != ServerDeleting {
		t.Fatalf("state after a spoilt 202: %s", got.State)
	}
	c.waitGone("/v1/servers/" + s.ID)
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	t.Parallel()
	pattern := func() string {
		e, c := startEmulator(t, Config{Seed: 42})
		_, _ = e.AddFault(Fault{Kind: FaultStatus, Status: 500, Probability: 0.5})
		var b strings.Builder
		for i := 0; i < 20; i++ {
			if c.do("GET", "/v1/servers", nil).status == 500 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	first, second := pattern(), pattern()
	if first != second || !strings.Contains(first, "x") || !strings.Contains(first, ".") {
		t.Fatalf("patterns %s and %s", first, second)
	}
}

func TestFaultValidation(t *testing.T) {
	t.Parallel()
	e := New(Config{})
	defer e.Close()
	for _, f := range []Fault{{Kind: "boom"}, {Kind: FaultStatus, Status: 42}, {Kind: FaultSlow, Delay: time.Hour}, {Kind: FaultStatus, Probability: 2}} {
		if _, err := e.AddFault(f); err == nil {
			t.Errorf("accepted %+v", f)
		}
	}
	if err := e.FailNext("nope", 1); err == nil {
		t.Error("accepted an unknown operation kind")
	}
}
