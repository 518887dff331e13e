package main

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

func TestBaselineSchedules(t *testing.T) {
	s := time.Second
	for _, c := range []struct {
		name  string
		delay func(int) time.Duration
		want  []time.Duration // probe times, the last one seeing the end
	}{
		{"fixed", fixedInterval(3 * s), []time.Duration{3 * s, 6 * s, 9 * s, 12 * s}},
		{"linear", linearCapped(3*s, 10*s), []time.Duration{3 * s, 9 * s, 18 * s, 28 * s, 38 * s}},
	} {
		clk := waittest.NewAutoClock(time.Time{})
		w := schedule{Name: c.name, delay: c.delay}.newWaiter(clk)
		for range 3 { // no learning: the same schedule every time
			start := clk.Now()
			var at []time.Duration
			res, err := w(context.Background(), "k", func(context.Context) (bool, error) {
				at = append(at, clk.Since(start))
				return at[len(at)-1] >= c.want[len(c.want)-1], nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(at, c.want) || res.Probes != len(c.want) || res.Elapsed != c.want[len(c.want)-1] || res.Learned {
				t.Errorf("%s: probes at %v, result %+v; want probes at %v", c.name, at, res, c.want)
			}
		}
	}
}

func TestBaselineErrors(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	w := baseline{clock: clk, delay: fixedInterval(time.Second)}.wait

	// Transient errors are retried; a permanent one ends the wait with the error.
	boom := errors.New("went to ERROR")
	n := 0
	res, err := w(context.Background(), "k", func(context.Context) (bool, error) {
		n++
		if n < 3 {
			return false, errors.New("503")
		}
		return false, wait.Permanent(boom)
	})
	if !errors.Is(err, boom) || res.Probes != 3 || res.TransientErrors != 2 {
		t.Errorf("got %+v, %v; want 3 probes, 2 transient errors, then %v", res, err, boom)
	}

	// A cancelled context ends the wait without probing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = baseline{clock: waittest.NewClock(time.Time{}), delay: fixedInterval(time.Hour)}.wait(ctx, "k",
		func(context.Context) (bool, error) { t.Error("probed after cancel"); return true, nil })
	if !errors.Is(err, context.Canceled) || res.Probes != 0 {
		t.Errorf("cancelled: %+v, %v", res, err)
	}
}
