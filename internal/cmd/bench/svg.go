package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"os"
	"slices"
	"strings"
)

// The micro-benchmark's chart: per kind of operation, how late each schedule noticed the end (as
// a share of the operation's duration) and how many probes it took, on log axes so that a
// sub-second attach and a 10-minute build fit the same scale. A hand-written SVG: no dependency,
// opens in any browser.

// defaultChartName is the chart's file name in the temporary directory, when the work directory
// is not kept.
const defaultChartName = "scp-bench-micro.svg"

// chartSeries are the bars of one kind, in legend order.
var chartSeries = []struct{ schedule, phase, label, color string }{
	{learningSchedule, "cold", "learning, cold (first waits)", "#f4a259"},
	{learningSchedule, "learned", "learning, learned", "#2a9d8f"},
	{"fixed 3s", "all", "every 3 s", "#8d99ae"},
	{"linear 3s..10s", "all", "3 s growing to 10 s", "#5c677d"},
}

// chartPanel is one sub-chart: a log axis from lo to hi with ticks, and what it plots of a row.
type chartPanel struct {
	title  string
	lo, hi float64
	ticks  []float64
	unit   string
	value  func(microRow) (bar, whisker float64, ok bool)
}

var chartPanels = []chartPanel{
	{
		title: "overshoot median, % of the duration (whisker: p95)", lo: 0.1, hi: 1000, ticks: []float64{0.1, 1, 10, 100, 1000}, unit: "%",
		value: func(r microRow) (float64, float64, bool) {
			if r.Ops == 0 || r.DurationMedian <= 0 {
				return 0, 0, false
			}
			d := float64(r.DurationMedian)
			return 100 * float64(r.OvershootMedian) / d, 100 * float64(r.OvershootP95) / d, true
		},
	},
	{
		title: "probes per operation, median (whisker: max)", // From below 1, so that a single probe still shows as a bar.
		lo:    0.5, hi: 1000, ticks: []float64{1, 10, 100, 1000}, unit: "",
		value: func(r microRow) (float64, float64, bool) {
			if r.Ops == 0 {
				return 0, 0, false
			}
			return r.ProbesMedian, float64(r.ProbesMax), true
		},
	},
}

// chartSection is the rows of one micro-benchmark (the emulator, the fake clock) under a title.
type chartSection struct {
	title string
	rows  []microRow
}

const (
	chartWidth  = 980
	labelWidth  = 150 // kind names, left of the panels
	panelGap    = 40
	barHeight   = 9
	barGap      = 2
	groupGap    = 12
	axisHeight  = 34 // tick labels under each section's panels
	headerSpace = 36 // a section's title and panel titles
)

