package waittest_test

import (
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

func fired(c <-chan time.Time) (time.Time, bool) {
	select {
	case t := <-c:
		return t, true
	default:
		return time.Time{}, false
	}
}

func TestManualClock(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := waittest.NewClock(start)
	a := c.NewTimer(2 * time.Second)
	b := c.NewTimer(time.Second)
	s := c.NewTimer(3 * time.Second)
	if c.Pending() != 3 {
		t.Fatalf("pending %d", c.Pending())
	}
	if !s.Stop() || s.Stop() {
		t.Error("Stop should report true once, then false")
	}
	c.Advance(1500 * time.Millisecond)
	if at, ok := fired(b.C()); !ok || !at.Equal(start.Add(time.Second)) {
		t.Errorf("1s timer: fired %v at %v", ok, at)
	}
	if _, ok := fired(a.C()); ok {
		t.Error("2s timer fired early")
	}
	c.Advance(time.Second)
	if at, ok := fired(a.C()); !ok || !at.Equal(start.Add(2*time.Second)) {
		t.Errorf("2s timer: fired %v at %v", ok, at)
	}
	if _, ok := fired(s.C()); ok {
		t.Error("stopped timer fired")
	}
	if got := c.Now(); !got.Equal(start.Add(2500 * time.Millisecond)) {
		t.Errorf("now %v", got)
	}
	if z := c.NewTimer(0); z != nil {
		if _, ok := fired(z.C()); !ok {
			t.Error("zero timer did not fire at once")
		}
	}
}

func TestAutoClock(t *testing.T) {
	c := waittest.NewAutoClock(time.Time{})
	t0 := c.Now()
	tm := c.NewTimer(time.Minute)
	if _, ok := fired(tm.C()); !ok || c.Since(t0) != time.Minute {
		t.Errorf("auto clock: fired %v, advanced %v", ok, c.Since(t0))
	}
	if c.Pending() != 0 || c.Created() != 1 {
		t.Errorf("pending %d, created %d", c.Pending(), c.Created())
	}
}
