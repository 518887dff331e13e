package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// configuredData unwraps the provider's data for a resource's Configure.
func configuredData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil // the provider is not configured yet (validate, early plan)
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the provider", raw))
		return nil
	}
	return data
}

// ready reports whether the provider has been configured. Terraform configures it before any
// create, read, update or delete, except when its settings depend on values not known yet.
func (d *providerData) ready(diags *diag.Diagnostics) bool {
	if d == nil {
		diags.AddError("The SCP provider is not configured",
			"The provider's settings were not known when this resource was handled, so there is no API client. "+
				"Make sure the provider block does not depend on values that are only known after apply.")
		return false
	}
	return true
}

// getModel reads a request's plan or state into a T, once the provider is configured; false means
// the diagnostics say why not.
func getModel[T any](ctx context.Context, d *providerData, get func(context.Context, any) diag.Diagnostics, diags *diag.Diagnostics) (T, bool) {
	var m T
	if !d.ready(diags) {
		return m, false
	}
	diags.Append(get(ctx, &m)...)
	return m, !diags.HasError()
}

// timeoutFunc is one of a timeouts block's values (Create, Update, Delete).
type timeoutFunc func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// begin is how a Create, Update or Delete starts: the request's model, once the provider is
// configured, and ctx bounded by the operation's timeout (its configured value or def).
func begin[T any](ctx context.Context, d *providerData, get func(context.Context, any) diag.Diagnostics,
	timeout func(T) timeoutFunc, def time.Duration, diags *diag.Diagnostics) (T, context.Context, context.CancelFunc, bool) {
	m, ok := getModel[T](ctx, d, get, diags)
	if !ok {
		return m, ctx, func() {}, false
	}
	bounded, cancel, ok := withTimeout(ctx, timeout(m), def, diags)
	return m, bounded, cancel, ok
}

// withTimeout bounds ctx by one of the resource's timeouts (its configured value or def).
// It reports false, with the diagnostics added, when the timeouts block cannot be read.
func withTimeout(ctx context.Context, timeout timeoutFunc, def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	d, readDiags := timeout(ctx, def)
	diags.Append(readDiags...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	bounded, cancel := context.WithTimeout(ctx, d)
	return bounded, cancel, true
}

// refuseAtPlan runs the cloud's check of what the configuration asks for (check) at plan time, once
// the configuration is fully known; values that other resources compute are checked again before
// Create sends anything. It runs for every plan that keeps the object, not only creates: a
// replacement would otherwise delete the old object before its successor is refused. Tags are
// checkTagsUsable's to judge, so check sees none.
func refuseAtPlan[M any](ctx context.Context, d *providerData, req resource.ModifyPlanRequest, diags *diag.Diagnostics,
	summary string, check func(M) error) {
	if d == nil || req.Plan.Raw.IsNull() || !req.Config.Raw.IsFullyKnown() {
		return
	}
	var plan M
	if diags.Append(req.Plan.Get(ctx, &plan)...); diags.HasError() {
		return
	}
	if err := check(plan); err != nil {
		diags.AddError(summary, err.Error()+". The plan stops here; nothing was sent to the API.")
	}
}

// lockServer takes the server's volume-operation lock, or reports why it could not.
func (d *providerData) lockServer(ctx context.Context, serverID string, diags *diag.Diagnostics) (func(), bool) {
	unlock, err := d.locks.Lock(ctx, serverID)
	if err != nil {
		addError(diags, "Interrupted while waiting for the server's other volume operations", err)
		return nil, false
	}
	return unlock, true
}

func stringValues(values []types.String) []string {
	var out []string
	for _, v := range values {
		if !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}

// optionalString maps the API's "" to null, so unset optional arguments stay unset.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// optionalInt64 maps the API's 0 to null, so unset optional arguments stay unset.
func optionalInt64(n int64) types.Int64 {
	if n == 0 {
		return types.Int64Null()
	}
	return types.Int64Value(n)
}

// tagsFromMap reads a tags attribute; null and unknown read as none.
func tagsFromMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	var values map[string]string
	diags := m.ElementsAs(ctx, &values, false)
	return values, diags
}

// tagsToMap converts the cloud's tags; no tags reads as null when the configuration had none.
func tagsToMap(tags map[string]string, prior types.Map) types.Map {
	if len(tags) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior
		}
		return types.MapNull(types.StringType)
	}
	m, _ := types.MapValueFrom(context.Background(), types.StringType, tags)
	return m
}

// importByID is the import of a resource whose import id is the object's own id (a UUID).
func importByID(ctx context.Context, kind, typeName string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !idPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid "+kind+" id",
			fmt.Sprintf("%q is not a %s id. Import a %s with its id, a UUID such as %s:\n\n  terraform import %s.example %s",
				req.ID, kind, kind, idExample, typeName, idExample))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
