package wait_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

const ms = time.Millisecond

// trace records when (on the fake clock, relative to the start of Wait) each probe ran.
type trace struct {
	clk   *waittest.Clock
	start time.Time
	at    []time.Duration
}

func newTrace(clk *waittest.Clock) *trace { return &trace{clk: clk, start: clk.Now()} }

func (tr *trace) mark() time.Duration {
	d := tr.clk.Since(tr.start)
	tr.at = append(tr.at, d)
	return d
}

func (tr *trace) intervals() []time.Duration {
	var out []time.Duration
	prev := time.Duration(0)
	for _, t := range tr.at {
		out = append(out, t-prev)
		prev = t
	}
	return out
}

// doneAfter is a probe that reports done once the fake clock passes start+d.
func doneAfter(tr *trace, d time.Duration) wait.Probe {
	return func(context.Context) (bool, error) {
		return tr.mark() >= d, nil
	}
}

// TestColdScheduleApproachThenBoundedShare: a cold wait with a prior doubles the time waited up to
// its window (a quarter of the typical duration), lands on the window's start, then probes every
// ColdFraction of the time elapsed, within [ColdMinInterval, ColdMaxInterval].
func TestColdScheduleApproachThenBoundedShare(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	def := wait.PackageDefaults()
	def.ColdMaxInterval = 5 * time.Second
	const typical = 40 * time.Second
	p := wait.New(wait.WithClock(clk), wait.WithNoJitter(), wait.WithDefaults(def),
		wait.WithPriors(map[string]wait.Prior{"k": {Typical: typical}}))
	tr := newTrace(clk)
	res, err := p.Wait(context.Background(), "k", doneAfter(tr, 60*time.Second))
	if err != nil {
		t.Fatal(err)
	}

	// The schedule run.cold documents, computed independently.
	start := typical / 4
	var want []time.Duration
	t0, iv := time.Duration(0), def.FirstDelay
	for {
		t0 += iv
		want = append(want, t0)
		if t0 >= 60*time.Second {
			break
		}
		dense := min(max(time.Duration(def.ColdFraction*float64(t0)), def.ColdMinInterval), def.ColdMaxInterval)
		if t0+dense >= start {
			iv = dense
			continue
		}
		iv = min(time.Duration(float64(iv)*def.Growth), def.FirstDelay+time.Duration(def.ElapsedFraction*float64(t0)), def.MaxInterval)
		iv = min(iv, start-t0)
	}
	if !slices.Equal(tr.at, want) {
		t.Fatalf("probe times\n got %v\nwant %v", tr.at, want)
	}
	if tr.at[0] != 250*ms || !slices.Contains(tr.at, start) {
		t.Errorf("first probe at %v, want 250ms; the window's start %v among the probes", tr.at[0], start)
	}
	ivs := tr.intervals()
	for i := 1; i < len(ivs); i++ {
		if tr.at[i-1] >= start {
			if bound := max(time.Duration(def.ColdFraction*float64(tr.at[i-1])), def.ColdMinInterval); ivs[i] > bound+1 || ivs[i] > def.ColdMaxInterval {
				t.Errorf("interval %d = %v after the window's start exceeds %v of the elapsed %v (cap %v)", i, ivs[i], def.ColdFraction, tr.at[i-1], def.ColdMaxInterval)
			}
		} else if ivs[i] > time.Duration(float64(ivs[i-1])*def.Growth)+1 {
			t.Errorf("interval %d grew from %v to %v, more than ×%v", i, ivs[i-1], ivs[i], def.Growth)
		}
	}
	if ivs[len(ivs)-1] != def.ColdMaxInterval {
		t.Errorf("last interval %v, want the cap %v", ivs[len(ivs)-1], def.ColdMaxInterval)
	}
	if res.Probes != len(want) || res.Elapsed != want[len(want)-1] || res.Learned {
		t.Errorf("result %+v, want %d probes in %v, not learned", res, len(want), want[len(want)-1])
	}
}

func TestJitterBoundsAndDeterminism(t *testing.T) {
	run := func(seed uint64) (jittered, plain []time.Duration) {
		for _, opt := range []wait.Option{wait.WithSeed(seed), wait.WithNoJitter()} {
			clk := waittest.NewAutoClock(time.Time{})
			p := wait.New(wait.WithClock(clk), opt)
			var delays []time.Duration
			tr := newTrace(clk)
			var first time.Duration
			_, err := p.Wait(context.Background(), "k", doneAfter(tr, 2*time.Minute),
				wait.OnProbe(func(e wait.ProbeEvent) {
					if e.Attempt == 1 {
						first = e.Elapsed
					}
					if !e.Final {
						delays = append(delays, e.Next)
					}
				}))
			if err != nil {
				t.Fatal(err)
			}
			delays = append([]time.Duration{first}, delays...)
			if jittered == nil {
				jittered = delays
			} else {
				plain = delays
			}
		}
		return jittered, plain
	}
	j1, plain := run(7)
	j2, _ := run(7)
	j3, _ := run(8)
	if !slices.Equal(j1, j2) {
		t.Errorf("same seed, different schedules:\n%v\n%v", j1, j2)
	}
	if slices.Equal(j1, j3) {
		t.Errorf("different seeds, same schedule %v", j1)
	}
	if j1[0] < 225*ms || j1[0] > 275*ms {
		t.Errorf("first delay %v outside 250ms ±10%%", j1[0])
	}
	// Each jittered delay lies within ±10 % of the un-jittered delay the same schedule would use
	// from the same point; we check against the bound of the un-jittered run's envelope instead:
	// the ratio of consecutive jittered delays stays within growth × (1.1/0.9).
	distinct := 0
	for i := 1; i < len(j1); i++ {
		r := float64(j1[i]) / float64(j1[i-1])
		if r > wait.PackageDefaults().Growth*1.1/0.9+1e-9 {
			t.Errorf("delay %d grew ×%.2f", i, r)
		}
		if j1[i] != plain[min(i, len(plain)-1)] {
			distinct++
		}
	}
	if distinct == 0 {
		t.Error("jitter changed nothing")
	}
}

