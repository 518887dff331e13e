package emucli

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

func testFlags() *Flags {
	return NewFlags(Personality{
		Name: "test-emulator", DefaultListen: "127.0.0.1:1",
		OpKinds: []engine.OpKind{engine.OpAttach}, DefaultLatencies: map[engine.OpKind]engine.Latency{engine.OpAttach: {Jitter: 0.3}},
	}, io.Discard)
}

func TestFlagsParse(t *testing.T) {
	f := testFlags()
	if err := f.Parse([]string{"-latency", "attach=2s", "-latency-scale", "0.5"}); err != nil {
		t.Fatal(err)
	}
	if got := f.Latencies.Values[engine.OpAttach]; got.Base != 2*time.Second || got.Jitter != 0.3 || f.LatencyScale != 0.5 || f.Listen != "127.0.0.1:1" {
		t.Errorf("flags %+v, attach %+v", f, got)
	}
	for _, bad := range []string{"-listen 0.0.0.0:8443", "-listen :8443", "-latency warp=1s", "-latency attach=soon", "-latency-scale 0", "stray"} {
		if err := testFlags().Parse(strings.Fields(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := testFlags().Parse([]string{"-listen", "0.0.0.0:0", "-allow-remote"}); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	t.Setenv("TEST_EMULATOR_LATENCY", "attach=5s")
	t.Setenv("TEST_EMULATOR_QUIET", "true")
	t.Setenv("TEST_EMULATOR_ENV_FILE", "ignored")
	f := testFlags()
	if err := f.Parse([]string{"-env-file", "given"}); err != nil {
		t.Fatal(err)
	}
	if f.Latencies.Values[engine.OpAttach].Base != 5*time.Second || !f.Quiet || f.EnvFile != "given" {
		t.Errorf("flags %+v", f)
	}
}
