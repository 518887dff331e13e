package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/scp-community/terraform-provider-scp/internal/scp"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// errorDetail turns an error into a paragraph for a diagnostic, adding what the user can do.
func errorDetail(err error) string {
	var timeout *wait.TimeoutError
	switch {
	case errors.As(err, &timeout):
		return err.Error() + "\n\nThe operation may still finish on SCP. The resource stays in the Terraform state, " +
			"so the next plan or apply reads its real state; raise the timeouts block if the operation is slow."
	case errors.Is(err, context.Canceled):
		return err.Error() + "\n\nThe wait was interrupted. What was not confirmed finished stays in the Terraform state; " +
			"run the same command again to pick it up."
	}
	// Everything else (401s included) already says what went wrong and what to check.
	return err.Error()
}

// addError appends an error diagnostic with a summary and the error's detail.
func addError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, errorDetail(err))
}

// serverDeleteConflictDetail explains a 409 answer to DELETE /v1/servers/{id} with the documented reasons.
func serverDeleteConflictDetail(serverID string, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "SCP refused to delete server %s: %v\n\n", serverID, err)
	switch scp.Code(err) {
	case "SERVER_LOCKED":
		b.WriteString("The server's lock is set. Set lock = false on the resource and apply, then destroy it.")
	case "FILE_STORAGE_CONNECTED":
		b.WriteString("File Storage is connected to the server. Disconnect it first.")
	case "LB_SERVER_GROUP_CONNECTED":
		b.WriteString("The server is a member of a Load Balancer server group. Remove it from the group first.")
	case "BACKUP_CONNECTED":
		b.WriteString("A backup is connected to the server. Remove the backup policy first.")
	default:
		b.WriteString("SCP refuses to delete a server while: its lock is set; File Storage is connected; " +
			"it belongs to a Load Balancer server group; or a backup is connected. Resolve the one that applies and run destroy again.")
	}
	b.WriteString(" Nothing was deleted; the server stays in the Terraform state.")
	return b.String()
}
