package wait

import (
	"math"
	"slices"
	"time"
)

// Sample is what one successful wait taught about its kind: the operation ended somewhere in
// (Lo, Hi], Lo being the start of the last probe that still saw "not done" (0 if none did) and
// Hi the end of the first probe that saw "done", both measured from the start of Wait.
type Sample struct {
	Lo, Hi time.Duration
	// Cold marks a sample of a wait that started without usable history. Its bracket is coarse
	// (the cold schedule doubles the time waited at each probe) unless siblings taught the poller
	// in the meantime; but those that finish late enough to benefit are the slow ones, so cold
	// samples are kept apart as a whole rather than picked by how tight they are.
	Cold bool
}

// censored tells that the operation was done at the first probe: it ended before Hi, but how
// long before is unknown, so the sample bounds nothing from below.
func (s Sample) censored() bool { return s.Lo <= 0 }

// history is the bounded memory of one kind. It is guarded by Poller.mu.
type history struct {
	ring []Sample // the last cfg.HistorySize samples, oldest overwritten first
	next int      // where the next sample goes once ring is full
	// hedges counts the waits in a row that trusted the history and found the operation already
	// done at their first probe: it ended sooner than history predicted, by an unknown amount.
	// Until a wait brackets an end again, waits of the kind also probe before the window, starting
	// at start/2^hedges, so that a kind that became much faster is caught within a few waits.
	hedges int
	stats  stats // recomputed on every record
}

// stats is the learned schedule of a kind, derived from its history.
type stats struct {
	ok     bool          // enough samples to use
	median time.Duration // median of the durations: the expected duration
	start  time.Duration // first probe: Lead × the low quantile of the durations
	end    time.Duration // end of the dense window: the high quantile of the durations
	spread float64       // probe spacing inside the window, as a fraction of the time elapsed
	step   time.Duration // the spacing at start
	hedges int           // copy of history.hedges
}

func (h *history) add(s Sample, size int) {
	if len(h.ring) < size {
		h.ring = append(h.ring, s)
		return
	}
	h.ring[h.next] = s
	h.next = (h.next + 1) % size
}

// usable returns the samples the schedule is derived from. Censored samples are left out while
// there are enough others: their Lo of 0 would drag the window's start to zero (hedging handles
// operations that became faster). Cold samples are left out once the history holds at least as
// many (and MinSamples) from waits it scheduled: they seed the schedule but would otherwise widen
// it for the next HistorySize waits. Learned waits that overran the window count like any other:
// that is how the schedule follows a kind that becomes slower.
func (h *history) usable(minSamples int) []Sample {
	minSamples = max(minSamples, 1)
	bounded := filterSamples(h.ring, func(s Sample) bool { return !s.censored() })
	if len(bounded) < minSamples {
		return h.ring
	}
	// Waits started together finish fastest first, so the first few learned samples of a batch
	// are its early ones: the cold samples stay until the learned ones outnumber them.
	learned := filterSamples(bounded, func(s Sample) bool { return !s.Cold })
	if len(learned) >= max(minSamples, len(bounded)-len(learned)) {
		return learned
	}
	return bounded
}

