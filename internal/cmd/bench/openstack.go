package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/provider"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

// The OpenStack run: the same N servers with two attachments each, on the emulator's OpenStack
// personality (Keystone v3, Nova, Cinder v3), destroyed by the provider through Terraform, next
// to the detach loop of the provider most OpenStack users run (terraform-provider-openstack's
// openstack_compute_volume_attach_v2 Delete, see commonDetach) on the same emulator, and both on
// a fake clock for real-world detach durations, including detaches longer than the ~190 s after
// which that loop gives up.

// Common-provider model (spec/OPENSTACK.md): a StateChangeConf polling 3 s growing to 10 s;
// every poll GETs the attachment and, while it still exists, sends the DELETE again (a 400
// "still detaching" counts as pending); after 20 pending polls it fails with "couldn't find
// resource (21 retries)", whatever the delete timeout.
const (
	commonFirstDelay  = 3 * time.Second
	commonMaxDelay    = 10 * time.Second
	commonMaxPending  = 20
	providerDetachCap = 10 * time.Minute // the provider's default detach timeout
)

// commonDelay is the common provider's pause before poll number polls+1: 3 s, doubling, at most
// 10 s (3, 6, 10, 10, ...: 189 s over 20 polls).
func commonDelay(polls int) time.Duration {
	d := commonFirstDelay
	for i := 0; i < polls && d < commonMaxDelay; i++ {
		d *= 2
	}
	return min(d, commonMaxDelay)
}

// detachSample is one detach as one strategy did it.
type detachSample struct {
	Requests  int // the DELETEs and the reads of the wait
	Deletes   int
	Overshoot time.Duration
	GaveUp    bool
}

// detachRow aggregates the detaches of one strategy in one setting.
type detachRow struct {
	Setting   string  `json:"setting"`
	Strategy  string  `json:"strategy"`
	Detaches  int     `json:"detaches"`
	GaveUp    int     `json:"gave_up"`
	ReqMedian float64 `json:"requests_per_detach_median"`
	ReqMax    int     `json:"requests_per_detach_max"`
	DelMedian float64 `json:"deletes_per_detach_median"`
	DelMax    int     `json:"deletes_per_detach_max"`

	OvershootMedian   time.Duration `json:"-"`
	OvershootP95      time.Duration `json:"-"`
	OvershootMedianMS float64       `json:"overshoot_median_ms"`
	OvershootP95MS    float64       `json:"overshoot_p95_ms"`
}

func newDetachRow(setting, strategy string, samples []detachSample) detachRow {
	r := detachRow{Setting: setting, Strategy: strategy, Detaches: len(samples)}
	var reqs, dels []int
	var overs []time.Duration
	for _, s := range samples {
		reqs, dels = append(reqs, s.Requests), append(dels, s.Deletes)
		if s.GaveUp {
			r.GaveUp++
			continue
		}
		overs = append(overs, s.Overshoot)
	}
	r.ReqMedian, r.ReqMax = quantileInt(reqs, 0.5), maxInt(reqs)
	r.DelMedian, r.DelMax = quantileInt(dels, 0.5), maxInt(dels)
	r.OvershootMedian, r.OvershootP95 = quantileDur(overs, 0.5), quantileDur(overs, 0.95)
	r.OvershootMedianMS, r.OvershootP95MS = ms(r.OvershootMedian), ms(r.OvershootP95)
	return r
}

// openstackReport is the OpenStack part of the bench.
type openstackReport struct {
	N         int         `json:"n"`
	Runs      []runReport `json:"runs"`
	Detaches  []detachRow `json:"detaches"`
	SimOps    int         `json:"fake_clock_detaches_per_class"`
	Problems  []string    `json:"problems,omitempty"`
	Requests  int         `json:"requests"`
	Deprecate int         `json:"deprecated_cinder_actions"`
}

// osSession is the OpenStack emulator and a Terraform runner pointed at it.
type osSession struct {
	emu *osemu.Emulator
	tf  *terraformRunner
	cfg *config
}

