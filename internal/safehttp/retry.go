package safehttp

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// NeverSent reports a connection failure before the request could reach the server (no
// connection made, a name that does not resolve), after which even a create is safe to send again.
func NeverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// RetryAfter is the wait an answer's Retry-After asks for, given in seconds or as an HTTP date
// (then possibly negative: a moment already past); ok is false when the header is absent or unreadable.
func RetryAfter(header http.Header) (wait time.Duration, ok bool) {
	value := strings.TrimSpace(header.Get("Retry-After"))
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(value); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if when, err := http.ParseTime(value); err == nil {
		return time.Until(when), true
	}
	return 0, false
}

// Backoff is the pause before retry n (from 1): exponential from base, capped at maxDelay, with
// jitter over the upper half of the window so that clients that failed together do not return together.
func Backoff(n int, base, maxDelay time.Duration) time.Duration {
	window := base << min(max(n-1, 0), 16)
	if window > maxDelay || window <= 0 {
		window = maxDelay
	}
	return window/2 + Jitter(window/2)
}

// Jitter is a random duration in [0, limit), 0 when limit is not positive.
func Jitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(limit)))
}
