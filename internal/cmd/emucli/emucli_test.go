package emucli

import (
	"flag"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

func TestCheckListen(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:1": true, "localhost:1": true, "[::1]:1": true, "0.0.0.0:1": false, "nonsense": false} {
		if err := CheckListen(addr, false); (err == nil) != ok {
			t.Errorf("CheckListen(%q) = %v", addr, err)
		}
	}
	if err := CheckListen("0.0.0.0:1", true); err != nil {
		t.Errorf("-allow-remote did not allow: %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"abc-1": "abc-1", "": "''", "a b": "'a b'", "it's": `'it'\''s'`} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestLatenciesAndEnv(t *testing.T) {
	kinds := []engine.OpKind{"attach"}
	defaults := map[engine.OpKind]engine.Latency{"attach": {Base: time.Second, Jitter: 0.3}}
	got := map[engine.OpKind]engine.Latency{}
	if err := ParseLatencies("attach=2s", kinds, defaults, got); err != nil || got["attach"] != (engine.Latency{Base: 2 * time.Second, Jitter: 0.3}) {
		t.Fatalf("ParseLatencies: %v %v", got, err)
	}
	if err := ParseLatencies("detach=2s", kinds, defaults, got); err == nil {
		t.Fatal("an unknown op was accepted")
	}
	if s := FormatLatencies(got); s != "attach=2s:0.3" {
		t.Fatalf("FormatLatencies = %q", s)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	v := fs.String("secret-key", "", "")
	t.Setenv("X_SECRET_KEY", "from-env")
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := ApplyEnv(fs, "X_"); err != nil || *v != "from-env" {
		t.Fatalf("ApplyEnv: %q %v", *v, err)
	}
}
