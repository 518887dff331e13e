package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// terraformRunner runs the real Terraform CLI against the freshly built provider, through a
// dev_overrides CLI config of its own (no registry, no init), in one directory per configuration.
type terraformRunner struct {
	bin         string
	workDir     string
	env         []string
	parallelism int
	chain       bool
	verbose     bool
	stdout      io.Writer
}

// buildProvider compiles the provider at the module root into dir.
func buildProvider(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the bench inside the provider's module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, "terraform-provider-scp")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(gomod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build of the provider: %w\n%s", err, stderr.String())
	}
	return bin, nil
}

// newTerraformRunner writes the CLI config and prepares a clean environment: nothing the user has
// set for Terraform or SCP (TF_LOG, TF_CLI_ARGS, a region...) may change what is measured.
func newTerraformRunner(cfg *config, workDir, providerBin string, providerEnv []string, stdout io.Writer) (*terraformRunner, error) {
	rc := filepath.Join(workDir, "terraform.rc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"scp-community/scp\" = %q\n  }\n  direct {}\n}\n",
		filepath.Dir(providerBin))
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "SCP_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_CLI_CONFIG_FILE="+rc)
	env = append(env, providerEnv...)
	return &terraformRunner{
		bin: cfg.terraform, workDir: workDir, env: env,
		parallelism: cfg.parallelism, chain: cfg.chain, verbose: cfg.verbose, stdout: stdout,
	}, nil
}

// version is the first line of `terraform version`.
func (t *terraformRunner) version(ctx context.Context) string {
	cmd := exec.CommandContext(ctx, t.bin, "version")
	cmd.Env = t.env
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

// prepare writes the configuration for n servers into its own directory and returns it.
func (t *terraformRunner) prepare(name string, n int) (string, error) {
	dir := filepath.Join(t.workDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configHCL(name, n, t.chain)), 0o644)
}

// commandResult is one terraform invocation.
type commandResult struct {
	Start    time.Time
	Wall     time.Duration
	ExitCode int
	// Changed is the "Resources: X added, Y changed, Z destroyed" figure of the command's own kind.
	Changed int
	LogPath string
	Tail    string // the end of the output, for a failure message
}

var resourcesLine = regexp.MustCompile(`Resources: (\d+) added, (\d+) changed, (\d+) destroyed`)
var destroyLine = regexp.MustCompile(`Destroy complete! Resources: (\d+) destroyed`)

// run executes `terraform <command> -auto-approve` in dir ("apply" or "destroy"), or `terraform
// plan`, and times it.
func (t *terraformRunner) run(ctx context.Context, dir, command string) commandResult {
	args := []string{command, "-auto-approve", "-no-color", "-input=false", "-compact-warnings",
		fmt.Sprintf("-parallelism=%d", t.parallelism)}
	if command == "plan" {
		args = slices.Delete(args, 1, 2)
	}
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir, cmd.Env = dir, t.env
	// On Ctrl-C, let Terraform stop gracefully (it saves the state) rather than killing it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if t.verbose {
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&buf, t.stdout), io.MultiWriter(&buf, t.stdout)
	}
	start := time.Now()
	err := cmd.Run()
	res := commandResult{Start: start, Wall: time.Since(start), LogPath: filepath.Join(dir, command+".log")}
	_ = os.WriteFile(res.LogPath, buf.Bytes(), 0o644)
	if err != nil {
		res.ExitCode = -1
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			res.ExitCode = exitErr.ExitCode()
		}
		res.Tail = tail(buf.String(), 40)
	}
	res.Changed = changedResources(buf.String(), command)
	return res
}

// changedResources reads the number of resources added (apply) or destroyed (destroy) from
// Terraform's closing summary, 0 for a plan that shows no changes; -1 when there is none.
func changedResources(output, command string) int {
	if command == "plan" {
		if strings.Contains(output, "No changes.") {
			return 0
		}
		return -1
	}
	summary := resourcesLine
	if command == "destroy" {
		summary = destroyLine
	}
	if m := summary.FindStringSubmatch(output); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return -1
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// configHCL is n servers, each with two data volumes attached. Every object is its own resource
// block rather than a count: Terraform draws dependency edges between whole resources, so with
// count every attachment would wait for all servers and volumes, a barrier that is Terraform's
// and not the provider's. With blocks, the graph is exactly the one the ideal time simulates.
//
// With chain, a server's second attachment depends_on its first, so Terraform never starts both:
// otherwise the one that waits for the provider's per-server lock holds a parallelism slot idle.
func configHCL(prefix string, n int, chain bool) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    scp = {
      source = "scp-community/scp"
    }
  }
}

provider "scp" {}
`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `
resource "scp_virtual_server" "s%[1]d" {
  name           = "%[2]s-%[1]d"
  image_id       = "ubuntu-22.04"
  server_type_id = "s1v2m4"
  keypair_name   = "bench-key"
  networks       = [{ subnet_id = "bench-subnet" }]
  boot_volume = {
    size = 16
  }
}
`, i, prefix)
		for v := 0; v < 2; v++ {
			dependsOn := ""
			if chain && v > 0 {
				dependsOn = fmt.Sprintf("  depends_on = [scp_volume_attachment.s%d_v%d]\n", i, v-1)
			}
			fmt.Fprintf(&b, `
resource "scp_volume" "s%[1]d_v%[2]d" {
  name = "%[3]s-%[1]d-data-%[2]d"
  size = 8
}

resource "scp_volume_attachment" "s%[1]d_v%[2]d" {
  server_id = scp_virtual_server.s%[1]d.id
  volume_id = scp_volume.s%[1]d_v%[2]d.id
%[4]s}
`, i, v, prefix, dependsOn)
		}
	}
	return b.String()
}
