package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The commands terraform-plugin-testing does not drive (terraform query -generate-config-out, and
// the apply of what it wrote) run through cliRun (interrupt_test.go), against the provider served
// from this process.

// requireQueryCLI skips the test unless TF_ACC is set and the CLI of TF_ACC_TERRAFORM_PATH is
// Terraform at least minimum (OpenTofu has no terraform query); why says what needs that version.
// It returns the CLI's path.
func requireQueryCLI(t *testing.T, minimum, why string) string {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || bin == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test does)")
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	if plain, _ := exec.Command(bin, "version").Output(); bytes.HasPrefix(bytes.TrimSpace(plain), []byte("OpenTofu")) {
		t.Skipf("%s: OpenTofu %s does not have it", why, v.Version)
	}
	if !versionAtLeast(v.Version, minimum) {
		t.Skipf("%s came with Terraform %s; this CLI is %s", why, minimum, v.Version)
	}
	return bin
}

// newQueryCLI is a working directory for the CLI that requireQueryCLI accepts, which runs it
// against the provider served from this process.
func newQueryCLI(t *testing.T, minimum, why string) *cliRun {
	t.Helper()
	bin := requireQueryCLI(t, minimum, why)
	return &cliRun{t: t, terraform: bin, dir: t.TempDir(), env: cliEnv(t)}
}

// cliEnv is the environment of a CLI run against the provider served from this process: this
// process's, without its Terraform logging and reattach settings, and with no CLI config file
// unless one is set.
func cliEnv(t *testing.T) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_REATTACH_PROVIDERS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_REATTACH_PROVIDERS="+serveProviderForCLI(t), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		env = append(env, "TF_CLI_CONFIG_FILE="+os.DevNull)
	}
	return env
}

// versionAtLeast compares two versions major.minor.patch by their numbers (a pre-release counts
// as its release).
func versionAtLeast(v, minimum string) bool {
	parts := func(s string) [3]int {
		var n [3]int
		for i, field := range strings.SplitN(strings.SplitN(s, "-", 2)[0], ".", 3) {
			_, _ = fmt.Sscan(field, &n[i])
		}
		return n
	}
	got, want := parts(v), parts(minimum)
	for i := range got {
		if got[i] != want[i] {
			return got[i] > want[i]
		}
	}
	return true
}

// write puts a file into the working directory.
func (c *cliRun) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// read returns a file of the working directory.
func (c *cliRun) read(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// exitCode runs a command to completion, with -no-color but without -input=false (which terraform
// query refuses), and returns its exit code and output; an exit other than 0 or 2 (plan
// -detailed-exitcode's "there are changes") fails the test.
func (c *cliRun) exitCode(args ...string) (int, string) {
	c.t.Helper()
	cmd := exec.Command(c.terraform, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return 2, out.String()
	}
	c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out.String())
	return 0, ""
}
