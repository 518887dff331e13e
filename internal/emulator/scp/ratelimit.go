package scp

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// rateLimiter is a token bucket over all /v1 requests: rps tokens per second, at most
// burst saved up. rps 0 disables it.
type rateLimiter struct {
	mu     sync.Mutex
	rps    float64
	burst  float64
	tokens float64
	last   time.Time
}

func (l *rateLimiter) set(rps float64, burst int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if burst < 1 { // default: one second's worth of requests
		burst = max(1, int(math.Ceil(rps)))
	}
	l.rps, l.burst, l.tokens, l.last = rps, float64(burst), float64(burst), time.Time{}
}

// take spends one token. When none is left it reports how long until one is.
func (l *rateLimiter) take(now time.Time) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rps <= 0 {
		return 0, true
	}
	if !l.last.IsZero() {
		l.tokens += now.Sub(l.last).Seconds() * l.rps
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
	}
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		return 0, true
	}
	return time.Duration((1 - l.tokens) / l.rps * float64(time.Second)), false
}

// SetRateLimit limits /v1 requests to rps per second with bursts of burst (at least 1);
// rps 0 removes the limit. Excess requests get 429 TOO_MANY_REQUESTS with Retry-After.
func (e *Emulator) SetRateLimit(rps float64, burst int) error {
	if rps < 0 {
		return fmt.Errorf("emulator: rate limit must be >= 0, got %v", rps)
	}
	e.limiter.set(rps, burst)
	return nil
}
