package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The schema's plan modifiers and ModifyPlan's list of replacing changes both come from a
// resource's replaceTable. These tests hold them to agree: for every argument of every resource,
// changed, set where the state had none, and left unset, the framework's own planning (over the
// protocol, as Terraform asks) replaces exactly when the table's check says so.

// replaceCase is one resource's schema, a prior state of it, and its table.
type replaceCase struct {
	typeName string
	schema   schema.Schema
	prior    any
	table    replaceTable
}

func replaceCases(t *testing.T) []replaceCase {
	sh, vh, ah := newServerHarness(t), newVolumeHarness(t), newAttachmentHarness(t)
	server := sh.existing(t, "web")
	server.UserData, server.ServerGroupID = str("#!/bin/sh"), str("group-1")
	return []replaceCase{
		{"scp_virtual_server", sh.schema, &server, serverReplaceRules},
		{"scp_volume", vh.schema, ptr(vh.existing(t, "data", 16)), volumeReplaceRules},
		{"scp_volume_attachment", ah.schema, ptr(ah.recorded(t, ah.server, ah.volume, "/dev/vdb", false)), attachmentReplaceRules},
	}
}

func ptr[T any](v T) *T { return &v }

func TestReplaceTablesAgreeWithTheSchemas(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range replaceCases(t) {
		prior := rawOf(t, rc.schema, rc.prior)
		for _, arg := range arguments(rc.schema) {
			for _, sc := range scenarios(t, rc.schema, prior, arg) {
				t.Run(fmt.Sprintf("%s/%s/%s", rc.typeName, arg.path, sc.name), func(t *testing.T) {
					resp := planRawThroughFramework(t, server, rc.schema, rc.typeName, sc.prior, sc.config, sc.proposed)
					var framework []string
					for _, p := range resp.RequiresReplace {
						if name, ok := p.Steps()[0].(tftypes.AttributeName); ok && !slices.Contains(framework, string(name)) {
							framework = append(framework, string(name))
						}
					}
					planned, err := resp.PlannedState.Unmarshal(rc.schema.Type().TerraformType(context.Background()))
					if err != nil {
						t.Fatal(err)
					}
					req := resource.ModifyPlanRequest{State: tfsdk.State{Schema: rc.schema, Raw: sc.prior},
						Plan: tfsdk.Plan{Schema: rc.schema, Raw: planned}, Config: tfsdk.Config{Schema: rc.schema, Raw: sc.config}}
					var diags diag.Diagnostics
					table := rc.table.changes(context.Background(), req, planFacts{sameType: literalServerType}, &diags)
					wantNoError(t, diags)
					sort.Strings(framework)
					sort.Strings(table)
					if !slices.Equal(framework, table) {
						t.Fatalf("the framework replaces for %v, the table's check for %v", framework, table)
					}
				})
			}
		}
	}
}

// Every row reaches its attribute as a plan modifier, but the one ModifyPlan alone decides.
func TestReplaceTablesReachTheirAttributes(t *testing.T) {
	for _, rc := range replaceCases(t) {
		for _, row := range rc.table {
			a, diags := rc.schema.AttributeAtPath(context.Background(), row.path)
			if diags.HasError() {
				t.Fatalf("%s: no attribute %s", rc.typeName, row.path)
			}
			found := false
			for _, m := range modifiersOf(a) {
				if rm, ok := m.(replaceModifier); ok && rm.rule == row.rule {
					found = true
				}
			}
			if found == (row.rule == replaceOnOtherType) {
				t.Errorf("%s %s: a replaceModifier of its rule: %v", rc.typeName, row.path, found)
			}
		}
	}
}

// modifiersOf is the plan modifiers of an attribute of any type: each type keeps them in a
// PlanModifiers slice of its own modifier interface.
func modifiersOf(a any) []any {
	v := reflect.ValueOf(a)
	if v.Kind() != reflect.Struct {
		return nil
	}
	modifiers := v.FieldByName("PlanModifiers")
	var out []any
	for i := 0; modifiers.IsValid() && i < modifiers.Len(); i++ {
		out = append(out, modifiers.Index(i).Interface())
	}
	return out
}

// argument is a configurable attribute: top-level, or a member of a single nested attribute.
type argument struct {
	path               path.Path
	at                 *tftypes.AttributePath
	computed, required bool
}

