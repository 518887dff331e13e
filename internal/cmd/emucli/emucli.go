// Package emucli holds what the emulator commands (scp-emulator, openstack-emulator)
// share: the common flags with environment fallbacks, the loopback guard, the -latency
// flag, serving until a signal, the request log line, shell quoting of export lines, and
// the report's endpoint flag, operations table and the control API read that fills it.
package emucli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// ApplyEnv fills every flag not given on the command line from prefix + its name in
// capitals, dashes as underscores (SCP_EMULATOR_SECRET_KEY for -secret-key).
func ApplyEnv(fs *flag.FlagSet, prefix string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		key := prefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok && v != "" {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				err = fmt.Errorf("%s=%q: %w", key, v, setErr)
			}
		}
	})
	return err
}

// Main runs the command: `name report ...` runs report, anything else run, until
// SIGINT or SIGTERM. An error exits 2 (after printing it, unless it is -help's).
func Main(name string, run, report func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner, args := run, os.Args[1:]
	if len(args) > 0 && args[0] == "report" {
		runner, args = report, args[1:]
	}
	if err := runner(ctx, args, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, name+":", err)
		}
		stop()
		os.Exit(2)
	}
}

// CheckListen refuses a non-loopback listen address unless allowRemote: the
// control API has no authentication.
func CheckListen(addr string, allowRemote bool) error {
	if !allowRemote && !isLoopback(addr) {
		return fmt.Errorf("-listen %s is not a loopback address; the control API is unauthenticated, pass -allow-remote to expose it anyway", addr)
	}
	return nil
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// FormatLatencies is the -latency flag's String: op=base:jitter, sorted.
func FormatLatencies(l map[engine.OpKind]engine.Latency) string {
	parts := make([]string, 0, len(l))
	for k, v := range l {
		parts = append(parts, fmt.Sprintf("%s=%s:%g", k, v.Base, v.Jitter))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// ParseLatencies reads -latency op=duration[:jitter] values (comma-separated) into
// l. An op must be one of kinds; the jitter, when left out, is the op's default.
func ParseLatencies(s string, kinds []engine.OpKind, defaults, l map[engine.OpKind]engine.Latency) error {
	for _, item := range strings.Split(s, ",") {
		op, spec, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return fmt.Errorf("%q: want op=duration[:jitter]", item)
		}
		kind := engine.OpKind(op)
		if !known(kinds, kind) {
			return fmt.Errorf("%q: unknown operation %q (ops: %s)", item, op, OpNames(kinds))
		}
		durText, jitterText, hasJitter := strings.Cut(spec, ":")
		d, err := time.ParseDuration(durText)
		if err != nil || d < 0 {
			return fmt.Errorf("%q: bad duration %q", item, durText)
		}
		lat := defaults[kind]
		lat.Base = d
		if hasJitter {
			j, err := strconv.ParseFloat(jitterText, 64)
			if err != nil || j < 0 || j > 1 {
				return fmt.Errorf("%q: jitter must be a number in [0,1]", item)
			}
			lat.Jitter = j
		}
		l[kind] = lat
	}
	return nil
}

func known(kinds []engine.OpKind, k engine.OpKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// OpNames lists kinds for help and error texts.
func OpNames(kinds []engine.OpKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// ShellQuote quotes s for an export line unless it is plainly safe.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == '+' || r == '=' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WriteOperations is the report's table of every asynchronous operation with its duration.
func WriteOperations(w io.Writer, ops []engine.OperationRecord) {
	fmt.Fprintf(w, "\nOperations the emulator carried out (%d):\n", len(ops))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tOPERATION\tOBJECT\tSERVER\tDURATION\tOUTCOME")
	for _, op := range ops {
		duration := "-"
		if !op.FinishedAt.IsZero() {
			duration = op.FinishedAt.Sub(op.AcceptedAt).Round(10 * time.Millisecond).String()
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\n", op.Seq, op.Kind, ShortID(op.ObjectID), ShortID(op.RelatedID), duration, op.Outcome)
	}
	_ = tw.Flush()
}

// ShortID is the first eight characters of an id, "-" for none.
func ShortID(id string) string {
	if id == "" {
		return "-"
	}
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// GetControl reads one answer of an emulator's control API into out. The control API wraps lists
// in an object or returns them bare; either fills out.
func GetControl(ctx context.Context, url string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("asking the emulator: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	// The control API wraps lists in an object or returns them bare; accept both.
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err == nil {
		return nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return fmt.Errorf("GET %s: unexpected body: %w", url, err)
	}
	for _, v := range wrapped {
		if json.Unmarshal(v, out) == nil {
			return nil
		}
	}
	return fmt.Errorf("GET %s: no list in the answer", url)
}