func TestJitterWithinTenPercentOfNominal(t *testing.T) {
	// With a constant nominal interval (a cold interval held at 1 s by its bounds) every delay
	// must fall in [0.9, 1.1] × 1 s, and both halves of the band must be used.
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(3), wait.WithDefaults(wait.Defaults{
		FirstDelay: time.Second, ColdMinInterval: time.Second, ColdMaxInterval: time.Second}))
	tr := newTrace(clk)
	if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 200*time.Second)); err != nil {
		t.Fatal(err)
	}
	lo, hi := 0, 0
	for i, iv := range tr.intervals() {
		if iv < 900*ms || iv > 1100*ms {
			t.Fatalf("interval %d = %v outside 1s ±10%%", i, iv)
		}
		if iv < 1000*ms {
			lo++
		} else if iv > 1000*ms {
			hi++
		}
	}
	if lo < 20 || hi < 20 {
		t.Errorf("jitter not spread: %d below, %d above nominal", lo, hi)
	}
}

func TestDeadlineGivesTimeoutError(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(1))
	ctx, cancel := clk.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tr := newTrace(clk)
	calls := 0
	res, err := p.Wait(ctx, "server create", func(context.Context) (bool, error) {
		tr.mark()
		calls++
		if calls%4 == 0 {
			return false, fmt.Errorf("HTTP 503 #%d", calls)
		}
		return false, nil
	})
	var te *wait.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v (%T), want *TimeoutError", err, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("TimeoutError does not match context.DeadlineExceeded")
	}
	if te.Kind != "server create" || te.Probes != calls || te.Elapsed != 2*time.Minute || res.Probes != calls {
		t.Errorf("TimeoutError %+v, result %+v; want %d probes after 2m", te, res, calls)
	}
	wantLast := fmt.Sprintf("HTTP 503 #%d", calls/4*4)
	if te.LastErr == nil || te.LastErr.Error() != wantLast || res.TransientErrors != calls/4 {
		t.Errorf("LastErr %v, transient %d; want %s, %d", te.LastErr, res.TransientErrors, wantLast, calls/4)
	}
	for _, s := range []string{"server create", "2m0s", wantLast} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
	// The last probe runs just before the deadline, none after it.
	last := tr.at[len(tr.at)-1]
	if last >= 2*time.Minute || last < 2*time.Minute-time.Second {
		t.Errorf("last probe at %v, want just before 2m", last)
	}
}

func TestDeadlineAlreadyPassed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	res, err := wait.New().Wait(ctx, "k", func(context.Context) (bool, error) {
		t.Fatal("probed after the deadline")
		return false, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || res.Probes != 0 {
		t.Fatalf("err %v, res %+v", err, res)
	}
}

func TestRealDeadlineReturnsOnTime(t *testing.T) {
	p := wait.New(wait.WithDefaults(wait.Defaults{FirstDelay: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*ms)
	defer cancel()
	start := time.Now()
	_, err := p.Wait(ctx, "k", func(context.Context) (bool, error) { return false, nil })
	took := time.Since(start)
	var te *wait.TimeoutError
	if !errors.As(err, &te) || took > 2*time.Second {
		t.Fatalf("err %v after %v", err, took)
	}
}

func TestCancellationReturnsPromptly(t *testing.T) {
	t.Run("fake clock", func(t *testing.T) {
		clk := waittest.NewClock(time.Time{}) // manual: time never moves unless we say so
		p := wait.New(wait.WithClock(clk))
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := p.Wait(ctx, "k", func(context.Context) (bool, error) { return false, nil })
			errc <- err
		}()
		if !clk.AwaitTimers(1, 5*time.Second) {
			t.Fatal("Wait never went to sleep")
		}
		cancel()
		select {
		case err := <-errc:
			var te *wait.TimeoutError
			if !errors.Is(err, context.Canceled) || errors.As(err, &te) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Wait slept through the cancellation")
		}
		if clk.Pending() != 0 {
			t.Errorf("%d timers left pending", clk.Pending())
		}
	})
	t.Run("real clock", func(t *testing.T) {
		p := wait.New(wait.WithDefaults(wait.Defaults{FirstDelay: time.Hour}))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(10*ms, cancel)
		start := time.Now()
		_, err := p.Wait(ctx, "k", func(context.Context) (bool, error) { return false, nil })
		if took := time.Since(start); took > time.Second {
			t.Errorf("returned %v after start, cancellation was at 10ms", took)
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("canceled during probe", func(t *testing.T) {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk))
		ctx, cancel := context.WithCancel(context.Background())
		res, err := p.Wait(ctx, "k", func(ctx context.Context) (bool, error) {
			cancel()
			return false, ctx.Err() // what an HTTP client returns
		})
		if !errors.Is(err, context.Canceled) || res.Probes != 1 || res.TransientErrors != 0 {
			t.Fatalf("err %v, res %+v", err, res)
		}
	})
}

type stateError struct{ state string }

func (e *stateError) Error() string { return "server went to " + e.state }

func TestPermanentEndsAtOnceAndKeepsTheTypedError(t *testing.T) {
	for _, wrapped := range []bool{false, true} {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk))
		orig := &stateError{"ERROR"}
		calls := 0
		res, err := p.Wait(context.Background(), "k", func(context.Context) (bool, error) {
			calls++
			if calls == 3 {
				if wrapped {
					return false, fmt.Errorf("read server: %w", wait.Permanent(orig))
				}
				return true, wait.Permanent(orig) // the error wins over done
			}
			return false, nil
		})
		var se *stateError
		if !errors.As(err, &se) || se != orig {
			t.Fatalf("err = %v, want the original *stateError", err)
		}
		if !wrapped && err != error(orig) {
			t.Errorf("err = %#v, want exactly the original error", err)
		}
		if calls != 3 || res.Probes != 3 || res.TransientErrors != 0 {
			t.Errorf("calls %d, result %+v", calls, res)
		}
	}
	if wait.Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
	if !wait.IsPermanent(fmt.Errorf("x: %w", wait.Permanent(errors.New("y")))) || wait.IsPermanent(errors.New("y")) {
		t.Error("IsPermanent wrong")
	}
}

func TestTransientErrorsAreRetried(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithNoJitter())
	tr := newTrace(clk)
	var events []wait.ProbeEvent
	res, err := p.Wait(context.Background(), "k", func(context.Context) (bool, error) {
		n := len(tr.at)
		tr.mark()
		switch {
		case n < 2:
			return false, nil
		case n < 6:
			return false, errors.New("connection reset")
		}
		return true, nil
	}, wait.OnProbe(func(e wait.ProbeEvent) { events = append(events, e) }))
	if err != nil {
		t.Fatal(err)
	}
	if res.Probes != 7 || res.TransientErrors != 4 {
		t.Errorf("result %+v, want 7 probes, 4 transient errors", res)
	}
	ivs := tr.intervals()
	for i := 3; i <= 6; i++ { // probes after an error
		if ivs[i] < ivs[i-1] {
			t.Errorf("retry %d came after %v, sooner than the previous interval %v", i, ivs[i], ivs[i-1])
		}
	}
	for i := 4; i <= 6; i++ { // repeated errors back off by Growth
		if ivs[i] < time.Duration(1.5*float64(ivs[i-1]))-1 {
			t.Errorf("retry %d after %v: no backoff from %v", i, ivs[i], ivs[i-1])
		}
	}
	if events[2].Err == nil || events[2].Permanent || events[2].Final || !events[6].Final || !events[6].Done {
		t.Errorf("events %+v", events)
	}
}

