package main

import (
	"fmt"
	"strings"
	"time"
)

// The targets the README states. Overshoot limits are per kind, relative to the kind's median duration with
// an absolute floor (short operations cannot be noticed sooner than a probe round trip or two).
const (
	overshootMedianFraction = 0.10
	overshootMedianFloor    = 250 * time.Millisecond
	overshootP95Fraction    = 0.20
	overshootP95Floor       = 500 * time.Millisecond
	maxProbesPerOp          = 12
	// A first wait with no history (only the kind's prior) on the fake clock.
	maxColdProbes      = 25
	coldMedianFraction = 0.10
	coldP95Fraction    = 0.25
	maxDestroyRatio    = 1.15
	destroyRatioN      = 100
)

// target is one verdict.
type target struct {
	Name   string `json:"name"`
	Status string `json:"status"` // met, missed, not run
	Detail string `json:"detail"`
}

func verdict(name string, misses []string, ok string) target {
	if len(misses) > 0 {
		return target{Name: name, Status: "missed", Detail: strings.Join(misses, "; ")}
	}
	return target{Name: name, Status: "met", Detail: ok}
}

// evaluateTargets judges the timed runs (unthrottled ones for overshoot and probes: a throttled
// probe is late by design) and the micro-benchmark's learned waits. It is a list, one block per
// target in the order the README gives them, and longer than other functions on purpose: a target
// read next to its neighbours is easier to check against the README than one behind a helper.
func evaluateTargets(runs []runReport, micro, sim []microRow) []target { //nolint:funlen // one block per target, as said above
	var unthrottled, throttled, ci []runReport
	for _, r := range runs {
		switch {
		case r.CI:
			ci = append(ci, r)
		case r.RateLimit > 0:
			throttled = append(throttled, r)
		default:
			unthrottled = append(unthrottled, r)
		}
	}
	var pooled []opMetric
	for _, r := range unthrottled {
		pooled = append(pooled, r.metrics...)
	}
	kinds := summarize(pooled)

	var out []target
	var medMiss, p95Miss, probeMiss []string
	worstMed, worstP95, worstProbes := "", "", ""
	var worstMedRatio, worstP95Ratio float64
	worstProbeCount := -1
	for _, k := range kinds {
		limMed := max(time.Duration(overshootMedianFraction*float64(k.DurationMedian)), overshootMedianFloor)
		limP95 := max(time.Duration(overshootP95Fraction*float64(k.DurationMedian)), overshootP95Floor)
		if k.OvershootMedian > limMed {
			medMiss = append(medMiss, fmt.Sprintf("%s %s > %s", k.Kind, round(k.OvershootMedian), round(limMed)))
		}
		if k.OvershootP95 > limP95 {
			p95Miss = append(p95Miss, fmt.Sprintf("%s %s > %s", k.Kind, round(k.OvershootP95), round(limP95)))
		}
		if k.ProbesMax > maxProbesPerOp {
			probeMiss = append(probeMiss, fmt.Sprintf("%s max %d", k.Kind, k.ProbesMax))
		}
		if r := float64(k.OvershootMedian) / float64(limMed); r >= worstMedRatio {
			worstMedRatio, worstMed = r, fmt.Sprintf("closest: %s %s of %s", k.Kind, round(k.OvershootMedian), round(limMed))
		}
		if r := float64(k.OvershootP95) / float64(limP95); r >= worstP95Ratio {
			worstP95Ratio, worstP95 = r, fmt.Sprintf("closest: %s %s of %s", k.Kind, round(k.OvershootP95), round(limP95))
		}
		if k.ProbesMax > worstProbeCount {
			worstProbeCount, worstProbes = k.ProbesMax, fmt.Sprintf("most: %s %d", k.Kind, k.ProbesMax)
		}
	}
	if len(kinds) == 0 {
		out = append(out, target{Name: "overshoot and probes (Terraform runs)", Status: "not run"})
	} else {
		out = append(out,
			verdict("overshoot median <= max(10% of duration, 250ms), Terraform runs", medMiss, worstMed),
			verdict("overshoot p95 <= max(20% of duration, 500ms), Terraform runs", p95Miss, worstP95),
			verdict(fmt.Sprintf("<= %d probes per operation, Terraform runs", maxProbesPerOp), probeMiss, worstProbes))
	}

	// Operations up to 10 minutes only exist on the fake clock.
	if len(sim) > 0 {
		var learnedMiss, coldMiss []string
		most := 0
		for _, r := range sim {
			if r.Schedule != learningSchedule {
				continue
			}
			switch {
			case r.Phase == "learned" && r.ProbesMax > maxProbesPerOp:
				learnedMiss = append(learnedMiss, fmt.Sprintf("%s max %d", r.Kind, r.ProbesMax))
			case r.Phase == "cold" && r.Ops > 0:
				med := float64(r.OvershootMedian) / float64(max(r.DurationMedian, 1))
				p95 := float64(r.OvershootP95) / float64(max(r.DurationMedian, 1))
				if r.ProbesMax > maxColdProbes || med > coldMedianFraction || p95 > coldP95Fraction {
					coldMiss = append(coldMiss, fmt.Sprintf("%s max %d probes, overshoot %.1f%%/%.1f%%", r.Kind, r.ProbesMax, 100*med, 100*p95))
				}
			}
			if r.Phase == "learned" {
				most = max(most, r.ProbesMax)
			}
		}
		out = append(out, verdict(fmt.Sprintf("<= %d probes per operation up to 10 min, learned (fake clock)", maxProbesPerOp),
			learnedMiss, fmt.Sprintf("most: %d", most)))
		out = append(out, verdict(fmt.Sprintf("cold first waits (fake clock): <= %d probes up to 10 min, overshoot median <= %.0f%%, p95 <= %.0f%% of the duration",
			maxColdProbes, 100*coldMedianFraction, 100*coldP95Fraction), coldMiss, "every kind within"))
	}
	if len(micro) > 0 {
		var miss []string
		for _, r := range micro {
			if r.Schedule != learningSchedule || r.Phase != "learned" || r.Ops == 0 {
				continue
			}
			limMed := max(time.Duration(overshootMedianFraction*float64(r.DurationMedian)), overshootMedianFloor)
			limP95 := max(time.Duration(overshootP95Fraction*float64(r.DurationMedian)), overshootP95Floor)
			if r.OvershootMedian > limMed || r.OvershootP95 > limP95 {
				miss = append(miss, fmt.Sprintf("%s %s/%s > %s/%s", r.Kind, round(r.OvershootMedian), round(r.OvershootP95), round(limMed), round(limP95)))
			}
		}
		out = append(out, verdict("overshoot targets, learned waits (micro-benchmark on the emulator)", miss, "every kind within"))
	}

	ratio := target{Name: fmt.Sprintf("destroy N=%d within %.2fx of ideal, zero errors", destroyRatioN, maxDestroyRatio), Status: "not run"}
	for _, r := range unthrottled {
		if r.Command == "destroy" && r.N == destroyRatioN {
			// Say where the time went: Terraform's fixed cost before the first operation, and the
			// operations' span against the ideal.
			detail := fmt.Sprintf("%.3fx (%s vs ideal %s; %s before the first operation, span/ideal %.3f)",
				r.Ratio, round(r.Wall), round(r.Ideal), round(r.Pre), float64(r.Span)/float64(max(r.Ideal, 1)))
			var miss []string
			if r.Ratio > maxDestroyRatio {
				miss = append(miss, detail)
			}
			if r.Errors > 0 {
				miss = append(miss, fmt.Sprintf("%d errors", r.Errors))
			}
			ratio = verdict(ratio.Name, miss, detail)
		}
	}
	out = append(out, ratio)

	out = append(out, rateTargets(throttled)...)
	out = append(out, ciTargets(ci)...)

	var errs []string
	for _, r := range runs {
		if r.Errors > 0 {
			errs = append(errs, fmt.Sprintf("%s: %d", r.Name, r.Errors))
		}
	}
	out = append(out, verdict("zero errors in every run", errs, fmt.Sprintf("%d runs", len(runs))))
	return out
}

