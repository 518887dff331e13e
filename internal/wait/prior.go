package wait

import (
	"math"
	"slices"
	"time"
)

// Prior is what the poller assumes of a kind of operation before it has learned anything about
// it: the operation's typical duration on the cloud it runs on (documented, or measured on the
// public cloud). It only moves the start of the dense part of the cold schedule (see coldWindow);
// a prior that is wrong costs probes or lateness within bounds, never a missed end.
type Prior struct {
	Typical time.Duration
}

// WithPriors sets the priors of kinds (see Prior). Non-positive durations are ignored.
func WithPriors(priors map[string]Prior) Option {
	return func(p *Poller) {
		for kind, pr := range priors {
			if pr.Typical > 0 {
				p.priors[kind] = pr
			}
		}
	}
}

// Without history, how early before a kind's typical duration the cold schedule starts probing
// densely. A prior from the documented cloud is trusted within a factor priorSpread either way;
// one scaled by the pace measured on other kinds within priorSpread × paceSlack, because kinds
// need not scale alike from one cloud to another.
const (
	priorSpread = 4
	paceSlack   = 2
)

// coldWindowLocked is the elapsed time from which a cold wait of kind probes densely: 0 (at once)
// for a kind without a prior; half the shortest of its own waits when it has a few. Before it, the cold schedule only guards against an early end, doubling
// the time waited. Call with p.mu held.
func (p *Poller) coldWindowLocked(kind string) time.Duration {
	pr, ok := p.priors[kind]
	if !ok {
		return 0
	}
	if h := p.hist[kind]; h != nil && len(h.ring) > 0 {
		// The kind's own waits, too few to schedule by, say more than the pace: half the shortest.
		shortest := h.ring[0].estimate()
		for _, s := range h.ring[1:] {
			shortest = min(shortest, s.estimate())
		}
		return shortest / 2
	}
	if pace, ok := p.paceLocked(); ok {
		return time.Duration(float64(pr.Typical) * pace / (priorSpread * paceSlack))
	}
	return pr.Typical / priorSpread
}

// paceLocked is how fast the cloud behind this poller runs against the priors: the median, over
// every remembered wait of a kind with a prior, of its duration divided by the kind's typical
// duration. One measured kind thus places the first probes of the others, e.g. a destroy whose
// state carries only the creates' timings, or an emulator that runs everything 20 times faster
// than the cloud it imitates. Call with p.mu held.
func (p *Poller) paceLocked() (float64, bool) {
	var logs []float64
	for kind, h := range p.hist {
		pr, ok := p.priors[kind]
		if !ok {
			continue
		}
		for _, s := range h.ring {
			logs = append(logs, math.Log(float64(s.estimate())/float64(pr.Typical)))
		}
	}
	if len(logs) == 0 {
		return 0, false
	}
	slices.Sort(logs)
	mid := len(logs) / 2
	med := logs[mid]
	if len(logs)%2 == 0 {
		med = (logs[mid-1] + logs[mid]) / 2
	}
	return math.Exp(med), true
}

// estimate is a point estimate of the sample's duration: the geometric middle of its bracket, a
// censored one (done at the first probe) taken as a quarter of its Hi at least.
func (s Sample) estimate() time.Duration {
	lo := max(s.Lo, s.Hi/4, time.Millisecond)
	return time.Duration(math.Sqrt(float64(lo) * float64(max(s.Hi, lo))))
}
