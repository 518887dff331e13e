// Command bench measures the provider with the real Terraform CLI against the in-process SCP
// emulator (`make bench`):
//
//	go run ./internal/cmd/bench -n 1,10,100 -json bench.json
//
// For each N it times `terraform apply` and `terraform destroy` of N servers with two volumes and
// two attachments each, and compares the wall time with the ideal: the emulator's own latencies,
// list-scheduled on Terraform's parallelism. From the emulator's logs it reports, per operation
// kind, how late the provider noticed each operation's end (overshoot) and how many reads it
// took. A run under a 20 req/s rate limit checks that throttling fails nothing, and a
// micro-benchmark compares the provider's learning poller with fixed schedules, without Terraform,
// and draws the comparison as an SVG chart (-svg). An OpenStack run (-openstack-n) destroys N
// servers with attachments on the emulator's OpenStack personality, beside the detach loop of
// terraform-provider-openstack, on the emulator and on a fake clock. See `-h` for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	started := time.Now()

	workDir, err := prepareWorkDir(cfg.workDir)
	if err != nil {
		return err
	}
	// A temporary work directory goes away unless asked to keep it or something failed: then the
	// Terraform logs and the emulator's records in it are the evidence.
	keepDir := cfg.keep || cfg.workDir != ""
	failed := true
	defer func() {
		if !keepDir && !failed {
			os.RemoveAll(workDir)
		} else if failed {
			fmt.Fprintf(stderr, "bench: work directory kept for inspection: %s\n", workDir)
		}
	}()

	emu := scpemu.New(scpemu.Config{Latencies: cfg.emulatorLatencies(), Seed: cfg.seed})
	if err := emu.Start(); err != nil {
		return err
	}
	defer emu.Close()

	providerBin, err := providerBinary(ctx, cfg, workDir, stdout)
	if err != nil {
		return err
	}
	cachePath := "off"
	if cfg.timingsCache {
		cachePath = filepath.Join(workDir, "timings-cache.json")
	}
	cred := emu.Credentials()
	connection := []string{"SCP_ENDPOINT=" + emu.URL(), "SCP_ACCESS_KEY=" + cred.AccessKey, "SCP_SECRET_KEY=" + cred.SecretKey}
	providerEnv := append(slices.Clone(connection), "SCP_TIMINGS_CACHE="+cachePath)
	tf, err := newTerraformRunner(cfg, workDir, providerBin, providerEnv, stdout)
	if err != nil {
		return err
	}

	rep := newReport(ctx, cfg, tf, started, cachePath)
	printHeader(stdout, rep, cfg)

	ciTF, err := newTerraformRunner(cfg, workDir, providerBin, append(connection, "SCP_TIMINGS_CACHE=off"), stdout)
	if err != nil {
		return err
	}
	s := &session{emu: emu, tf: tf, cfg: cfg, ciTF: ciTF}
	if err := s.runTerraform(ctx, rep, stdout); err != nil {
		return err
	}
	if err := runSideBenchmarks(ctx, cfg, emu, workDir, providerBin, rep, stdout); err != nil {
		return err
	}

	noteTimingsCache(rep, cfg, cachePath)
	rep.Targets = evaluateTargets(rep.Runs, rep.Micro, rep.MicroSim)
	rep.Total = time.Since(started)

	printSummary(stdout, rep, cfg)
	if keepDir {
		fmt.Fprintf(stdout, "work directory kept: %s\n", workDir)
	}
	if err := writeOutputs(rep, cfg, keepDir, workDir, stdout); err != nil {
		return err
	}
	if err := runsFailed(rep); err != nil {
		return err
	}
	failed = false
	return nil
}

// prepareWorkDir creates the work directory asked for, or a temporary one when none is.
func prepareWorkDir(asked string) (string, error) {
	if asked == "" {
		return os.MkdirTemp("", "scp-bench-")
	}
	return asked, os.MkdirAll(asked, 0o755)
}