func TestConfirmations(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithNoJitter())
	answers := []bool{false, true, false, true, true, true, true}
	tr := newTrace(clk)
	res, err := p.Wait(context.Background(), "k", func(context.Context) (bool, error) {
		i := len(tr.at)
		tr.mark()
		return answers[i], nil
	}, wait.Confirmations(3))
	if err != nil {
		t.Fatal(err)
	}
	if res.Probes != 6 {
		t.Errorf("probes %d, want 6 (a not-done resets the count)", res.Probes)
	}
	ivs := tr.intervals()
	for _, i := range []int{2, 4, 5} { // probes right after a done: short
		if ivs[i] != 250*ms {
			t.Errorf("confirmation probe %d after %v, want 250ms", i, ivs[i])
		}
	}
}

// learn runs n waits of kind, each taking d(i), and returns the poller's clock.
func learn(t *testing.T, p *wait.Poller, clk *waittest.Clock, kind string, n int, d func(i int) time.Duration) {
	t.Helper()
	for i := range n {
		tr := newTrace(clk)
		if _, err := p.Wait(context.Background(), kind, doneAfter(tr, d(i))); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLearningPerKind(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(5))
	const D = 3 * time.Minute
	rng := rand.New(rand.NewPCG(5, 5))
	// Three cold waits seed the history with coarse brackets; once three learned waits have
	// bracketed their ends precisely, the schedule rests on those alone.
	learn(t, p, clk, "volume create", 6, func(int) time.Duration {
		return time.Duration(float64(D) * (0.95 + 0.1*rng.Float64()))
	})
	med, ok := p.Expected("volume create")
	if !ok || med < D*93/100 || med > D*107/100 {
		t.Fatalf("Expected = %v, %v; want about %v", med, ok, D)
	}
	if _, ok := p.Expected("server create"); ok {
		t.Fatal("another kind has history")
	}

	tr := newTrace(clk)
	var phases []wait.Phase
	res, err := p.Wait(context.Background(), "volume create", doneAfter(tr, D),
		wait.OnProbe(func(e wait.ProbeEvent) { phases = append(phases, e.Phase) }))
	if err != nil {
		t.Fatal(err)
	}
	if first := tr.at[0]; first < 3*D/4 || first > 19*D/20 {
		t.Errorf("first probe at %v, want near 0.9 × %v", first, D)
	}
	if over := tr.at[len(tr.at)-1] - D; over > D/10 {
		t.Errorf("noticed %v late", over)
	}
	if !res.Learned || res.Probes > 8 || phases[0] != wait.PhaseJump {
		t.Errorf("result %+v, phases %v", res, phases)
	}

	// The other kind still starts cold.
	tr = newTrace(clk)
	res, err = p.Wait(context.Background(), "server create", doneAfter(tr, D))
	if err != nil {
		t.Fatal(err)
	}
	if tr.at[0] > 300*ms || res.Learned {
		t.Errorf("unrelated kind: first probe at %v, learned %v", tr.at[0], res.Learned)
	}
}

func TestLearningBacksOffOnOutliers(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(2), wait.WithSamples("k", time.Minute, time.Minute, time.Minute, time.Minute))
	tr := newTrace(clk)
	var phases []wait.Phase
	res, err := p.Wait(context.Background(), "k", doneAfter(tr, 5*time.Minute),
		wait.OnProbe(func(e wait.ProbeEvent) { phases = append(phases, e.Phase) }))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(phases, wait.PhaseBackoff) || res.Probes > 12 {
		t.Errorf("a 5× outlier took %d probes, phases %v", res.Probes, phases)
	}
	// Past the window the share of the time elapsed grows with how far past it the wait is: a 5×
	// outlier is late by less than its duration.
	if over := tr.at[len(tr.at)-1] - 5*time.Minute; over > 5*time.Minute {
		t.Errorf("noticed %v late", over)
	}
}

