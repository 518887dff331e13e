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

	workDir := cfg.workDir
	if workDir == "" {
		if workDir, err = os.MkdirTemp("", "scp-bench-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(workDir, 0o755); err != nil {
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

	providerBin := cfg.providerBin
	if providerBin == "" {
		fmt.Fprintln(stdout, "building the provider...")
		if providerBin, err = buildProvider(ctx, filepath.Join(workDir, "bin")); err != nil {
			return err
		}
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
	printHeader(stdout, rep, cfg)

	ciTF, err := newTerraformRunner(cfg, workDir, providerBin, append(connection, "SCP_TIMINGS_CACHE=off"), stdout)
	if err != nil {
		return err
	}
	s := &session{emu: emu, tf: tf, cfg: cfg, ciTF: ciTF}
	progress := func(runs []runReport) {
		for _, r := range runs {
			fmt.Fprintf(stdout, "  %-26s wall %-9s ideal %-9s ratio %.3f  requests %d, 429s %d, errors %d\n",
				r.Name, round(r.Wall), round(r.Ideal), r.Ratio, r.Requests, r.Throttled, r.Errors)
		}
	}

	if cfg.warmup > 0 {
		fmt.Fprintln(stdout, "warm-up (untimed):")
		runs, err := s.applyDestroy(ctx, "warmup", cfg.warmup)
		progress(runs)
		if err != nil {
			return err
		}
		for _, r := range runs {
			if r.Errors > 0 {
				return fmt.Errorf("the warm-up %s failed, nothing would be meaningful: %v", r.Name, r.Problems)
			}
		}
	}

	fmt.Fprintln(stdout, "timed runs:")
	for _, n := range cfg.ns {
		runs, err := s.applyDestroy(ctx, fmt.Sprintf("n%d", n), n)
		progress(runs)
		rep.Runs = append(rep.Runs, runs...)
		if err != nil {
			return err
		}
	}
	if len(cfg.ciNs) > 0 {
		fmt.Fprintln(stdout, "CI mode (each command a new job: no warm-up, no timings cache, only the state):")
		for _, n := range cfg.ciNs {
			runs, err := s.ciRun(ctx, n)
			progress(runs)
			rep.Runs = append(rep.Runs, runs...)
			if err != nil {
				return err
			}
		}
	}
	if cfg.rateN > 0 {
		if err := emu.SetRateLimit(cfg.rateLimit, 0); err != nil {
			return err
		}
		runs, err := s.applyDestroy(ctx, fmt.Sprintf("rate-n%d", cfg.rateN), cfg.rateN)
		for i := range runs {
			runs[i].RateLimit = cfg.rateLimit
			runs[i].Name += fmt.Sprintf(" @%g rps", cfg.rateLimit)
		}
		progress(runs)
		rep.Runs = append(rep.Runs, runs...)
		if err != nil {
			return err
		}
		if err := emu.SetRateLimit(0, 0); err != nil {
			return err
		}
	}

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

	if cfg.timingsCache {
		if fi, err := os.Stat(cachePath); err == nil {
			rep.TimingsCache += fmt.Sprintf(" (written by the provider, %d bytes)", fi.Size())
		} else {
			rep.TimingsCache += " (never written: this provider build keeps no timings across runs)"
		}
	}
	rep.Targets = evaluateTargets(rep.Runs, rep.Micro, rep.MicroSim)
	rep.Total = time.Since(started)

	fmt.Fprintln(stdout)
	printRuns(stdout, rep.Runs)
	printMicro(stdout, fmt.Sprintf("Micro-benchmark on the emulator, real time, emulator latencies (%d per kind, waves of %d; cold = first probe not placed by history)",
		cfg.microOps, cfg.microWave), rep.Micro)
	printMicro(stdout, fmt.Sprintf("Micro-benchmark on a fake clock, real-world latencies plus a 6-10 minute kind (%d per kind in sequence, probe RTT %s)",
		cfg.microOps, probeRTT), rep.MicroSim)
	printOpenStack(stdout, rep.OpenStack)
	printTargets(stdout, rep.Targets)
	fmt.Fprintf(stdout, "\ntimings cache: %s\ntotal bench time: %s\n", rep.TimingsCache, rep.Total.Round(time.Second))
	if keepDir {
		fmt.Fprintf(stdout, "work directory kept: %s\n", workDir)
	}

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
	for _, r := range rep.Runs {
		if r.Errors > 0 {
			return errors.New("some runs had errors (see above)")
		}
	}
	if err := rep.OpenStack.failed(); err != nil {
		return err
	}
	failed = false
	return nil
}
