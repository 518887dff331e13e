package main

import (
	"fmt"
	"testing"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

const sec = time.Second

// op is a shorthand for an operation record with only what the ideal time reads.
func op(kind scpemu.OpKind, object, related string, latency time.Duration) scpemu.OperationRecord {
	return scpemu.OperationRecord{Kind: kind, ObjectID: object, RelatedID: related, Latency: latency}
}

func TestSimulateApplyOfOneServer(t *testing.T) {
	// Server 4 s and two 1 s volumes in parallel, then the two 1 s attaches one after the other.
	ops := []scpemu.OperationRecord{
		op(scpemu.OpVolumeCreate, "v1", "", sec),
		op(scpemu.OpServerCreate, "s1", "", 4*sec),
		op(scpemu.OpVolumeCreate, "v2", "", sec),
		op(scpemu.OpAttach, "v1", "s1", sec),
		op(scpemu.OpAttach, "v2", "s1", sec),
	}
	jobs := jobsFromOperations(ops)
	if got := simulate(jobs, 10); got != 6*sec {
		t.Errorf("ideal = %v, want 6s (4s build + two serialized 1s attaches)", got)
	}
	if got := criticalPath(jobs); got != 5*sec {
		t.Errorf("critical path = %v, want 5s (serialization is not a dependency)", got)
	}
	// One slot: everything in a row.
	if got := simulate(jobs, 1); got != 8*sec {
		t.Errorf("ideal at parallelism 1 = %v, want 8s", got)
	}
}

func TestSimulateDestroyOfOneServer(t *testing.T) {
	// Detaches (serialized) before the server delete (2 s) and each volume's delete (0.5 s).
	ops := []scpemu.OperationRecord{
		op(scpemu.OpDetach, "v1", "s1", sec),
		op(scpemu.OpDetach, "v2", "s1", sec),
		op(scpemu.OpVolumeDelete, "v1", "", sec/2),
		op(scpemu.OpServerDelete, "s1", "", 2*sec),
		op(scpemu.OpVolumeDelete, "v2", "", sec/2),
	}
	jobs := jobsFromOperations(ops)
	if got := simulate(jobs, 10); got != 4*sec {
		t.Errorf("ideal = %v, want 4s (1s + 1s detaches, then the 2s server delete)", got)
	}
}

func TestSimulateParallelismBound(t *testing.T) {
	var ops []scpemu.OperationRecord
	for i := range 25 {
		ops = append(ops, op(scpemu.OpVolumeCreate, fmt.Sprintf("v%d", i), "", sec))
	}
	if got := simulate(jobsFromOperations(ops), 10); got != 3*sec {
		t.Errorf("25 one-second jobs on 10 slots = %v, want 3s", got)
	}
}

func TestSimulateStartsLongestPathFirst(t *testing.T) {
	// Two slots; three short volume creates listed before a server create whose attach follows.
	// Critical-path priority starts the server at once: 3s + 1s attach = 4s. Starting in list
	// order would delay the server by a second: 5s.
	ops := []scpemu.OperationRecord{
		op(scpemu.OpVolumeCreate, "v1", "", sec),
		op(scpemu.OpVolumeCreate, "v2", "", sec),
		op(scpemu.OpVolumeCreate, "v3", "", sec),
		op(scpemu.OpServerCreate, "s1", "", 3*sec),
		op(scpemu.OpAttach, "v1", "s1", sec),
	}
	if got := simulate(jobsFromOperations(ops), 2); got != 4*sec {
		t.Errorf("ideal = %v, want 4s", got)
	}
}

func TestSimulateSerializationFreesTheSlot(t *testing.T) {
	// Four detaches of one server and four independent 1s volume creates, two slots. A detach
	// waiting for its server does not hold a slot in the ideal, so the creates fill the other
	// slot: 4s, not 6s.
	var ops []scpemu.OperationRecord
	for i := range 4 {
		ops = append(ops, op(scpemu.OpDetach, fmt.Sprintf("d%d", i), "s1", sec))
	}
	for i := range 4 {
		ops = append(ops, op(scpemu.OpVolumeCreate, fmt.Sprintf("n%d", i), "", sec))
	}
	if got := simulate(jobsFromOperations(ops), 2); got != 4*sec {
		t.Errorf("ideal = %v, want 4s", got)
	}
}

func TestJobsFromOperationsDependencies(t *testing.T) {
	ops := []scpemu.OperationRecord{
		op(scpemu.OpServerCreate, "s1", "", sec), // 0
		op(scpemu.OpVolumeCreate, "v1", "", sec), // 1
		op(scpemu.OpAttach, "v1", "s1", sec),     // 2: needs its server and volume
		op(scpemu.OpAttach, "v9", "s1", sec),     // 3: v9 was created by an earlier run
		op(scpemu.OpDetach, "v1", "s1", sec),     // 4
		op(scpemu.OpDetach, "v2", "s1", sec),     // 5
		op(scpemu.OpServerDelete, "s1", "", sec), // 6: needs every detach from s1
		op(scpemu.OpVolumeDelete, "v1", "", sec), // 7: needs v1's detach
		op(scpemu.OpVolumeDelete, "v3", "", sec), // 8: never attached
		op(scpemu.OpDetach, "v4", "s2", sec),     // 9: another server, its own group
	}
	jobs := jobsFromOperations(ops)
	want := map[int][]int{2: {1, 0}, 3: {0}, 6: {4, 5}, 7: {4}}
	for i, j := range jobs {
		if fmt.Sprint(j.deps) != fmt.Sprint(want[i]) {
			t.Errorf("job %d (%s %s): deps %v, want %v", i, ops[i].Kind, ops[i].ObjectID, j.deps, want[i])
		}
		wantGroup := ""
		if ops[i].Kind == scpemu.OpAttach || ops[i].Kind == scpemu.OpDetach {
			wantGroup = ops[i].RelatedID
		}
		if j.group != wantGroup {
			t.Errorf("job %d: group %q, want %q", i, j.group, wantGroup)
		}
		if j.duration != ops[i].Latency {
			t.Errorf("job %d: duration %v, want the drawn latency %v", i, j.duration, ops[i].Latency)
		}
	}
}

func TestSimulateEmpty(t *testing.T) {
	if got := simulate(nil, 10); got != 0 {
		t.Errorf("simulate(nil) = %v", got)
	}
}