// runOpenStack runs the OpenStack part: apply and destroy of n servers (the destroy teaches the
// provider's timings cache the detach), apply again, the common provider's detach loop on every
// data attachment, apply again (Terraform re-attaches what it finds detached), then the measured
// destroy; and the fake-clock comparison.
func runOpenStack(ctx context.Context, cfg *config, workDir, providerBin string, stdout io.Writer) (*openstackReport, error) {
	n := cfg.openstackN
	emu := osemu.New(osemu.Config{Latencies: cfg.emulatorLatencies(), Seed: cfg.seed})
	if err := emu.Start(); err != nil {
		return nil, err
	}
	defer emu.Close()

	tf, err := openstackTerraform(cfg, emu, workDir, providerBin, stdout)
	if err != nil {
		return nil, err
	}

	s := &osSession{emu: emu, tf: tf, cfg: cfg}
	rep := &openstackReport{N: n, SimOps: cfg.openstackSimOps}
	if len(cfg.ciNs) > 0 {
		if err := s.ciRun(ctx, n, workDir, rep, stdout); err != nil || len(rep.Problems) > 0 {
			return rep, err
		}
	}
	dir, err := writeOpenStackConfig(cfg, workDir, n)
	if err != nil {
		return nil, err
	}

	var baseline []detachSample
	steps := []struct {
		name, command string
		before        func() error
	}{
		{"apply", "apply", nil},
		{"destroy (cold)", "destroy", nil},
		{"apply (again)", "apply", nil},
		{"re-attach apply", "apply", func() error {
			var err error
			baseline, err = s.commonDetachAll(ctx)
			return err
		}},
		{"destroy", "destroy", nil},
	}
	var destroyReqs []osemu.RequestRecord
	var destroyOps []osemu.OperationRecord
	for _, st := range steps {
		if st.before != nil {
			if err := st.before(); err != nil {
				return rep, fmt.Errorf("the common provider's detach loop: %w", err)
			}
		}
		r, ops, reqs := s.measure(ctx, dir, st.command, n)
		r.Name = fmt.Sprintf("openstack %s N=%d", st.name, n)
		fmt.Fprintf(stdout, "  %-34s wall %-9s ideal %-9s ratio %.3f  requests %d, errors %d\n", r.Name, round(r.Wall), round(r.Ideal), r.Ratio, r.Requests, r.Errors)
		rep.Runs = append(rep.Runs, r)
		if r.Errors > 0 {
			rep.Problems = append(rep.Problems, r.Problems...)
			return rep, nil
		}
		destroyOps, destroyReqs = ops, reqs
	}
	rep.Requests = len(emu.Requests())
	if uses := emu.DeprecatedActionUses(); len(uses) > 0 {
		rep.Deprecate = len(uses)
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d calls of a deprecated Cinder action", len(uses)))
	}

	compareDetaches(rep, cfg, providerDetaches(destroyOps, destroyReqs), baseline)
	return rep, nil
}

// openstackTerraform is the Terraform runner of the OpenStack run: it reaches the OpenStack
// emulator and nothing else, with a timings cache of its own.
func openstackTerraform(cfg *config, emu *osemu.Emulator, workDir, providerBin string, stdout io.Writer) (*terraformRunner, error) {
	cachePath := "off"
	if cfg.timingsCache {
		cachePath = filepath.Join(workDir, "openstack-timings-cache.json")
	}
	tf, err := newTerraformRunner(cfg, workDir, providerBin, nil, stdout)
	if err != nil {
		return nil, err
	}
	// Nothing of the user's OpenStack environment (OS_CLOUD, OS_PASSWORD...) may reach the provider.
	tf.env = slices.DeleteFunc(tf.env, func(kv string) bool { return strings.HasPrefix(kv, "OS_") })
	for k, v := range emu.Env() {
		tf.env = append(tf.env, k+"="+v)
	}
	tf.env = append(tf.env, "SCP_TIMINGS_CACHE="+cachePath)
	return tf, nil
}

// writeOpenStackConfig writes the configuration of n servers on OpenStack into a directory of its
// own and returns the directory.
func writeOpenStackConfig(cfg *config, workDir string, n int) (string, error) {
	dir := filepath.Join(workDir, fmt.Sprintf("openstack-n%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	hcl, err := openstackHCL(configHCL("os", n, cfg.chain))
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o644)
}

// compareDetaches adds the detach rows, this provider's and the common provider's loop on the
// emulator and both on a fake clock, and counts as a problem any of this provider's rows that gave
// up or repeated a DELETE.
func compareDetaches(rep *openstackReport, cfg *config, ours, baseline []detachSample) {
	n := rep.N
	setting := fmt.Sprintf("emulator, %d detaches of ~%s", 2*n, round(cfg.emulatorLatencies()[scpemu.OpDetach].Base))
	rep.Detaches = append(rep.Detaches,
		newDetachRow(setting, "this provider (terraform destroy)", ours),
		newDetachRow(setting, "common provider's loop", baseline))
	rep.Detaches = append(rep.Detaches, simulateDetaches(cfg.latencies[scpemu.OpDetach], cfg.openstackSimOps, cfg.seed)...)
	for _, row := range rep.Detaches {
		if strings.HasPrefix(row.Strategy, "this provider") && (row.GaveUp > 0 || row.DelMax != 1) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s, %s: %d gave up, up to %d DELETEs per detach (want 0 and 1)", row.Setting, row.Strategy, row.GaveUp, row.DelMax))
		}
	}
}

