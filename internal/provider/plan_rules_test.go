package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	"github.com/scp-community/terraform-provider-scp/internal/openstack"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// The plan-time rules: what would destroy a locked server or detach an OS disk fails the plan,
// before anything is sent.

func TestPlanRefusesToDestroyALockedServer(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	state.Lock = types.BoolValue(true)
	before := len(h.fake.Calls())

	resp := h.modifyPlan(t, nil, &state)
	wantError(t, resp.Diagnostics, "Cannot destroy a locked server",
		"web ("+state.ID.ValueString()+")", "Nothing was sent to the API", "Set lock = false")
	if len(h.fake.Calls()) != before {
		t.Fatalf("the plan sent %v", h.fake.Calls()[before:])
	}

	state.Lock = types.BoolValue(false)
	wantNoError(t, h.modifyPlan(t, nil, &state).Diagnostics)
}

func TestPlanRefusesToReplaceALockedServerButNotToUnlockIt(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web")
	state.Lock = types.BoolValue(true)

	oneChange := state
	oneChange.KeypairName = str("key-2")
	wantError(t, h.modifyPlan(t, &oneChange, &state).Diagnostics, "Cannot replace a locked server",
		"The change to keypair_name requires replacing server web ("+state.ID.ValueString()+")", "Nothing was sent to the API")

	replacing := state
	replacing.ImageID = str("image-2")
	replacing.ServerTypeID = str("s2v2m4")
	wantError(t, h.modifyPlan(t, &replacing, &state).Diagnostics, "Cannot replace a locked server",
		"image_id, server_type_id", "Apply lock = false first")

	unlocking := state
	unlocking.Lock = types.BoolValue(false)
	wantNoError(t, h.modifyPlan(t, &unlocking, &state).Diagnostics)

	// Replacing an unlocked server is the plan modifiers' business, not a refusal.
	state.Lock = types.BoolValue(false)
	replacing.Lock = types.BoolValue(false)
	wantNoError(t, h.modifyPlan(t, &replacing, &state).Diagnostics)
}

func TestPlanOfANewServerChecksOnlyTags(t *testing.T) {
	h := newServerHarness(t)
	plan := h.plannedServer(t, "web")
	plan.Lock = types.BoolValue(true)
	wantNoError(t, h.modifyPlan(t, &plan, nil).Diagnostics)
}

func TestServerReplacingChanges(t *testing.T) {
	h := newServerHarness(t)
	prior := h.plannedServer(t, "web")
	prior.UserData = str("#!/bin/sh")
	prior.ServerGroupID = str("group-1")
	prior.SecurityGroupIDs = []types.String{str("sg-1")}
	prior.FileStorageIDs = []types.String{str("fs-1")}

	cases := []struct {
		name   string
		change func(m *virtualServerModel)
		want   []string
	}{
		{"nothing", func(*virtualServerModel) {}, nil},
		{"lock and tags are in place", func(m *virtualServerModel) {
			m.Lock = types.BoolValue(true)
			m.Tags = tagsValue(t, map[string]string{"a": "b"})
		}, nil},
		{"name", func(m *virtualServerModel) { m.Name = str("web2") }, []string{"name"}},
		{"keypair", func(m *virtualServerModel) { m.KeypairName = str("key-2") }, []string{"keypair_name"}},
		{"boot volume size", func(m *virtualServerModel) {
			m.BootVolume = &bootVolumeModel{Size: types.Int64Value(32), Type: str("SSD"), DeleteOnTermination: types.BoolValue(true)}
		}, []string{"boot_volume"}},
		{"network", func(m *virtualServerModel) {
			m.Networks = []networkModel{{SubnetID: str("subnet-2"), PortID: types.StringNull(), FixedIP: types.StringNull(), PublicIPID: types.StringNull()}}
		}, []string{"networks"}},
		{"security groups", func(m *virtualServerModel) { m.SecurityGroupIDs = nil }, []string{"security_group_ids"}},
		{"user data", func(m *virtualServerModel) { m.UserData = str("#!/bin/bash") }, []string{"user_data"}},
		{"server group", func(m *virtualServerModel) { m.ServerGroupID = types.StringNull() }, []string{"server_group_id"}},
		{"file storage", func(m *virtualServerModel) { m.FileStorageIDs = []types.String{str("fs-2")} }, []string{"file_storage_ids"}},
		{"several, in schema order", func(m *virtualServerModel) {
			m.FileStorageIDs = nil
			m.Name = str("other")
			m.ImageID = str("image-9")
		}, []string{"name", "image_id", "file_storage_ids"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := prior
			c.change(&plan)
			if got := h.replacingChanges(t, plan, prior); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("replacing changes = %v, want %v", got, c.want)
			}
		})
	}
}

