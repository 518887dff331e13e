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

// repeated is one kind of operation, n times, on objects prefix0, prefix1, ...
func repeated(n int, kind scpemu.OpKind, prefix, related string) []scpemu.OperationRecord {
	out := make([]scpemu.OperationRecord, n)
	for i := range out {
		out[i] = op(kind, fmt.Sprintf("%s%d", prefix, i), related, sec)
	}
	return out
}

func TestSimulate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ops   []scpemu.OperationRecord
		slots int
		want  time.Duration
	}{{
		// Detaches (serialized) before the server delete (2 s) and each volume's delete (0.5 s):
		// 1s + 1s detaches, then the 2s server delete.
		name: "destroy of one server", slots: 10, want: 4 * sec,
		ops: []scpemu.OperationRecord{
			op(scpemu.OpDetach, "v1", "s1", sec),
			op(scpemu.OpDetach, "v2", "s1", sec),
			op(scpemu.OpVolumeDelete, "v1", "", sec/2),
			op(scpemu.OpServerDelete, "s1", "", 2*sec),
			op(scpemu.OpVolumeDelete, "v2", "", sec/2),
		},
	}, {
		name: "25 one-second jobs on 10 slots", slots: 10, want: 3 * sec,
		ops: repeated(25, scpemu.OpVolumeCreate, "v", ""),
	}, {
		// Three short volume creates listed before a server create whose attach follows.
		// Critical-path priority starts the server at once: 3s + 1s attach = 4s. Starting in list
		// order would delay the server by a second: 5s.
		name: "longest path first", slots: 2, want: 4 * sec,
		ops: []scpemu.OperationRecord{
			op(scpemu.OpVolumeCreate, "v1", "", sec),
			op(scpemu.OpVolumeCreate, "v2", "", sec),
			op(scpemu.OpVolumeCreate, "v3", "", sec),
			op(scpemu.OpServerCreate, "s1", "", 3*sec),
			op(scpemu.OpAttach, "v1", "s1", sec),
		},
	}, {
		// Four detaches of one server and four independent 1s volume creates. A detach waiting
		// for its server does not hold a slot in the ideal, so the creates fill the other slot:
		// 4s, not 6s.
		name: "serialization frees the slot", slots: 2, want: 4 * sec,
		ops: append(repeated(4, scpemu.OpDetach, "d", "s1"), repeated(4, scpemu.OpVolumeCreate, "n", "")...),
	}, {
		name: "nothing", slots: 10, want: 0,
	}} {
		if got := simulate(jobsFromOperations(tc.ops), tc.slots); got != tc.want {
			t.Errorf("%s: ideal = %v, want %v", tc.name, got, tc.want)
		}
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
