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

// nullTimeouts is a timeouts block left out of the configuration.
func nullTimeouts(t *testing.T, s schema.Schema) timeouts.Value {
	t.Helper()
	typ, diags := s.TypeAtPath(context.Background(), path.Root("timeouts"))
	if diags.HasError() {
		t.Fatalf("timeouts type: %v", diags)
	}
	return timeouts.Value{Object: types.ObjectNull(typ.(timeouts.Type).AttrTypes)}
}

func planOf(t *testing.T, s schema.Schema, model any) tfsdk.Plan {
	t.Helper()
	p := tfsdk.Plan{Schema: s, Raw: nullRaw(s)}
	if diags := p.Set(context.Background(), model); diags.HasError() {
		t.Fatalf("plan: %v", diags)
	}
	return p
}

func stateOf(t *testing.T, s schema.Schema, model any) tfsdk.State {
	t.Helper()
	st := tfsdk.State{Schema: s, Raw: nullRaw(s)}
	if diags := st.Set(context.Background(), model); diags.HasError() {
		t.Fatalf("state: %v", diags)
	}
	return st
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

// ---- scp_virtual_server ----

type serverHarness struct {
	fake   *cloudtest.Fake
	r      *virtualServerResource
	schema schema.Schema
}

func newServerHarness(t *testing.T) *serverHarness {
	f := cloudtest.New()
	r := &virtualServerResource{data: newTestData(f)}
	return &serverHarness{fake: f, r: r, schema: schemaOf(t, r)}
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

func (h *serverHarness) create(t *testing.T, ctx context.Context, plan virtualServerModel) resource.CreateResponse {
	t.Helper()
	p := planOf(t, h.schema, &plan)
	resp := resource.CreateResponse{State: emptyState(h.schema)}
	h.r.Create(ctx, resource.CreateRequest{Plan: p, Config: tfsdk.Config{Schema: h.schema, Raw: p.Raw}}, &resp)
	return resp
}

// existing creates a server through the resource and returns its state.
func (h *serverHarness) existing(t *testing.T, name string) virtualServerModel {
	t.Helper()
	resp := h.create(t, context.Background(), h.plannedServer(t, name))
	wantNoError(t, resp.Diagnostics)
	m, _ := stateModel[virtualServerModel](t, resp.State)
	return m
}

func (h *serverHarness) read(t *testing.T, state virtualServerModel) resource.ReadResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.ReadResponse{State: st}
	h.r.Read(context.Background(), resource.ReadRequest{State: st}, &resp)
	return resp
}

func (h *serverHarness) update(t *testing.T, plan, state virtualServerModel) resource.UpdateResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.UpdateResponse{State: st}
	h.r.Update(context.Background(), resource.UpdateRequest{Plan: planOf(t, h.schema, &plan), State: st}, &resp)
	return resp
}

func (h *serverHarness) delete(t *testing.T, state virtualServerModel) resource.DeleteResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.DeleteResponse{State: st}
	h.r.Delete(context.Background(), resource.DeleteRequest{State: st}, &resp)
	return resp
}

// modifyPlan runs the plan-time rules; plan nil is a destroy plan.
func (h *serverHarness) modifyPlan(t *testing.T, plan, state *virtualServerModel) resource.ModifyPlanResponse {
	t.Helper()
	req := resource.ModifyPlanRequest{Plan: nullPlan(h.schema), State: emptyState(h.schema)}
	if plan != nil {
		req.Plan = planOf(t, h.schema, plan)
	}
	if state != nil {
		req.State = stateOf(t, h.schema, state)
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	h.r.ModifyPlan(context.Background(), req, &resp)
	return resp
}

// ---- scp_volume ----

type volumeHarness struct {
	fake   *cloudtest.Fake
	r      *volumeResource
	schema schema.Schema
}

func newVolumeHarness(t *testing.T) *volumeHarness {
	f := cloudtest.New()
	r := &volumeResource{data: newTestData(f)}
	return &volumeHarness{fake: f, r: r, schema: schemaOf(t, r)}
}

func (h *volumeHarness) plannedVolume(t *testing.T, name string, size int64) volumeModel {
	return volumeModel{
		ID: types.StringUnknown(), Name: str(name), Size: types.Int64Value(size), VolumeType: str("SSD"),
		MaxIOPS: types.Int64Null(), MaxThroughput: types.Int64Null(), Tags: nullTags,
		State: types.StringUnknown(), Bootable: types.BoolUnknown(), Multiattach: types.BoolUnknown(),
		Timeouts: nullTimeouts(t, h.schema),
	}
}

func (h *volumeHarness) create(t *testing.T, ctx context.Context, plan volumeModel) resource.CreateResponse {
	t.Helper()
	p := planOf(t, h.schema, &plan)
	resp := resource.CreateResponse{State: emptyState(h.schema)}
	h.r.Create(ctx, resource.CreateRequest{Plan: p, Config: tfsdk.Config{Schema: h.schema, Raw: p.Raw}}, &resp)
	return resp
}

func (h *volumeHarness) existing(t *testing.T, name string, size int64) volumeModel {
	t.Helper()
	resp := h.create(t, context.Background(), h.plannedVolume(t, name, size))
	wantNoError(t, resp.Diagnostics)
	m, _ := stateModel[volumeModel](t, resp.State)
	return m
}

func (h *volumeHarness) read(t *testing.T, state volumeModel) resource.ReadResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.ReadResponse{State: st}
	h.r.Read(context.Background(), resource.ReadRequest{State: st}, &resp)
	return resp
}