// TestScheduleFollowsSlowerOperations: when a kind becomes twice as slow, the waits that overrun
// the learned window still teach the poller: a dozen waits later (the median still says one
// minute) the window reaches two minutes, and a wait of the new length is noticed promptly.
func TestScheduleFollowsSlowerOperations(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(3))
	learn(t, p, clk, "k", 20, func(int) time.Duration { return time.Minute })
	learn(t, p, clk, "k", 12, func(int) time.Duration { return 2 * time.Minute })
	tr := newTrace(clk)
	res, err := p.Wait(context.Background(), "k", doneAfter(tr, 2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if late := tr.at[len(tr.at)-1] - 2*time.Minute; !res.Learned || res.Probes > 12 || late > 12*time.Second {
		t.Errorf("%+v, %v late; want a learned wait of at most 12 probes, at most 10 %% late", res, late)
	}
}

func TestEarlyEndMakesTheNextWaitHedge(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(2), wait.WithSamples("k", time.Minute, time.Minute, time.Minute))
	// Much faster than history says: the first probe (the learned jump) already finds it done.
	tr := newTrace(clk)
	res, err := p.Wait(context.Background(), "k", doneAfter(tr, 10*time.Second))
	if err != nil || res.Probes != 1 || !res.Learned {
		t.Fatalf("res %+v, err %v", res, err)
	}
	var phases []wait.Phase
	tr = newTrace(clk)
	if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 40*time.Second),
		wait.OnProbe(func(e wait.ProbeEvent) { phases = append(phases, e.Phase) })); err != nil {
		t.Fatal(err)
	}
	if phases[0] != wait.PhaseHedge || tr.at[0] > 40*time.Second {
		t.Errorf("after an early end, first probe at %v in phase %v; want a hedge well before the window", tr.at[0], phases[0])
	}
	// That wait bracketed its end, so trust is restored.
	phases = nil
	tr = newTrace(clk)
	if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 55*time.Second),
		wait.OnProbe(func(e wait.ProbeEvent) { phases = append(phases, e.Phase) })); err != nil {
		t.Fatal(err)
	}
	if phases[0] != wait.PhaseJump {
		t.Errorf("phases %v, want a jump again", phases)
	}
}

func TestMaxIntervalCapsEverything(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSamples("k", 10*time.Minute, 10*time.Minute, 10*time.Minute))
	tr := newTrace(clk)
	if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 10*time.Minute), wait.MaxInterval(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	for i, iv := range tr.intervals() {
		if iv > 20*time.Second {
			t.Fatalf("interval %d = %v > 20s", i, iv)
		}
	}
	// FirstDelay applies to the cold schedule.
	tr = newTrace(clk)
	if _, err := p.Wait(context.Background(), "other", doneAfter(tr, time.Second), wait.FirstDelay(700*ms)); err != nil {
		t.Fatal(err)
	}
	if tr.at[0] < 630*ms || tr.at[0] > 770*ms {
		t.Errorf("first probe at %v, want 700ms ±10%%", tr.at[0])
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(1))
	learn(t, p, clk, "k", 6, func(i int) time.Duration { return time.Duration(20+i) * time.Second })
	h := p.History("k")
	if len(h) != 6 {
		t.Fatalf("history %v, want 6 samples", h)
	}
	for i, s := range h {
		d := time.Duration(20+i) * time.Second
		if s.Lo >= d || s.Hi < d {
			t.Errorf("sample %d = %+v does not bracket %v", i, s, d)
		}
		// The first MinSamples waits ran cold and bracket the end coarsely; the rest were learned.
		if cold := i < 3; s.Cold != cold {
			t.Errorf("sample %d = %+v, want cold %v", i, s, cold)
		}
		if !s.Cold && s.Hi-s.Lo > d/5 {
			t.Errorf("learned sample %d = %+v is wider than 20 %%", i, s)
		}
	}
	q := wait.New(wait.WithHistory("k", h...))
	m1, _ := p.Expected("k")
	m2, ok := q.Expected("k")
	if !ok || m1 != m2 || !slices.Equal(q.History("k"), h) {
		t.Errorf("restored median %v, want %v; history %v", m2, m1, q.History("k"))
	}
}

// TestColdSamplesOnlySeed: the coarse brackets of cold waits schedule the first learned waits,
// but once MinSamples learned waits have bracketed their ends, the window rests on those alone.
func TestColdSamplesOnlySeed(t *testing.T) {
	cold := []wait.Sample{{Lo: 3 * time.Second, Hi: 7 * time.Second, Cold: true},
		{Lo: 7 * time.Second, Hi: 15 * time.Second, Cold: true}, {Lo: 7 * time.Second, Hi: 15 * time.Second, Cold: true}}
	learned := []wait.Sample{{Lo: 8900 * ms, Hi: 9300 * ms}, {Lo: 9100 * ms, Hi: 9500 * ms}, {Lo: 8700 * ms, Hi: 9100 * ms}}
	firstProbe := func(h []wait.Sample) time.Duration {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithNoJitter(), wait.WithHistory("k", h...))
		tr := newTrace(clk)
		if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 9*time.Second)); err != nil {
			t.Fatal(err)
		}
		return tr.at[0]
	}
	if at := firstProbe(cold); at > 4*time.Second {
		t.Errorf("cold samples only: first probe at %v, want before the earliest bracket (3s)", at)
	}
	if at := firstProbe(append(cold, learned[:2]...)); at > 5*time.Second {
		t.Errorf("two learned samples: first probe at %v, want the cold brackets still to count", at)
	}
	if at := firstProbe(append(cold, learned...)); at < 8*time.Second {
		t.Errorf("three learned samples: first probe at %v, want near 0.95 × 8.7s", at)
	}
}

