package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// terraform-plugin-testing cannot send a signal to the Terraform it runs, so this test drives the
// Terraform CLI itself, against the provider served from this process (Terraform attaches to it
// through TF_REATTACH_PROVIDERS, as it does in terraform-plugin-testing and with -debug).

// interruptGrace is how soon Terraform must exit after SIGINT while the provider waits: the wait
// ends at once, Terraform writes the state and stops.
const interruptGrace = 5 * time.Second

// interruptLatency is how long the interrupted operations take in the emulator: well past the grace,
// so a prompt exit cannot be the operation having finished.
const interruptLatency = 8 * time.Second

// serveProviderForCLI serves the provider in this process and returns the TF_REATTACH_PROVIDERS value.
func serveProviderForCLI(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	address := accProviderAddress()
	go func() {
		err := tf6server.Serve(address, providerserver.NewProtocol6(New("acctest")()), tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithLoggingSink(t))
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Error("the provider server did not stop")
		}
	})
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case <-time.After(30 * time.Second):
		t.Fatal("the provider server did not start")
	}
	type addr struct{ Network, String string }
	raw, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": cfg.Test,
		"Addr": addr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// cliRun is a Terraform working directory driven by the CLI.
type cliRun struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

func (c *cliRun) command(args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(c.terraform, append(args, "-no-color", "-input=false")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs a command to completion and fails the test if it fails.
func (c *cliRun) run(args ...string) {
	c.t.Helper()
	cmd, out := c.command(args...)
	if err := cmd.Run(); err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// interruptWhen starts args, sends SIGINT once ready reports true, and returns Terraform's output
// and how long it took to exit after the signal. The run must fail (it was interrupted).
func (c *cliRun) interruptWhen(ready func() bool, args ...string) (string, time.Duration) {
	c.t.Helper()
	cmd, out := c.command(args...)
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for !ready() {
		select {
		case err := <-exited:
			c.t.Fatalf("terraform %s ended (%v) before the moment to interrupt it:\n%s", strings.Join(args, " "), err, out)
		case <-deadline:
			_ = cmd.Process.Kill()
			c.t.Fatalf("the moment to interrupt terraform %s never came:\n%s", strings.Join(args, " "), out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	signalled := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		c.t.Fatal(err)
	}
	select {
	case err := <-exited:
		took := time.Since(signalled)
		if err == nil {
			c.t.Fatalf("terraform %s succeeded although it was interrupted:\n%s", strings.Join(args, " "), out)
		}
		return out.String(), took
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		c.t.Fatalf("terraform %s did not exit within a minute of SIGINT:\n%s", strings.Join(args, " "), out)
	}
	return "", 0
}

// state reads the objects in the local state file.
func (c *cliRun) state() objectSet {
	c.t.Helper()
	out := newObjectSet()
	raw, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if err != nil {
		c.t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		c.t.Fatal(err)
	}
	for _, r := range st.Resources {
		for _, i := range r.Instances {
			if id, _ := i.Attributes["id"].(string); id != "" {
				out.add(r.Type, id)
			}
		}
	}
	return out
}

// accepted reports whether the emulator has answered 202 to a request of route.
func accepted(emu *scpemu.Emulator, route scpemu.Route) func() bool {
	return func() bool {
		for _, r := range emu.Requests() {
			if r.Op == route && r.Status == 202 {
				return true
			}
		}
		return false
	}
}

// TestAccFault_interruptDestroy sends SIGINT to `terraform destroy` while the provider waits on a
// detach, then on a server delete: Terraform exits promptly, the state keeps what SCP has not
// confirmed gone, and the next destroy finishes the job.
func TestAccFault_interruptDestroy(t *testing.T) {
	tfPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tfPath == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test does)")
	}
	acc := newAccTarget(t, scpemu.Config{LatencyScale: faultLatencyScale})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator, to stretch the operations and see when they are accepted")
	}
	emu := acc.emu
	defaults := scpemu.DefaultLatencies()
	stretch := func(kind scpemu.OpKind, d time.Duration) {
		t.Helper()
		base, jitter := time.Duration(float64(d)/faultLatencyScale), 0.0
		if d == 0 {
			base, jitter = defaults[kind].Base, defaults[kind].Jitter
		}
		if err := emu.SetLatency(kind, base, jitter); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(acc.attachmentsConfig([]string{"data"}, nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := &cliRun{t: t, terraform: tfPath, dir: dir, env: cliEnv(t)}
	cli.run("init")
	cli.run("apply", "-auto-approve")
	created := cli.state()
	if len(created.servers) != 1 || len(created.volumes) != 1 || len(created.attachments) != 1 {
		t.Fatalf("after apply the state holds %+v", created)
	}

	phase := func(name string, route scpemu.Route, check func(out string, st objectSet)) {
		emu.ResetRequests()
		out, took := cli.interruptWhen(accepted(emu, route), "destroy", "-auto-approve")
		t.Logf("%s: terraform exited %s after SIGINT", name, took.Round(time.Millisecond))
		if took > interruptGrace {
			t.Errorf("%s: terraform took %s to exit after SIGINT, want at most %s:\n%s", name, took, interruptGrace, out)
		}
		if !strings.Contains(out, "interrupted") {
			t.Errorf("%s: the output does not say the wait was interrupted:\n%s", name, out)
		}
		st := cli.state()
		check(out, st) // before the comparison, which lets the operations in flight finish
		if err := compareWithEmulator(emu, st, false); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	// 1. Interrupted while waiting for the detach: the attachment, its volume and the server stay.
	stretch(scpemu.OpDetach, interruptLatency)
	phase("detach", scpemu.RouteVolumeDetach, func(out string, st objectSet) {
		if len(st.attachments) != 1 || len(st.servers) != 1 || len(st.volumes) != 1 {
			t.Errorf("detach: the state lost what was not confirmed gone: %+v", st)
		}
		if n := len(acc.requests(scpemu.RouteServerDelete)); n != 0 {
			t.Errorf("detach: %d server DELETEs were sent although the detach never finished", n)
		}
	})

	// 2. The next destroy sees the detach through, then is interrupted waiting for the server.
	stretch(scpemu.OpDetach, 0)
	stretch(scpemu.OpServerDelete, interruptLatency)
	phase("server delete", scpemu.RouteServerDelete, func(out string, st objectSet) {
		if len(st.attachments) != 0 {
			t.Errorf("server delete: the detached attachment is still in the state: %+v", st)
		}
		if len(st.servers) != 1 {
			t.Errorf("server delete: the server left the state before SCP confirmed it gone: %+v", st)
		}
		if _, ok := emu.Server(firstKey(st.servers)); !ok {
			t.Errorf("server delete: the server is already gone, so the interruption proved nothing")
		}
	})

	// 3. A plain destroy finishes the job. (The server is still DELETING, so its DELETE is sent
	// again and accepted without a second operation.)
	stretch(scpemu.OpServerDelete, 0)
	cli.run("destroy", "-auto-approve")
	if st := cli.state(); len(st.servers)+len(st.volumes)+len(st.attachments) != 0 {
		t.Errorf("after the last destroy the state still holds %+v", st)
	}
	if err := acc.checkEmulatorEmpty(nil); err != nil {
		t.Error(err)
	}
	for _, op := range emu.Operations() {
		if op.Outcome == scpemu.OutcomeFailed {
			t.Errorf("operation %s on %s failed: %s", op.Kind, op.ObjectID, op.Detail)
		}
	}
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}
