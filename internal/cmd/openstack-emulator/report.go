package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli"
	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// errDeprecatedUsed is report's answer when a deprecated Cinder action was called: the demo
// fails on it.
var errDeprecatedUsed = errors.New("a deprecated Cinder action (os-detach, os-begin_detaching or os-terminate_connection) was called")

// report prints what a running emulator did: every asynchronous operation with its duration, the
// requests by route and status, the detach DELETEs per attachment, and every call of a deprecated
// Cinder action (it exits non-zero if there was one). `make demo-openstack` ends with it.
func report(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	base, err := emucli.ReportEndpoint("openstack-emulator", args, stderr, "OPENSTACK_EMULATOR_URL",
		"base URL of the running emulator (default $OPENSTACK_EMULATOR_URL, which the -env-file sets)")
	if err != nil {
		return err
	}
	var ops struct {
		Operations []openstack.OperationRecord `json:"operations"`
	}
	var reqs, deprecated struct {
		Requests []openstack.RequestRecord `json:"requests"`
	}
	for _, g := range []struct {
		path string
		out  any
	}{{"operations", &ops}, {"requests", &reqs}, {"deprecated-actions", &deprecated}} {
		if err := emucli.GetControl(ctx, base+g.path, g.out); err != nil {
			return err
		}
	}
	emucli.WriteOperations(stdout, ops.Operations)
	writeRequestSummary(stdout, reqs.Requests)
	writeDetaches(stdout, reqs.Requests)
	fmt.Fprintf(stdout, "\nDeprecated Cinder actions (os-detach, os-begin_detaching, os-terminate_connection): %d\n", len(deprecated.Requests))
	for _, r := range deprecated.Requests {
		fmt.Fprintf(stdout, "  %s %s %d (%s)\n", r.Method, r.Path, r.Status, r.Op)
	}
	if len(deprecated.Requests) > 0 {
		return errDeprecatedUsed
	}
	return nil
}

// writeRequestSummary counts the requests by route and status, with the token figures: how
// many requests came without a valid token (401s that gophercloud answers by re-authenticating).
func writeRequestSummary(w io.Writer, reqs []openstack.RequestRecord) {
	byRoute := map[string]int{}
	invalidToken := 0
	for _, r := range reqs {
		route := string(r.Op)
		if route == "" {
			route = "(unknown path)"
		}
		byRoute[fmt.Sprintf("%s %d", route, r.Status)]++
		if r.Service != "identity" && r.Service != "" && !r.TokenValid {
			invalidToken++
		}
	}
	fmt.Fprintf(w, "\nRequests received: %d (without a valid token: %d)\n", len(reqs), invalidToken)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROUTE STATUS\tCOUNT")
	for _, k := range slices.Sorted(maps.Keys(byRoute)) {
		fmt.Fprintf(tw, "  %s\t%d\n", k, byRoute[k])
	}
	_ = tw.Flush()
}

// writeDetaches lists the statuses of the detach DELETEs of each attachment: one 202 each is
// the provider's promise (409s before it are a task being waited out).
func writeDetaches(w io.Writer, reqs []openstack.RequestRecord) {
	statuses := map[string][]string{}
	var order []string
	for _, r := range reqs {
		if r.Op != openstack.RouteAttachmentDelete {
			continue
		}
		key := emucli.ShortID(r.ServerID) + "/" + emucli.ShortID(r.VolumeID)
		if _, seen := statuses[key]; !seen {
			order = append(order, key)
		}
		statuses[key] = append(statuses[key], fmt.Sprint(r.Status))
	}
	fmt.Fprintf(w, "\nDetach DELETEs per attachment (server/volume: statuses): %d attachments\n", len(order))
	for _, k := range order {
		fmt.Fprintf(w, "  %s: %s\n", k, strings.Join(statuses[k], ", "))
	}
}
