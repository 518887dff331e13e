package emucli

import (
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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

func TestGetControlTakesBareAndWrappedLists(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bare":
			_, _ = w.Write([]byte(`[{"id":"a"}]`))
		case "/wrapped":
			_, _ = w.Write([]byte(`{"operations":[{"id":"b"}]}`))
		default:
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	for path, want := range map[string]string{"/bare": "a", "/wrapped": "b"} {
		var got []struct{ ID string }
		if err := GetControl(context.Background(), srv.URL+path, &got); err != nil || len(got) != 1 || got[0].ID != want {
			t.Errorf("%s: %v %v", path, got, err)
		}
	}
	var got []struct{ ID string }
	if err := GetControl(context.Background(), srv.URL+"/fails", &got); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("a failed answer: %v", err)
	}
}

// TestReportEndpointRefusesStrayArguments: `<emulator> report foo` says what it did not take
// instead of reporting as if foo were not there.
func TestReportEndpointRefusesStrayArguments(t *testing.T) {
	t.Parallel()
	base, err := ReportEndpoint("x-emulator", []string{"-endpoint", "http://127.0.0.1:1/", "foo"}, io.Discard, "X_URL", "")
	if err == nil || !strings.Contains(err.Error(), "unexpected arguments: foo") {
		t.Fatalf("got %q, %v; want an error naming foo", base, err)
	}
	base, err = ReportEndpoint("x-emulator", []string{"-endpoint", "http://127.0.0.1:1/"}, io.Discard, "X_URL", "")
	if err != nil || base != "http://127.0.0.1:1/_emulator/" {
		t.Fatalf("got %q, %v; want the control API's base", base, err)
	}
}