func TestServerReplacingChangesAdoptCreateOnlyArgumentsAfterAnImport(t *testing.T) {
	// An imported server's state lacks what the API does not report; configuring it is no replacement.
	h := newServerHarness(t)
	imported := virtualServerModel{
		ID: str(serverA), Name: str("web"), ImageID: str("image-1"), ServerTypeID: str("s1v1m2"), KeypairName: str("key-1"),
		UserData: types.StringNull(), ServerGroupID: types.StringNull(), Tags: nullTags, Timeouts: nullTimeouts(t, h.schema),
		BootVolume: h.plannedServer(t, "web").BootVolume, // read from the OS disk on import
	}
	plan := imported
	plan.UserData = str("#!/bin/sh")
	plan.ServerGroupID = str("group-1")
	plan.Networks = []networkModel{{SubnetID: str("subnet-1")}}
	plan.SecurityGroupIDs = []types.String{str("sg-1")}
	plan.FileStorageIDs = []types.String{str("fs-1")}
	if got := h.replacingChanges(t, plan, imported); len(got) != 0 {
		t.Fatalf("replacing changes after import = %v, want none", got)
	}
}

// replacingChanges is what the server's ModifyPlan finds replacing in plan, from prior, on a cloud
// that takes server types by id only and does not show a server's group.
func (h *serverHarness) replacingChanges(t *testing.T, plan, prior virtualServerModel) []string {
	t.Helper()
	p := planOf(t, h.schema, &plan)
	req := resource.ModifyPlanRequest{Plan: p, State: stateOf(t, h.schema, &prior), Config: tfsdk.Config{Schema: h.schema, Raw: p.Raw}}
	var diags diag.Diagnostics
	changed := serverReplaceRules.changes(context.Background(), req, planFacts{sameType: literalServerType}, &diags)
	wantNoError(t, diags)
	return changed
}

func TestPlanRefusesToDetachTheOSDisk(t *testing.T) {
	cases := []struct {
		name     string
		device   string
		osVolume bool
		reason   string
	}{
		{"by os_volume", "/dev/vdb", true, "it is the server's OS default volume"},
		{"by device /dev/vda", "/dev/vda", false, "it is attached as /dev/vda, the system disk"},
		{"by device /dev/sda", "/dev/sda", false, "it is attached as /dev/sda, the system disk"},
		{"by device in capitals", "/dev/SDA", false, "it is attached as /dev/sda, the system disk"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newAttachmentHarness(t)
			state := h.recorded(t, h.server, h.volume, c.device, c.osVolume)
			resp := h.modifyPlan(t, nil, &state)
			wantError(t, resp.Diagnostics, "Cannot detach the server's OS disk",
				"This destroy would detach volume "+h.volume+" from server "+h.server, c.reason,
				"Fake never detaches a system disk", "nothing was sent to the API",
				"skip_destroy = true", "removed {", "destroy = false",
				"terraform state list -id="+state.ID.ValueString())
			if !strings.Contains(state.ID.ValueString(), h.server) {
				t.Fatalf("the state id %q is not the attachment's", state.ID.ValueString())
			}
			if len(h.fake.Calls()) != 0 {
				t.Fatalf("the plan sent %v", h.fake.Calls())
			}

			// A replacement detaches too.
			replaced := state
			replaced.ServerID = str(serverA)
			wantError(t, h.modifyPlan(t, &replaced, &state).Diagnostics, "Cannot detach the server's OS disk", "This replacement would detach")

			// skip_destroy lets the attachment go without a detach.
			state.SkipDestroy = types.BoolValue(true)
			wantNoError(t, h.modifyPlan(t, nil, &state).Diagnostics)
		})
	}
}

