package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli/emuclitest"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-latency", "attach=2s:0.1,detach=1s", "-latency", "server_create=3s", "-seed", "7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Latencies.Values[scpemu.OpAttach]; got.Base != 2*time.Second || got.Jitter != 0.1 {
		t.Errorf("attach: %+v", got)
	}
	if got := o.Latencies.Values[scpemu.OpServerCreate]; got.Base != 3*time.Second {
		t.Errorf("server_create: %+v", got)
	}
	if o.seed != 7 || o.Listen != personality.DefaultListen {
		t.Errorf("options: %+v", o)
	}
}

func TestEnvFallback(t *testing.T) {
	t.Setenv("SCP_EMULATOR_SECRET_KEY", "from-env")
	t.Setenv("SCP_EMULATOR_LATENCY", "attach=5s")
	t.Setenv("SCP_EMULATOR_ACCESS_KEY", "ignored")
	o, err := parseFlags([]string{"-access-key", "from-flag"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.secretKey != "from-env" || o.accessKey != "from-flag" || o.Latencies.Values[scpemu.OpAttach].Base != 5*time.Second {
		t.Fatalf("options: %+v", o)
	}
}

func TestRunServesAndStops(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "scp.env")
	running := emuclitest.Start(run, "-listen", "127.0.0.1:0", "-env-file", envFile, "-secret-key", "s3cr3t")
	ctx, stdout, stderr := running.Ctx, &running.Stdout, &running.Stderr

	var endpoint string
	deadline := time.Now().Add(5 * time.Second)
	for endpoint == "" && time.Now().Before(deadline) {
		for _, line := range strings.Split(stdout.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "export SCP_ENDPOINT="); ok {
				endpoint = v
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if endpoint == "" {
		t.Fatalf("no endpoint printed: %q", stdout.String())
	}
	resp, err := http.Get(endpoint + "/v1/servers") // unsigned: 401, and logged
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned request: %d", resp.StatusCode)
	}
	env, err := os.ReadFile(envFile)
	if err != nil || !strings.Contains(string(env), "export SCP_SECRET_KEY=s3cr3t") ||
		!strings.Contains(string(env), "export SCP_TF_AUTH_URL="+endpoint+"/iam/v1\n") {
		t.Fatalf("env file: %q %v", env, err)
	}

	// The report lists contract violations: none for a documented 401, one for a call
	// that is not in the contract.
	var out bytes.Buffer
	if err := report(ctx, []string{"-endpoint", endpoint}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Contract violations: 0") {
		t.Fatalf("report: %s", out.String())
	}
	resp, err = http.Post(endpoint+"/v1/volumes/x/extend", "application/json", strings.NewReader(`{"size":16}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out.Reset()
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Contract violations: 1") && time.Now().Before(deadline) {
		out.Reset()
		if err := report(ctx, []string{"-endpoint", endpoint}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(out.String(), "undocumented path") {
		t.Fatalf("report: %s", out.String())
	}

	running.Stop(t)
	logs := stderr.String()
	if !strings.Contains(logs, "GET /v1/servers 401 server.list") || strings.Contains(logs, "s3cr3t") ||
		!strings.Contains(logs, "contract violation: request POST /v1/volumes/x/extend") {
		t.Fatalf("logs: %s", logs)
	}
}