// renderChart draws the sections one under the other, the panels side by side.
func renderChart(title string, sections []chartSection) []byte {
	panelWidth := float64(chartWidth-labelWidth-panelGap*len(chartPanels)) / float64(len(chartPanels))
	groupHeight := len(chartSeries)*(barHeight+barGap) + groupGap

	var body bytes.Buffer
	y := 64.0 // below the title and the legend
	for _, sec := range sections {
		kinds := kindsOf(sec.rows)
		if len(kinds) == 0 {
			continue
		}
		fmt.Fprintf(&body, `<text x="10" y="%.0f" class="section">%s</text>`+"\n", y+14, esc(sec.title))
		y += headerSpace
		top, height := y, float64(len(kinds)*groupHeight)
		for pi, p := range chartPanels {
			x0 := float64(labelWidth) + float64(pi)*(panelWidth+panelGap)
			fmt.Fprintf(&body, `<text x="%.1f" y="%.0f" class="panel">%s</text>`+"\n", x0, top-6, esc(p.title))
			for _, v := range p.ticks {
				x := x0 + p.pos(v)*panelWidth
				fmt.Fprintf(&body, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>`+"\n", x, top, x, top+height)
				fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="tick">%s%s</text>`+"\n", x, top+height+14, tickLabel(v), p.unit)
			}
		}
		for ki, kind := range kinds {
			gy := top + float64(ki*groupHeight)
			fmt.Fprintf(&body, `<text x="%d" y="%.1f" class="kind">%s</text>`+"\n",
				labelWidth-10, gy+float64(len(chartSeries)*(barHeight+barGap))/2+4, esc(kind))
			for si, s := range chartSeries {
				i := slices.IndexFunc(sec.rows, func(r microRow) bool {
					return r.Kind == kind && r.Schedule == s.schedule && r.Phase == s.phase
				})
				by := gy + float64(si*(barHeight+barGap))
				if i < 0 {
					for pi := range chartPanels {
						x0 := float64(labelWidth) + float64(pi)*(panelWidth+panelGap)
						fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="none">no %s waits</text>`+"\n", x0+2, by+barHeight-1, esc(s.label))
					}
					continue
				}
				writeBars(&body, sec.rows[i], kind, s.label, s.color, by, panelWidth)
			}
		}
		y = top + height + axisHeight
	}

	var out bytes.Buffer
	writeChartHead(&out, title, y)
	out.Write(body.Bytes())
	out.WriteString("</svg>\n")
	return out.Bytes()
}

// writeBars writes one series' bars of row r, one per panel at height by, each with a whisker out
// to the panel's second value when that lies beyond the bar.
func writeBars(body *bytes.Buffer, r microRow, kind, label, color string, by, panelWidth float64) {
	for pi, p := range chartPanels {
		bar, whisker, ok := p.value(r)
		if !ok {
			continue
		}
		x0 := float64(labelWidth) + float64(pi)*(panelWidth+panelGap)
		w := p.pos(bar) * panelWidth
		fmt.Fprintf(body, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`+"\n",
			x0, by, max(w, 1), barHeight, color, esc(barTitle(kind, label, r)))
		wx := x0 + p.pos(whisker)*panelWidth
		if wx > x0+w {
			mid := by + barHeight/2.0
			fmt.Fprintf(body, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" class="whisker"/>`+"\n", x0+w, mid, wx, mid, color)
			fmt.Fprintf(body, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" class="whisker"/>`+"\n", wx, by+1, wx, by+barHeight-1, color)
		}
	}
}

// writeChartHead writes the opening of the SVG document, height tall: the styles, the title and
// the legend of the series.
func writeChartHead(out *bytes.Buffer, title string, height float64) {
	fmt.Fprintf(out, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" viewBox="0 0 %d %.0f" font-family="sans-serif">`+"\n",
		chartWidth, height, chartWidth, height)
	out.WriteString(`<style>
text { fill: #222; font-size: 11px; }
.title { font-size: 15px; font-weight: bold; }
.section { font-size: 13px; font-weight: bold; }
.panel { font-size: 11px; font-style: italic; }
.kind { text-anchor: end; }
.tick { text-anchor: middle; fill: #666; font-size: 10px; }
.none { fill: #999; font-size: 9px; }
.grid { stroke: #ddd; stroke-width: 1; }
.whisker { stroke-width: 1.5; }
</style>
`)
	fmt.Fprintf(out, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(out, `<text x="10" y="22" class="title">%s</text>`+"\n", esc(title))
	lx := 10.0
	for _, s := range chartSeries {
		fmt.Fprintf(out, `<rect x="%.0f" y="34" width="12" height="12" fill="%s"/><text x="%.0f" y="44">%s</text>`+"\n", lx, s.color, lx+16, esc(s.label))
		lx += 24 + 6.5*float64(len(s.label))
	}
}

// pos is where v falls on the panel's log axis, from 0 (lo or below) to 1 (hi or above).
func (p chartPanel) pos(v float64) float64 {
	if v <= p.lo {
		return 0
	}
	return min(math.Log10(v/p.lo)/math.Log10(p.hi/p.lo), 1)
}

func tickLabel(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}

func barTitle(kind, label string, r microRow) string {
	return fmt.Sprintf("%s, %s: %d ops, duration p50 %s, overshoot p50 %s p95 %s, probes p50 %g max %d",
		kind, label, r.Ops, round(r.DurationMedian), round(r.OvershootMedian), round(r.OvershootP95), r.ProbesMedian, r.ProbesMax)
}

func esc(s string) string { return html.EscapeString(s) }

// writeChart writes the micro-benchmark's chart to path.
func writeChart(path string, rep *report, cfg *config) error {
	svg := renderChart(fmt.Sprintf("Waiting strategies: overshoot and probes per operation (%d per kind and schedule)", cfg.microOps), []chartSection{
		{fmt.Sprintf("On the emulator, real time, latencies × %g (waves of %d)", cfg.scale, cfg.microWave), rep.Micro},
		{fmt.Sprintf("On a fake clock, real-world latencies plus a 6-10 minute kind (probe RTT %s)", probeRTT), rep.MicroSim},
	})
	return os.WriteFile(path, svg, 0o644)
}
