package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// server_type_id is a server type's id on SCP, and on OpenStack a flavor's id or its name: Nova
// takes only the id, and from microversion 2.47 shows only the name. The state keeps the form
// the configuration gives, so that neither a refresh nor giving the other form of the same type
// replaces the server.

// serverTypeAttribute is scp_virtual_server's server_type_id; data is the resource's provider data
// once it is configured.
func serverTypeAttribute(data func() *providerData) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: "Server type: on SCP its id; on OpenStack a flavor's id or its name (such as `m1.small`), looked " +
			"up in the flavors API at plan time. The state keeps the form given. Changing it to another type replaces the " +
			"server; giving the same type in its other form (the id for the name) only records it. After an import it is " +
			"the flavor's name on OpenStack, the id on SCP.",
		Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
		PlanModifiers: []planmodifier.String{serverTypeModifier{data: data}},
	}
}

// serverTypeModifier resolves a new or changed server type at plan time, so that a type the cloud
// does not have stops the plan before anything is created, and replaces the server only when the
// configured type is another one than the state's.
type serverTypeModifier struct{ data func() *providerData }

func (serverTypeModifier) Description(context.Context) string {
	return "Changing the server type to another one replaces the server."
}

func (m serverTypeModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m serverTypeModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.IsNull() || req.ConfigValue.Equal(req.StateValue) {
		return
	}
	creating := req.State.Raw.IsNull()
	// A state without a type (imported from a cloud that showed none) adopts the configured one.
	replaceOnChange := !creating && !req.StateValue.IsNull()
	d := m.data()
	if d == nil {
		resp.RequiresReplace = replaceOnChange
		return
	}
	ref := req.ConfigValue.ValueString()
	serverType, err := d.cloud.ServerType(ctx, ref)
	switch {
	case cloud.OutcomeOf(err) == cloud.OutcomeRejected:
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown server type",
			errorDetail(err)+". The plan stops here; nothing was sent to the API.")
		return
	case err != nil:
		resp.Diagnostics.AddAttributeWarning(req.Path, "Cannot look up the server type",
			fmt.Sprintf("%s could not say which server type %q is: %s. A change of server_type_id is planned as a replacement.",
				d.cloud.Name(), ref, errorDetail(err)))
		resp.RequiresReplace = replaceOnChange
		return
	}
	prior := req.StateValue.ValueString()
	resp.RequiresReplace = replaceOnChange && prior != serverType.ID && prior != serverType.Name
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
