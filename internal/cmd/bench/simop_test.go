package main

import (
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

func TestSimOpSeesTheEndAtAProbesMidpoint(t *testing.T) {
	clk := waittest.NewClock(time.Unix(0, 0))
	op := startSimOp(clk, 100*time.Millisecond)
	for i := range 2 { // midpoints at 20 ms and 60 ms
		if op.probe() {
			t.Fatalf("probe %d saw the end before it came", i+1)
		}
	}
	if _, ok := op.overshoot(); ok {
		t.Fatal("overshoot known before any probe saw the end")
	}
	if !op.probe() { // midpoint at 100 ms
		t.Fatal("the probe whose midpoint is the end did not see it")
	}
	clk.Advance(time.Second)
	op.probe()
	if d, ok := op.overshoot(); !ok || d != 0 {
		t.Fatalf("overshoot = %v, %v; want 0 from the first probe that saw the end", d, ok)
	}
	if got := clk.Now().Sub(time.Unix(0, 0)); got != 4*probeRTT+time.Second {
		t.Fatalf("four probes took %v of fake time, want %v", got, 4*probeRTT+time.Second)
	}
}
