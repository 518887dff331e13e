package wait

import (
	"math/rand/v2"
	"time"
)

// params are the schedule parameters of a Poller. In withParams, zero fields keep the defaults
// listed here; the package doc explains how they fit together. The provider runs on the
// defaults; the tests tune them (export_test.go).
type params struct {
	// FirstDelay is the first probe's delay when there is no history, and the constant term of
	// the cold-start interval bound (FirstDelay + ElapsedFraction × elapsed). Default 250 ms:
	// an emulator operation (~0.5 s) is seen at its second probe, and a real API's 202 is never
	// done sooner than that anyway.
	FirstDelay time.Duration
	// MinInterval is the shortest gap between two probes (also the finest dense spacing).
	// Default 25 ms. It only binds for sub-second operations (the emulator): for anything longer
	// the dense spacing, a fraction of the time elapsed, is wider. A coarser floor made sub-second
	// operations 10-15 % late, which adds up over a destroy of hundreds of them.
	MinInterval time.Duration
	// MaxInterval caps the interval of the growing phases (a cold wait before its window, backing
	// off past the learned window, transient errors). It does not cap the learned jump to just
	// before the expected end; the Wait option withMaxInterval does. Default 4 min.
	MaxInterval time.Duration
	// Growth is the largest factor by which an interval grows from one probe to the next. Default 2.
	Growth float64
	// ElapsedFraction bounds a growing interval by FirstDelay + ElapsedFraction × time elapsed.
	// Default 1: before a cold wait's window (see run.cold) and past a learned window, the poller
	// doubles the time it has waited at each probe: it only guards against an early end there.
	ElapsedFraction float64
	// ColdFraction is the interval of a cold wait inside its window, as a fraction of the time
	// elapsed: what bounds its lateness (at most this share of the duration, about half at the
	// median). Default 0.15 (median ~7 %, p95 ~15 %); run.cold states the cost in probes.
	ColdFraction float64
	// ColdMinInterval and ColdMaxInterval bound the cold wait's interval inside its window. The
	// floor (default 100 ms) keeps a wait of a fast kind to 10 reads a second at most; the cap
	// (default 90 s) bounds the lateness of an operation far longer than expected, where
	// ColdFraction × elapsed would grow without end.
	ColdMinInterval, ColdMaxInterval time.Duration
	// Jitter spreads each interval uniformly over ±Jitter of its nominal value, so that waits
	// started together (terraform apply with count = 10) do not probe in lock step. Default 0.1.
	Jitter float64

	// MinSamples is how many successful waits of a kind the poller needs before it schedules by
	// them. Default 3.
	MinSamples int
	// HistorySize is how many recent successful waits per kind are remembered. Default 50.
	HistorySize int
	// Lead places the first learned probe at Lead × the LowQuantile of past durations. Default
	// 0.95: the schedule rests on learned waits' tight brackets, so little margin is needed below
	// the earliest end.
	Lead float64
	// LowQuantile and HighQuantile bound the dense probing window. Defaults 0.1 and 0.9.
	LowQuantile, HighQuantile float64
	// DenseFraction is the finest probe spacing inside the window, as a fraction of the time
	// elapsed. Default 0.05 (lateness ≤ 5 %, median ~2.5 %).
	DenseFraction float64
	// DenseProbes caps the probes the window may take: for kinds whose durations vary widely the
	// spacing widens so that the window is covered in DenseProbes steps. Default 7, which keeps a
	// learned 10-minute wait (durations ±20 %) at ≤ 10 probes with lateness ~3.5 % median, 7 % p95.
	DenseProbes int
	// FrugalFraction is the least dense spacing of a learned wait under pressure (WithPressure), as a
	// fraction of the time elapsed. Default 0.2: about 1.6 probes for an operation within ±25 % of
	// its median (the first at the median), against 3-5 at DenseFraction.
	FrugalFraction float64
	// WindowBudget is the most probes a learned wait may have made when its window ends. A wait
	// that spent more than planned (hedging before the window, or a window that widened while it
	// ran, as siblings finished) spaces its remaining steps so that the window still ends within
	// the budget. Default 10, which leaves two probes of the project's 12 for an operation that
	// overruns the window.
	WindowBudget int
}

// defaultParams returns the default schedule parameters.
func defaultParams() params {
	return params{
		FirstDelay:      250 * time.Millisecond,
		MinInterval:     25 * time.Millisecond,
		MaxInterval:     4 * time.Minute,
		Growth:          2,
		ElapsedFraction: 1,
		ColdFraction:    0.15,
		ColdMinInterval: 100 * time.Millisecond,
		ColdMaxInterval: 90 * time.Second,
		Jitter:          0.1,
		MinSamples:      3,
		HistorySize:     50,
		Lead:            0.95,
		LowQuantile:     0.1,
		HighQuantile:    0.9,
		DenseFraction:   0.05,
		DenseProbes:     7,
		WindowBudget:    10,
		FrugalFraction:  0.2,
	}
}