// providerBinary is the provider given with -provider, or one built into the work directory.
func providerBinary(ctx context.Context, cfg *config, workDir string, stdout io.Writer) (string, error) {
	if cfg.providerBin != "" {
		return cfg.providerBin, nil
	}
	fmt.Fprintln(stdout, "building the provider...")
	return buildProvider(ctx, filepath.Join(workDir, "bin"))
}

// newReport starts the report with the setting of the bench, before any run.
func newReport(ctx context.Context, cfg *config, tf *terraformRunner, started time.Time, cachePath string) *report {
	rep := &report{
		StartedAt: started, Terraform: tf.version(ctx), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		Parallelism: cfg.parallelism, Chained: cfg.chain, LatencyScale: cfg.scale, Latencies: latencyReport(cfg),
		TimingsCache: "SCP_TIMINGS_CACHE=" + cachePath, Warmup: "none",
	}
	if cfg.warmup > 0 {
		// A returning user's provider starts with the timings its cache kept from earlier runs, so
		// the timed runs start from the same place; with the cache off this only warms the disk caches.
		rep.Warmup = fmt.Sprintf("N=%d apply+destroy, untimed, before the timed runs (what a returning user's timings cache has seen)", cfg.warmup)
	}
	return rep
}

// printProgress prints one line per run as the runs end.
func printProgress(stdout io.Writer, runs []runReport) {
	for _, r := range runs {
		fmt.Fprintf(stdout, "  %-26s wall %-9s ideal %-9s ratio %.3f  requests %d, 429s %d, errors %d\n",
			r.Name, round(r.Wall), round(r.Ideal), r.Ratio, r.Requests, r.Throttled, r.Errors)
	}
}

// runTerraform runs the Terraform benchmarks in order: the warm-up, the timed runs, the CI mode and
// the rate-limited run, adding all but the warm-up to the report.
func (s *session) runTerraform(ctx context.Context, rep *report, stdout io.Writer) error {
	if err := s.warmUp(ctx, stdout); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "timed runs:")
	for _, n := range s.cfg.ns {
		runs, err := s.applyDestroy(ctx, fmt.Sprintf("n%d", n), n)
		printProgress(stdout, runs)
		rep.Runs = append(rep.Runs, runs...)
		if err != nil {
			return err
		}
	}
	if len(s.cfg.ciNs) > 0 {
		fmt.Fprintln(stdout, "CI mode (each command a new job: no warm-up, no timings cache, only the state):")
		for _, n := range s.cfg.ciNs {
			runs, err := s.ciRun(ctx, n)
			printProgress(stdout, runs)
			rep.Runs = append(rep.Runs, runs...)
			if err != nil {
				return err
			}
		}
	}
	return s.rateLimited(ctx, rep, stdout)
}

// warmUp runs the untimed warm-up, if asked for; a failed warm-up makes every later figure moot.
func (s *session) warmUp(ctx context.Context, stdout io.Writer) error {
	if s.cfg.warmup <= 0 {
		return nil
	}
	fmt.Fprintln(stdout, "warm-up (untimed):")
	runs, err := s.applyDestroy(ctx, "warmup", s.cfg.warmup)
	printProgress(stdout, runs)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Errors > 0 {
			return fmt.Errorf("the warm-up %s failed, nothing would be meaningful: %v", r.Name, r.Problems)
		}
	}
	return nil
}

// rateLimited runs apply and destroy under the emulator's rate limit, if asked for, and lifts the
// limit afterwards.
func (s *session) rateLimited(ctx context.Context, rep *report, stdout io.Writer) error {
	if s.cfg.rateN <= 0 {
		return nil
	}
	if err := s.emu.SetRateLimit(s.cfg.rateLimit, 0); err != nil {
		return err
	}
	runs, err := s.applyDestroy(ctx, fmt.Sprintf("rate-n%d", s.cfg.rateN), s.cfg.rateN)
	for i := range runs {
		runs[i].RateLimit = s.cfg.rateLimit
		runs[i].Name += fmt.Sprintf(" @%g rps", s.cfg.rateLimit)
	}
	printProgress(stdout, runs)
	rep.Runs = append(rep.Runs, runs...)
	if err != nil {
		return err
	}
	return s.emu.SetRateLimit(0, 0)
}