// round shortens a duration for messages.
func round(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// The rate-limited destroy's targets: requests per operation (the refresh's reads included) and
// its ratio to the ideal.
const (
	maxRateRequestsPerOp = 3.5
	maxRateDestroyRatio  = 1.6
)

func rateTargets(throttled []runReport) []target {
	rate := target{Name: "rate-limited run: zero failed operations", Status: "not run"}
	frugal := target{Name: fmt.Sprintf("rate-limited destroy: <= %.1f requests per operation, <= %.1fx of ideal", maxRateRequestsPerOp, maxRateDestroyRatio), Status: "not run"}
	if len(throttled) == 0 {
		return []target{rate, frugal}
	}
	var miss, frugalMiss []string
	got429, detail := 0, ""
	for _, r := range throttled {
		got429 += r.Throttled
		if r.FailedOps > 0 || r.Errors > 0 {
			miss = append(miss, fmt.Sprintf("%s: %d failed operations, %d errors", r.Name, r.FailedOps, r.Errors))
		}
		if r.Command != "destroy" || r.Operations == 0 {
			continue
		}
		perOp := float64(r.Requests) / float64(r.Operations)
		detail = fmt.Sprintf("%s: %.2f requests per operation (%d for %d), %.3fx", r.Name, perOp, r.Requests, r.Operations, r.Ratio)
		if perOp > maxRateRequestsPerOp || r.Ratio > maxRateDestroyRatio {
			frugalMiss = append(frugalMiss, detail)
		}
	}
	rate = verdict(fmt.Sprintf("rate limit %g req/s: zero failed operations", throttled[0].RateLimit), miss,
		fmt.Sprintf("%d 429s absorbed", got429))
	if detail != "" {
		frugal = verdict(frugal.Name, frugalMiss, detail)
	}
	return []target{rate, frugal}
}

// The CI mode's targets: apply and destroy of N = 1 within 1.20 of the ideal, N = 10 within
// 1.45, and the server build noticed within 15 % of its duration at the median.
const ciBuildOvershootFraction = 0.15

func ciRatioLimit(n int) float64 {
	if n <= 1 {
		return 1.20
	}
	return 1.45
}

func ciTargets(ci []runReport) []target {
	ratio := target{Name: "CI mode: apply and destroy within 1.20x of ideal at N=1, 1.45x at N=10", Status: "not run"}
	build := target{Name: "CI mode: server build overshoot median <= 15% of its duration", Status: "not run"}
	if len(ci) == 0 {
		return []target{ratio, build}
	}
	var miss, seen []string
	var pooled []opMetric
	for _, r := range ci {
		pooled = append(pooled, r.metrics...)
		if r.Command == "plan" {
			continue
		}
		line := fmt.Sprintf("%s %.3f", r.Name, r.Ratio)
		seen = append(seen, line)
		if r.Ratio > ciRatioLimit(r.N) || r.Errors > 0 {
			miss = append(miss, line)
		}
	}
	ratio = verdict(ratio.Name, miss, strings.Join(seen, ", "))
	for _, k := range summarize(pooled) {
		if k.Kind != "server_create" {
			continue
		}
		share := float64(k.OvershootMedian) / float64(max(k.DurationMedian, 1))
		line := fmt.Sprintf("%s of %s (%.1f%%)", round(k.OvershootMedian), round(k.DurationMedian), 100*share)
		var m []string
		if share > ciBuildOvershootFraction {
			m = append(m, line)
		}
		build = verdict(build.Name, m, line)
	}
	return []target{ratio, build}
}