// merge overlays the non-zero fields of o on d.
func (d *params) merge(o params) {
	setD := func(dst *time.Duration, v time.Duration) {
		if v > 0 {
			*dst = v
		}
	}
	setF := func(dst *float64, v float64) {
		if v > 0 {
			*dst = v
		}
	}
	setI := func(dst *int, v int) {
		if v > 0 {
			*dst = v
		}
	}
	setD(&d.FirstDelay, o.FirstDelay)
	setD(&d.MinInterval, o.MinInterval)
	setD(&d.MaxInterval, o.MaxInterval)
	setF(&d.Growth, o.Growth)
	setF(&d.ElapsedFraction, o.ElapsedFraction)
	setF(&d.ColdFraction, o.ColdFraction)
	setD(&d.ColdMinInterval, o.ColdMinInterval)
	setD(&d.ColdMaxInterval, o.ColdMaxInterval)
	setF(&d.Jitter, o.Jitter)
	setI(&d.MinSamples, o.MinSamples)
	setI(&d.HistorySize, o.HistorySize)
	setF(&d.Lead, o.Lead)
	setF(&d.LowQuantile, o.LowQuantile)
	setF(&d.HighQuantile, o.HighQuantile)
	setF(&d.DenseFraction, o.DenseFraction)
	setI(&d.DenseProbes, o.DenseProbes)
	setI(&d.WindowBudget, o.WindowBudget)
	setF(&d.FrugalFraction, o.FrugalFraction)
}

// Option configures a Poller.
type Option func(*Poller)

// WithClock sets the clock (default RealClock).
func WithClock(c Clock) Option { return func(p *Poller) { p.clock = c } }

// WithSeed makes the jitter deterministic (a PCG generator with this seed).
func WithSeed(seed uint64) Option {
	return func(p *Poller) {
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		p.rnd = r.Float64
	}
}

// WithPressure gives the poller a signal that the API is rate limiting its requests (throttled
// reports true). While it does, learned waits probe frugally: their first probe goes at the
// learned median instead of the window's start, and the dense spacing is at least
// FrugalFraction of the time elapsed; cold waits probe at twice ColdFraction. Each probe then
// costs every other request a queue slot, so fewer probes end the run sooner even though each
// wait is noticed a little later.
func WithPressure(throttled func() bool) Option { return func(p *Poller) { p.pressure = throttled } }

// withParams overrides the schedule parameters; zero fields keep the defaults.
func withParams(d params) Option { return func(p *Poller) { p.cfg.merge(d) } }

// withoutJitter disables jitter (Jitter cannot be set to zero through withParams).
func withoutJitter() Option { return func(p *Poller) { p.noJitter = true } }

// WithHistory restores the history of kind, e.g. persisted from an earlier run (see
// Poller.History). Samples with Hi <= 0 or Lo outside [0, Hi] are ignored.
func WithHistory(kind string, samples ...Sample) Option {
	return func(p *Poller) {
		p.seeds = append(p.seeds, seed{kind, samples})
	}
}

type seed struct {
	kind    string
	samples []Sample
}

// WaitOption configures one Wait. The options themselves (confirmations, a cap on the interval,
// the first delay, a probe hook) are unexported: the provider waits with the defaults, and the
// tests reach them through export_test.go.
type WaitOption func(*waitConfig)

type waitConfig struct {
	confirmations int
	maxInterval   time.Duration // explicit cap on every delay, 0 = none
	firstDelay    time.Duration // 0 = the poller's
	onProbe       func(probeEvent)
}

// withConfirmations requires n consecutive probes to report done (for eventually consistent
// reads). After the first done the poller re-probes at the MinInterval / FirstDelay pace; a
// not-done in between resets the count. n < 1 means 1.
func withConfirmations(n int) WaitOption { return func(c *waitConfig) { c.confirmations = n } }

// withMaxInterval caps every delay of this wait, including the learned jump to just before the
// expected end.
func withMaxInterval(d time.Duration) WaitOption { return func(c *waitConfig) { c.maxInterval = d } }

// withFirstDelay sets the first probe's delay when the kind has no history.
func withFirstDelay(d time.Duration) WaitOption { return func(c *waitConfig) { c.firstDelay = d } }

// withProbeHook calls f after every probe.
func withProbeHook(f func(probeEvent)) WaitOption { return func(c *waitConfig) { c.onProbe = f } }

// probeEvent describes one probe, for the probe hook.
type probeEvent struct {
	Kind      string
	Attempt   int           // 1 for the first probe
	Elapsed   time.Duration // since Wait started, at the end of the probe
	Took      time.Duration // how long the probe itself ran
	Done      bool          // the probe reported done (it may still need confirmations)
	Err       error         // the probe's error, if any
	Permanent bool          // Err ends the wait
	Final     bool          // the wait ends with this probe (success, permanent error)
	Phase     phase         // the schedule phase that placed this probe
	Next      time.Duration // delay until the next probe; 0 when none will follow
}

// phase names the part of the schedule that placed a probe.
type phase string

// Phases of the schedule.
const (
	phaseCold     phase = "cold"     // no history: growing intervals
	phaseJump     phase = "jump"     // learned: first probe just before the earliest expected end
	phaseHedge    phase = "hedge"    // learned, after an operation ended before its first probe: probing ahead of the window
	phaseDense    phase = "dense"    // learned: inside the window of expected ends
	phaseBackoff  phase = "backoff"  // learned: past the window, growing again
	phaseConfirm  phase = "confirm"  // re-probing to confirm a done
	phaseDeadline phase = "deadline" // last probe just before the context's deadline
)
