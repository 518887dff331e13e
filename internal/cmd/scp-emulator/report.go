package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli"
	"github.com/scp-community/terraform-provider-scp/internal/contract"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// report prints what a running emulator did: every asynchronous operation with its duration, and
// a summary of the requests it received. `make demo` ends with it.
func report(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	base, err := emucli.ReportEndpoint("scp-emulator", args, stderr, "SCP_ENDPOINT", "URL of the running emulator (default $SCP_ENDPOINT)")
	if err != nil {
		return err
	}
	var ops []scpemu.OperationRecord
	if err := emucli.GetControl(ctx, base+"operations", &ops); err != nil {
		return err
	}
	var reqs []scpemu.RequestRecord
	if err := emucli.GetControl(ctx, base+"requests", &reqs); err != nil {
		return err
	}
	var cv struct {
		Checked    bool                 `json:"checked"`
		Violations []contract.Violation `json:"violations"`
	}
	if err := emucli.GetControl(ctx, base+"contract-violations", &cv); err != nil {
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

func writeRequestSummary(w io.Writer, reqs []scpemu.RequestRecord) {
	byOp := map[string]int{}
	invalid := 0
	for _, r := range reqs {
		key := fmt.Sprintf("%s %d", r.Op, r.Status)
		byOp[key]++
		if !r.SignatureValid {
			invalid++
		}
	}
	fmt.Fprintf(w, "\nRequests received: %d (invalid signatures: %d)\n", len(reqs), invalid)
	for _, k := range slices.Sorted(maps.Keys(byOp)) {
		fmt.Fprintf(w, "  %-22s %d\n", k, byOp[k])
	}
}
