package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// runReport is one timed terraform command and what the emulator saw during it.
type runReport struct {
	Name      string  `json:"name"`
	Command   string  `json:"command"`
	N         int     `json:"n"`
	RateLimit float64 `json:"rate_limit_rps,omitempty"`
	// CI marks a run of the CI mode: each command a new job with no timings cache, only the state.
	CI bool `json:"ci,omitempty"`

	Wall         time.Duration `json:"-"`
	Ideal        time.Duration `json:"-"`
	CriticalPath time.Duration `json:"-"`
	WallS        float64       `json:"wall_s"`
	IdealS       float64       `json:"ideal_s"`
	CriticalS    float64       `json:"critical_path_s"`
	Ratio        float64       `json:"ratio_to_ideal"`

	// The wall time in three parts, to tell Terraform's fixed cost from the operations' span:
	// command start → first operation accepted (startup, refresh, plan), first accepted → last
	// noticed, last noticed → exit (state, shutdown).
	Pre   time.Duration `json:"-"`
	Span  time.Duration `json:"-"`
	Post  time.Duration `json:"-"`
	PreS  float64       `json:"pre_s"`
	SpanS float64       `json:"span_s"`
	PostS float64       `json:"post_s"`

	trafficCounts
	Operations int `json:"operations"`
	ExitCode   int `json:"exit_code"`
	FailedOps  int `json:"failed_operations"`
	// Problems lists everything counted in Errors: a non-zero exit, failed operations, objects left
	// behind or missing, a resource count other than expected.
	Problems []string      `json:"problems,omitempty"`
	Errors   int           `json:"errors"`
	Kinds    []kindSummary `json:"kinds"`
	LogPath  string        `json:"log_path"`

	metrics []opMetric
}

// session is the emulator and the Terraform runner shared by every run.
type session struct {
	emu *scpemu.Emulator
	tf  *terraformRunner
	cfg *config
	// ciTF runs Terraform as a CI job does: the provider has no timings cache.
	ciTF *terraformRunner
}

// measure runs one terraform command and extracts its figures from the emulator's logs, using
// only the records the command produced.
func (s *session) measure(ctx context.Context, dir, command string, n int) runReport {
	opsBefore, reqsBefore := len(s.emu.Operations()), len(s.emu.Requests())
	res := s.tf.run(ctx, dir, command)
	// Every wait ends before terraform exits; anything still pending is a failure counted below.
	ops := s.emu.Operations()[opsBefore:]
	reqs := s.emu.Requests()[reqsBefore:]

	// Always kept while the bench runs: the work directory outlives it when asked or on failure.
	s.dumpLogs(dir, command, ops, reqs)

	r := newRunReport(res, command, n, ops, scpLog(reqs), s.cfg.parallelism)
	r.Name = fmt.Sprintf("%s N=%d", command, n)
	wantChanged := 5 * n // a server, two volumes, two attachments each
	if command == "plan" {
		wantChanged = 0 // a plan right after the apply must show no changes
	}
	if res.ExitCode == 0 && res.Changed != wantChanged {
		r.Problems = append(r.Problems, fmt.Sprintf("terraform reported %d resources, want %d", res.Changed, wantChanged))
	}
	r.Problems = append(r.Problems, s.checkObjects(command, n)...)
	r.finish()
	return r
}

// newRunReport holds the figures every timed command has, on either emulator, with the problems
// of its exit and of its operations.
func newRunReport(res commandResult, command string, n int, ops []scpemu.OperationRecord, log requestLog, parallelism int) runReport {
	r := runReport{
		Command: command, N: n, Wall: res.Wall, ExitCode: res.ExitCode, LogPath: res.LogPath,
		trafficCounts: countTraffic(log), Operations: len(ops), FailedOps: failedOps(ops),
	}
	jobs := jobsFromOperations(ops)
	r.Ideal, r.CriticalPath = simulate(jobs, parallelism), criticalPath(jobs)
	r.metrics = measureOps(ops, log)
	r.Kinds = summarize(r.metrics)
	if first, last, ok := opsWindow(ops, r.metrics); ok {
		r.Pre, r.Span, r.Post = first.Sub(res.Start), last.Sub(first), res.Start.Add(res.Wall).Sub(last)
	}
	if res.ExitCode != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("terraform %s exited %d; log %s:\n%s", command, res.ExitCode, res.LogPath, res.Tail))
	}
	if r.FailedOps > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d operations did not succeed", r.FailedOps))
	}
	return r
}

