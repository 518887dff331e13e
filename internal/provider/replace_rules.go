package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Which argument's change replaces a resource is said once per resource, in a replaceTable. The
// schema's plan modifiers are built from it (withReplaceRules), and so is the resource-level
// ModifyPlan's list of replacing changes (changes), which the framework does not hand it: the
// attribute modifiers' verdicts reach Terraform, not ModifyPlan.

// replaceRule is when a change of an argument replaces its resource.
type replaceRule int

const (
	// replaceOnChange: any change of the planned value.
	replaceOnChange replaceRule = iota
	// replaceIfConfigured: a change the configuration sets; an unset value is the cloud's, kept.
	replaceIfConfigured
	// replaceUnlessImported: a change of a prior value that is known. The API does not show these
	// create-only arguments, so after an import the state lacks them, and adopting the configured
	// value must not destroy a working server.
	replaceUnlessImported
	// replaceGroupChange is replaceUnlessImported where the cloud does not show a server's group;
	// where it does (Facts.ShowsServerGroup), a null prior value means "in none", and any change
	// replaces. The schema, built before any cloud is configured, holds the first part.
	replaceGroupChange
	// replaceOnShrink: a smaller number (a volume grows in place and never shrinks).
	replaceOnShrink
	// replaceOnOtherType: another server type than the prior one, not the same type in its other
	// form. Only ModifyPlan can look types up (planServerType), so it has no schema modifier.
	replaceOnOtherType
)

// replaceAt is one row of a replaceTable: the argument at path replaces under rule.
type replaceAt struct {
	path path.Path
	rule replaceRule
}

// replaceTable is a resource's replacing arguments, in the order messages name them.
type replaceTable []replaceAt

// planFacts is what the cloud adds to the rules: whether it shows a server's group, and whether a
// configured server type is the prior one. The zero value is a cloud not configured yet.
type planFacts struct {
	showsGroup bool
	sameType   func(prior, planned types.String) bool
}

// valueChange is an argument's prior, planned and configured value, for a resource being updated.
type valueChange struct{ prior, planned, configured attr.Value }

// replaces is the rule's verdict on a change of a resource that exists and stays planned.
func (r replaceRule) replaces(c valueChange, facts planFacts) bool {
	if c.planned.Equal(c.prior) {
		return false
	}
	switch r {
	case replaceIfConfigured:
		return !c.configured.IsNull()
	case replaceUnlessImported:
		return !c.prior.IsNull()
	case replaceGroupChange:
		return facts.showsGroup || !c.prior.IsNull()
	case replaceOnShrink:
		planned, _ := c.planned.(types.Int64)
		prior, _ := c.prior.(types.Int64)
		return planned.ValueInt64() < prior.ValueInt64()
	case replaceOnOtherType:
		prior, _ := c.prior.(types.String)
		planned, _ := c.planned.(types.String)
		return !prior.IsNull() && (facts.sameType == nil || !facts.sameType(prior, planned))
	}
	return true
}

// changes names the top-level arguments whose planned change replaces the resource, each once.
func (t replaceTable) changes(ctx context.Context, req resource.ModifyPlanRequest, facts planFacts, diags *diag.Diagnostics) []string {
	var names []string
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return nil
	}
	for _, row := range t {
		var c valueChange
		diags.Append(req.State.GetAttribute(ctx, row.path, &c.prior)...)
		diags.Append(req.Plan.GetAttribute(ctx, row.path, &c.planned)...)
		diags.Append(req.Config.GetAttribute(ctx, row.path, &c.configured)...)
		if diags.HasError() {
			return nil
		}
		name := rootName(row.path)
		if row.rule.replaces(c, facts) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// rootName is the top-level argument a path is in.
func rootName(p path.Path) string {
	steps := p.Steps()
	if len(steps) == 0 {
		return ""
	}
	if name, ok := steps[0].(path.PathStepAttributeName); ok {
		return string(name)
	}
	return steps[0].String()
}

// replaceModifier is a rule as a plan modifier, for every attribute type the tables use.
type replaceModifier struct{ rule replaceRule }

func (m replaceModifier) Description(context.Context) string { return m.text() }

func (m replaceModifier) MarkdownDescription(context.Context) string { return m.text() }

func (m replaceModifier) text() string {
	switch m.rule {
	case replaceIfConfigured:
		return "If the value of this attribute is configured and changes, Terraform will destroy and recreate the resource."
	case replaceUnlessImported, replaceGroupChange:
		return "Changing this value replaces the resource (after an import, the first configured value is adopted without replacement)."
	case replaceOnShrink:
		return "Shrinking a volume replaces it."
	}
	return "If the value of this attribute changes, Terraform will destroy and recreate the resource."
}

// verdict is the rule's, on an update only (the framework's RequiresReplace does the same).
func (m replaceModifier) verdict(state tfsdk.State, plan tfsdk.Plan, c valueChange) bool {
	return !state.Raw.IsNull() && !plan.Raw.IsNull() && m.rule.replaces(c, planFacts{})
}

func (m replaceModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	resp.RequiresReplace = m.verdict(req.State, req.Plan, valueChange{req.StateValue, req.PlanValue, req.ConfigValue})
}

func (m replaceModifier) PlanModifyInt64(_ context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	resp.RequiresReplace = m.verdict(req.State, req.Plan, valueChange{req.StateValue, req.PlanValue, req.ConfigValue})
}

func (m replaceModifier) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	resp.RequiresReplace = m.verdict(req.State, req.Plan, valueChange{req.StateValue, req.PlanValue, req.ConfigValue})
}

func (m replaceModifier) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	resp.RequiresReplace = m.verdict(req.State, req.Plan, valueChange{req.StateValue, req.PlanValue, req.ConfigValue})
}

// withReplaceRules returns s with each row's rule appended, as a plan modifier, to the attribute at
// the row's path (top-level, or a member of a single nested attribute). A rule decided in
// ModifyPlan alone adds none.
func withReplaceRules(s schema.Schema, t replaceTable) schema.Schema {
	for _, row := range t {
		if row.rule == replaceOnOtherType {
			continue
		}
		steps := row.path.Steps()
		root, _ := steps[0].(path.PathStepAttributeName)
		if len(steps) == 1 {
			s.Attributes[string(root)] = withModifier(s.Attributes[string(root)], replaceModifier{row.rule})
			continue
		}
		member, _ := steps[1].(path.PathStepAttributeName)
		if nested, ok := s.Attributes[string(root)].(schema.SingleNestedAttribute); ok && len(steps) == 2 {
			nested.Attributes[string(member)] = withModifier(nested.Attributes[string(member)], replaceModifier{row.rule})
			s.Attributes[string(root)] = nested
		}
	}
	return s
}

// withModifier appends m to a's plan modifiers; other attribute types are left as they are (the
// tables' test finds a row that did not reach its attribute).
func withModifier(a schema.Attribute, m replaceModifier) schema.Attribute {
	switch a := a.(type) {
	case schema.StringAttribute:
		a.PlanModifiers = append(slices.Clone(a.PlanModifiers), m)
		return a
	case schema.Int64Attribute:
		a.PlanModifiers = append(slices.Clone(a.PlanModifiers), m)
		return a
	case schema.BoolAttribute:
		a.PlanModifiers = append(slices.Clone(a.PlanModifiers), m)
		return a
	case schema.ListAttribute:
		a.PlanModifiers = append(slices.Clone(a.PlanModifiers), m)
		return a
	case schema.ListNestedAttribute:
		a.PlanModifiers = append(slices.Clone(a.PlanModifiers), m)
		return a
	}
	return a
}
