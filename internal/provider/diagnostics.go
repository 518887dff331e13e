package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// errorDetail turns an error into a paragraph for a diagnostic, adding what the user can do.
func errorDetail(err error) string {
	var timeout *wait.TimeoutError
	switch {
	case errors.As(err, &timeout):
		return err.Error() + "\n\nThe operation may still finish in the cloud. The resource stays in the Terraform state, " +
			"so the next plan or apply reads its real state; raise the timeouts block if the operation is slow."
	case errors.Is(err, context.Canceled):
		return err.Error() + "\n\nThe wait was interrupted. What was not confirmed finished stays in the Terraform state; " +
			"run the same command again to pick it up."
	}
	// Everything else (401s included) already says what went wrong and what to check.
	return err.Error()
}

// createWaitDetail explains a create whose wait ended without the object being ready. When the
// wait was cut short (a timeout, an interrupt) the object may still become ready, but Terraform
// keeps an object whose create failed as tainted and replaces it on the next apply: say so, and
// how to keep it instead. Terraform does not tell a provider the resource's address; it prints it
// above this detail ("with ..."), and terraform state list -id prints it too.
func createWaitDetail(kind, id string, err error) string {
	var timeout *wait.TimeoutError
	if !errors.As(err, &timeout) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return errorDetail(err)
	}
	return fmt.Sprintf("%v\n\nThe %s %s was created and is in the Terraform state, marked tainted: the next apply "+
		"deletes it and creates a new one. If it finishes and you want to keep it, run\n\n  terraform untaint ADDRESS\n\n"+
		"before the next apply, with this resource's address (Terraform shows it above, after \"with\"; "+
		"terraform state list -id=%s prints it too). A longer create timeout in the timeouts block avoids this.",
		err, kind, id, id)
}

// addError appends an error diagnostic with a summary and the error's detail.
func addError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, errorDetail(err))
}

// serverDeleteConflictDetail explains a conflict answer to a server delete with the cloud's
// documented reasons. No source documents how SCP tells them apart in the answer, so the API's own
// detail is shown, and the lock, which the server's description does report, is named when set.
func serverDeleteConflictDetail(c cloud.Cloud, serverID string, err error, locked bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused to delete server %s: %v\n\n", c.Facts().Name, serverID, err)
	if locked {
		b.WriteString("The server's lock is set. Set lock = false on the resource and apply, then destroy it.")
	} else {
		b.WriteString(c.Facts().RefusalReasons[cloud.OpDeleteServer] + " Resolve the one that applies and run destroy again.")
	}
	b.WriteString(" Nothing was deleted; the server stays in the Terraform state.")
	return b.String()
}

// volumeDeleteConflict explains a conflict answer to a volume delete, as a summary and a detail.
// The volume's own description says whether it is attached; the cloud's other documented reasons
// are listed.
func volumeDeleteConflict(ctx context.Context, c cloud.Cloud, volumeID string, err error) (summary, detail string) {
	summary = "Cannot delete the volume"
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused to delete volume %s: %v\n\n", c.Facts().Name, volumeID, err)
	if volume, readErr := c.Volume(ctx, volumeID); readErr == nil && len(volume.Servers) > 0 {
		servers := make([]string, 0, len(volume.Servers))
		for _, s := range volume.Servers {
			servers = append(servers, s.ServerID)
		}
		summary = "Cannot delete an attached volume"
		fmt.Fprintf(&b, "It is attached to server %s. Detach it first: remove its scp_volume_attachment "+
			"(or destroy the server it is attached to), then destroy the volume.", strings.Join(servers, ", "))
	} else {
		b.WriteString(c.Facts().RefusalReasons[cloud.OpDeleteVolume] + " Resolve the one that applies and run destroy again.")
	}
	b.WriteString(" Nothing was deleted; the volume stays in the Terraform state.")
	return summary, b.String()
}

// forgetGone removes from the state an object the cloud says is gone, and tells the user: a
// refresh that drops a resource should never pass unnoticed, since the next plan creates it again.
func forgetGone(ctx context.Context, resp *resource.ReadResponse, summary, detail string) {
	tflog.Warn(ctx, summary)
	resp.Diagnostics.AddWarning(summary, detail+" It was removed from the state, so the next plan creates it again "+
		"unless its block is removed from the configuration.")
	resp.State.RemoveResource(ctx)
}
