package wait

import "time"

// What the tests tune or observe and the provider does not need: exported here, for the tests only.

// Defaults are the schedule parameters; WithDefaults overrides the non-zero fields.
type Defaults = params

// ProbeEvent is what OnProbe sees of each probe; Phase is the part of the schedule that placed it.
type (
	ProbeEvent = probeEvent
	Phase      = phase
)

const (
	PhaseCold     = phaseCold
	PhaseJump     = phaseJump
	PhaseHedge    = phaseHedge
	PhaseDense    = phaseDense
	PhaseBackoff  = phaseBackoff
	PhaseConfirm  = phaseConfirm
	PhaseDeadline = phaseDeadline
)

var (
	PackageDefaults = defaultParams
	WithDefaults    = withParams
	WithNoJitter    = withoutJitter
	Confirmations   = withConfirmations
	MaxInterval     = withMaxInterval
	FirstDelay      = withFirstDelay
	OnProbe         = withProbeHook
)

// WithSamples seeds the history of kind with exact durations (as if measured to the millisecond).
func WithSamples(kind string, durations ...time.Duration) Option {
	samples := make([]Sample, 0, len(durations))
	for _, d := range durations {
		samples = append(samples, Sample{Lo: d, Hi: d})
	}
	return WithHistory(kind, samples...)
}

// Expected returns the median duration learned for kind, and whether there is enough history
// (MinSamples successful waits) to schedule by it.
func (p *Poller) Expected(kind string) (median time.Duration, ok bool) {
	st := p.learned(kind)
	return st.median, st.ok
}
