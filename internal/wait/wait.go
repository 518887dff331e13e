package wait

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Probe reports whether the operation finished. A nil error with done=false means "not yet".
// An error marked with Permanent ends the wait at once with that error (e.g. the object went to
// ERROR, or 401). Any other error is transient: counted and retried on the normal schedule. A non-nil error takes precedence over done.
type Probe func(ctx context.Context) (done bool, err error)

// Result describes a wait, successful or not.
type Result struct {
	Probes          int           // how many times the Probe was called
	Elapsed         time.Duration // from the start of Wait to its return
	TransientErrors int           // probes that returned a non-permanent error
	Learned         bool          // the first probe was placed by the kind's history
}

// Poller runs waits. It is safe for concurrent use; make one per provider instance, so that what
// it learns about each kind of operation serves every later wait of that kind.
type Poller struct {
	clock    Clock
	cfg      params
	noJitter bool
	seeds    []seed

	randMu sync.Mutex
	rnd    func() float64

	mu       sync.Mutex
	hist     map[string]*history
	priors   map[string]Prior // fixed after New
	pressure func() bool      // the API is rate limiting us (nil: never)
	// pressureUntil holds the pressure on until then, whatever the signal (see HoldPressure).
	pressureUntil time.Time
}

// New returns a Poller. Without options it uses the wall clock, the default schedule and a
// randomly seeded jitter.
func New(opts ...Option) *Poller {
	p := &Poller{
		clock:  RealClock(),
		cfg:    defaultParams(),
		rnd:    rand.Float64,
		hist:   map[string]*history{},
		priors: map[string]Prior{},
	}
	for _, o := range opts {
		o(p)
	}
	p.cfg.sanitize()
	for _, s := range p.seeds {
		for _, smp := range s.samples {
			if smp.Hi <= 0 || smp.Lo < 0 || smp.Lo > smp.Hi {
				continue
			}
			h := p.hist[s.kind]
			if h == nil {
				h = &history{}
				p.hist[s.kind] = h
			}
			h.add(smp, p.cfg.HistorySize)
		}
		if h := p.hist[s.kind]; h != nil {
			h.compute(&p.cfg)
		}
	}
	p.seeds = nil
	return p
}

// sanitize keeps parameters that would break the schedule within sensible bounds.
func (d *params) sanitize() {
	if d.Growth < 1 {
		d.Growth = 1
	}
	d.Jitter = math.Min(d.Jitter, 0.5)
	d.Lead = math.Min(d.Lead, 1)
	d.LowQuantile = math.Min(d.LowQuantile, 1)
	d.HighQuantile = math.Min(math.Max(d.HighQuantile, d.LowQuantile), 1)
	d.MaxInterval = max(d.MaxInterval, d.MinInterval)
	d.ColdMinInterval = max(d.ColdMinInterval, d.MinInterval)
	d.ColdMaxInterval = max(d.ColdMaxInterval, d.ColdMinInterval)
}

func (p *Poller) rand() float64 {
	p.randMu.Lock()
	defer p.randMu.Unlock()
	return p.rnd()
}