func (h *volumeHarness) update(t *testing.T, plan, state volumeModel) resource.UpdateResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.UpdateResponse{State: st}
	h.r.Update(context.Background(), resource.UpdateRequest{Plan: planOf(t, h.schema, &plan), State: st}, &resp)
	return resp
}

func (h *volumeHarness) delete(t *testing.T, state volumeModel) resource.DeleteResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.DeleteResponse{State: st}
	h.r.Delete(context.Background(), resource.DeleteRequest{State: st}, &resp)
	return resp
}

func (h *volumeHarness) modifyPlan(t *testing.T, plan *volumeModel) resource.ModifyPlanResponse {
	t.Helper()
	req := resource.ModifyPlanRequest{Plan: planOf(t, h.schema, plan), State: emptyState(h.schema)}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	h.r.ModifyPlan(context.Background(), req, &resp)
	return resp
}

// ---- scp_volume_attachment ----

type attachmentHarness struct {
	fake   *cloudtest.Fake
	r      *volumeAttachmentResource
	schema schema.Schema
	server string // a running server
	volume string // an available volume
}

func newAttachmentHarness(t *testing.T) *attachmentHarness {
	f := cloudtest.New()
	r := &volumeAttachmentResource{data: newTestData(f)}
	return &attachmentHarness{
		fake: f, r: r, schema: schemaOf(t, r),
		server: f.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive}),
		volume: f.PutVolume(cloud.Volume{Name: "data", State: "available", Phase: cloud.PhaseAvailable, Size: 8}),
	}
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

func (h *attachmentHarness) create(t *testing.T, ctx context.Context, plan volumeAttachmentModel) resource.CreateResponse {
	t.Helper()
	p := planOf(t, h.schema, &plan)
	resp := resource.CreateResponse{State: emptyState(h.schema)}
	h.r.Create(ctx, resource.CreateRequest{Plan: p, Config: tfsdk.Config{Schema: h.schema, Raw: p.Raw}}, &resp)
	return resp
}

func (h *attachmentHarness) read(t *testing.T, state volumeAttachmentModel) resource.ReadResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.ReadResponse{State: st}
	h.r.Read(context.Background(), resource.ReadRequest{State: st}, &resp)
	return resp
}

func (h *attachmentHarness) delete(t *testing.T, state volumeAttachmentModel) resource.DeleteResponse {
	t.Helper()
	st := stateOf(t, h.schema, &state)
	resp := resource.DeleteResponse{State: st}
	h.r.Delete(context.Background(), resource.DeleteRequest{State: st}, &resp)
	return resp
}

func (h *attachmentHarness) modifyPlan(t *testing.T, plan, state *volumeAttachmentModel) resource.ModifyPlanResponse {
	t.Helper()
	req := resource.ModifyPlanRequest{Plan: nullPlan(h.schema), State: emptyState(h.schema)}
	if plan != nil {
		req.Plan = planOf(t, h.schema, plan)
	}
	if state != nil {
		req.State = stateOf(t, h.schema, state)
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	h.r.ModifyPlan(context.Background(), req, &resp)
	return resp
}
