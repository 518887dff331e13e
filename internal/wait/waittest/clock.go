// Package waittest provides a fake wait.Clock, so that tests and simulations of polling run
// minutes of schedule in microseconds of real time.
package waittest

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// Clock is a fake wait.Clock. Time moves only when Advance is called or, for a clock made with
// NewAutoClock, when a timer is created: the clock then jumps straight to the timer's deadline.
// A Clock is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	auto   bool
	timers []*timer
	made   int // timers created so far
}

// NewClock returns a manual clock reading start (zero: the current wall time, so that contexts
// with deadlines computed from Now behave sensibly if they are also checked against real time).
func NewClock(start time.Time) *Clock {
	if start.IsZero() {
		start = time.Now()
	}
	return &Clock{now: start}
}

// NewAutoClock returns a clock that advances itself to the deadline of every timer created on it,
// firing it at once. It suits a single goroutine that sleeps on the clock and checks state with
// Now, like a wait.Poller driving simulated operations; with several goroutines sleeping on it at
// the same time it is not meaningful.
func NewAutoClock(start time.Time) *Clock {
	c := NewClock(start)
	c.auto = true
	return c
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Since is Now().Sub(t).
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// NewTimer returns a timer that fires when the clock reaches Now()+d.
func (c *Clock) NewTimer(d time.Duration) wait.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	c.made++
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	if c.auto {
		c.advanceLocked(d)
	}
	return t
}

// Advance moves the clock forward by d, firing the timers that fall due, in order.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advanceLocked(d)
}

func (c *Clock) advanceLocked(d time.Duration) {
	if d < 0 {
		return
	}
	end := c.now.Add(d)
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	keep := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(end) {
			keep = append(keep, t)
			continue
		}
		if t.at.After(c.now) {
			c.now = t.at
		}
		t.ch <- c.now
	}
	clear(c.timers[len(keep):])
	c.timers = keep
	c.now = end
}

// Pending returns the number of timers that have not fired or been stopped.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Created returns how many timers have been created on the clock.
func (c *Clock) Created() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.made
}

// NextDeadline returns when the earliest pending timer fires.
func (c *Clock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	first := c.timers[0].at
	for _, t := range c.timers[1:] {
		if t.at.Before(first) {
			first = t.at
		}
	}
	return first, true
}

// AwaitTimers blocks (in real time, polling) until at least n timers are pending, so that a test
// can advance the clock knowing the goroutine under test is asleep on it. It gives up after
// timeout of real time and reports whether the condition was met.
func (c *Clock) AwaitTimers(n int, timeout time.Duration) bool {
	end := time.Now().Add(timeout)
	for {
		if c.Pending() >= n {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// WithTimeout is context.WithDeadline(parent, c.Now().Add(d)): a deadline on this clock.
// wait.Poller checks deadlines against its clock, so the wait times out when the fake time
// passes it (the real context is normally still alive then, as the real time has hardly moved).
func (c *Clock) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(parent, c.Now().Add(d))
}

type timer struct {
	c  *Clock
	at time.Time
	ch chan time.Time
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, x := range t.c.timers {
		if x == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			return true
		}
	}
	return false
}