// Wait calls probe on the poller's schedule until it reports done, returns a Permanent error, or ctx ends. kind names the operation ("server create", "volume
// attach") for learning and messages. Wait never repeats the mutation: it only probes.
//
// Errors: on ctx's deadline a *TimeoutError (errors.Is context.DeadlineExceeded); on
// cancellation an error wrapping context.Canceled, returned as soon as ctx is done (Wait never
// sleeps past it; a probe in flight is the probe's business, it gets ctx); on a Permanent error,
// that error without the Permanent mark.
//
// Wait is longer than the project's other functions on purpose: it is the one loop every
// asynchronous operation goes through, and its schedule, budget, throttling and learning share
// state that named steps would have to pass around; read whole, the order of the decisions shows.
func (p *Poller) Wait(ctx context.Context, kind string, probe Probe, opts ...WaitOption) (Result, error) { //nolint:funlen // read whole, as said above
	var wc waitConfig
	for _, o := range opts {
		o(&wc)
	}
	wc.confirmations = max(wc.confirmations, 1)
	r := &run{p: p, wc: wc, kind: kind, first: p.cfg.FirstDelay}
	if wc.firstDelay > 0 {
		r.first = wc.firstDelay
	}
	start := p.clock.Now()
	elapsed := func() time.Duration { return p.clock.Now().Sub(start) }
	deadline, hasDeadline := ctx.Deadline()

	var (
		res      Result
		lastErr  error
		maxTook  time.Duration
		lastShot bool // the probe just before the deadline has been planned
	)
	fail := func(err error) (Result, error) {
		res.Elapsed = elapsed()
		if errors.Is(err, context.DeadlineExceeded) {
			return res, &TimeoutError{Kind: kind, Elapsed: res.Elapsed, Probes: res.Probes, LastErr: lastErr}
		}
		return res, canceled(ctx, kind, res.Elapsed, res.Probes)
	}
	// clampToDeadline never lets a probe be planned past ctx's deadline: the last one goes just
	// before it (leaving the probe's own latency as a margin), then Wait sleeps out the rest.
	clampToDeadline := func(d time.Duration, ph phase) (time.Duration, phase, bool) {
		if !hasDeadline {
			return d, ph, false
		}
		remaining := deadline.Sub(p.clock.Now())
		guard := min(max(2*maxTook, 50*time.Millisecond), 2*time.Second)
		if d <= remaining-guard {
			return d, ph, false
		}
		if !lastShot && remaining-guard >= p.cfg.MinInterval {
			lastShot = true
			return remaining - guard, phaseDeadline, false
		}
		return max(remaining, 0), phaseDeadline, true // no more probes: time out at the deadline
	}

	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	d, ph := r.plan(0)
	res.Learned = ph == phaseJump || ph == phaseHedge
	d, ph, out := clampToDeadline(d, ph)
	for {
		if err := p.sleep(ctx, d); err != nil {
			return fail(err)
		}
		if out {
			return fail(context.DeadlineExceeded)
		}

		t0 := elapsed()
		done, err := probe(ctx)
		t1 := elapsed()
		res.Probes++
		r.probes++
		maxTook = max(maxTook, t1-t0)
		ev := probeEvent{Kind: kind, Attempt: res.Probes, Elapsed: t1, Took: t1 - t0, Done: done && err == nil, Err: err, Phase: ph}

		switch {
		case err != nil && IsPermanent(err):
			ev.Permanent, ev.Final = true, true
			r.emit(ev)
			res.Elapsed = elapsed()
			var pe *permanentError
			if errors.As(err, &pe) && error(pe) == err {
				err = pe.err // the marker itself: hand back what it wraps
			}
			return res, err
		case err != nil:
			if cerr := ctx.Err(); cerr != nil {
				if !errors.Is(err, cerr) { // a genuine error that raced with the end of ctx
					res.TransientErrors++
					lastErr = err
				}
				r.emit(ev)
				return fail(cerr)
			}
			res.TransientErrors++
			lastErr = err
			r.errStreak++
		case done:
			r.errStreak = 0
			if r.streak == 0 {
				r.doneAt = t1
			}
			r.streak++
			if r.streak >= wc.confirmations {
				ev.Final = true
				r.emit(ev)
				p.record(kind, Sample{Lo: r.lastNotDone, Hi: r.doneAt, Cold: !res.Learned}, r.frugalJump)
				res.Elapsed = elapsed()
				return res, nil
			}
		default:
			r.errStreak = 0
			r.streak = 0
			r.lastNotDone = t0
			r.sawNotDone = true
		}

		d, ph = r.plan(t1)
		d, ph, out = clampToDeadline(d, ph)
		if !out {
			ev.Next = d
		}
		r.emit(ev)
	}
}

// sleep waits d on the poller's clock, returning early with ctx's error if ctx ends first.
func (p *Poller) sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		t := p.clock.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C():
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// run is the state of one Wait.
type run struct {
	p     *Poller
	wc    waitConfig
	kind  string
	first time.Duration // first delay without history

	probes    int
	nominal   time.Duration // un-jittered interval of the growing phases
	lastDelay time.Duration // the delay actually planned last
	errStreak int           // consecutive transient errors
	streak    int           // consecutive dones

	lastNotDone time.Duration // start of the last probe that saw "not done"
	frugalJump  bool          // the first probe jumped to the median, under pressure
	sawNotDone  bool
	doneAt      time.Duration // end of the first probe of the current run of dones
}

func (r *run) emit(ev probeEvent) {
	if r.wc.onProbe != nil {
		r.wc.onProbe(ev)
	}
}

// plan returns the delay before the next probe, t being the time elapsed since Wait started.
func (r *run) plan(t time.Duration) (time.Duration, phase) {
	d, ph := r.schedule(t)
	if r.errStreak > 0 {
		// Retry a failing probe no sooner than the current interval, and back off while it keeps
		// failing (the transport already retried the request itself).
		backoff := time.Duration(float64(r.lastDelay) * math.Pow(r.p.cfg.Growth, float64(r.errStreak-1)))
		d = max(d, min(backoff, max(r.p.cfg.MaxInterval, r.lastDelay)))
	}
	if r.wc.maxInterval > 0 {
		d = min(d, r.wc.maxInterval)
	}
	r.lastDelay = d
	return d, ph
}

