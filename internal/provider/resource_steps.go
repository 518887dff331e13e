package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// The steps that scp_virtual_server and scp_volume take alike: both are objects with an id of
// their own and tags, read by id, and updated in place.

// readByID reads the object of a state by its id and records its identity. An object the cloud
// says is gone is removed from the state with a warning; any other failure is an error. Either
// way the read is over (false). kind names the object in messages, such as "volume".
func readByID[T any](ctx context.Context, d *providerData, resp *resource.ReadResponse, kind, id string,
	read func(context.Context, string) (*T, error)) (*T, bool) {
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
	object, err := read(ctx, id)
	if cloud.IsGone(err) {
		forgetGone(ctx, resp, capitalized(kind)+" no longer exists",
			fmt.Sprintf("%s says the %s %s no longer exists: it was deleted outside Terraform.", d.cloud.Facts().Name, kind, id))
		return nil, false
	}
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the "+kind, err)
		return nil, false
	}
	return object, true
}

// beginUpdate is how an Update starts: the plan, within the update timeout (see begin), and the
// prior state; false means the diagnostics say why not.
func beginUpdate[M any](ctx context.Context, d *providerData, req resource.UpdateRequest, resp *resource.UpdateResponse,
	timeout func(M) timeoutFunc, def time.Duration) (plan, state M, _ context.Context, _ context.CancelFunc, _ bool) {
	plan, ctx, cancel, ok := begin(ctx, d, req.Plan.Get, timeout, def, &resp.Diagnostics)
	if !ok {
		return plan, state, ctx, cancel, false
	}
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		cancel()
		return plan, state, ctx, func() {}, false
	}
	return plan, state, ctx, cancel, true
}

// retag records the identity of the object with id and changes its tags from prior to planned;
// false means the change failed, as the diagnostics say.
func (d *providerData) retag(ctx context.Context, resp *resource.UpdateResponse, kind cloud.ObjectKind, noun, id string,
	planned, prior types.Map) bool {
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
	if err := d.updateTags(ctx, kind, id, planned, prior); err != nil {
		addError(&resp.Diagnostics, "Cannot change the "+noun+"'s tags", err)
		return false
	}
	return true
}

// sendCreate refuses a spec this cloud cannot create, and then sends the create once: never
// again, which could make a second object, but a failed create that may have worked is looked for
// among the objects named name (see recoverCreate). kind names the object, such as "server", and
// address its resource, such as "scp_virtual_server.<name>"; false means the diagnostics say why
// there is no id.
func sendCreate[S any](ctx context.Context, diags *diag.Diagnostics, kind, address, name string, spec S,
	validate func(S) error, create func(context.Context, S) (string, error),
	named func(string) func(context.Context) ([]createdObject, error)) (string, bool) {
	if err := validate(spec); err != nil {
		diags.AddError("The "+kind+" cannot be created on this cloud", err.Error()+". Nothing was sent to the API.")
		return "", false
	}
	sent := time.Now()
	id, err := create(ctx, spec)
	if err == nil {
		return id, true
	}
	found := recoverCreate(ctx, kind, name, address, sent, err, named(name))
	if found.id == "" {
		diags.AddError("Cannot create the "+kind, found.detail)
		return "", false
	}
	return found.id, true
}
