package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

// The unit tests call the resources' methods directly, with plans and states built from their
// schemas, against cloudtest's fake cloud: no Terraform, no HTTP. Their poller runs on a fake clock
// that jumps to every timer's deadline, so a wait of minutes takes microseconds.

// newTestData is the one place the unit tests build providerData.
func newTestData(c cloud.Cloud) *providerData {
	return &providerData{
		cloud:  c,
		poller: wait.New(wait.WithClock(waittest.NewAutoClock(time.Time{}))),
		locks:  newKeyedMutex(),
	}
}

// Ids of objects the tests make up; the fake's own ids come from cloudtest.
const (
	serverA = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
	volumeA = "3f500f00-ed80-4566-a057-e31760226f9a"
)

func schemaOf(t *testing.T, r resource.Resource) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return resp.Schema
}

func nullRaw(s schema.Schema) tftypes.Value {
	return tftypes.NewValue(s.Type().TerraformType(context.Background()), nil)
}

// configObject is a configuration of type typ that sets values and leaves every other attribute
// out (null).
func configObject(typ tftypes.Object, values map[string]tftypes.Value) tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, attrType := range typ.AttributeTypes {
		if v, ok := values[name]; ok {
			attrs[name] = v
		} else {
			attrs[name] = tftypes.NewValue(attrType, nil)
		}
	}
	return tftypes.NewValue(typ, attrs)
}

// nullTimeouts is a timeouts block left out of the configuration.
func nullTimeouts(t *testing.T, s schema.Schema) timeouts.Value {
	t.Helper()
	typ, diags := s.TypeAtPath(context.Background(), path.Root("timeouts"))
	if diags.HasError() {
		t.Fatalf("timeouts type: %v", diags)
	}
	return timeouts.Value{Object: types.ObjectNull(typ.(timeouts.Type).AttrTypes)}
}

// rawOf is model as a value of schema s, as a plan or a state holds it.
func rawOf(t *testing.T, s schema.Schema, model any) tftypes.Value {
	t.Helper()
	st := tfsdk.State{Schema: s, Raw: nullRaw(s)}
	if diags := st.Set(context.Background(), model); diags.HasError() {
		t.Fatalf("converting %T: %v", model, diags)
	}
	return st.Raw
}

func planOf(t *testing.T, s schema.Schema, model any) tfsdk.Plan {
	t.Helper()
	return tfsdk.Plan{Schema: s, Raw: rawOf(t, s, model)}
}

func stateOf(t *testing.T, s schema.Schema, model any) tfsdk.State {
	t.Helper()
	return tfsdk.State{Schema: s, Raw: rawOf(t, s, model)}
}

func emptyState(s schema.Schema) tfsdk.State { return tfsdk.State{Schema: s, Raw: nullRaw(s)} }
func nullPlan(s schema.Schema) tfsdk.Plan    { return tfsdk.Plan{Schema: s, Raw: nullRaw(s)} }

// stateModel reads a state back into a model; ok is false when the state holds no resource.
func stateModel[T any](t *testing.T, st tfsdk.State) (m T, ok bool) {
	t.Helper()
	if st.Raw.IsNull() {
		return m, false
	}
	if diags := st.Get(context.Background(), &m); diags.HasError() {
		t.Fatalf("reading the state: %v", diags)
	}
	return m, true
}

