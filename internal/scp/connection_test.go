package scp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hangingServer accepts requests and never answers them, until the test ends.
func hangingServer(t *testing.T) string {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL
}

func TestAReadThatGetsNoAnswerEndsWithinItsBudget(t *testing.T) {
	endpoint := hangingServer(t)
	c, err := New(Config{Endpoint: endpoint, AccessKey: "ak", SecretKey: "sk",
		Retry: RetryPolicy{AttemptTimeout: time.Minute, ReadBudget: 400 * time.Millisecond, BaseDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	_, err = c.GetServer(context.Background(), "s-1")
	elapsed := time.Since(started)
	if err == nil {
		t.Fatal("want an error from an endpoint that never answers")
	}
	if elapsed > 5*time.Second {
		t.Fatalf("the read took %s; its budget is 400ms", elapsed)
	}
	host := strings.TrimPrefix(endpoint, "http://")
	for _, want := range []string{host, "This was a read: nothing was changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if MayHaveTakenEffect(err) && !strings.Contains(err.Error(), "read") {
		t.Errorf("a read reported as a possible change: %v", err)
	}
}

func TestACreateThatNeverConnectedSaysSo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now: every connection is refused
	c, err := New(Config{Endpoint: "http://" + addr, AccessKey: "ak", SecretKey: "sk",
		Retry: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateServer(context.Background(), CreateServerRequest{Name: "web"})
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		t.Fatalf("err = %v, want a TransportError", err)
	}
	if MayHaveTakenEffect(err) {
		t.Errorf("a create that never connected must not count as possibly carried out: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "never sent") || strings.Contains(msg, "may or may not") {
		t.Errorf("message %q must say the request was never sent, and not that it may have reached the API", msg)
	}
}
