package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli"
	"github.com/scp-community/terraform-provider-scp/internal/contract"
	"github.com/scp-community/terraform-provider-scp/internal/emulator"
)

// report prints what a running emulator did: every asynchronous operation with its duration, and
// a summary of the requests it received. `make demo` ends with it.
func report(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scp-emulator report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", os.Getenv("SCP_ENDPOINT"), "URL of the running emulator (default $SCP_ENDPOINT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *endpoint == "" {
		return fmt.Errorf("report needs -endpoint or SCP_ENDPOINT")
	}
	base := strings.TrimRight(*endpoint, "/") + "/_emulator/"
	var ops []emulator.OperationRecord
	if err := getJSON(ctx, base+"operations", &ops); err != nil {
		return err
	}
	var reqs []emulator.RequestRecord
	if err := getJSON(ctx, base+"requests", &reqs); err != nil {
		return err
	}
	var cv struct {
		Checked    bool                 `json:"checked"`
		Violations []contract.Violation `json:"violations"`
	}
	if err := getJSON(ctx, base+"contract-violations", &cv); err != nil {
		return err
	}
	emucli.WriteOperations(stdout, ops)
	writeRequestSummary(stdout, reqs)
	writeViolations(stdout, cv.Checked, cv.Violations)
	return nil
}

// writeViolations says whether the traffic followed the contract, and where not.
func writeViolations(w io.Writer, checked bool, vs []contract.Violation) {
	if !checked {
		fmt.Fprintln(w, "\nContract check: off (-check-contract=false)")
		return
	}
	fmt.Fprintf(w, "\nContract violations: %d\n", len(vs))
	for _, v := range vs {
		fmt.Fprintf(w, "  %s\n", v)
	}
}

func getJSON(ctx context.Context, url string, out any) error {
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

func writeRequestSummary(w io.Writer, reqs []emulator.RequestRecord) {
	byOp := map[string]int{}
	invalid := 0
	for _, r := range reqs {
		key := fmt.Sprintf("%s %d", r.Op, r.Status)
		byOp[key]++
		if !r.SignatureValid {
			invalid++
		}
	}
	keys := make([]string, 0, len(byOp))
	for k := range byOp {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "\nRequests received: %d (invalid signatures: %d)\n", len(reqs), invalid)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-22s %d\n", k, byOp[k])
	}
}
