package main

import (
	"slices"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// The ideal time of a run is how long its operations would take if every one were noticed the
// instant the emulator finished it and Terraform cost nothing: a list-scheduling simulation of the
// run's dependency graph, with the latencies the emulator actually drew, at most `parallelism`
// operations at once (Terraform's semaphore), and attaches/detaches of one server one at a time
// (the emulator's busy rule). Jobs start in order of their longest remaining path, the usual
// near-optimal list-scheduling priority, so the ideal is a fair best case rather than a bound
// no scheduler could reach.

// job is one operation to schedule.
type job struct {
	kind     scpemu.OpKind
	duration time.Duration
	deps     []int  // indices of jobs that must finish first
	group    string // jobs with the same non-empty group never overlap (one server's attaches/detaches)
}

// jobsFromOperations turns a run's operation log into jobs. The dependencies are the provider's
// resource graph: an attach needs its server and volume created; a server delete needs every
// detach from that server; a volume delete needs the volume's detach.
func jobsFromOperations(ops []scpemu.OperationRecord) []job {
	jobs := make([]job, 0, len(ops))
	created := map[string]int{}      // server or volume id → its create job
	detachesOf := map[string][]int{} // server or volume id → detach jobs involving it
	for _, op := range ops {
		if op.Kind == scpemu.OpDetach {
			detachesOf[op.ObjectID] = append(detachesOf[op.ObjectID], len(jobs))
			detachesOf[op.RelatedID] = append(detachesOf[op.RelatedID], len(jobs))
		}
		if op.Kind == scpemu.OpServerCreate || op.Kind == scpemu.OpVolumeCreate {
			created[op.ObjectID] = len(jobs)
		}
		jobs = append(jobs, job{kind: op.Kind, duration: op.Latency})
	}
	for i, op := range ops {
		j := &jobs[i]
		switch op.Kind {
		case scpemu.OpAttach, scpemu.OpDetach:
			j.group = op.RelatedID
		}
		switch op.Kind {
		case scpemu.OpAttach:
			for _, id := range []string{op.ObjectID, op.RelatedID} {
				if c, ok := created[id]; ok {
					j.deps = append(j.deps, c)
				}
			}
		case scpemu.OpServerDelete, scpemu.OpVolumeDelete:
			j.deps = append(j.deps, detachesOf[op.ObjectID]...)
		}
	}
	return jobs
}

// criticalPath is the longest chain of durations through the dependency graph (serialization and
// parallelism ignored): no schedule can be shorter.
func criticalPath(jobs []job) time.Duration {
	var longest time.Duration
	for _, l := range bottomLevels(jobs) {
		longest = max(longest, l)
	}
	return longest
}

// bottomLevels gives, for each job, its duration plus the longest chain of jobs depending on it.
func bottomLevels(jobs []job) []time.Duration {
	dependents := make([][]int, len(jobs))
	for i, j := range jobs {
		for _, d := range j.deps {
			dependents[d] = append(dependents[d], i)
		}
	}
	level := make([]time.Duration, len(jobs))
	done := make([]bool, len(jobs))
	var visit func(int) time.Duration
	visit = func(i int) time.Duration {
		if done[i] {
			return level[i]
		}
		var tail time.Duration
		for _, d := range dependents[i] {
			tail = max(tail, visit(d))
		}
		level[i], done[i] = jobs[i].duration+tail, true
		return level[i]
	}
	for i := range jobs {
		visit(i)
	}
	return level
}

// simulate returns the makespan of a list schedule of jobs on `parallelism` slots.
func simulate(jobs []job, parallelism int) time.Duration {
	if len(jobs) == 0 {
		return 0
	}
	parallelism = max(parallelism, 1)
	prio := bottomLevels(jobs)
	waiting, dependents, ready := dependencyGraph(jobs)
	type running struct {
		job int
		end time.Duration
	}
	var (
		now      time.Duration
		inFlight []running
		busy     = map[string]bool{}
		finished int
	)
	for finished < len(jobs) {
		// Start the highest-priority ready jobs whose group is free, while slots remain.
		sortByPriority(ready, prio)
		kept := ready[:0]
		for _, i := range ready {
			g := jobs[i].group
			if len(inFlight) < parallelism && (g == "" || !busy[g]) {
				inFlight = append(inFlight, running{i, now + jobs[i].duration})
				if g != "" {
					busy[g] = true
				}
				continue
			}
			kept = append(kept, i)
		}
		ready = kept
		if len(inFlight) == 0 {
			break // unreachable with an acyclic graph; guards against a malformed one
		}
		// Advance to the next completion and release everything that ends then.
		next := inFlight[0].end
		for _, r := range inFlight[1:] {
			next = min(next, r.end)
		}
		now = next
		still := inFlight[:0]
		for _, r := range inFlight {
			if r.end > now {
				still = append(still, r)
				continue
			}
			finished++
			if g := jobs[r.job].group; g != "" {
				busy[g] = false
			}
			for _, d := range dependents[r.job] {
				if waiting[d]--; waiting[d] == 0 {
					ready = append(ready, d)
				}
			}
		}
		inFlight = still
	}
	return now
}

// dependencyGraph returns, per job, how many of its dependencies are unfinished and which jobs
// depend on it, and the jobs ready at the start: those with no dependencies.
func dependencyGraph(jobs []job) (waiting []int, dependents [][]int, ready []int) {
	waiting = make([]int, len(jobs))
	dependents = make([][]int, len(jobs))
	for i, j := range jobs {
		waiting[i] = len(j.deps)
		for _, d := range j.deps {
			dependents[d] = append(dependents[d], i)
		}
	}
	for i := range jobs {
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	return waiting, dependents, ready
}

// sortByPriority orders the ready jobs by falling priority, then by index so that the schedule is
// deterministic.
func sortByPriority(ready []int, prio []time.Duration) {
	slices.SortStableFunc(ready, func(a, b int) int {
		if prio[a] != prio[b] {
			if prio[a] > prio[b] {
				return -1
			}
			return 1
		}
		return a - b
	})
}