func TestPlanLetsADataVolumeGoAndChangesThatDoNotReplace(t *testing.T) {
	h := newAttachmentHarness(t)
	data := h.recorded(t, h.server, h.volume, "/dev/vdb", false)
	wantNoError(t, h.modifyPlan(t, nil, &data).Diagnostics)

	osDisk := h.recorded(t, h.server, h.volume, "/dev/vda", true)
	for name, change := range map[string]func(m *volumeAttachmentModel){
		"skip_destroy":                  func(m *volumeAttachmentModel) { m.SkipDestroy = types.BoolValue(true) },
		"delete_on_termination unknown": func(m *volumeAttachmentModel) { m.DeleteOnTermination = types.BoolUnknown() },
		"nothing":                       func(*volumeAttachmentModel) {},
	} {
		plan := osDisk
		change(&plan)
		if diags := h.modifyPlan(t, &plan, &osDisk).Diagnostics; diags.HasError() {
			t.Errorf("%s: %s", name, errorText(diags))
		}
	}
	changed := osDisk
	changed.DeleteOnTermination = types.BoolValue(true)
	wantError(t, h.modifyPlan(t, &changed, &osDisk).Diagnostics, "Cannot detach the server's OS disk", "This replacement")

	// A new attachment has nothing to detach.
	planned := h.planned(t, h.server, h.volume)
	wantNoError(t, h.modifyPlan(t, &planned, nil).Diagnostics)
}

func TestOSDiskRuleBeforeTheProviderIsConfigured(t *testing.T) {
	// With the provider's settings unknown at plan time there is no cloud to ask: every system
	// disk name of every supported cloud counts, /dev/hda (OpenStack's) included.
	h := newAttachmentHarness(t)
	h.r.data = nil
	every := slices.Concat(scp.SystemDiskDevices(), openstack.SystemDiskDevices())
	if !slices.Contains(every, "/dev/hda") {
		t.Fatalf("no cloud lists /dev/hda: %v", every)
	}
	for _, device := range every {
		state := h.recorded(t, h.server, h.volume, device, false)
		wantError(t, h.modifyPlan(t, nil, &state).Diagnostics, "Cannot detach the server's OS disk",
			"attached as "+device, "A server's system disk cannot be detached from it")
	}
	state := h.recorded(t, h.server, h.volume, "/dev/vdb", false)
	wantNoError(t, h.modifyPlan(t, nil, &state).Diagnostics)
}

func TestPlanRefusesTagsTheCloudCannotManage(t *testing.T) {
	unavailable := errors.New("tags need Resource Manager, whose endpoint is not configured")

	sh := newServerHarness(t)
	sh.withoutTags(unavailable.Error())
	server := sh.plannedServer(t, "web")
	server.Tags = tagsValue(t, map[string]string{"env": "prod"})
	resp := sh.modifyPlan(t, &server, nil)
	wantError(t, resp.Diagnostics, "Tags cannot be managed with this provider configuration",
		unavailable.Error(), "Nothing was sent to the API")
	if !resp.Diagnostics.Errors()[0].(interface{ Path() path.Path }).Path().Equal(path.Root("tags")) {
		t.Errorf("the error is not on the tags attribute")
	}

	vh := newVolumeHarness(t)
	vh.withoutTags(unavailable.Error())
	volume := vh.plannedVolume(t, "data", 8)
	volume.Tags = tagsValue(t, map[string]string{"env": "prod"})
	vresp := vh.modifyPlan(t, &volume).Diagnostics
	wantError(t, vresp, "Tags cannot be managed with this provider configuration", unavailable.Error())

	// No tags, or an empty map, need nothing from the cloud.
	for _, tags := range []types.Map{nullTags, tagsValue(t, map[string]string{})} {
		volume.Tags = tags
		wantNoError(t, vh.modifyPlan(t, &volume).Diagnostics)
	}
	// With tags manageable, tags plan.
	vh.withTags()
	volume.Tags = tagsValue(t, map[string]string{"env": "prod"})
	wantNoError(t, vh.modifyPlan(t, &volume).Diagnostics)
	if len(vh.fake.Calls())+len(sh.fake.Calls()) != 0 {
		t.Fatal("a plan sent a call")
	}
}

