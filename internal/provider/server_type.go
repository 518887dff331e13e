package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// server_type_id is a server type's id on SCP, and on OpenStack a flavor's id or its name: Nova
// takes only the id, and from microversion 2.47 shows only the name. The state keeps the form
// the configuration gives, so that neither a refresh nor giving the other form of the same type
// replaces the server.

// serverTypeAttribute is scp_virtual_server's server_type_id. Its replacement is decided in the
// resource's ModifyPlan (planServerType): only there is the configured cloud at hand (the
// framework builds the schema, and so its plan modifiers, once, from a resource it never configures).
func serverTypeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: "Server type: on SCP its id; on OpenStack a flavor's id or its name (such as `m1.small`), looked " +
			"up in the flavors API at plan time. The state keeps the form given. Changing it to another type replaces the " +
			"server; giving the same type in its other form (the id for the name) only records it. After an import it is " +
			"the flavor's name on OpenStack, the id on SCP.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// planServerType resolves a new or changed server_type_id at plan time, so that a type the cloud
// does not have stops the plan before anything is created, and replaces the server only when the
// configured type is another one than the state's. A state without a type (imported from a cloud
// that showed none) adopts the configured one.
func (d *providerData) planServerType(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	at := path.Root("server_type_id")
	var configured, prior types.String
	if req.Plan.Raw.IsNull() || req.Config.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, at, &configured)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, at, &prior)...)
	}
	if resp.Diagnostics.HasError() || configured.IsNull() || configured.Equal(prior) {
		return
	}
	replaceOnChange := !req.State.Raw.IsNull() && !prior.IsNull()
	if d == nil || configured.IsUnknown() {
		// Nothing to look up (yet): a change is a replacement, as for any create-only argument.
		if replaceOnChange {
			resp.RequiresReplace = resp.RequiresReplace.Append(at)
		}
		return
	}
	serverType, err := d.cloud.ServerType(ctx, configured.ValueString())
	switch {
	case cloud.OutcomeOf(err) == cloud.OutcomeRejected:
		resp.Diagnostics.AddAttributeError(at, "Unknown server type", errorDetail(err)+". The plan stops here; nothing was sent to the API.")
		return
	case err != nil:
		resp.Diagnostics.AddAttributeWarning(at, "Cannot look up the server type",
			fmt.Sprintf("%s could not say which server type %q is: %s. A change of server_type_id is planned as a replacement.",
				d.cloud.Facts().Name, configured.ValueString(), errorDetail(err)))
	case prior.ValueString() == serverType.ID || prior.ValueString() == serverType.Name:
		return
	}
	if replaceOnChange {
		resp.RequiresReplace = resp.RequiresReplace.Append(at)
	}
}

// sameServerType reports whether planned, a configured server type, is the type prior names (the
// same value, or the same type's other form); false when it cannot be told.
func (d *providerData) sameServerType(ctx context.Context, prior, planned types.String) bool {
	if prior.Equal(planned) {
		return true
	}
	if d == nil || prior.IsNull() || prior.IsUnknown() || planned.IsNull() || planned.IsUnknown() {
		return false
	}
	serverType, err := d.cloud.ServerType(ctx, planned.ValueString())
	return err == nil && (prior.ValueString() == serverType.ID || prior.ValueString() == serverType.Name)
}

// recordedServerType is the server_type_id to record for server: the prior value while it names
// the server's type, in whichever form; the type as the cloud shows it when it does not (an
// import, or a server resized behind Terraform's back). The prior value stays when the cloud shows
// no type, and when it shows only a name it could not match to an id: the prior value may then be
// the id of a flavor deleted since, which no lookup can confirm, and a replacement must never come
// from not knowing.
func recordedServerType(prior types.String, server *cloud.Server) types.String {
	known := !prior.IsNull() && !prior.IsUnknown() && prior.ValueString() != ""
	switch {
	case server.ServerTypeShown() == "",
		known && server.ServerTypeIs(prior.ValueString()),
		known && server.ServerTypeID == "":
		return prior
	}
	return types.StringValue(server.ServerTypeShown())
}
