package safehttp

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for value, want := range map[string]struct {
		wait time.Duration
		ok   bool
	}{
		"": {0, false}, "2": {2 * time.Second, true}, " 0 ": {0, true}, "-1": {0, false}, "soon": {0, false},
	} {
		h := http.Header{}
		if value != "" {
			h.Set("Retry-After", value)
		}
		if wait, ok := RetryAfter(h); wait != want.wait || ok != want.ok {
			t.Errorf("Retry-After %q = %v, %v; want %v, %v", value, wait, ok, want.wait, want.ok)
		}
	}
	h := http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}
	if wait, ok := RetryAfter(h); !ok || wait < 59*time.Minute || wait > time.Hour {
		t.Errorf("an HTTP date an hour ahead = %v, %v", wait, ok)
	}
}

func TestBackoffStaysInTheUpperHalfOfItsCappedWindow(t *testing.T) {
	for _, tc := range []struct {
		n        int
		low, top time.Duration
	}{{1, 50, 100}, {3, 200, 400}, {10, 500, 1000}, {0, 50, 100}, {100, 500, 1000}} {
		for range 50 {
			if d := Backoff(tc.n, 100, 1000); d < tc.low || d > tc.top {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", tc.n, d, tc.low, tc.top)
			}
		}
	}
	if Jitter(0) != 0 || Jitter(-time.Second) != 0 {
		t.Fatal("a jitter without room is not zero")
	}
}

func TestNeverSent(t *testing.T) {
	for err, want := range map[error]bool{
		&net.OpError{Op: "dial", Err: errors.New("connection refused")}:       true,
		fmt.Errorf("wrapped: %w", &net.DNSError{Err: "no such host"}):         true,
		&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}: false,
		errors.New("EOF"): false,
	} {
		if got := NeverSent(err); got != want {
			t.Errorf("NeverSent(%v) = %v, want %v", err, got, want)
		}
	}
}

func TestAnswerLine(t *testing.T) {
	if got := AnswerLine("GET", "/v1/x", 404, ""); got != "GET /v1/x: 404 Not Found" {
		t.Errorf("without a message: %q", got)
	}
	if got := AnswerLine("DELETE", "/v1/x", 409, "locked"); got != "DELETE /v1/x: 409 Conflict: locked" {
		t.Errorf("with a message: %q", got)
	}
}
