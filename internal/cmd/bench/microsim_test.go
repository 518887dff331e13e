package main

import (
	"testing"
)

func TestRunMicroSim(t *testing.T) {
	rows := runMicroSim(realWorldLatencies(), 12, 1)
	// Per kind: learning cold + learned, and one row per baseline.
	if want := len(simKinds(realWorldLatencies())) * 4; len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	for _, r := range rows {
		if r.Failed > 0 || r.Ops == 0 {
			t.Errorf("%s %s %s: %d ops, %d failed", r.Schedule, r.Kind, r.Phase, r.Ops, r.Failed)
		}
		if r.Schedule == "fixed 3s" && r.OvershootP95 > 3*sec+probeRTT {
			t.Errorf("fixed 3s %s: p95 overshoot %v beyond one interval", r.Kind, r.OvershootP95)
		}
		// The cold column: one wait per new poller; the learned one: the sequence after the
		// poller's MinSamples (3) cold waits.
		if r.Schedule == learningSchedule && r.Phase == "cold" && (r.Ops != 12 || r.ProbesMax > maxColdProbes) {
			t.Errorf("learning %s: %d cold waits of up to %d probes, want 12 of at most %d", r.Kind, r.Ops, r.ProbesMax, maxColdProbes)
		}
		if r.Schedule == learningSchedule && r.Phase == "learned" && r.Ops != 12-3 {
			t.Errorf("learning %s: %d learned waits, want 9", r.Kind, r.Ops)
		}
	}
}

func TestEvaluateTargetsDestroyRatio(t *testing.T) {
	runs := []runReport{
		{Name: "destroy N=100", Command: "destroy", N: 100, Wall: 46 * sec, Ideal: 40 * sec, Ratio: 1.15},
		{Name: "destroy N=20 @20 rps", Command: "destroy", N: 20, RateLimit: 20, Ratio: 3, FailedOps: 1, Errors: 1},
	}
	got := map[string]string{}
	for _, tg := range evaluateTargets(runs, nil, nil) {
		got[tg.Name] = tg.Status
	}
	if s := got["destroy N=100 within 1.15x of ideal, zero errors"]; s != "met" {
		t.Errorf("ratio target %q, want met at exactly 1.15", s)
	}
	if s := got["rate limit 20 req/s: zero failed operations"]; s != "missed" {
		t.Errorf("rate target %q, want missed", s)
	}
	if s := got["zero errors in every run"]; s != "missed" {
		t.Errorf("errors target %q, want missed", s)
	}
}