// TestFirstProbeDoneTeachesNothingButHedges: a learned wait that finds its operation already
// done at the first probe does not pull the window's start to zero; instead the next waits probe
// before the window, earlier each time that keeps happening, until one brackets an end.
func TestFirstProbeDoneTeachesNothingButHedges(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(4), wait.WithSamples("k", time.Minute, time.Minute, time.Minute, time.Minute))
	var firsts []time.Duration
	for range 4 {
		tr := newTrace(clk)
		if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		firsts = append(firsts, tr.at[0])
	}
	// 57 s (jump), then hedges at ~28 s, ~14 s, ~7 s: all done at once, each teaching nothing.
	for i := 1; i < len(firsts); i++ {
		if firsts[i] > firsts[i-1]*6/10 {
			t.Errorf("first probes %v: want each hedge about half as far as the one before", firsts)
		}
	}
	if m, _ := p.Expected("k"); m != time.Minute {
		t.Errorf("median %v: censored samples moved it", m)
	}
	// The next hedge (~3.5 s) sees "not done" and brackets the 5 s end: history follows.
	learn(t, p, clk, "k", 30, func(int) time.Duration { return 5 * time.Second })
	if m, _ := p.Expected("k"); m > 6*time.Second {
		t.Errorf("median %v after thirty 5 s waits", m)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(1), wait.WithDefaults(wait.Defaults{HistorySize: 10}))
	learn(t, p, clk, "k", 10, func(int) time.Duration { return time.Minute })
	learn(t, p, clk, "k", 10, func(int) time.Duration { return 2 * time.Minute })
	if h := p.History("k"); len(h) != 10 {
		t.Fatalf("%d samples kept, want 10", len(h))
	}
	if m, _ := p.Expected("k"); m < 110*time.Second || m > 130*time.Second {
		t.Errorf("median %v: old samples not forgotten", m)
	}
}

