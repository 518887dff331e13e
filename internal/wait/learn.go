package wait

import (
	"math"
	"slices"
	"time"
)

// sample is what one successful wait taught about its kind: the operation ended somewhere in
// (lo, hi], lo being the start of the last probe that still saw "not done" (0 if none did) and
// hi the end of the first probe that saw "done", both measured from the start of Wait.
// cold marks a sample from a wait that had no usable history when it started.
type sample struct {
	lo, hi time.Duration
	cold   bool
}

func (s sample) mid() time.Duration { return s.lo + (s.hi-s.lo)/2 }

// history is the bounded memory of one kind. It is guarded by Poller.mu.
type history struct {
	ring []sample // the last cfg.HistorySize samples, oldest overwritten first
	next int      // where the next sample goes once ring is full
	// early is set when the last wait that trusted the history found the operation already done at
	// its first probe: it ended sooner than history predicted, by an unknown amount. Until a wait
	// brackets an end again, waits of the kind also probe on the cold schedule before the window.
	early bool
	stats stats // recomputed on every record
}

// stats is the learned schedule of a kind, derived from its history.
type stats struct {
	ok     bool          // enough samples to use
	n      int           // number of samples
	median time.Duration // median of the sample midpoints: the expected duration
	start  time.Duration // first probe: Lead × low quantile of the lower bounds
	end    time.Duration // end of the dense window: high quantile of the upper bounds
	spread float64       // probe spacing inside the window, as a fraction of the time elapsed
	step   time.Duration // the spacing at start
	early  bool          // copy of history.early
}

func (h *history) add(s sample, size int) {
	if len(h.ring) < size {
		h.ring = append(h.ring, s)
		return
	}
	h.ring[h.next] = s
	h.next = (h.next + 1) % size
}

// usable returns the samples the schedule is derived from: only those of waits that were already
// scheduled by the history once there are minSamples of them. The first waits of a kind are cold,
// and a cold wait brackets its end within about half its duration; such coarse samples seed the
// schedule but would otherwise keep widening it for the next HistorySize waits. Learned waits'
// samples all count, including the wide brackets of outliers found while backing off: they are
// how the schedule follows operations that become slower.
func (h *history) usable(minSamples int) []sample {
	var learned []sample
	for _, s := range h.ring {
		if !s.cold {
			learned = append(learned, s)
		}
	}
	if len(learned) >= max(minSamples, 1) {
		return learned
	}
	return h.ring
}

// compute derives the learned schedule. Quantiles of lower bounds place the first probe (so a
// coarse, cold-start sample can only make it earlier, never later than the truth), quantiles of
// upper bounds end the dense window, and midpoints estimate the median.
func (h *history) compute(cfg *Defaults) {
	use := h.usable(cfg.MinSamples)
	n := len(use)
	h.stats = stats{n: n, early: h.early}
	if n < cfg.MinSamples || n == 0 {
		return
	}
	los := make([]time.Duration, n)
	his := make([]time.Duration, n)
	mids := make([]time.Duration, n)
	for i, s := range use {
		los[i], his[i], mids[i] = s.lo, s.hi, s.mid()
	}
	slices.Sort(los)
	slices.Sort(his)
	slices.Sort(mids)

	st := &h.stats
	st.ok = true
	st.median = quantile(mids, 0.5)
	st.start = time.Duration(cfg.Lead * float64(quantile(los, cfg.LowQuantile)))
	st.end = quantile(his, cfg.HighQuantile)
	// Spacing inside the window grows with elapsed time (step = spread × t), so lateness is the
	// same fraction of the duration whether an operation ends early or late in the window. spread
	// is DenseFraction (what bounds the lateness) unless the window is so wide that covering it
	// would take more than DenseProbes probes (what bounds the count), but never coarser than the
	// cold schedule.
	from := max(st.start, cfg.FirstDelay, cfg.MinInterval)
	spread := cfg.DenseFraction
	if st.end > from {
		spread = max(spread, math.Pow(float64(st.end)/float64(from), 1/float64(cfg.DenseProbes))-1)
	}
	st.spread = min(spread, max(cfg.ElapsedFraction, cfg.DenseFraction))
	st.step = st.stepAt(st.start, cfg.MinInterval)
	if st.end < st.start+st.step {
		st.end = st.start + st.step
	}
}

// stepAt is the dense spacing at elapsed time t.
func (st *stats) stepAt(t, minInterval time.Duration) time.Duration {
	return max(time.Duration(st.spread*float64(t)), minInterval)
}

// quantile of sorted values with linear interpolation between closest ranks.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + time.Duration(frac*float64(sorted[i+1]-sorted[i]))
}

// learned returns the current learned schedule of kind (ok=false without enough history).
func (p *Poller) learned(kind string) stats {
	if p.mode != modeAdaptive {
		return stats{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if h := p.hist[kind]; h != nil {
		return h.stats
	}
	return stats{}
}

// record stores the outcome of a successful wait. trusted tells whether the wait's first probe
// was placed by the learned schedule (a jump); firstDone whether that first probe already saw done.
func (p *Poller) record(kind string, s sample, trusted, firstDone bool) {
	if p.mode != modeAdaptive {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hist[kind]
	if h == nil {
		h = &history{}
		p.hist[kind] = h
	}
	s.cold = !trusted
	h.add(s, p.cfg.HistorySize)
	switch {
	case trusted && firstDone:
		h.early = true
	case !firstDone:
		h.early = false // this wait bracketed the end: history is calibrated again
	}
	h.compute(&p.cfg)
}

// Expected returns the median duration learned for kind, and whether there is enough history
// (Defaults.MinSamples successful waits) to schedule by it.
func (p *Poller) Expected(kind string) (median time.Duration, ok bool) {
	st := p.learned(kind)
	return st.median, st.ok
}

// Samples returns the learned durations of kind (midpoint estimates, oldest first), for example to
// persist them between provider runs and feed them back with WithSamples. Once the kind has
// enough samples from learned waits, those of its cold waits are left out.
func (p *Poller) Samples(kind string) []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hist[kind]
	if h == nil {
		return nil
	}
	// Restored samples count as learned ones, so hand out cold ones only while there is nothing better.
	keepCoarse := len(h.usable(p.cfg.MinSamples)) == len(h.ring)
	out := make([]time.Duration, 0, len(h.ring))
	n := len(h.ring)
	for i := range n {
		s := h.ring[(h.next+i)%n]
		if keepCoarse || !s.cold {
			out = append(out, s.mid())
		}
	}
	return out
}