func TestVolumeAndServerPlansBeforeTheProviderIsConfigured(t *testing.T) {
	// A plan whose provider settings are not known yet has no cloud to ask about tags.
	vh := newVolumeHarness(t)
	vh.r.data = nil
	volume := vh.plannedVolume(t, "data", 8)
	volume.Tags = tagsValue(t, map[string]string{"env": "prod"})
	wantNoError(t, vh.modifyPlan(t, &volume).Diagnostics)
}

func TestPlanRefusesANewAttachmentOfTheServersOwnOSDisk(t *testing.T) {
	h := newAttachmentHarness(t)
	h.fake.PutAttachment(h.server, cloud.Attachment{VolumeID: h.volume, Device: "/dev/vda", SystemDisk: true})
	planned := h.planned(t, h.server, h.volume)
	wantError(t, h.modifyPlan(t, &planned, nil).Diagnostics, "Cannot attach a server's own OS disk",
		"Volume "+h.volume+" is the OS disk of server "+h.server, "the plan stops here", "skip_destroy = true",
		"terraform import scp_volume_attachment.<name> "+h.server+"/"+h.volume)

	// Ids not known yet (the server is made in the same run): Create checks instead.
	unknown := planned
	unknown.ServerID = types.StringUnknown()
	wantNoError(t, h.modifyPlan(t, &unknown, nil).Diagnostics)

	// A listing that fails is not the plan's to report.
	h.fake.Fail("ServerAttachments", errors.New("server volumes unavailable"))
	wantNoError(t, h.modifyPlan(t, &planned, nil).Diagnostics)

	// A data volume plans.
	data := h.fake.PutVolume(cloud.Volume{Name: "data2", Phase: cloud.PhaseAvailable})
	other := h.planned(t, h.server, data)
	wantNoError(t, h.modifyPlan(t, &other, nil).Diagnostics)
	wantCalls(t, h.fake)
}

// After an import the state lacks what the API does not show; the plan that records the configured
// values says which ones, and that nothing is sent.
func TestPlanAfterImportNamesWhatItRecords(t *testing.T) {
	h := newServerHarness(t)
	imported := h.existing(t, "web")
	imported.Networks, imported.ServerGroupID = nil, str("group-1")

	configured := imported
	configured.Networks = []networkModel{{SubnetID: str("subnet-1"), PortID: types.StringNull(),
		FixedIP: types.StringNull(), PublicIPID: types.StringNull()}}
	configured.SecurityGroupIDs = []types.String{str("sg-1")}
	configured.UserDataWOVersion = types.Int64Value(1)
	resp := h.modifyPlan(t, &configured, &imported)
	wantNoError(t, resp.Diagnostics)
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 || warnings[0].Summary() != "Recording configured values the API does not show" {
		t.Fatalf("want one warning about recorded values, got %v", warnings)
	}
	for _, want := range []string{"web (" + imported.ID.ValueString() + ") has no networks, security_group_ids, user_data_wo_version:",
		"recording them sends nothing to the API", "-replace"} {
		if !strings.Contains(warnings[0].Detail(), want) {
			t.Errorf("warning %q lacks %q", warnings[0].Detail(), want)
		}
	}
	// server_group_id, in the state already (read back) and unchanged, is not among them.
	if strings.Contains(warnings[0].Detail(), "server_group_id") {
		t.Errorf("the warning names server_group_id: %q", warnings[0].Detail())
	}
	// A plan with nothing to record warns of nothing.
	if again := h.modifyPlan(t, &configured, &configured); again.Diagnostics.WarningsCount() != 0 {
		t.Fatalf("a plan that records nothing warned: %v", again.Diagnostics)
	}
}