func TestConcurrentWaitsRealClock(t *testing.T) {
	p := wait.New(wait.WithDefaults(wait.Defaults{FirstDelay: ms, MinInterval: ms}))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind := []string{"a", "b"}[g%2]
			for i := range 4 {
				end := time.Now().Add(time.Duration(3+(g+i)%5) * ms)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := p.Wait(ctx, kind, func(context.Context) (bool, error) { return !time.Now().Before(end), nil })
				cancel()
				if err != nil {
					errs <- err
				}
				p.Expected(kind)
				p.History(kind)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, ok := p.Expected("a"); !ok {
		t.Error("nothing learned")
	}
}

// TestColdSchedule drives operations of four lengths (each ±20 % uniformly, probes taking 40 ms)
// through pollers that know nothing but the kind's prior, which is off by a factor of 2 either way
// (or right), and checks the cold schedule's promise: lateness median ≤ 10 % and p95 ≤ 25 % of the
// duration, at most 25 probes for an operation of up to 10 minutes. It logs the figures the README
// quotes, and those of a kind without a prior (the window starts at once: prompt, more probes).
func TestColdSchedule(t *testing.T) {
	const (
		waits   = 300
		latency = 40 * ms
	)
	for _, D := range []time.Duration{time.Second, 30 * time.Second, 3 * time.Minute, 10 * time.Minute} {
		for _, priorFactor := range []float64{0.5, 1, 2, 0} {
			rng := rand.New(rand.NewPCG(uint64(D), 5))
			var rel []float64
			var probes []int
			mostWithin10m := 0
			for i := range waits {
				clk := waittest.NewAutoClock(time.Time{})
				opts := []wait.Option{wait.WithClock(clk), wait.WithSeed(uint64(i))}
				if priorFactor > 0 {
					opts = append(opts, wait.WithPriors(map[string]wait.Prior{"k": {Typical: time.Duration(priorFactor * float64(D))}}))
				}
				p := wait.New(opts...)
				d := time.Duration(float64(D) * (0.8 + 0.4*rng.Float64()))
				res, late := simulatedWait(t, p, clk, d, latency)
				if res.Learned {
					t.Fatalf("%v: a wait without history placed by history: %+v", D, res)
				}
				rel = append(rel, float64(late)/float64(d))
				probes = append(probes, res.Probes)
				if d <= 10*time.Minute {
					mostWithin10m = max(mostWithin10m, res.Probes)
				}
			}
			slices.Sort(rel)
			slices.Sort(probes)
			med, p95, most := pct(rel, 0.5), pct(rel, 0.95), mostWithin10m
			t.Logf("%-6v prior %-4v cold: probes median %d, max %d (%d within 10 min); late median %.1f %%, p95 %.1f %% of the duration",
				D, priorFactor, pct(probes, 0.5), probes[len(probes)-1], most, 100*med, 100*p95)
			if priorFactor == 0 {
				continue // no prior: logged for the README, no promise on the probes
			}
			if med > 0.10 || p95 > 0.25 {
				t.Errorf("%v, prior ×%v: lateness median %.1f %%, p95 %.1f %%, want ≤ 10 %% and ≤ 25 %%", D, priorFactor, 100*med, 100*p95)
			}
			if most > 25 {
				t.Errorf("%v, prior ×%v: %d probes for an operation within 10 minutes, want at most 25", D, priorFactor, most)
			}
		}
	}
}

// simulatedWait waits for an operation of kind "k" ending d after now on clk, probes taking
// latency and seeing the state half-way, and returns the result and how late the end was seen.
func simulatedWait(t *testing.T, p *wait.Poller, clk *waittest.Clock, d, latency time.Duration) (wait.Result, time.Duration) {
	t.Helper()
	return simulatedWaitKind(t, p, clk, "k", d, latency)
}

func simulatedWaitKind(t *testing.T, p *wait.Poller, clk *waittest.Clock, kind string, d, latency time.Duration) (wait.Result, time.Duration) {
	t.Helper()
	end := clk.Now().Add(d)
	var noticed time.Time
	res, err := p.Wait(context.Background(), kind, func(context.Context) (bool, error) {
		clk.Advance(latency / 2)
		done := !clk.Now().Before(end)
		if done {
			noticed = clk.Now()
		}
		clk.Advance(latency / 2)
		return done, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res, noticed.Sub(end)
}

// TestSimulation drives many simulated operations of three kinds (1 s, 30 s and 10 min, each
// ±20 % uniformly) through one poller on the fake clock, with probes taking 50 ms each, and checks
// the project's targets after a warm-up of a few operations per kind:
// lateness median ≤ max(10 %, 250 ms), p95 ≤ max(20 %, 500 ms), at most 12 probes.
func TestSimulation(t *testing.T) {
	const (
		perKind = 60
		warmup  = 5
		latency = 50 * ms
	)
	kinds := []struct {
		name string
		d    time.Duration
	}{{"lock", time.Second}, {"attach", 30 * time.Second}, {"create", 10 * time.Minute}}

	for _, seed := range []uint64{1, 2, 3, 4} {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithSeed(seed))
		rng := rand.New(rand.NewPCG(seed, 99))
		late := map[string][]time.Duration{}
		rel := map[string][]float64{}
		probes := map[string][]int{}
		coldProbes := map[string]int{}
		for i := range perKind {
			for _, k := range kinds {
				d := time.Duration(float64(k.d) * (0.8 + 0.4*rng.Float64()))
				end := clk.Now().Add(d)
				ctx, cancel := clk.WithTimeout(context.Background(), 5*k.d)
				res, err := p.Wait(ctx, k.name, func(context.Context) (bool, error) {
					clk.Advance(latency / 2) // the server reads the state half-way through the request
					done := !clk.Now().Before(end)
					clk.Advance(latency / 2)
					return done, nil
				})
				cancel()
				if err != nil {
					t.Fatalf("%s #%d: %v", k.name, i, err)
				}
				over := clk.Now().Sub(end)
				if i == 0 {
					coldProbes[k.name] = res.Probes
				}
				if i < warmup {
					continue
				}
				late[k.name] = append(late[k.name], over)
				rel[k.name] = append(rel[k.name], float64(over)/float64(d))
				probes[k.name] = append(probes[k.name], res.Probes)
			}
		}
		for _, k := range kinds {
			l, r, n := late[k.name], rel[k.name], probes[k.name]
			slices.Sort(l)
			slices.Sort(r)
			slices.Sort(n)
			med, p95 := pct(l, 0.5), pct(l, 0.95)
			t.Logf("seed %d %-6s (%v): cold %2d probes; learned probes median %d, max %d; late median %v (%.1f%%), p95 %v (%.1f%%)",
				seed, k.name, k.d, coldProbes[k.name], pct(n, 0.5), n[len(n)-1],
				med.Round(ms), 100*pct(r, 0.5), p95.Round(ms), 100*pct(r, 0.95))
			if lim := max(k.d/10, 250*ms); med > lim {
				t.Errorf("%s: median lateness %v > %v", k.name, med, lim)
			}
			if lim := max(k.d/5, 500*ms); p95 > lim {
				t.Errorf("%s: p95 lateness %v > %v", k.name, p95, lim)
			}
			if n[len(n)-1] > 12 {
				t.Errorf("%s: %d probes", k.name, n[len(n)-1])
			}
		}
	}
}

// TestColdWaitsWithAPriorStayWithin25Probes: with no history but a prior within a factor of 2 of
// the truth, an operation of any length up to 10 minutes costs at most 25 probes and is noticed at
// most ColdFraction of its duration late (jitter, the floor and the probe's time aside).
func TestColdWaitsWithAPriorStayWithin25Probes(t *testing.T) {
	const latency = 50 * ms
	def := wait.PackageDefaults()
	durations := []time.Duration{300 * ms, time.Second, 5 * time.Second, 30 * time.Second, time.Minute,
		3 * time.Minute, 5 * time.Minute, 8 * time.Minute, 9*time.Minute + 30*time.Second, 10 * time.Minute}
	for seed := uint64(1); seed <= 20; seed++ {
		for _, d := range durations {
			for _, f := range []float64{0.5, 1, 2} {
				clk := waittest.NewAutoClock(time.Time{})
				p := wait.New(wait.WithClock(clk), wait.WithSeed(seed),
					wait.WithPriors(map[string]wait.Prior{"k": {Typical: time.Duration(f * float64(d))}}))
				res, late := simulatedWait(t, p, clk, d, latency)
				if res.Learned || res.Probes > 25 {
					t.Errorf("seed %d, %v, prior ×%v: %d probes (learned %v), want at most 25 cold ones", seed, d, f, res.Probes, res.Learned)
				}
				if bound := max(time.Duration(1.1*def.ColdFraction*float64(d+latency)), def.ColdMinInterval*11/10) + latency; late > bound {
					t.Errorf("seed %d, %v, prior ×%v: noticed %v late, more than %v", seed, d, f, late, bound)
				}
			}
		}
	}
}

// TestColdWaitsWithAWrongPrior: a prior 20 times too long (an emulator that runs a cloud's
// latencies scaled down) costs lateness, bounded by the time already waited, and no more once one
// wait of another kind has measured the cloud's pace: the window follows it.
func TestColdWaitsWithAWrongPrior(t *testing.T) {
	const latency = 20 * ms
	priors := map[string]wait.Prior{"build": {Typical: 3 * time.Minute}, "volume": {Typical: 20 * time.Second}}
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(1), wait.WithPriors(priors))
	build := 9 * time.Second // 3 minutes × 0.05
	res, late := simulatedWaitKind(t, p, clk, "build", build, latency)
	if late > build*11/10+300*ms {
		t.Errorf("wrong prior, no pace: %v late for %v (%+v), want at most about its duration", late, build, res)
	}
	// One volume of a second (20 s × 0.05) gives the pace: the next build is prompt.
	simulatedWaitKind(t, p, clk, "volume", time.Second, latency)
	res, late = simulatedWaitKind(t, p, clk, "build", build, latency)
	if late > build*17/100 {
		t.Errorf("with the pace of another kind: %v late for %v (%+v), want within ColdFraction", late, build, res)
	}
}

func pct[T any](sorted []T, q float64) T {
	return sorted[int(math.Round(q*float64(len(sorted)-1)))]
}

// TestWavesOfConcurrentWaits runs waits the way terraform apply does with count = 10: batches of
// ten started together, the first batch cold. The fake clock moves only when every running wait is
// asleep on it. From the second batch on, lateness must meet the targets (median ≤ 10 %, p95 ≤
// 20 %): neither the coarse brackets of the cold batch nor the early finishers of a batch, the
// first to teach the poller, may skew the window.
func TestWavesOfConcurrentWaits(t *testing.T) {
	const (
		waves = 3
		width = 10
		base  = 9 * time.Second
	)
	for seed := uint64(1); seed <= 8; seed++ {
		clk := waittest.NewClock(time.Time{})
		// A prior twice the truth: the first wave is cold, the others learned.
		p := wait.New(wait.WithClock(clk), wait.WithSeed(seed), wait.WithPriors(map[string]wait.Prior{"create": {Typical: 2 * base}}))
		rng := rand.New(rand.NewPCG(seed, 7))
		var late []float64
		for wave := range waves {
			most := 12
			if wave == 0 {
				most = 25
			}
			var (
				mu      sync.Mutex
				wg      sync.WaitGroup
				active  atomic.Int32
				results []float64
			)
			active.Store(width)
			for range width {
				d := time.Duration(float64(base) * (0.75 + 0.5*rng.Float64()))
				end := clk.Now().Add(d)
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer active.Add(-1)
					var noticed time.Time
					res, err := p.Wait(context.Background(), "create", func(context.Context) (bool, error) {
						now := clk.Now()
						if !now.Before(end) {
							noticed = now
							return true, nil
						}
						return false, nil
					})
					if err != nil || res.Probes > most {
						t.Errorf("seed %d wave %d: %+v, %v", seed, wave, res, err)
					}
					mu.Lock()
					results = append(results, float64(noticed.Sub(end))/float64(d))
					mu.Unlock()
				}()
			}
			// Advance to the next timer whenever every running wait sleeps on the clock.
			for n := active.Load(); n > 0; n = active.Load() {
				if clk.Pending() == int(n) {
					if next, ok := clk.NextDeadline(); ok {
						clk.Advance(next.Sub(clk.Now()))
						continue
					}
				}
				time.Sleep(20 * time.Microsecond)
			}
			wg.Wait()
			if wave > 0 {
				late = append(late, results...)
			}
		}
		slices.Sort(late)
		med, p95 := pct(late, 0.5), pct(late, 0.95)
		t.Logf("seed %d: learned batches late median %.1f %%, p95 %.1f %%", seed, 100*med, 100*p95)
		if med > 0.10 || p95 > 0.20 {
			t.Errorf("seed %d: lateness median %.1f %%, p95 %.1f %%; want ≤ 10 %% and ≤ 20 %%", seed, 100*med, 100*p95)
		}
	}
}

