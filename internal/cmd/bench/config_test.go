package main

import (
	"io"
	"strings"
	"testing"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

func TestParseConfig(t *testing.T) {
	c, err := parseConfig([]string{"-n", "1, 10,100", "-terraform", "/bin/true", "-latency", "attach=40s:0.1", "-latency-scale", "0.5"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ns) != 3 || c.ns[0] != 1 || c.ns[1] != 10 || c.ns[2] != 100 {
		t.Errorf("ns = %v", c.ns)
	}
	if got := c.latencies[scpemu.OpAttach]; got.Base != 40*time.Second || got.Jitter != 0.1 {
		t.Errorf("attach latency = %+v", got)
	}
	if got := c.emulatorLatencies()[scpemu.OpAttach]; got.Base != 20*time.Second || got.Jitter != 0.1 {
		t.Errorf("scaled attach latency = %+v, want 20s ±0.1", got)
	}
	if got := c.latencies[scpemu.OpDetach]; got != realWorldLatencies()[scpemu.OpDetach] {
		t.Errorf("detach latency changed to %+v", got)
	}

	for _, bad := range [][]string{
		{"-n", "0"}, {"-n", "x"}, {"-n", ","}, {"-parallelism", "0"}, {"-latency-scale", "0"},
		{"-latency", "server_lock=1s"}, {"-latency", "attach=1s:2"}, {"-latency", "attach"}, {"extra"},
	} {
		if _, err := parseConfig(append(bad, "-terraform", "/bin/true"), io.Discard); err == nil {
			t.Errorf("parseConfig(%v) accepted", bad)
		}
	}
}

func TestConfigHCL(t *testing.T) {
	hcl := configHCL("n2", 2, false)
	for _, want := range []string{
		`resource "scp_virtual_server" "s0"`, `resource "scp_virtual_server" "s1"`,
		`resource "scp_volume" "s1_v1"`, `resource "scp_volume_attachment" "s1_v1"`,
		`server_id = scp_virtual_server.s1.id`, `volume_id = scp_volume.s1_v1.id`, `name           = "n2-1"`,
	} {
		if !strings.Contains(hcl, want) {
			t.Errorf("configuration lacks %q", want)
		}
	}
	if got := strings.Count(hcl, "\nresource "); got != 10 {
		t.Errorf("%d resource blocks, want 10 (5 per server)", got)
	}
	if strings.Contains(hcl, "count") || strings.Contains(hcl, "depends_on") {
		t.Error("the default configuration must use neither count (a barrier) nor depends_on")
	}
	chained := configHCL("n2", 2, true)
	if got := strings.Count(chained, "depends_on = [scp_volume_attachment.s1_v0]"); got != 1 {
		t.Errorf("chained configuration: %d depends_on to s1_v0, want 1", got)
	}
	if got := strings.Count(chained, "depends_on"); got != 2 {
		t.Errorf("chained configuration: %d depends_on, want one per server", got)
	}
}

func TestChangedResources(t *testing.T) {
	tests := []struct {
		output, command string
		want            int
	}{
		{"...\nApply complete! Resources: 500 added, 0 changed, 0 destroyed.\n", "apply", 500},
		{"...\nDestroy complete! Resources: 5 destroyed.\n", "destroy", 5},
		{"Error: Cannot attach the volume\n", "apply", -1},
		{"Apply complete! Resources: 5 added, 0 changed, 0 destroyed.", "destroy", -1},
	}
	for _, tt := range tests {
		if got := changedResources(tt.output, tt.command); got != tt.want {
			t.Errorf("changedResources(%q, %s) = %d, want %d", tt.output, tt.command, got, tt.want)
		}
	}
}