// runSideBenchmarks runs what needs no Terraform on the SCP emulator: the micro-benchmark of the
// poller and the OpenStack run, each if asked for.
func runSideBenchmarks(ctx context.Context, cfg *config, emu *scpemu.Emulator, workDir, providerBin string, rep *report, stdout io.Writer) error {
	var err error
	if cfg.micro {
		fmt.Fprintf(stdout, "micro-benchmark: %d operations per kind and schedule, waves of %d, on the emulator...\n", cfg.microOps, cfg.microWave)
		if rep.Micro, err = runMicroEmulator(ctx, emu, cfg.microOps, cfg.microWave); err != nil {
			return fmt.Errorf("micro-benchmark: %w", err)
		}
		rep.MicroSim = runMicroSim(cfg.latencies, cfg.microOps, cfg.seed)
	}
	if cfg.openstackN > 0 {
		fmt.Fprintf(stdout, "OpenStack personality, N=%d:\n", cfg.openstackN)
		if rep.OpenStack, err = runOpenStack(ctx, cfg, workDir, providerBin, stdout); err != nil {
			return fmt.Errorf("OpenStack run: %w", err)
		}
	}
	return nil
}

// noteTimingsCache records whether the provider wrote its timings cache: a build that keeps no
// timings leaves none.
func noteTimingsCache(rep *report, cfg *config, cachePath string) {
	if !cfg.timingsCache {
		return
	}
	if fi, err := os.Stat(cachePath); err == nil {
		rep.TimingsCache += fmt.Sprintf(" (written by the provider, %d bytes)", fi.Size())
	} else {
		rep.TimingsCache += " (never written: this provider build keeps no timings across runs)"
	}
}

// printSummary prints the tables of the report after all runs.
func printSummary(stdout io.Writer, rep *report, cfg *config) {
	fmt.Fprintln(stdout)
	printRuns(stdout, rep.Runs)
	printMicro(stdout, fmt.Sprintf("Micro-benchmark on the emulator, real time, emulator latencies (%d per kind, waves of %d; cold = first probe not placed by history)",
		cfg.microOps, cfg.microWave), rep.Micro)
	printMicro(stdout, fmt.Sprintf("Micro-benchmark on a fake clock, real-world latencies plus a 6-10 minute kind (%d per kind in sequence, probe RTT %s)",
		cfg.microOps, probeRTT), rep.MicroSim)
	printOpenStack(stdout, rep.OpenStack)
	printTargets(stdout, rep.Targets)
	fmt.Fprintf(stdout, "\ntimings cache: %s\ntotal bench time: %s\n", rep.TimingsCache, rep.Total.Round(time.Second))
}

// writeOutputs writes the chart of the micro-benchmark and the -json report, when there are any.
func writeOutputs(rep *report, cfg *config, keepDir bool, workDir string, stdout io.Writer) error {
	if cfg.micro {
		path := cfg.svgPath
		switch {
		case path != "":
		case keepDir:
			path = filepath.Join(workDir, "micro.svg")
		default: // the work directory goes away
			path = filepath.Join(os.TempDir(), defaultChartName)
		}
		if err := writeChart(path, rep, cfg); err != nil {
			return fmt.Errorf("writing the chart: %w", err)
		}
		fmt.Fprintf(stdout, "chart of the micro-benchmark: %s\n", path)
	}
	if cfg.jsonPath != "" {
		if err := writeJSON(cfg.jsonPath, rep); err != nil {
			return fmt.Errorf("writing -json: %w", err)
		}
	}
	return nil
}

// runsFailed is the error of the bench when any run, here or on OpenStack, failed.
func runsFailed(rep *report) error {
	for _, r := range rep.Runs {
		if r.Errors > 0 {
			return errors.New("some runs had errors (see above)")
		}
	}
	return rep.OpenStack.failed()
}