// TestWindowBudgetBoundsTheProbes: however the window is laid out, a learned wait has made at most
// WindowBudget probes when the window ends.
func TestWindowBudgetBoundsTheProbes(t *testing.T) {
	history := wait.WithSamples("k", 60*time.Second, 80*time.Second, 100*time.Second, 120*time.Second)
	probes := func(budget int) int {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithNoJitter(), history, wait.WithDefaults(wait.Defaults{WindowBudget: budget}))
		tr := newTrace(clk)
		res, err := p.Wait(context.Background(), "k", doneAfter(tr, 119*time.Second))
		if err != nil || !res.Learned {
			t.Fatalf("%+v, %v", res, err)
		}
		return res.Probes
	}
	if n := probes(100); n <= 4 {
		t.Fatalf("without a binding budget the window took %d probes; the test needs more than 4", n)
	}
	if n := probes(4); n > 4 {
		t.Errorf("with a budget of 4 the wait took %d probes", n)
	}
}

// TestSeedSchedulesTheNextWaitAndCountsEachSampleOnce: samples seeded from elsewhere place the
// first probe of the next wait (a jump, not the cold schedule); the same summary seeded by many
// resources counts once, and invalid samples are dropped.
func TestSeedSchedulesTheNextWaitAndCountsEachSampleOnce(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithNoJitter())
	summary := []wait.Sample{{Lo: 9 * time.Second, Hi: 10 * time.Second}, {Lo: 10 * time.Second, Hi: 11 * time.Second},
		{Lo: 11 * time.Second, Hi: 12 * time.Second}, {Lo: 5 * time.Second, Hi: 1 * time.Second}}
	for range 20 {
		p.Seed("k", summary)
	}
	if got := p.History("k"); len(got) != 3 {
		t.Fatalf("history after seeding the same summary 20 times: %v, want the 3 valid samples once", got)
	}
	tr := newTrace(clk)
	res, err := p.Wait(context.Background(), "k", doneAfter(tr, 10500*ms))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Learned || tr.at[0] < 8*time.Second {
		t.Errorf("first probe at %v (learned %v), want a jump to just before the seeded 9-12 s", tr.at[0], res.Learned)
	}
}

// TestPressureMakesLearnedWaitsFrugal: while the API throttles, a learned wait's first probe goes
// at the median and the spacing widens, so operations within ±25 % of the median cost
// fewer probes; without pressure the schedule is the usual one.
func TestPressureMakesLearnedWaitsFrugal(t *testing.T) {
	var throttled atomic.Bool
	run := func(pressure bool) (probes int, first time.Duration) {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithSeed(3), wait.WithPressure(throttled.Load),
			wait.WithSamples("k", 7500*ms, 8*time.Second, 9*time.Second, 10*time.Second, 11*time.Second, 12*time.Second, 12500*ms))
		throttled.Store(pressure)
		rng := rand.New(rand.NewPCG(1, 2))
		for range 50 {
			tr := newTrace(clk)
			d := time.Duration(float64(10*time.Second) * (0.75 + 0.5*rng.Float64()))
			res, err := p.Wait(context.Background(), "k", doneAfter(tr, d))
			if err != nil {
				t.Fatal(err)
			}
			probes += res.Probes
			first = max(first, tr.at[0])
		}
		return probes, first
	}
	usual, _ := run(false)
	frugal, first := run(true)
	if frugal*10 > usual*7 {
		t.Errorf("under pressure %d probes for 50 waits, without %d: want at least 30 %% fewer", frugal, usual)
	}
	if first < 8*time.Second {
		t.Errorf("under pressure a first probe at %v, want at the median (~10 s)", first)
	}
}

// TestSlowMembersOfABatchAreNoticedPromptly: a window learned from the fast finishers of a batch
// (7-8 s) is overrun by a slow member (16 s, twice the window): past the window it is still
// noticed within about twice ColdFraction of its duration, not a doubling late.
func TestSlowMembersOfABatchAreNoticedPromptly(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithSeed(seed), wait.WithSamples("k", 7*time.Second, 7500*ms, 8*time.Second))
		res, late := simulatedWait(t, p, clk, 16*time.Second, 20*ms)
		if late > 3200*ms {
			t.Errorf("seed %d: a 16 s operation after a 7-8 s window noticed %v late (%+v)", seed, late, res)
		}
	}
}

