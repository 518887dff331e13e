package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

func TestChartPositions(t *testing.T) {
	p := chartPanels[0] // overshoot, 0.1 % to 1000 %
	for _, c := range []struct{ v, want float64 }{{0, 0}, {0.1, 0}, {1, 0.25}, {10, 0.5}, {1000, 1}, {5000, 1}} {
		if got := p.pos(c.v); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("pos(%g) = %g, want %g", c.v, got, c.want)
		}
	}
}

func TestRenderChart(t *testing.T) {
	sim := runMicroSim(realWorldLatencies(), 6, 1)
	// An emulator section where the learning poller never got to its learned schedule (one wave).
	emu := []microRow{
		{Source: "emulator", Schedule: learningSchedule, Kind: "attach & <detach>", Phase: "cold", Ops: 10, waitStats: waitStats{
			DurationMedian: time.Second, OvershootMedian: 500 * time.Millisecond, OvershootP95: 2 * time.Second, ProbesMedian: 3, ProbesMax: 4}},
		{Source: "emulator", Schedule: "fixed 3s", Kind: "attach & <detach>", Phase: "all", Ops: 10, waitStats: waitStats{
			DurationMedian: time.Second, OvershootMedian: 2 * time.Second, OvershootP95: 2 * time.Second, ProbesMedian: 1, ProbesMax: 1}},
	}
	svg := renderChart("test", []chartSection{{"emulator", emu}, {"fake clock", sim}, {"empty", nil}})

	// Well-formed XML, one bar per row and panel, each with a tooltip.
	dec := xml.NewDecoder(bytes.NewReader(svg))
	bars, titled := 0, 0
	inRect := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch {
			case el.Name.Local == "rect" && hasAttr(el, "fill") && hasAttr(el, "x") && hasAttr(el, "width") && !hasAttr(el, "height", "12"):
				bars++
				inRect = true
			case el.Name.Local == "title" && inRect:
				titled++
			}
		case xml.EndElement:
			if el.Name.Local == "rect" {
				inRect = false
			}
		}
	}
	want := (len(emu) + len(sim)) * len(chartPanels)
	if bars != want || titled != want {
		t.Errorf("%d bars, %d with a title; want %d", bars, titled, want)
	}
	if !strings.Contains(string(svg), "attach &amp; &lt;detach&gt;") {
		t.Error("kind names are not escaped")
	}
	if !strings.Contains(string(svg), "no learning, learned waits") {
		t.Error("a schedule without waits is not said so")
	}
	if p := chartPanels[1]; p.pos(1) <= 0 {
		t.Error("one probe draws no bar")
	}
	if strings.Contains(string(svg), ">empty<") {
		t.Error("a section without rows is drawn")
	}
}

func hasAttr(el xml.StartElement, name string, value ...string) bool {
	for _, a := range el.Attr {
		if a.Name.Local == name && (len(value) == 0 || a.Value == value[0]) {
			return true
		}
	}
	return false
}