// ciRun is the CI mode on OpenStack: apply, plan and destroy of n servers, each a new job with no
// timings cache, in a directory of their own, before the other OpenStack runs.
func (s *osSession) ciRun(ctx context.Context, n int, workDir string, rep *openstackReport, stdout io.Writer) error {
	dir := filepath.Join(workDir, fmt.Sprintf("openstack-ci-n%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	hcl, err := openstackHCL(configHCL("osci", n, s.cfg.chain))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o644); err != nil {
		return err
	}
	ci := *s.tf
	ci.env = append(slices.DeleteFunc(slices.Clone(s.tf.env), func(kv string) bool { return strings.HasPrefix(kv, "SCP_TIMINGS_CACHE=") }),
		"SCP_TIMINGS_CACHE=off")
	cs := &osSession{emu: s.emu, tf: &ci, cfg: s.cfg}
	for _, command := range []string{"apply", "plan", "destroy"} {
		r, _, _ := cs.measure(ctx, dir, command, n)
		r.CI, r.Name = true, fmt.Sprintf("openstack ci %s N=%d", command, n)
		fmt.Fprintf(stdout, "  %-34s wall %-9s ideal %-9s ratio %.3f  requests %d, errors %d\n", r.Name, round(r.Wall), round(r.Ideal), r.Ratio, r.Requests, r.Errors)
		rep.Runs = append(rep.Runs, r)
		if r.Errors > 0 {
			rep.Problems = append(rep.Problems, r.Problems...)
			return nil
		}
	}
	return ctx.Err()
}

// openstackHCL turns the SCP configuration of the timed runs into the same graph on OpenStack.
func openstackHCL(scpHCL string) (string, error) {
	out := scpHCL
	for _, r := range [][2]string{
		{"provider \"scp\" {}", "provider \"scp\" {\n  openstack {}\n}"},
		{"\"ubuntu-22.04\"", "\"5b0a8d4e-6c1f-4e2a-9d3b-7f8e9a0b1c2d\""}, // a Glance image id
		{"\"s1v2m4\"", "\"2\""}, // a Nova flavor id (the emulator's m1.small)
		{"\"bench-subnet\"", "\"8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f\""}, // a Neutron network id
	} {
		if !strings.Contains(out, r[0]) {
			return "", fmt.Errorf("the bench configuration has no %s to replace for OpenStack", r[0])
		}
		out = strings.ReplaceAll(out, r[0], r[1])
	}
	return out, nil
}

// measure runs one terraform command and reads its figures from the emulator's logs.
func (s *osSession) measure(ctx context.Context, dir, command string, n int) (runReport, []osemu.OperationRecord, []osemu.RequestRecord) {
	opsBefore, reqsBefore := len(s.emu.Operations()), len(s.emu.Requests())
	res := s.tf.run(ctx, dir, command)
	ops := s.emu.Operations()[opsBefore:]
	reqs := s.emu.Requests()[reqsBefore:]
	r := newRunReport(res, command, n, ops, osLog{reqs: reqs}, s.cfg.parallelism)
	want := 5 * n
	switch {
	case command == "plan":
		want = 0 // a plan right after an apply shows no changes
	case command == "apply" && len(ops) < 3*n: // the re-attach apply makes only the 2n attachments
		want = 2 * n
	}
	if res.ExitCode == 0 && res.Changed != want {
		r.Problems = append(r.Problems, fmt.Sprintf("terraform reported %d resources, want %d", res.Changed, want))
	}
	servers, volumes := len(s.emu.Servers()), len(s.emu.Volumes())
	if command == "destroy" && (servers != 0 || volumes != 0) {
		r.Problems = append(r.Problems, fmt.Sprintf("%d servers and %d volumes left after destroy", servers, volumes))
	}
	if command != "destroy" && (servers != n || volumes != 3*n) {
		r.Problems = append(r.Problems, fmt.Sprintf("%d servers and %d volumes after apply, want %d and %d", servers, volumes, n, 3*n))
	}
	r.finish()
	return r, ops, reqs
}

// detachSamples measures the detach operations of a log: the DELETEs sent for each, the reads
// that polled it (attachment GETs or volume GETs, as attachmentPolls says) and the overshoot.
// An unnoticed detach, or one whose DELETEs ended in an error, gave up.
func detachSamples(ops []osemu.OperationRecord, reqs []osemu.RequestRecord, attachmentPolls bool, gaveUp map[string]bool) []detachSample {
	var detachOps []osemu.OperationRecord
	for _, op := range ops {
		if op.Kind == osemu.OpDetach {
			detachOps = append(detachOps, op)
		}
	}
	metrics := measureOps(detachOps, osLog{reqs, attachmentPolls})
	deletes := map[string]int{}
	for _, r := range reqs {
		if r.Op == osemu.RouteAttachmentDelete {
			deletes[r.ServerID+"/"+r.VolumeID]++
		}
	}
	var out []detachSample
	for i, op := range detachOps {
		m := metrics[i]
		d := deletes[op.RelatedID+"/"+op.ObjectID]
		s := detachSample{Deletes: d, Requests: d + m.Probes, Overshoot: m.Overshoot}
		s.GaveUp = !m.Noticed || m.Outcome != scpemu.OutcomeSucceeded || gaveUp[op.RelatedID+"/"+op.ObjectID]
		out = append(out, s)
	}
	return out
}

func providerDetaches(ops []osemu.OperationRecord, reqs []osemu.RequestRecord) []detachSample {
	return detachSamples(ops, reqs, false, nil)
}

// commonDetachAll detaches every data volume of every server with the common provider's loop,
// at most -parallelism at once (Terraform's semaphore), and measures them from the logs.
func (s *osSession) commonDetachAll(ctx context.Context) ([]detachSample, error) {
	pc, err := gcos.AuthenticatedClient(ctx, s.emu.AuthOptions(s.emu.AuthURL()))
	if err != nil {
		return nil, err
	}
	compute, err := gcos.NewComputeV2(pc, gophercloud.EndpointOpts{Region: s.emu.Config().Region})
	if err != nil {
		return nil, err
	}
	compute.Microversion = "2.79"
	type pair struct{ server, volume string }
	var pairs []pair
	for _, srv := range s.emu.Servers() {
		for _, a := range srv.Attachments {
			if !a.Boot {
				pairs = append(pairs, pair{srv.ID, a.VolumeID})
			}
		}
	}
	opsBefore, reqsBefore := len(s.emu.Operations()), len(s.emu.Requests())
	var (
		mu     sync.Mutex
		gaveUp = map[string]bool{}
		errs   []error
		wg     sync.WaitGroup
		sem    = make(chan struct{}, s.cfg.parallelism)
	)
	for _, p := range pairs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ok, err := commonDetach(ctx, compute, p.server, p.volume, wait.RealClock())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if !ok {
				gaveUp[p.server+"/"+p.volume] = true
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if err := s.emu.WaitIdle(ctx); err != nil {
		return nil, err
	}
	return detachSamples(s.emu.Operations()[opsBefore:], s.emu.Requests()[reqsBefore:], true, gaveUp), nil
}

// commonDetach is terraform-provider-openstack's detach: one DELETE, then a StateChangeConf whose
// every pending poll GETs the attachment and sends the DELETE again. It reports whether the
// detach was seen done before the loop gave up; an error is only for answers that loop would
// have failed on at once (neither 2xx, 400 nor 404).
func commonDetach(ctx context.Context, compute *gophercloud.ServiceClient, serverID, volumeID string, clk wait.Clock) (bool, error) {
	del := func() error {
		err := volumeattach.Delete(ctx, compute, serverID, volumeID).ExtractErr()
		if err == nil || gophercloud.ResponseCodeIs(err, http.StatusBadRequest) || gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return nil
		}
		return err
	}
	if err := del(); err != nil {
		return false, err
	}
	for pending := 0; pending < commonMaxPending; pending++ {
		t := clk.NewTimer(commonDelay(pending))
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C():
		}
		_, err := volumeattach.Get(ctx, compute, serverID, volumeID).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if err := del(); err != nil {
			return false, err
		}
	}
	return false, nil
}