// A server's group is read back, so an import shows it and a create that set none records none.
func TestServerGroupIsReadBack(t *testing.T) {
	h := newServerHarness(t)
	plan := h.plannedServer(t, "web")
	plan.ServerGroupID = str("group-1")
	created := h.created(t, plan)

	imported := virtualServerModel{ID: created.ID, Name: types.StringNull(), Tags: nullTags, Timeouts: nullTimeouts(t, h.schema)}
	resp := h.read(t, imported)
	wantNoError(t, resp.Diagnostics)
	got, _ := stateModel[virtualServerModel](t, resp.State)
	if got.ServerGroupID.ValueString() != "group-1" {
		t.Fatalf("server_group_id after import = %s, want group-1", got.ServerGroupID)
	}

	ungrouped := h.plannedServer(t, "db")
	if m := h.created(t, ungrouped); !m.ServerGroupID.IsNull() {
		t.Fatalf("a server created without a group recorded %s", m.ServerGroupID)
	}
}

// A server created without boot_volume.type gets the cloud's default type, read back from its OS
// volume; the type is never sent as a guess.
func TestBootVolumeTypeUnsetIsTheClouds(t *testing.T) {
	h := newServerHarness(t)
	plan := h.plannedServer(t, "web")
	plan.BootVolume.Type = types.StringUnknown()
	created := h.created(t, plan)
	if got := created.BootVolume.Type; got.ValueString() != cloudtest.DefaultVolumeType {
		t.Fatalf("boot_volume.type = %s, want the cloud's default %q", got, cloudtest.DefaultVolumeType)
	}

	// A configured type is sent and kept.
	typed := h.plannedServer(t, "db")
	typed.BootVolume.Type = str("HDD")
	if got := h.created(t, typed).BootVolume.Type.ValueString(); got != "HDD" {
		t.Fatalf("boot_volume.type = %s, want HDD", got)
	}
}

// What the cloud cannot create is refused at plan time once the configuration is known, and at
// apply (before anything is sent) when it was not.
func TestPlanRefusesWhatTheCloudCannotCreate(t *testing.T) {
	noIOPS := func(s cloud.VolumeSpec) error {
		if s.MaxIOPS != 0 {
			return errors.New("Fake cannot create this volume: max_iops exists only on SCP")
		}
		return nil
	}
	vh := newVolumeHarness(t)
	vh.fake.ValidateVolumeSpec = noIOPS
	volume := vh.plannedVolume(t, "data", 8)
	volume.MaxIOPS = types.Int64Value(3000)
	resp := vh.planNew(t, volume)
	wantError(t, resp.Diagnostics, "The volume cannot be created on this cloud", "max_iops exists only on SCP",
		"The plan stops here; nothing was sent to the API")
	wantError(t, vh.create(t, context.Background(), volume).Diagnostics, "The volume cannot be created on this cloud",
		"max_iops exists only on SCP. Nothing was sent to the API")
	wantCalls(t, vh.fake)

	// A configuration with values still to be computed is judged at apply, not at plan.
	volume.Name = types.StringUnknown()
	wantNoError(t, vh.planNew(t, volume).Diagnostics)

	sh := newServerHarness(t)
	sh.fake.Validate = func(cloud.ServerSpec) error { return errors.New("Fake cannot create this server: no file storage") }
	server := sh.plannedServer(t, "web")
	wantError(t, sh.planNew(t, server).Diagnostics, "The server cannot be created on this cloud",
		"no file storage", "nothing was sent to the API")
	wantCalls(t, sh.fake)

	// A replacement too: refused at apply, it would come after the delete of the old server.
	sh.fake.Validate = nil
	existing := sh.existing(t, "db")
	sh.fake.Validate = func(cloud.ServerSpec) error { return errors.New("Fake cannot create this server: no such image") }
	replacing := existing
	replacing.ImageID = str("image-2")
	wantError(t, sh.planWithConfig(t, replacing, &existing).Diagnostics, "The server cannot be created on this cloud",
		"no such image", "The plan stops here")
}

