package scp

import (
	"net/http"
	"strconv"
	"testing"
)

func TestRateLimit(t *testing.T) {
	e, c := startParallel(t, Config{})
	if err := e.SetRateLimit(0.5, 2); err != nil {
		t.Fatal(err)
	}
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	r := c.expect("GET", "/v1/servers", nil, http.StatusTooManyRequests, CodeTooManyRequests)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 2 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	_ = e.SetRateLimit(0, 0)
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
}