// dumpLogs keeps the emulator's records of one command next to its Terraform log, for digging
// into a result after the fact.
func (s *session) dumpLogs(dir, command string, ops []scpemu.OperationRecord, reqs []scpemu.RequestRecord) {
	for name, v := range map[string]any{"operations": ops, "requests": reqs} {
		if raw, err := json.Marshal(v); err == nil {
			_ = os.WriteFile(filepath.Join(dir, command+"-"+name+".json"), raw, 0o644)
		}
	}
}

// checkObjects verifies the emulator holds exactly what the command should have left: after
// apply, n servers and 3n volumes (boot + 2 data) with 2n data attachments; after destroy, nothing.
func (s *session) checkObjects(command string, n int) []string {
	servers, volumes := s.emu.Servers(), s.emu.Volumes()
	wantServers, wantVolumes := n, 3*n
	if command == "destroy" {
		wantServers, wantVolumes = 0, 0
	}
	var problems []string
	if len(servers) != wantServers || len(volumes) != wantVolumes {
		problems = append(problems, fmt.Sprintf("emulator holds %d servers and %d volumes after %s, want %d and %d",
			len(servers), len(volumes), command, wantServers, wantVolumes))
	}
	if command == "apply" {
		for _, srv := range servers {
			attached := 0
			for _, a := range srv.Volumes {
				if a.State == "attached" {
					attached++
				}
			}
			if attached != 3 {
				problems = append(problems, fmt.Sprintf("server %s has %d attached volumes, want 3 (boot + 2)", srv.ID, attached))
				break
			}
		}
	}
	return problems
}

// opsWindow is when the first operation was accepted and the last one noticed.
func opsWindow(ops []scpemu.OperationRecord, metrics []opMetric) (first, last time.Time, ok bool) {
	for i, op := range ops {
		if first.IsZero() || op.AcceptedAt.Before(first) {
			first = op.AcceptedAt
		}
		if m := metrics[i]; m.Noticed {
			if seen := op.FinishedAt.Add(m.Overshoot); seen.After(last) {
				last = seen
			}
		}
	}
	return first, last, !first.IsZero() && !last.IsZero()
}

func (r *runReport) finish() {
	r.Errors = len(r.Problems)
	r.WallS, r.IdealS, r.CriticalS = r.Wall.Seconds(), r.Ideal.Seconds(), r.CriticalPath.Seconds()
	r.PreS, r.SpanS, r.PostS = r.Pre.Seconds(), r.Span.Seconds(), r.Post.Seconds()
	if r.Ideal > 0 {
		r.Ratio = float64(r.Wall) / float64(r.Ideal)
	}
}

// applyDestroy runs apply then destroy of n servers in a directory of their own; destroy runs even
// after a failed apply, to clean up.
func (s *session) applyDestroy(ctx context.Context, name string, n int) ([]runReport, error) {
	dir, err := s.tf.prepare(name, n)
	if err != nil {
		return nil, err
	}
	apply := s.measure(ctx, dir, "apply", n)
	if ctx.Err() != nil {
		return []runReport{apply}, ctx.Err()
	}
	destroy := s.measure(ctx, dir, "destroy", n)
	return []runReport{apply, destroy}, ctx.Err()
}

// ciRun runs n servers as a CI pipeline does: apply in one job, a plan in the next, the destroy in
// a third. Each command is a new provider process with no timings cache and no warm-up: only the
// Terraform state passes from one to the next.
func (s *session) ciRun(ctx context.Context, n int) ([]runReport, error) {
	ci := &session{emu: s.emu, tf: s.ciTF, cfg: s.cfg}
	dir, err := ci.tf.prepare(fmt.Sprintf("ci-n%d", n), n)
	if err != nil {
		return nil, err
	}
	var runs []runReport
	for _, command := range []string{"apply", "plan", "destroy"} {
		r := ci.measure(ctx, dir, command, n)
		r.CI, r.Name = true, "ci "+r.Name
		runs = append(runs, r)
		if ctx.Err() != nil {
			return runs, ctx.Err()
		}
	}
	return runs, nil
}
