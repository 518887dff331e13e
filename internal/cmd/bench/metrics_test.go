package main

import (
	"net/http"
	"testing"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

const msec = time.Millisecond

func serverGet(id string, when time.Duration, status int) scpemu.RequestRecord {
	return scpemu.RequestRecord{Time: at(when), Method: http.MethodGet, Path: "/v1/servers/" + id,
		Op: scpemu.RouteServerGet, ServerID: id, Status: status, Duration: 200 * time.Microsecond}
}

func volumeGet(id string, when time.Duration, status int) scpemu.RequestRecord {
	return scpemu.RequestRecord{Time: at(when), Method: http.MethodGet, Path: "/v1/volumes/" + id,
		Op: scpemu.RouteVolumeGet, VolumeID: id, Status: status, Duration: 200 * time.Microsecond}
}

func record(kind scpemu.OpKind, object, related string, accepted, finished time.Duration) scpemu.OperationRecord {
	r := scpemu.OperationRecord{Kind: kind, ObjectID: object, RelatedID: related, AcceptedAt: at(accepted),
		Latency: finished - accepted, Outcome: scpemu.OutcomeSucceeded}
	if finished > 0 {
		r.FinishedAt = at(finished)
	}
	return r
}

func TestMeasureOpsServerDelete(t *testing.T) {
	ops := []scpemu.OperationRecord{record(scpemu.OpServerDelete, "s1", "", 0, 1000*msec)}
	reqs := []scpemu.RequestRecord{
		serverGet("s1", -500*msec, 200), // the refresh before the delete: not a probe
		{Time: at(0), Method: http.MethodDelete, Op: scpemu.RouteServerDelete, ServerID: "s1", Status: 202},
		serverGet("s1", 300*msec, 200),
		serverGet("s2", 650*msec, 200), // another server
		serverGet("s1", 700*msec, 200),
		serverGet("s1", 1100*msec, 429), // throttled: the transport's retry, not a probe
		serverGet("s1", 1200*msec, 404), // noticed
		serverGet("s1", 1300*msec, 404), // after the notice: not counted
	}
	got := measureOps(ops, scpLog(reqs))[0]
	if !got.Noticed || got.Overshoot != 200*msec || got.Probes != 3 || got.Duration != time.Second {
		t.Errorf("got noticed=%v overshoot=%v probes=%d duration=%v; want true 200ms 3 1s",
			got.Noticed, got.Overshoot, got.Probes, got.Duration)
	}
}

func TestMeasureOpsVolumeKindsUseVolumeReads(t *testing.T) {
	ops := []scpemu.OperationRecord{
		record(scpemu.OpAttach, "v1", "s1", 0, 500*msec),
		record(scpemu.OpDetach, "v2", "s1", 0, 400*msec),
		record(scpemu.OpVolumeCreate, "v3", "", 0, 300*msec),
	}
	reqs := []scpemu.RequestRecord{
		serverGet("s1", 600*msec, 200), // the server is not what attach/detach poll
		volumeGet("v1", 250*msec, 200),
		volumeGet("v1", 550*msec, 200),
		volumeGet("v2", 450*msec, 200),
		volumeGet("v3", 100*msec, 200),
		volumeGet("v3", 200*msec, 200),
		volumeGet("v3", 320*msec, 200),
	}
	ms := measureOps(ops, scpLog(reqs))
	want := []struct {
		over   time.Duration
		probes int
	}{{50 * msec, 2}, {50 * msec, 1}, {20 * msec, 3}}
	for i, w := range want {
		if !ms[i].Noticed || ms[i].Overshoot != w.over || ms[i].Probes != w.probes {
			t.Errorf("%s: noticed=%v overshoot=%v probes=%d, want %v %d", ms[i].Kind, ms[i].Noticed, ms[i].Overshoot, ms[i].Probes, w.over, w.probes)
		}
	}
}

func TestMeasureOpsReadStraddlingTheEnd(t *testing.T) {
	// The read arrived 50µs before the completion but held the lock after it: it saw the end.
	ops := []scpemu.OperationRecord{record(scpemu.OpDetach, "v1", "s1", 0, 400*msec)}
	straddling := volumeGet("v1", 400*msec-50*time.Microsecond, 200)
	reqs := []scpemu.RequestRecord{volumeGet("v1", 200*msec, 200), straddling, volumeGet("v1", 10*time.Second, 200)}
	got := measureOps(ops, scpLog(reqs))[0]
	if !got.Noticed || got.Overshoot != 0 || got.Probes != 2 {
		t.Errorf("got noticed=%v overshoot=%v probes=%d; want true 0 2", got.Noticed, got.Overshoot, got.Probes)
	}
}

func TestMeasureOpsUnnoticedAndPending(t *testing.T) {
	ops := []scpemu.OperationRecord{
		record(scpemu.OpVolumeDelete, "v1", "", 0, 300*msec), // nobody read it after the end
		record(scpemu.OpVolumeDelete, "v2", "", 0, 0),        // never finished
	}
	ops[1].Outcome = scpemu.OutcomePending
	reqs := []scpemu.RequestRecord{volumeGet("v1", 100*msec, 200), volumeGet("v2", 100*msec, 200), volumeGet("v2", 200*msec, 200)}
	for _, m := range measureOps(ops, scpLog(reqs)) {
		if m.Noticed || m.Probes != 0 {
			t.Errorf("%s: noticed=%v probes=%d, want an unnoticed operation with no probes", m.ObjectID, m.Noticed, m.Probes)
		}
	}
	if n := failedOps(ops); n != 1 {
		t.Errorf("failedOps = %d, want 1 (the pending one)", n)
	}
}

func TestSummarize(t *testing.T) {
	metrics := []opMetric{
		{Kind: scpemu.OpDetach, Outcome: scpemu.OutcomeSucceeded, Duration: 600 * msec, Noticed: true, Overshoot: 10 * msec, Probes: 3},
		{Kind: scpemu.OpDetach, Outcome: scpemu.OutcomeSucceeded, Duration: 700 * msec, Noticed: true, Overshoot: 30 * msec, Probes: 5},
		{Kind: scpemu.OpDetach, Outcome: scpemu.OutcomeSucceeded, Duration: 800 * msec},                                          // unnoticed
		{Kind: scpemu.OpDetach, Outcome: scpemu.OutcomeFailed, Duration: 900 * msec, Noticed: true, Overshoot: time.Hour},        // failed: left out
		{Kind: scpemu.OpServerCreate, Outcome: scpemu.OutcomeSucceeded, Duration: 4 * sec, Noticed: true, Overshoot: 100 * msec}, // listed first
	}
	got := summarize(metrics)
	if len(got) != 2 || got[0].Kind != scpemu.OpServerCreate || got[1].Kind != scpemu.OpDetach {
		t.Fatalf("summarize gave %+v, want server_create then detach", got)
	}
	d := got[1]
	if d.Ops != 3 || d.Unnoticed != 1 || d.DurationMedian != 700*msec || d.OvershootMedian != 20*msec ||
		d.ProbesMedian != 4 || d.ProbesMax != 5 || d.OvershootP95 != 29*msec {
		t.Errorf("detach summary %+v", d)
	}
}

func TestCountTraffic(t *testing.T) {
	reqs := []scpemu.RequestRecord{{Status: 200}, {Status: 202}, {Status: 429}, {Status: 429}, {Status: 409}, {Status: 502}, {Status: 0}, {Status: 404}}
	got := countTraffic(scpLog(reqs))
	want := trafficCounts{Requests: 8, Throttled: 2, Conflicts: 1, ServerErrors: 2}
	if got != want {
		t.Errorf("countTraffic = %+v, want %+v", got, want)
	}
}

func TestOpsWindow(t *testing.T) {
	ops := []scpemu.OperationRecord{
		record(scpemu.OpVolumeCreate, "v1", "", 100*msec, 600*msec),
		record(scpemu.OpVolumeCreate, "v2", "", 50*msec, 500*msec),
	}
	metrics := []opMetric{{Noticed: true, Overshoot: 40 * msec}, {Noticed: true, Overshoot: 300 * msec}}
	first, last, ok := opsWindow(ops, metrics)
	if !ok || !first.Equal(at(50*msec)) || !last.Equal(at(800*msec)) {
		t.Errorf("opsWindow = %v, %v, %v; want +50ms, +800ms", first.Sub(t0), last.Sub(t0), ok)
	}
}