// TestColdTradeOff measures the cold schedule's trade-off for a 3-minute operation (±20 %, its
// prior right): a smaller ColdFraction buys lateness with probes, about ln(D/start)/ln(1+f) of
// them. It logs the figures the README quotes and checks the direction of the trade.
func TestColdTradeOff(t *testing.T) {
	const D = 3 * time.Minute
	prevProbes, prevLate := 1000.0, 0.0
	for _, f := range []float64{0.05, 0.1, 0.15, 0.2, 0.3, 0.5} {
		rng := rand.New(rand.NewPCG(9, 9))
		var rel []float64
		var probes []int
		for i := range 200 {
			clk := waittest.NewAutoClock(time.Time{})
			p := wait.New(wait.WithClock(clk), wait.WithSeed(uint64(i)), wait.WithDefaults(wait.Defaults{ColdFraction: f}),
				wait.WithPriors(map[string]wait.Prior{"k": {Typical: D}}))
			d := time.Duration(float64(D) * (0.8 + 0.4*rng.Float64()))
			res, late := simulatedWait(t, p, clk, d, 40*ms)
			rel, probes = append(rel, float64(late)/float64(d)), append(probes, res.Probes)
		}
		slices.Sort(rel)
		var sum int
		for _, n := range probes {
			sum += n
		}
		mean := float64(sum) / float64(len(probes))
		t.Logf("ColdFraction %.2f: %.1f probes on average; late median %.1f %%, p95 %.1f %%", f, mean, 100*pct(rel, 0.5), 100*pct(rel, 0.95))
		if mean >= prevProbes || pct(rel, 0.5) <= prevLate {
			t.Errorf("ColdFraction %.2f: %.1f probes, median %.3f; the previous (finer) one: %.1f, %.3f", f, mean, pct(rel, 0.5), prevProbes, prevLate)
		}
		prevProbes, prevLate = mean, pct(rel, 0.5)
	}
}

// TestPressureThinsColdWaits: while the API throttles, a cold wait probes at twice its usual share
// of the time elapsed: fewer probes for the same operation.
func TestPressureThinsColdWaits(t *testing.T) {
	var throttled atomic.Bool
	probes := func(pressure bool) int {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithSeed(1), wait.WithPressure(throttled.Load),
			wait.WithPriors(map[string]wait.Prior{"k": {Typical: time.Minute}}))
		throttled.Store(pressure)
		res, _ := simulatedWait(t, p, clk, time.Minute, 20*ms)
		return res.Probes
	}
	if usual, thin := probes(false), probes(true); thin*10 > usual*8 {
		t.Errorf("a cold 1-minute wait under pressure took %d probes, without %d: want at least 20 %% fewer", thin, usual)
	}
}

// TestColdWaitsAfterAFewOfTheirOwn: a kind with a wait or two of its own, too few to schedule by,
// starts its dense probing at half the shortest of them rather than from the pace's wider window.
func TestColdWaitsAfterAFewOfTheirOwn(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(4), wait.WithPriors(map[string]wait.Prior{"k": {Typical: 8 * time.Minute}}))
	simulatedWait(t, p, clk, 9*time.Minute, 40*ms)
	res, late := simulatedWait(t, p, clk, 9*time.Minute, 40*ms)
	if res.Learned || res.Probes > 18 || late > 9*time.Minute*17/100 {
		t.Errorf("second cold wait of 9 min: %+v, %v late; want at most 18 probes within ColdFraction", res, late)
	}
}

// TestHeldPressureMakesWaitsFrugal: a hold (HoldPressure) makes learned waits frugal without any
// signal, as the signal would, until it ends; a hold already over changes nothing.
func TestHeldPressureMakesWaitsFrugal(t *testing.T) {
	first := func(hold time.Duration) time.Duration {
		clk := waittest.NewAutoClock(time.Time{})
		p := wait.New(wait.WithClock(clk), wait.WithSeed(3),
			wait.WithSamples("k", 7500*ms, 8*time.Second, 9*time.Second, 10*time.Second, 11*time.Second, 12*time.Second, 12500*ms))
		p.HoldPressure(hold)
		tr := newTrace(clk)
		if _, err := p.Wait(context.Background(), "k", doneAfter(tr, 11*time.Second)); err != nil {
			t.Fatal(err)
		}
		return tr.at[0]
	}
	if held := first(time.Minute); held < 9*time.Second {
		t.Errorf("while the pressure is held, the first probe at %v, want at the median (~10 s)", held)
	}
	if over := first(-time.Second); over >= 8*time.Second {
		t.Errorf("with a hold already over, the first probe at %v, want at the window's start (~7 s)", over)
	}
}

// TestFrugalWaitsDoNotHedge: under pressure half the learned waits find their operation done at
// their first probe (placed at the median), as history predicts; that must not make the next waits
// hedge, probing far before the window as if the kind had become faster.
func TestFrugalWaitsDoNotHedge(t *testing.T) {
	clk := waittest.NewAutoClock(time.Time{})
	p := wait.New(wait.WithClock(clk), wait.WithSeed(5), wait.WithPressure(func() bool { return true }),
		wait.WithSamples("k", 7500*ms, 8*time.Second, 9*time.Second, 10*time.Second, 11*time.Second, 12*time.Second, 12500*ms))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 30 {
		tr := newTrace(clk)
		d := time.Duration(float64(10*time.Second) * (0.75 + 0.5*rng.Float64()))
		if _, err := p.Wait(context.Background(), "k", doneAfter(tr, d)); err != nil {
			t.Fatal(err)
		}
		if tr.at[0] < 7*time.Second {
			t.Fatalf("wait %d: first probe at %v, before the learned window (7.5-12.5 s)", i, tr.at[0])
		}
	}
}