// detachClass is one range of detach durations of the fake-clock comparison.
type detachClass struct {
	name    string
	latency scpemu.Latency
}

func detachClasses(real scpemu.Latency) []detachClass {
	return []detachClass{
		{fmt.Sprintf("fake clock, detach %s ±%.0f %%", real.Base, 100*real.Jitter), real},
		{"fake clock, detach 2-3 min", scpemu.Latency{Base: 150 * time.Second, Jitter: 0.2}},
		{"fake clock, detach 3.5-5 min", scpemu.Latency{Base: 255 * time.Second, Jitter: 0.18}},
	}
}

// simulateDetaches runs ops detaches per class, in sequence, with each strategy on an
// auto-advancing fake clock: the provider sends one DELETE and waits with its learning poller
// (gives up at its 10 min default timeout); the common loop as commonDetach. A probe takes
// probeRTT and sees the state at its midpoint; the same durations for both strategies.
func simulateDetaches(real scpemu.Latency, ops int, seed uint64) []detachRow {
	var rows []detachRow
	for ci, class := range detachClasses(real) {
		durations := make([]time.Duration, ops)
		rng := rand.New(rand.NewPCG(seed, uint64(100+ci)))
		for i := range durations {
			durations[i] = time.Duration(float64(class.latency.Base) * (1 + class.latency.Jitter*(2*rng.Float64()-1)))
		}

		clk := waittest.NewAutoClock(time.Time{})
		// The provider's poller as it starts on an OpenStack cloud: its priors, nothing learned.
		poller := wait.New(wait.WithClock(clk), wait.WithSeed(seed), wait.WithPriors(provider.WaitPriors("OpenStack")))
		var mine, common []detachSample
		for _, d := range durations {
			op := startSimOp(clk, d)
			res, err := poller.Wait(context.Background(), "volume.detach", op.check)
			s := detachSample{Deletes: 1, Requests: 1 + res.Probes}
			overshoot, noticed := op.overshoot()
			if err != nil || !noticed || res.Elapsed > providerDetachCap {
				s.GaveUp = true
			} else {
				s.Overshoot = overshoot
			}
			mine = append(mine, s)
		}

		clk = waittest.NewAutoClock(time.Time{})
		for _, d := range durations {
			op := startSimOp(clk, d)
			s := detachSample{Deletes: 1, Requests: 1}
			clk.Advance(probeRTT) // the first DELETE
			s.GaveUp = true
			for pending := 0; pending < commonMaxPending; pending++ {
				clk.Advance(commonDelay(pending))
				s.Requests++
				if op.probe() {
					s.GaveUp = false
					s.Overshoot, _ = op.overshoot()
					break
				}
				s.Requests++
				s.Deletes++
				clk.Advance(probeRTT) // the DELETE sent again
			}
			common = append(common, s)
		}
		rows = append(rows, newDetachRow(class.name, "this provider", mine), newDetachRow(class.name, "common provider's loop", common))
	}
	return rows
}

