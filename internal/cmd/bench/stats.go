package main

import (
	"slices"
	"time"
)

// quantile of xs (any order) with linear interpolation between closest ranks, so that the p95 of
// a small sample is not simply its maximum. Empty input gives 0.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// quantileDur is quantile over durations.
func quantileDur(ds []time.Duration, q float64) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(quantile(xs, q))
}

// quantileInt is quantile over counts.
func quantileInt(ns []int, q float64) float64 {
	xs := make([]float64, len(ns))
	for i, n := range ns {
		xs[i] = float64(n)
	}
	return quantile(xs, q)
}

func maxInt(ns []int) int {
	if len(ns) == 0 {
		return 0
	}
	return slices.Max(ns)
}

// ms converts a duration to milliseconds for JSON.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// waitStats summarises a set of waits: how long the operations took, how late their end was
// noticed, and how many probes that cost. Durations are also given in milliseconds for JSON.
type waitStats struct {
	DurationMedian  time.Duration `json:"-"`
	OvershootMedian time.Duration `json:"-"`
	OvershootP95    time.Duration `json:"-"`
	ProbesMedian    float64       `json:"probes_median"`
	ProbesMax       int           `json:"probes_max"`

	DurationMedianMS  float64 `json:"duration_median_ms"`
	OvershootMedianMS float64 `json:"overshoot_median_ms"`
	OvershootP95MS    float64 `json:"overshoot_p95_ms"`
}

func newWaitStats(durations, overshoots []time.Duration, probes []int) waitStats {
	s := waitStats{
		DurationMedian:  quantileDur(durations, 0.5),
		OvershootMedian: quantileDur(overshoots, 0.5),
		OvershootP95:    quantileDur(overshoots, 0.95),
		ProbesMedian:    quantileInt(probes, 0.5),
		ProbesMax:       maxInt(probes),
	}
	s.DurationMedianMS, s.OvershootMedianMS, s.OvershootP95MS = ms(s.DurationMedian), ms(s.OvershootMedian), ms(s.OvershootP95)
	return s
}
