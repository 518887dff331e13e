package main

import (
	"flag"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// benchKinds are the operation kinds a bench run exercises, in the order tables list them.
var benchKinds = []scpemu.OpKind{
	scpemu.OpServerCreate, scpemu.OpVolumeCreate, scpemu.OpAttach,
	scpemu.OpDetach, scpemu.OpServerDelete, scpemu.OpVolumeDelete,
}

// realWorldLatencies are the durations the bench models, before -latency-scale: the order of
// magnitude of a cloud VM build, block-volume create and hot attach. The emulator runs them
// scaled down (-latency-scale) so that N = 100 fits in a few minutes; the fake-clock
// micro-benchmark runs them unscaled.
func realWorldLatencies() map[scpemu.OpKind]scpemu.Latency {
	return map[scpemu.OpKind]scpemu.Latency{
		scpemu.OpServerCreate: {Base: 180 * time.Second, Jitter: 0.25},
		scpemu.OpServerDelete: {Base: 60 * time.Second, Jitter: 0.25},
		scpemu.OpVolumeCreate: {Base: 20 * time.Second, Jitter: 0.2},
		scpemu.OpVolumeDelete: {Base: 15 * time.Second, Jitter: 0.2},
		scpemu.OpAttach:       {Base: 30 * time.Second, Jitter: 0.25},
		scpemu.OpDetach:       {Base: 25 * time.Second, Jitter: 0.25},
	}
}

// defaultLatencyScale runs operations 20× faster than the real world: as fast as possible while
// Terraform's own costs, which no provider can remove, stay small against the operations: ~3 s
// of refresh and plan before a 500-resource destroy's first DELETE, and ~20 ms of hand-over per
// operation. At 0.05 they are ~5 % and ~2 % of the N = 100 destroy's ideal; at 0.025 they are
// twice that, and the ratio measures Terraform more than the provider.
const defaultLatencyScale = 0.05

// config is everything the flags decide.
type config struct {
	ns              []int   // server counts of the timed runs
	parallelism     int     // terraform -parallelism
	chain           bool    // each server's second attachment depends_on its first
	scale           float64 // emulator latency = real-world latency × scale
	latencies       latencyFlag
	seed            uint64
	warmup          int     // N of the untimed warm-up apply+destroy; 0 = none
	rateLimit       float64 // requests/s for the rate-limited run
	rateN           int     // N of the rate-limited run; 0 = none
	ciNs            []int   // server counts of the CI-mode runs; none = skip
	timingsCache    bool    // give the provider SCP_TIMINGS_CACHE in the work dir
	micro           bool
	openstackN      int // servers of the OpenStack run; 0 = none
	openstackSimOps int // fake-clock detaches per duration class of the OpenStack comparison
	microOps        int // operations per kind and schedule
	microWave       int // waits started together
	jsonPath        string
	svgPath         string // the micro-benchmark's chart; empty = the default place (see the flag)
	terraform       string
	providerBin     string // prebuilt provider; empty = go build
	workDir         string // empty = a new temp dir
	keep            bool
	verbose         bool
}

func parseConfig(args []string, stderr io.Writer) (*config, error) {
	c := &config{latencies: latencyFlag(realWorldLatencies())}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := fs.String("n", "1,10,100", "comma-separated server counts; each server has 2 volumes and 2 attachments")
	fs.IntVar(&c.parallelism, "parallelism", 10, "terraform -parallelism")
	fs.BoolVar(&c.chain, "chain", false, "make each server's second attachment depends_on its first (no Terraform slot idles on the per-server lock)")
	fs.Float64Var(&c.scale, "latency-scale", defaultLatencyScale, "emulator latency = real-world latency × this (0.05: a 3 min build takes 9 s)")
	fs.Var(c.latencies, "latency", "real-world latency override kind=duration[:jitter], repeatable (kinds: "+emucli.OpNames(benchKinds)+")")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the emulator's latency draws")
	fs.IntVar(&c.warmup, "warmup", 10, "N of an untimed apply+destroy before the timed runs, as a returning user's timings cache would have seen (0 = none)")
	fs.Float64Var(&c.rateLimit, "rate-limit", 20, "emulator rate limit (requests/s) of the rate-limited run")
	fs.IntVar(&c.rateN, "rate-n", 20, "N of the extra apply+destroy under -rate-limit (0 = skip)")
	ciNs := fs.String("ci-n", "1,10", "server counts of the CI mode: apply, plan, destroy, each a new job with no timings cache and no warm-up (0 = skip)")
	fs.BoolVar(&c.timingsCache, "timings-cache", true, "set SCP_TIMINGS_CACHE to a file in the work dir (false: \"off\")")
	fs.BoolVar(&c.micro, "micro", true, "run the poller micro-benchmark")
	fs.IntVar(&c.microOps, "micro-ops", 30, "micro-benchmark operations per kind and schedule")
	fs.IntVar(&c.microWave, "micro-wave", 10, "micro-benchmark waits started together (like count = 10)")
	fs.IntVar(&c.openstackN, "openstack-n", 5, "servers (2 attachments each) of the OpenStack run: apply, destroy, the common provider's detach loop beside the provider's (0 = skip)")
	fs.IntVar(&c.openstackSimOps, "openstack-sim-ops", 200, "fake-clock detaches per duration class in the OpenStack detach comparison")
	fs.StringVar(&c.jsonPath, "json", "", "also write the figures as JSON to this path")
	fs.StringVar(&c.svgPath, "svg", "", "write the micro-benchmark's chart (SVG) to this path (default: micro.svg in the work directory when it is kept, else "+defaultChartName+" in the temporary directory)")
	fs.StringVar(&c.terraform, "terraform", "", "Terraform CLI (default: terraform on PATH)")
	fs.StringVar(&c.providerBin, "provider", "", "prebuilt provider binary (default: go build into the work dir)")
	fs.StringVar(&c.workDir, "workdir", "", "work directory (default: a new temporary directory)")
	fs.BoolVar(&c.keep, "keep", false, "keep the work directory: Terraform logs and state, the emulator's records of each command, the timings cache")
	fs.BoolVar(&c.verbose, "v", false, "stream Terraform's output")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var err error
	if c.ns, err = parseCounts(*ns); err != nil {
		return nil, fmt.Errorf("-n: %w", err)
	}
	if t := strings.TrimSpace(*ciNs); t != "" && t != "0" {
		if c.ciNs, err = parseCounts(t); err != nil {
			return nil, fmt.Errorf("-ci-n: %w", err)
		}
	}
	switch {
	case c.parallelism < 1:
		return nil, fmt.Errorf("-parallelism must be >= 1")
	case c.scale <= 0:
		return nil, fmt.Errorf("-latency-scale must be > 0")
	case c.warmup < 0 || c.rateN < 0:
		return nil, fmt.Errorf("-warmup and -rate-n must be >= 0")
	case c.rateN > 0 && c.rateLimit <= 0:
		return nil, fmt.Errorf("-rate-limit must be > 0 when -rate-n is set")
	case c.openstackN < 0 || c.openstackSimOps < 1:
		return nil, fmt.Errorf("-openstack-n must be >= 0 and -openstack-sim-ops >= 1")
	case c.microOps < 1 || c.microWave < 1:
		return nil, fmt.Errorf("-micro-ops and -micro-wave must be >= 1")
	}
	if c.terraform == "" {
		if c.terraform, err = exec.LookPath("terraform"); err != nil {
			return nil, fmt.Errorf("no terraform on PATH; pass -terraform")
		}
	}
	if c.seed == 0 {
		c.seed = 1
	}
	return c, nil
}

// emulatorLatencies are the scaled latencies the emulator draws from.
func (c *config) emulatorLatencies() map[scpemu.OpKind]scpemu.Latency {
	out := make(map[scpemu.OpKind]scpemu.Latency, len(c.latencies))
	for k, l := range c.latencies {
		out[k] = scpemu.Latency{Base: time.Duration(float64(l.Base) * c.scale), Jitter: l.Jitter}
	}
	return out
}

func parseCounts(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", part)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no server count given")
	}
	return out, nil
}

// latencyFlag holds -latency kind=duration[:jitter] values (real-world, before the scale).
type latencyFlag map[scpemu.OpKind]scpemu.Latency

func (l latencyFlag) String() string { return emucli.FormatLatencies(l) }

// Set reads the values as the emulators' -latency flag does, with a bench's own kinds; a latency
// of zero is refused, since it would leave nothing to measure.
func (l latencyFlag) Set(s string) error {
	if err := emucli.ParseLatencies(s, benchKinds, l, l); err != nil {
		return err
	}
	for _, k := range benchKinds {
		if l[k].Base <= 0 {
			return fmt.Errorf("%s: bad duration %s (want more than 0)", k, l[k].Base)
		}
	}
	return nil
}
