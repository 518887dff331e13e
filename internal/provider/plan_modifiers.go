package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// replaceUnlessImported forces replacement when a create-only argument changes, except when the prior
// value is null: the API does not report these arguments, so after an import the state lacks them and
// adopting the configured value must not destroy a working server.
func replaceUnlessImported() replaceUnlessImportedModifier { return replaceUnlessImportedModifier{} }

type replaceUnlessImportedModifier struct{}

const replaceUnlessImportedDescription = "Changing this value replaces the resource (after an import, the first configured value is adopted without replacement)."

func (replaceUnlessImportedModifier) Description(context.Context) string {
	return replaceUnlessImportedDescription
}

func (replaceUnlessImportedModifier) MarkdownDescription(context.Context) string {
	return replaceUnlessImportedDescription
}

func (replaceUnlessImportedModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	resp.RequiresReplace = needsReplace(req.State.Raw.IsNull(), req.StateValue.IsNull(), req.PlanValue.Equal(req.StateValue))
}

func (replaceUnlessImportedModifier) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	resp.RequiresReplace = needsReplace(req.State.Raw.IsNull(), req.StateValue.IsNull(), req.PlanValue.Equal(req.StateValue))
}

func (replaceUnlessImportedModifier) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	resp.RequiresReplace = needsReplace(req.State.Raw.IsNull(), req.StateValue.IsNull(), req.PlanValue.Equal(req.StateValue))
}

func needsReplace(creating, priorNull, unchanged bool) bool {
	return !creating && !priorNull && !unchanged
}
