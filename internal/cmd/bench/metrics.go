package main

import (
	"net/http"
	"slices"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// opMetric is what the logs say about one operation: how long it ran, how late a client noticed
// its end, and how many reads it took to notice.
type opMetric struct {
	Kind      scpemu.OpKind
	ObjectID  string
	RelatedID string
	Outcome   scpemu.Outcome
	Duration  time.Duration // FinishedAt − AcceptedAt
	// Noticed is false when no read of the object came after FinishedAt (a wait that gave up).
	Noticed bool
	// Overshoot is the arrival of the first read that saw the end minus FinishedAt (see measureOps).
	Overshoot time.Duration
	// Probes counts the reads of the object from AcceptedAt to that read, inclusive; 429 answers
	// are the transport's retries, not the poller's probes, and are counted apart.
	Probes int
}

// probeKey identifies the reads that poll one operation: GET of the server for server_*, GET of
// the volume for volume_*, attach and detach (the provider watches the volume's server list).
type probeKey struct {
	object polledObject
	id     string
}

// polledObject is what a read shows the state of.
type polledObject int

const (
	serverObject polledObject = iota + 1
	volumeObject
)

func probeKeyOf(op scpemu.OperationRecord) probeKey {
	switch op.Kind {
	case scpemu.OpServerCreate, scpemu.OpServerDelete, scpemu.OpServerLock, scpemu.OpServerPower:
		return probeKey{serverObject, op.ObjectID}
	}
	return probeKey{volumeObject, op.ObjectID}
}

// measureOps matches every operation with the reads of its object. A read "sees" the end when it
// was answered (200, or 404 for a delete) and finished at or after FinishedAt. Records are stamped
// on arrival, before the handler takes the emulator's lock, so a read that arrived a few
// microseconds before the completion may still have taken the lock after it and seen the end (the
// provider then stops probing): a read straddling FinishedAt counts as noticing it, with overshoot
// 0. Insisting on arrival after FinishedAt would credit the end to some unrelated later read.
func measureOps(ops []scpemu.OperationRecord, log requestLog) []opMetric {
	reads := map[probeKey][]probe{}
	for _, r := range log.probes() {
		if r.ok {
			reads[r.polls] = append(reads[r.polls], r)
		}
	}
	for _, rs := range reads {
		slices.SortStableFunc(rs, func(a, b probe) int { return a.time.Compare(b.time) })
	}

	out := make([]opMetric, 0, len(ops))
	for _, op := range ops {
		m := opMetric{Kind: op.Kind, ObjectID: op.ObjectID, RelatedID: op.RelatedID, Outcome: op.Outcome}
		if !op.FinishedAt.IsZero() {
			m.Duration = op.FinishedAt.Sub(op.AcceptedAt)
		}
		for _, r := range reads[probeKeyOf(op)] {
			if r.time.Before(op.AcceptedAt) || r.status == http.StatusTooManyRequests {
				continue
			}
			m.Probes++
			if !op.FinishedAt.IsZero() && !r.time.Add(r.duration).Before(op.FinishedAt) &&
				(r.status == http.StatusOK || r.status == http.StatusNotFound) {
				m.Noticed, m.Overshoot = true, max(r.time.Sub(op.FinishedAt), 0)
				break
			}
		}
		if !m.Noticed {
			m.Probes = 0 // reads of an unnoticed operation say nothing about polling
		}
		out = append(out, m)
	}
	return out
}

// kindSummary aggregates the operations of one kind.
type kindSummary struct {
	Kind      scpemu.OpKind `json:"kind"`
	Ops       int           `json:"ops"`
	Unnoticed int           `json:"unnoticed"`
	waitStats
}

// summarize groups successful operations by kind, in benchKinds order (other kinds after).
func summarize(metrics []opMetric) []kindSummary {
	byKind := map[scpemu.OpKind][]opMetric{}
	for _, m := range metrics {
		if m.Outcome == scpemu.OutcomeSucceeded {
			byKind[m.Kind] = append(byKind[m.Kind], m)
		}
	}
	order := slices.Clone(benchKinds)
	for k := range byKind {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	var out []kindSummary
	for _, k := range order {
		group := byKind[k]
		if len(group) == 0 {
			continue
		}
		s := kindSummary{Kind: k, Ops: len(group)}
		var durations, overshoots []time.Duration
		var probes []int
		for _, m := range group {
			durations = append(durations, m.Duration)
			if !m.Noticed {
				s.Unnoticed++
				continue
			}
			overshoots = append(overshoots, m.Overshoot)
			probes = append(probes, m.Probes)
		}
		s.waitStats = newWaitStats(durations, overshoots, probes)
		out = append(out, s)
	}
	return out
}

// trafficCounts are the request-level figures of a run.
type trafficCounts struct {
	Requests     int `json:"requests"`
	Throttled    int `json:"throttled_429"`
	Conflicts    int `json:"conflicts_409"`
	ServerErrors int `json:"server_errors_5xx"`
}

func countTraffic(log requestLog) trafficCounts {
	var t trafficCounts
	for _, r := range log.probes() {
		t.Requests++
		switch {
		case r.status == http.StatusTooManyRequests:
			t.Throttled++
		case r.status == http.StatusConflict:
			t.Conflicts++
		case r.status >= 500 || r.status == 0:
			t.ServerErrors++
		}
	}
	return t
}

// failedOps counts operations that did not succeed (failed, cancelled, or still pending).
func failedOps(ops []scpemu.OperationRecord) int {
	n := 0
	for _, op := range ops {
		if op.Outcome != scpemu.OutcomeSucceeded {
			n++
		}
	}
	return n
}
