package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Two attribute shapes every resource has: a computed string that an update leaves as it was
// (the plan keeps the state's value rather than "(known after apply)"), and a required string
// (whose change replaces the resource where the resource's replaceTable says so).

func computedKept(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: description,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func requiredString(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Required: true, MarkdownDescription: description, Validators: validators}
}

// description is a plan modifier's text, the same in plain text and Markdown.
type description string

func (d description) Description(context.Context) string         { return string(d) }
func (d description) MarkdownDescription(context.Context) string { return string(d) }

// falseOnCreate and nullOnCreate plan the API's value for an argument left unset on a resource
// being created (false, or none), so the plan shows it instead of "(known after apply)". An
// existing resource keeps what the API reports: its plan starts from the state.
func falseOnCreate() planmodifier.Bool {
	return unsetOnCreateModifier{"Unset on a new resource, the value is false."}
}

func nullOnCreate() planmodifier.String {
	return unsetOnCreateModifier{"Unset on a new resource, there is none."}
}

type unsetOnCreateModifier struct{ description }

func (unsetOnCreateModifier) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.State.Raw.IsNull() && req.ConfigValue.IsNull() {
		resp.PlanValue = types.BoolValue(false)
	}
}

func (unsetOnCreateModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() && req.ConfigValue.IsNull() {
		resp.PlanValue = types.StringNull()
	}
}

// keepWhenRemoved keeps a create-only list's recorded value when the configuration no longer sets
// it: removing such an argument cannot undo what it did at creation, so it must not replace the
// resource either.
func keepWhenRemoved() planmodifier.List {
	return keepWhenRemovedModifier{"Removing the argument keeps the value recorded at creation."}
}

type keepWhenRemovedModifier struct{ description }

func (keepWhenRemovedModifier) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = req.StateValue
	}
}