// printOpenStack prints the OpenStack runs and the detach comparison.
func printOpenStack(w io.Writer, rep *openstackReport) {
	if rep == nil {
		return
	}
	fmt.Fprintf(w, "\nOpenStack personality (Keystone v3, Nova, Cinder v3), N=%d servers with 2 data attachments each:\n", rep.N)
	printRuns(w, rep.Runs)
	fmt.Fprintln(w, "Detach side by side: this provider (one DELETE, then its poller on the volume) and the common provider's loop")
	fmt.Fprintf(w, "(terraform-provider-openstack: polls %s growing to %s, the DELETE sent again on every pending poll, gives up after %d;\n", commonFirstDelay, commonMaxDelay, commonMaxPending)
	fmt.Fprintf(w, "requests = DELETEs + polls; fake clock: %d detaches per class, probe RTT %s; this provider gives up at its %s delete timeout)\n", rep.SimOps, probeRTT, providerDetachCap)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "setting\tstrategy\tdetaches\trequests/detach p50\tmax\tDELETEs/detach p50\tmax\tovershoot p50\tp95\tgave up\t")
	for _, r := range rep.Detaches {
		p50, p95 := round(r.OvershootMedian).String(), round(r.OvershootP95).String()
		if r.GaveUp == r.Detaches { // none noticed: no overshoot to speak of
			p50, p95 = "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%g\t%d\t%g\t%d\t%s\t%s\t%d\t\n", r.Setting, r.Strategy, r.Detaches, r.ReqMedian, r.ReqMax,
			r.DelMedian, r.DelMax, p50, p95, r.GaveUp)
	}
	tw.Flush()
	fmt.Fprintf(w, "deprecated Cinder actions (os-detach, os-begin_detaching, os-terminate_connection) called: %d\n", rep.Deprecate)
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "ERROR openstack: %s\n", p)
	}
}

// openstackFailed says whether the OpenStack part failed.
func (r *openstackReport) failed() error {
	if r != nil && len(r.Problems) > 0 {
		return errors.New("the OpenStack run had errors (see above)")
	}
	return nil
}