// errorText is every error diagnostic's summary and detail, for assertions on messages.
func errorText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags.Errors() {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

// wantError fails unless diags hold an error whose summary is summary and whose text contains
// every one of fragments.
func wantError(t *testing.T, diags diag.Diagnostics, summary string, fragments ...string) {
	t.Helper()
	found := false
	for _, d := range diags.Errors() {
		if d.Summary() == summary {
			found = true
		}
	}
	if !found {
		t.Fatalf("no error %q; diagnostics:\n%s", summary, errorText(diags))
	}
	text := errorText(diags)
	for _, f := range fragments {
		if !strings.Contains(text, f) {
			t.Errorf("the error does not say %q:\n%s", f, text)
		}
	}
}

func wantNoError(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() {
		t.Fatalf("unexpected error:\n%s", errorText(diags))
	}
}

// wantCalls fails unless the fake was sent exactly these mutations (as Call.String shows them).
func wantCalls(t *testing.T, f *cloudtest.Fake, want ...string) {
	t.Helper()
	var got []string
	for _, c := range f.Calls() {
		got = append(got, c.String())
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Fatalf("calls sent:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func str(s string) types.String { return types.StringValue(s) }

var nullTags = types.MapNull(types.StringType)

func tagsValue(t *testing.T, tags map[string]string) types.Map {
	t.Helper()
	m, diags := types.MapValueFrom(context.Background(), types.StringType, tags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return m
}

// resourceHarness drives one resource's methods the way Terraform calls them, with plans and
// states built from the resource's schema; M is the resource's model and R the resource. Each
// resource's harness embeds one and adds the plans that resource's tests start from.
type resourceHarness[M any, R harnessedResource] struct {
	fake   *cloudtest.Fake
	data   *providerData
	r      R
	schema schema.Schema
}

// withoutTags makes the resource's cloud one whose configuration cannot manage tags, for reason;
// withTags makes it the fake again.
func (h *resourceHarness[M, R]) withoutTags(reason string) { h.data.cloud = h.fake.WithoutTags(reason) }
func (h *resourceHarness[M, R]) withTags()                 { h.data.cloud = h.fake }

// harnessedResource is what the harness drives: every resource of this provider has plan-time
// rules and can be imported.
type harnessedResource interface {
	resource.ResourceWithModifyPlan
	resource.ResourceWithImportState
}

// newResourceHarness builds the resource newResource makes on a fresh fake cloud.
func newResourceHarness[M any, R harnessedResource](t *testing.T, newResource func(*providerData) R) resourceHarness[M, R] {
	f := cloudtest.New()
	d := newTestData(f)
	r := newResource(d)
	return resourceHarness[M, R]{fake: f, data: d, r: r, schema: schemaOf(t, r)}
}

func (h *resourceHarness[M, R]) create(t *testing.T, ctx context.Context, plan M) resource.CreateResponse {
	t.Helper()
	p := planOf(t, h.schema, &plan)
	resp := resource.CreateResponse{State: emptyState(h.schema)}
	h.r.Create(ctx, resource.CreateRequest{Plan: p, Config: tfsdk.Config{Schema: h.schema, Raw: p.Raw}}, &resp)
	return resp
}

// created creates plan through the resource and returns the state it records.
func (h *resourceHarness[M, R]) created(t *testing.T, plan M) M {
	t.Helper()
	resp := h.create(t, context.Background(), plan)
	wantNoError(t, resp.Diagnostics)
	m, _ := stateModel[M](t, resp.State)
	return m
}

func (h *resourceHarness[M, R]) read(t *testing.T, state M) resource.ReadResponse {
	t.Helper()
	resp := resource.ReadResponse{State: stateOf(t, h.schema, &state)}
	h.r.Read(context.Background(), resource.ReadRequest{State: resp.State}, &resp)
	return resp
}

// wantReadKeeps fails unless a read of state fails with the error summary (see wantError) and
// keeps the resource in the state: only a resource the cloud says is gone may leave it.
func (h *resourceHarness[M, R]) wantReadKeeps(t *testing.T, state M, summary string, fragments ...string) {
	t.Helper()
	resp := h.read(t, state)
	wantError(t, resp.Diagnostics, summary, fragments...)
	if resp.State.Raw.IsNull() {
		t.Fatalf("a read that failed with %q %q removed the resource from the state", summary, fragments)
	}
}

// wantReadRemoves fails unless a read of state succeeds and removes the resource from the state,
// as it must once the cloud says the resource is gone, with a warning that says so.
func (h *resourceHarness[M, R]) wantReadRemoves(t *testing.T, state M) {
	t.Helper()
	resp := h.read(t, state)
	wantNoError(t, resp.Diagnostics)
	if !resp.State.Raw.IsNull() {
		t.Fatal("a resource the cloud says is gone stays in the state")
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), "removed from the state") {
		t.Fatalf("a resource dropped from the state on refresh must be a warning the user sees; got %v", warnings)
	}
}

func (h *resourceHarness[M, R]) update(t *testing.T, plan, state M) resource.UpdateResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.UpdateResponse{State: st}
	h.r.Update(context.Background(), resource.UpdateRequest{Plan: planOf(t, h.schema, &plan), State: st}, &resp)
	return resp
}

// wantUpdateFails fails unless an update from state to plan, with the fake's call failing with
// failure, fails with the error summary and says the failure.
func (h *resourceHarness[M, R]) wantUpdateFails(t *testing.T, plan, state M, call string, failure error, summary string) {
	t.Helper()
	h.fake.Fail(call, failure)
	wantError(t, h.update(t, plan, state).Diagnostics, summary, failure.Error())
}

func (h *resourceHarness[M, R]) delete(t *testing.T, state M) resource.DeleteResponse {
	t.Helper()
	resp := resource.DeleteResponse{State: stateOf(t, h.schema, &state)}
	h.r.Delete(context.Background(), resource.DeleteRequest{State: resp.State}, &resp)
	return resp
}

// importState imports id as `terraform import` does.
func (h *resourceHarness[M, R]) importState(id string) resource.ImportStateResponse {
	resp := resource.ImportStateResponse{State: emptyState(h.schema)}
	h.r.ImportState(context.Background(), resource.ImportStateRequest{ID: id}, &resp)
	return resp
}

// imported is the state an import of id leaves, with the timeouts block of a configuration that
// sets none.
func (h *resourceHarness[M, R]) imported(t *testing.T, id string) M {
	t.Helper()
	resp := h.importState(id)
	wantNoError(t, resp.Diagnostics)
	wantNoError(t, resp.State.SetAttribute(context.Background(), path.Root("timeouts"), nullTimeouts(t, h.schema)))
	m, _ := stateModel[M](t, resp.State)
	return m
}

// modifyPlan runs the plan-time rules; plan nil is a destroy plan, state nil a create.
func (h *resourceHarness[M, R]) modifyPlan(t *testing.T, plan, state *M) resource.ModifyPlanResponse {
	t.Helper()
	req := resource.ModifyPlanRequest{Plan: nullPlan(h.schema), State: emptyState(h.schema),
		Config: tfsdk.Config{Schema: h.schema, Raw: nullRaw(h.schema)}}
	if plan != nil {
		req.Plan = planOf(t, h.schema, plan)
		req.Config.Raw = configuredOf(t, req.Plan.Raw)
	}
	if state != nil {
		req.State = stateOf(t, h.schema, state)
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	h.r.ModifyPlan(context.Background(), req, &resp)
	return resp
}

// configuredOf is the configuration behind a plan, as far as the unit tests need one: every planned
// value, but those the plan does not know yet, which were left unset.
func configuredOf(t *testing.T, plan tftypes.Value) tftypes.Value {
	t.Helper()
	raw, err := tftypes.Transform(plan, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// planNew runs ModifyPlan for a new object planned as plan, with the configuration Terraform would
// send alongside: the plan with its computed-only values (unknown there) null.
func (h *resourceHarness[M, R]) planNew(t *testing.T, plan M) resource.ModifyPlanResponse {
	t.Helper()
	return h.planWithConfig(t, plan, nil)
}

// planWithConfig is planNew for a plan of an object in state (nil: a new one).
func (h *resourceHarness[M, R]) planWithConfig(t *testing.T, plan M, state *M) resource.ModifyPlanResponse {
	t.Helper()
	p := planOf(t, h.schema, &plan)
	computed := map[string]bool{}
	for name, a := range h.schema.Attributes {
		computed[name] = a.IsComputed() && !a.IsOptional()
	}
	raw, err := tftypes.Transform(p.Raw, func(at *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if steps := at.Steps(); len(steps) == 1 {
			if name, ok := steps[0].(tftypes.AttributeName); ok && computed[string(name)] {
				return tftypes.NewValue(v.Type(), nil), nil
			}
		}
		return v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	req := resource.ModifyPlanRequest{Plan: p, State: emptyState(h.schema), Config: tfsdk.Config{Schema: h.schema, Raw: raw}}
	if state != nil {
		req.State = stateOf(t, h.schema, state)
	}
	resp := resource.ModifyPlanResponse{Plan: p}
	h.r.ModifyPlan(context.Background(), req, &resp)
	return resp
}

// ---- scp_virtual_server ----

type serverHarness struct {
	resourceHarness[virtualServerModel, *virtualServerResource]
}

func newServerHarness(t *testing.T) *serverHarness {
	return &serverHarness{newResourceHarness[virtualServerModel](t, func(d *providerData) *virtualServerResource {
		return &virtualServerResource{resourceBase{data: d}}
	})}
}

// plannedServer is a new server's plan, as Terraform hands it to Create.
func (h *serverHarness) plannedServer(t *testing.T, name string) virtualServerModel {
	return virtualServerModel{
		ID: types.StringUnknown(), Name: str(name), ImageID: str("image-1"), ServerTypeID: str("s1v1m2"),
		KeypairName: str("key-1"),
		Networks: []networkModel{{
			SubnetID: str("subnet-1"), PortID: types.StringNull(), FixedIP: types.StringNull(), PublicIPID: types.StringNull(),
		}},
		BootVolume: &bootVolumeModel{Size: types.Int64Value(16), Type: str("SSD"), DeleteOnTermination: types.BoolValue(true)},
		Lock:       types.BoolValue(false), Tags: nullTags, UserData: types.StringNull(), ServerGroupID: types.StringNull(),
		State: types.StringUnknown(), OSVolumeID: types.StringUnknown(), VpcID: types.StringUnknown(),
		CreatedAt: types.StringUnknown(), Timeouts: nullTimeouts(t, h.schema),
	}
}

// existing creates a server through the resource and returns its state.
func (h *serverHarness) existing(t *testing.T, name string) virtualServerModel {
	t.Helper()
	return h.created(t, h.plannedServer(t, name))
}

// ---- scp_volume ----

type volumeHarness struct {
	resourceHarness[volumeModel, *volumeResource]
}

func newVolumeHarness(t *testing.T) *volumeHarness {
	return &volumeHarness{newResourceHarness[volumeModel](t, func(d *providerData) *volumeResource {
		return &volumeResource{resourceBase{data: d}}
	})}
}

func (h *volumeHarness) plannedVolume(t *testing.T, name string, size int64) volumeModel {
	return volumeModel{
		ID: types.StringUnknown(), Name: str(name), Size: types.Int64Value(size), VolumeType: str("SSD"),
		MaxIOPS: types.Int64Null(), MaxThroughput: types.Int64Null(), Tags: nullTags,
		State: types.StringUnknown(), Bootable: types.BoolUnknown(), Multiattach: types.BoolUnknown(),
		Timeouts: nullTimeouts(t, h.schema),
	}
}

func (h *volumeHarness) existing(t *testing.T, name string, size int64) volumeModel {
	t.Helper()
	return h.created(t, h.plannedVolume(t, name, size))
}

// modifyPlan plans a new volume: the volume's plan-time rules only look at creates.
func (h *volumeHarness) modifyPlan(t *testing.T, plan *volumeModel) resource.ModifyPlanResponse {
	t.Helper()
	return h.resourceHarness.modifyPlan(t, plan, nil)
}

// ---- scp_volume_attachment ----

type attachmentHarness struct {
	resourceHarness[volumeAttachmentModel, *volumeAttachmentResource]
	server string // a running server
	volume string // an available volume
}

func newAttachmentHarness(t *testing.T) *attachmentHarness {
	h := &attachmentHarness{resourceHarness: newResourceHarness[volumeAttachmentModel](t, func(d *providerData) *volumeAttachmentResource {
		return &volumeAttachmentResource{resourceBase{data: d}}
	})}
	h.server = h.fake.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive})
	h.volume = h.fake.PutVolume(cloud.Volume{Name: "data", State: "available", Phase: cloud.PhaseAvailable, Size: 8})
	return h
}

func (h *attachmentHarness) planned(t *testing.T, serverID, volumeID string) volumeAttachmentModel {
	return volumeAttachmentModel{
		ID: types.StringUnknown(), ServerID: str(serverID), VolumeID: str(volumeID),
		DeleteOnTermination: types.BoolUnknown(), SkipDestroy: types.BoolValue(false),
		Device: types.StringUnknown(), OSVolume: types.BoolUnknown(), Timeouts: nullTimeouts(t, h.schema),
	}
}

// recorded is an attachment as the state holds it after a create.
func (h *attachmentHarness) recorded(t *testing.T, serverID, volumeID, device string, osVolume bool) volumeAttachmentModel {
	m := h.planned(t, serverID, volumeID)
	m.ID = str(attachmentID(serverID, volumeID))
	m.DeleteOnTermination = types.BoolValue(false)
	m.Device = optionalString(device)
	m.OSVolume = types.BoolValue(osVolume)
	return m
}