func filterSamples(in []Sample, keep func(Sample) bool) []Sample {
	var out []Sample
	for _, s := range in {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// compute derives the learned schedule from the usable samples, each taken as a duration spread
// evenly over its bracket: their mixture's median is the expected duration, its low quantile
// (times Lead) the first probe, its high quantile the end of the dense window. Precise samples
// act as points; coarse ones (cold, early in a run) widen the window in proportion to what they
// leave open, no more.
func (h *history) compute(cfg *params) {
	use := h.usable(cfg.MinSamples)
	h.stats = stats{hedges: h.hedges}
	if len(use) < max(cfg.MinSamples, 1) {
		return
	}
	st := &h.stats
	st.ok = true
	st.median = mixtureQuantile(use, 0.5)
	st.start = time.Duration(cfg.Lead * float64(mixtureQuantile(use, cfg.LowQuantile)))
	st.end = mixtureQuantile(use, cfg.HighQuantile)
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

// frugal is the schedule under pressure (WithPressure): the first probe at the median rather than
// the window's start (half the waits end by then), and a spacing of at least FrugalFraction of the
// time elapsed.
func (st stats) frugal(cfg *params) stats {
	st.start = max(st.start, st.median)
	st.spread = max(st.spread, cfg.FrugalFraction)
	st.step = st.stepAt(st.start, cfg.MinInterval)
	st.end = max(st.end, st.start+st.step)
	return st
}

// stepAt is the dense spacing at elapsed time t.
func (st *stats) stepAt(t, minInterval time.Duration) time.Duration {
	return max(time.Duration(st.spread*float64(t)), minInterval)
}

// mixtureQuantile returns the smallest duration x at which a share q of the samples' durations
// lie at or below x, each sample's duration taken as uniform over (Lo, Hi] (a point when
// Lo == Hi). The share is piecewise linear and nondecreasing in x, so bisection finds x.
func mixtureQuantile(samples []Sample, q float64) time.Duration {
	share := func(x time.Duration) float64 {
		var sum float64
		for _, s := range samples {
			switch {
			case x >= s.Hi:
				sum++
			case x > s.Lo:
				sum += float64(x-s.Lo) / float64(s.Hi-s.Lo)
			}
		}
		return sum / float64(len(samples))
	}
	lo, hi := samples[0].Lo, samples[0].Hi
	for _, s := range samples[1:] {
		lo, hi = min(lo, s.Lo), max(hi, s.Hi)
	}
	for hi-lo > time.Microsecond {
		mid := lo + (hi-lo)/2
		if share(mid) >= q {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// learned returns the current learned schedule of kind (ok=false without enough history).
func (p *Poller) learned(kind string) stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if h := p.hist[kind]; h != nil {
		return h.stats
	}
	return stats{}
}

// record stores the outcome of a successful wait. A sample that is not Cold comes from a wait
// whose first probe the history placed (a jump or a hedge). atMedian tells that the first probe
// went at the median (frugal, under pressure): an end seen there is what history predicts for half
// the waits, not a sign that the kind became faster.
func (p *Poller) record(kind string, s Sample, atMedian bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hist[kind]
	if h == nil {
		h = &history{}
		p.hist[kind] = h
	}
	h.add(s, p.cfg.HistorySize)
	switch {
	case !s.Cold && s.censored() && !atMedian:
		h.hedges = min(h.hedges+1, maxHedges)
	case !s.censored():
		h.hedges = 0 // this wait bracketed the end: history is calibrated again
	}
	h.compute(&p.cfg)
}

// maxHedges bounds how far before the window a hedging wait starts: start/2^maxHedges.
const maxHedges = 8

// History returns what the poller remembers of kind, oldest first, for example to persist it
// between provider runs and restore it with WithHistory.
func (p *Poller) History(kind string) []Sample {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hist[kind]
	if h == nil {
		return nil
	}
	n := len(h.ring)
	out := make([]Sample, 0, n)
	for i := range n {
		out = append(out, h.ring[(h.next+i)%n])
	}
	return out
}

// coldWindow is coldWindowLocked under the lock.
func (p *Poller) coldWindow(kind string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.coldWindowLocked(kind)
}

// Seed adds samples of kind learned elsewhere (another process's waits, kept with the resource's
// state) to what the poller remembers, at any time: waits already running use them at their next
// probe. A sample the poller already holds is not added again, so many resources carrying the same
// summary count once, and seeds stop once the kind holds half its HistorySize: they only stand in
// for what this process has not measured yet. Invalid samples are ignored.
func (p *Poller) Seed(kind string, samples []Sample) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hist[kind]
	if h == nil {
		h = &history{}
	}
	added := false
	for _, s := range samples {
		if s.Hi <= 0 || s.Lo < 0 || s.Lo > s.Hi || slices.Contains(h.ring, s) || len(h.ring) >= p.cfg.HistorySize/2 {
			continue
		}
		h.add(s, p.cfg.HistorySize)
		added = true
	}
	if added {
		p.hist[kind] = h
		h.compute(&p.cfg)
	}
}