// The plan Terraform gets for an in-place change of a server (its lock) keeps boot_volume as it
// is, whether the state has the type the cloud chose or none yet, and replaces nothing. This goes
// through the framework's own planning (providerserver), as Terraform calls it.
func TestInPlaceChangeKeepsTheBootVolume(t *testing.T) {
	h := newServerHarness(t)
	for _, recorded := range []types.String{str("SSD"), types.StringNull()} {
		t.Run(fmt.Sprintf("type %s", recorded), func(t *testing.T) {
			prior := h.existing(t, "web")
			prior.BootVolume.Type = recorded
			configured := prior
			boot := *prior.BootVolume
			boot.Type = types.StringNull() // unset in the configuration
			configured.BootVolume = &boot
			configured.Lock = types.BoolValue(true)
			configured.ID, configured.State, configured.OSVolumeID = types.StringNull(), types.StringNull(), types.StringNull()
			configured.VpcID, configured.CreatedAt, configured.ServerGroupID = types.StringNull(), types.StringNull(), types.StringNull()
			configured.FileStorageIDs = nil
			proposed := prior // Terraform proposes the prior values for what the configuration leaves to the provider
			proposed.Lock = types.BoolValue(true)

			resp := planThroughFramework(t, h.schema, "scp_virtual_server", &prior, &configured, &proposed)
			if len(resp.RequiresReplace) != 0 {
				t.Fatalf("a lock change asks to replace %v", resp.RequiresReplace)
			}
			planned, err := resp.PlannedState.Unmarshal(h.schema.Type().TerraformType(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			want := rawOf(t, h.schema, &proposed)
			if !planned.Equal(want) {
				t.Fatalf("planned state differs from the prior one but for the lock:\nplanned %v\nwant    %v", planned, want)
			}
		})
	}
}

// planThroughFramework asks the provider for a plan the way Terraform does, over the protocol.
func planThroughFramework(t *testing.T, s schema.Schema, typeName string, prior, config, proposed any) *tfprotov6.PlanResourceChangeResponse {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	return planRawThroughFramework(t, server, s, typeName, rawOf(t, s, prior), rawOf(t, s, config), rawOf(t, s, proposed))
}

// planRawThroughFramework is planThroughFramework for values already in Terraform's form.
func planRawThroughFramework(t *testing.T, server tfprotov6.ProviderServer, s schema.Schema, typeName string, prior, config, proposed tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	t.Helper()
	ctx := context.Background()
	typ := s.Type().TerraformType(ctx)
	dynamic := func(v tftypes.Value) *tfprotov6.DynamicValue {
		d, err := tfprotov6.NewDynamicValue(typ, v)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: dynamic(prior), Config: dynamic(config), ProposedNewState: dynamic(proposed),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("plan failed: %s: %s", d.Summary, d.Detail)
		}
	}
	return resp
}

// Where the cloud shows a server's group, the state's value is the server's real one, "in none"
// included: configuring another one replaces the server (and so a locked one refuses the plan),
// instead of being recorded as if the API did not know.
func TestServerGroupChangeReplacesWhereTheCloudShowsIt(t *testing.T) {
	h := newServerHarness(t)
	state := h.existing(t, "web") // created without a group: null, as the cloud shows it
	grouped := state
	grouped.ServerGroupID = str("group-1")
	resp := h.modifyPlan(t, &grouped, &state)
	wantNoError(t, resp.Diagnostics)
	if !resp.RequiresReplace.Contains(path.Root("server_group_id")) {
		t.Fatalf("adding a group to a server in none does not replace it: %v", resp.RequiresReplace)
	}
	if resp.Diagnostics.WarningsCount() != 0 {
		t.Fatalf("the change is not one to record: %v", resp.Diagnostics)
	}

	state.Lock, grouped.Lock = types.BoolValue(true), types.BoolValue(true)
	wantError(t, h.modifyPlan(t, &grouped, &state).Diagnostics, "Cannot replace a locked server", "server_group_id")
}

// literalServerType is a cloud that takes server types by id only (SCP): only the same value is the same type.
func literalServerType(prior, planned types.String) bool { return prior.Equal(planned) }
