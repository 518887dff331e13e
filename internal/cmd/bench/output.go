package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is everything the bench prints, and the JSON written to -json.
type report struct {
	StartedAt    time.Time              `json:"started_at"`
	Total        time.Duration          `json:"-"`
	TotalS       float64                `json:"total_s"`
	Terraform    string                 `json:"terraform"`
	GoVersion    string                 `json:"go_version"`
	CPUs         int                    `json:"cpus"`
	Parallelism  int                    `json:"parallelism"`
	Chained      bool                   `json:"chained_attachments"`
	LatencyScale float64                `json:"latency_scale"`
	Latencies    map[string]latencyJSON `json:"latencies"`
	Warmup       string                 `json:"warmup"`
	TimingsCache string                 `json:"timings_cache"`
	Runs         []runReport            `json:"runs"`
	Micro        []microRow             `json:"micro_emulator,omitempty"`
	MicroSim     []microRow             `json:"micro_fake_clock,omitempty"`
	Targets      []target               `json:"targets"`
	OpenStack    *openstackReport       `json:"openstack,omitempty"`
}

type latencyJSON struct {
	RealWorldS float64 `json:"real_world_s"`
	EmulatorMS float64 `json:"emulator_ms"`
	Jitter     float64 `json:"jitter"`
}

func latencyReport(cfg *config) map[string]latencyJSON {
	out := map[string]latencyJSON{}
	scaled := cfg.emulatorLatencies()
	for k, l := range cfg.latencies {
		out[string(k)] = latencyJSON{RealWorldS: l.Base.Seconds(), EmulatorMS: ms(scaled[k].Base), Jitter: l.Jitter}
	}
	return out
}

func writeJSON(path string, r *report) error {
	r.TotalS = r.Total.Seconds()
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// printHeader describes the setup before the runs start, so a long bench shows what it does.
func printHeader(w io.Writer, r *report, cfg *config) {
	fmt.Fprintf(w, "terraform-provider-scp bench: %s, %s, %d CPUs, parallelism %d\n", r.Terraform, r.GoVersion, r.CPUs, r.Parallelism)
	fmt.Fprintf(w, "emulator latencies = real-world × %g (jitter ±):", cfg.scale)
	scaled := cfg.emulatorLatencies()
	for _, k := range benchKinds {
		l := cfg.latencies[k]
		fmt.Fprintf(w, " %s %s→%s ±%g%%;", k, l.Base, round(scaled[k].Base), 100*l.Jitter)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "configuration: per server one scp_virtual_server, two scp_volume, two scp_volume_attachment, a block each")
	if r.Chained {
		fmt.Fprint(w, "; the second attachment depends_on the first (-chain)")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "timings cache: %s\n", r.TimingsCache)
	fmt.Fprintf(w, "warm-up: %s\n\n", r.Warmup)
}

func printRuns(w io.Writer, runs []runReport) {
	fmt.Fprintln(w, "Terraform runs (wall = the terraform command; ideal = list schedule of the emulator's drawn latencies,")
	fmt.Fprintln(w, "parallelism and per-server serialization, zero polling and Terraform cost; wall = pre + span + post:")
	fmt.Fprintln(w, "pre = start to first operation accepted, span = to last operation noticed, post = to exit)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\twall\tideal\tratio\tpre\tspan\tspan/ideal\tpost\tcrit. path\tops\trequests\t429\t409\t5xx\terrors\t")
	for _, r := range runs {
		spanRatio := 0.0
		if r.Ideal > 0 {
			spanRatio = float64(r.Span) / float64(r.Ideal)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%s\t%s\t%.3f\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", r.Name, round(r.Wall), round(r.Ideal), r.Ratio,
			round(r.Pre), round(r.Span), spanRatio, round(r.Post), round(r.CriticalPath), r.Operations, r.Requests, r.Throttled, r.Conflicts, r.ServerErrors, r.Errors)
	}
	tw.Flush()
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Per operation kind (overshoot = arrival of the first read that saw the end − the emulator's FinishedAt;")
	fmt.Fprintln(w, "probes = reads of the object from AcceptedAt to that read, 429s excluded)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tkind\tops\tduration p50\tovershoot p50\tp95\tprobes p50\tmax\tunnoticed\t")
	for _, r := range runs {
		for _, k := range r.Kinds {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%g\t%d\t%d\t\n", r.Name, k.Kind, k.Ops, round(k.DurationMedian),
				round(k.OvershootMedian), round(k.OvershootP95), k.ProbesMedian, k.ProbesMax, k.Unnoticed)
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, r := range runs {
		for _, p := range r.Problems {
			fmt.Fprintf(w, "ERROR %s: %s\n", r.Name, p)
		}
	}
}

// printMicro shows each kind on one line, the schedules side by side: overshoot p50/p95 and
// probes p50/max, with the learning poller's cold and learned waits apart.
func printMicro(w io.Writer, title string, rows []microRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, title)
	type col struct{ schedule, phase, label string }
	cols := []col{{learningSchedule, "cold", "learning, cold"}, {learningSchedule, "learned", "learning, learned"}}
	for _, sc := range schedules() {
		if sc.Name != learningSchedule {
			cols = append(cols, col{sc.Name, "all", sc.Name})
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"kind", "duration p50"}
	for _, c := range cols {
		header = append(header, c.label+": overshoot p50/p95", "probes p50/max")
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, kind := range kindsOf(rows) {
		cells := []string{kind, ""}
		for _, c := range cols {
			i := slices.IndexFunc(rows, func(r microRow) bool { return r.Kind == kind && r.Schedule == c.schedule && r.Phase == c.phase })
			if i < 0 {
				cells = append(cells, "-", "-")
				continue
			}
			r := rows[i]
			if cells[1] == "" && r.Ops > 0 {
				cells[1] = round(r.DurationMedian).String()
			}
			ov := fmt.Sprintf("%s/%s (n=%d)", round(r.OvershootMedian), round(r.OvershootP95), r.Ops)
			if r.Failed > 0 {
				ov += fmt.Sprintf(" %d FAILED", r.Failed)
			}
			cells = append(cells, ov, fmt.Sprintf("%g/%d", r.ProbesMedian, r.ProbesMax))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func printTargets(w io.Writer, targets []target) {
	fmt.Fprintln(w, "Targets")
	for _, t := range targets {
		fmt.Fprintf(w, "  [%-7s] %s", strings.ToUpper(t.Status), t.Name)
		if t.Detail != "" {
			fmt.Fprintf(w, ": %s", t.Detail)
		}
		fmt.Fprintln(w)
	}
}

// kindsOf lists the kinds of rows, in first-seen order.
func kindsOf(rows []microRow) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.Kind) {
			out = append(out, r.Kind)
		}
	}
	return out
}