func (r *run) schedule(t time.Duration) (time.Duration, phase) {
	p, cfg := r.p, &r.p.cfg
	if r.streak > 0 { // confirming a done
		return max(cfg.MinInterval, r.first), phaseConfirm
	}
	st := p.learned(r.kind) // re-read every time: a sibling wait may have just taught us
	if !st.ok {
		return r.cold(t), phaseCold
	}
	frugal := p.pressured()
	if frugal {
		st = st.frugal(cfg)
	}
	switch {
	case t+st.step < st.start && st.hedges == 0:
		// Sleep until just before the earliest expected end, minus a little jitter so that waits
		// started together do not probe together.
		r.nominal = st.step
		r.frugalJump = r.frugalJump || (frugal && r.probes == 0)
		d := st.start - t - time.Duration(r.rand()*float64(st.step)/2)
		return max(d, cfg.MinInterval), phaseJump
	case t+st.step < st.start:
		// The last trusting wait found its operation already done at its first probe: it ended
		// sooner than history predicts, by an unknown amount. Hedge: first probe at start/2 (then
		// /4, /8 while that keeps happening), then the cold growth up to the window: a few probes
		// more, not a cold start from zero.
		var d time.Duration
		if r.probes == 0 {
			r.nominal = max(r.first, st.start>>st.hedges)
			d = r.jitter(r.nominal)
		} else {
			d = r.jitter(r.grow(t))
		}
		if t+d > st.start {
			d = max(st.start-t, cfg.MinInterval)
		}
		return d, phaseHedge
	case t < st.end: // (or just before the window's start)
		r.nominal = max(st.stepAt(t, cfg.MinInterval), r.budgetStep(t, st.end))
		return r.jitter(r.nominal), phaseDense
	default:
		r.nominal = r.backoff(t, st)
		return r.jitter(r.nominal), phaseBackoff
	}
}

// backoff is the interval past the learned window: ColdFraction of the time elapsed just after
// the window's end, the share growing with how far past it the wait is (× t/end), so that the
// slow members of a batch, which overrun a window learned from its fast ones, are still noticed
// within about ColdFraction of their duration, while a true outlier (5 times the window) costs
// about 1/ColdFraction probes more in all. Never finer than the window's spacing, at most MaxInterval.
func (r *run) backoff(t time.Duration, st stats) time.Duration {
	cfg := &r.p.cfg
	share := cfg.ColdFraction * float64(t) / float64(max(st.end, 1))
	d := max(time.Duration(share*float64(t)), st.stepAt(st.end, cfg.MinInterval), cfg.ColdMinInterval)
	return min(d, cfg.MaxInterval)
}

// budgetStep is the spacing at elapsed time t that reaches the window's end in the probes left
// of WindowBudget (after this wait's probes so far), growing with t like the dense spacing.
func (r *run) budgetStep(t, end time.Duration) time.Duration {
	left := r.p.cfg.WindowBudget - r.probes
	if left <= 1 {
		return end - t // one last probe at the window's end
	}
	t = max(t, r.p.cfg.FirstDelay) // a window starting at zero: grow from the first delay
	return time.Duration((math.Pow(float64(end)/float64(t), 1/float64(left)) - 1) * float64(t))
}

// cold is the schedule without history. Before the kind's cold window (coldWindowLocked: a
// quarter of its prior's typical duration, scaled by the pace of the kinds already measured) it
// only guards against an early end: FirstDelay, then intervals growing by Growth per probe but
// never beyond FirstDelay + ElapsedFraction × t, landing on the window's start. From there each
// interval is ColdFraction of the time elapsed, within [ColdMinInterval, ColdMaxInterval].
//
// The trade-off: an end inside the window is noticed at most ColdFraction of its duration late
// (about half that at the median), and at most ColdMaxInterval; it costs ln(D/start)/ln(1+ColdFraction)
// probes from the window's start to an end at D, so halving the lateness doubles them. With the
// defaults a 10-minute operation whose prior is right within a factor of 2 costs at most 25 probes;
// without a prior the window starts at once (prompt but about twice the probes).
func (r *run) cold(t time.Duration) time.Duration {
	cfg := &r.p.cfg
	if r.probes == 0 {
		r.nominal = r.first
		return r.jitter(r.first)
	}
	if r.nominal == 0 {
		r.nominal = r.first
	}
	start := r.p.coldWindow(r.kind)
	share := cfg.ColdFraction
	if r.p.pressured() {
		share *= 2 // rate limited: every probe delays every other request
	}
	dense := min(max(time.Duration(share*float64(t)), cfg.ColdMinInterval), cfg.ColdMaxInterval)
	if t+dense >= start {
		r.nominal = dense
		return r.jitter(dense)
	}
	if n := r.grow(t); t+n > start {
		r.nominal = start - t // land on the window's start rather than step over it
	}
	return r.jitter(r.nominal)
}

func (r *run) grow(t time.Duration) time.Duration {
	cfg := &r.p.cfg
	n := time.Duration(float64(r.nominal) * cfg.Growth)
	n = min(n, r.first+time.Duration(cfg.ElapsedFraction*float64(t)), cfg.MaxInterval)
	r.nominal = max(n, cfg.MinInterval)
	return r.nominal
}

// jitter spreads d uniformly over d·(1 ± Jitter), never below MinInterval.
func (r *run) jitter(d time.Duration) time.Duration {
	if r.p.noJitter || r.p.cfg.Jitter == 0 {
		return d
	}
	f := 1 + r.p.cfg.Jitter*(2*r.rand()-1)
	return max(time.Duration(f*float64(d)), r.p.cfg.MinInterval)
}

func (r *run) rand() float64 {
	if r.p.noJitter {
		return 0.5
	}
	return r.p.rand()
}