func arguments(s schema.Schema) []argument {
	var out []argument
	for name, a := range s.Attributes {
		if nested, ok := a.(schema.SingleNestedAttribute); ok {
			for member, m := range nested.Attributes {
				out = append(out, argument{path.Root(name).AtName(member),
					tftypes.NewAttributePath().WithAttributeName(name).WithAttributeName(member), m.IsComputed(), m.IsRequired()})
			}
			continue
		}
		if (a.IsOptional() || a.IsRequired()) && !a.IsWriteOnly() {
			out = append(out, argument{path.Root(name), tftypes.NewAttributePath().WithAttributeName(name), a.IsComputed(), a.IsRequired()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path.String() < out[j].path.String() })
	return out
}

// replaceScenario is a plan request: the prior state, the configuration and Terraform's proposal.
type replaceScenario struct {
	name                    string
	prior, config, proposed tftypes.Value
}

// scenarios change arg: to another value (for a number, a larger and a smaller one), from none in
// the state to a value, and to unset where it is optional (Terraform then proposes the prior value
// of a computed argument, none of another).
func scenarios(t *testing.T, s schema.Schema, prior tftypes.Value, arg argument) []replaceScenario {
	value := valueAt(t, prior, arg.at)
	config := configOf(t, s, prior)
	var out []replaceScenario
	for i, other := range otherValues(t, value) {
		changed := setAt(t, config, arg.at, other)
		out = append(out,
			replaceScenario{fmt.Sprintf("changed%d", i), prior, changed, setAt(t, prior, arg.at, other)},
			replaceScenario{fmt.Sprintf("from-none%d", i), setAt(t, prior, arg.at, tftypes.NewValue(value.Type(), nil)), changed, setAt(t, prior, arg.at, other)})
	}
	if arg.required {
		return out // Terraform refuses a configuration without it before any plan
	}
	unset := setAt(t, config, arg.at, tftypes.NewValue(value.Type(), nil))
	proposed := setAt(t, prior, arg.at, tftypes.NewValue(value.Type(), nil))
	if arg.computed {
		proposed = prior
	}
	return append(out, replaceScenario{"unset", prior, unset, proposed})
}

// configOf is the configuration of a prior state: computed-only attributes null.
func configOf(t *testing.T, s schema.Schema, prior tftypes.Value) tftypes.Value {
	for name, a := range s.Attributes {
		if a.IsComputed() && !a.IsOptional() && !a.IsRequired() {
			at := tftypes.NewAttributePath().WithAttributeName(name)
			prior = setAt(t, prior, at, tftypes.NewValue(valueAt(t, prior, at).Type(), nil))
		}
	}
	return prior
}

func valueAt(t *testing.T, v tftypes.Value, at *tftypes.AttributePath) tftypes.Value {
	t.Helper()
	var found tftypes.Value
	_ = tftypes.Walk(v, func(p *tftypes.AttributePath, x tftypes.Value) (bool, error) {
		if p.Equal(at) {
			found = x
		}
		return true, nil
	})
	if found.Type() == nil {
		t.Fatalf("no value at %s", at)
	}
	return found
}

func setAt(t *testing.T, v tftypes.Value, at *tftypes.AttributePath, to tftypes.Value) tftypes.Value {
	t.Helper()
	out, err := tftypes.Transform(v, func(p *tftypes.AttributePath, x tftypes.Value) (tftypes.Value, error) {
		if p.Equal(at) {
			return to, nil
		}
		return x, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// otherValues are values of v's type that differ from v.
func otherValues(t *testing.T, v tftypes.Value) []tftypes.Value {
	t.Helper()
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		return []tftypes.Value{tftypes.NewValue(typ, "other")}
	case typ.Is(tftypes.Number):
		n := big.NewFloat(16)
		if v.IsKnown() && !v.IsNull() {
			_ = v.As(&n)
		}
		return []tftypes.Value{tftypes.NewValue(typ, new(big.Float).Add(n, big.NewFloat(8))), tftypes.NewValue(typ, new(big.Float).Sub(n, big.NewFloat(8)))}
	case typ.Is(tftypes.Bool):
		b := false
		if v.IsKnown() && !v.IsNull() {
			_ = v.As(&b)
		}
		return []tftypes.Value{tftypes.NewValue(typ, !b)}
	case typ.Is(tftypes.List{}):
		elem := typ.(tftypes.List).ElementType
		return []tftypes.Value{tftypes.NewValue(typ, []tftypes.Value{otherValues(t, tftypes.NewValue(elem, nil))[0]})}
	case typ.Is(tftypes.Map{}):
		elem := typ.(tftypes.Map).ElementType
		return []tftypes.Value{tftypes.NewValue(typ, map[string]tftypes.Value{"k": otherValues(t, tftypes.NewValue(elem, nil))[0]})}
	case typ.Is(tftypes.Object{}):
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.(tftypes.Object).AttributeTypes {
			attrs[name] = otherValues(t, tftypes.NewValue(at, nil))[0]
		}
		return []tftypes.Value{tftypes.NewValue(typ, attrs)}
	}
	t.Fatalf("no other value of %s", typ)
	return nil
}
