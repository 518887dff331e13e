package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

const (
	defaultServerCreateTimeout = 30 * time.Minute
	defaultServerUpdateTimeout = 10 * time.Minute
	defaultServerDeleteTimeout = 30 * time.Minute
)

// NewVirtualServerResource is the scp_virtual_server resource.
func NewVirtualServerResource() resource.Resource {
	return &virtualServerResource{resourceBase{suffix: "_virtual_server"}}
}

type virtualServerResource struct{ resourceBase }

func (r *virtualServerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = withReplaceRules(schema.Schema{
		MarkdownDescription: "A virtual server (SCP) or Nova server (OpenStack). Creating it waits until it is `ACTIVE`; destroying it " +
			"sends the documented delete once and waits until the server is gone",
		Attributes: map[string]schema.Attribute{
			"id": computedKept("Server id."),
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Server name; on SCP letters, digits, `-`, `_` and spaces (checked at plan time). Changing it " +
					"replaces the server.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"image_id":       requiredString("Image to boot from. Changing it replaces the server.", stringvalidator.LengthAtLeast(1)),
			"server_type_id": serverTypeAttribute(),
			"keypair_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Key pair injected at boot. SCP requires one (checked at plan time); on OpenStack it is " +
					"optional. Changing it replaces the server.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"networks": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Network interfaces, in order. Each sets one of `subnet_id`, `port_id`, `fixed_ip`, `public_ip_id`. " +
					"Create-only. SCP needs at least one (checked at plan time; API 1.0 requires networks, for 1.3 no source " +
					"says, so the provider always sends them). On OpenStack none means Nova's automatic allocation (`auto`).",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"subnet_id":    schema.StringAttribute{Optional: true, MarkdownDescription: "Subnet to attach to."},
					"port_id":      schema.StringAttribute{Optional: true, MarkdownDescription: "Existing port to use."},
					"fixed_ip":     schema.StringAttribute{Optional: true, MarkdownDescription: "Fixed IP address in the subnet."},
					"public_ip_id": schema.StringAttribute{Optional: true, MarkdownDescription: "Public IP to associate."},
				}},
			},
			"security_group_ids": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Security groups. Create-only.",
			},
			"boot_volume": schema.SingleNestedAttribute{
				Required:            true,
				MarkdownDescription: "The OS default volume created with the server. Changing it replaces the server.",
				// Each member replaces on its own terms: an unset type is the cloud's, read back, and
				// a plan that leaves it unset keeps it (an object-level rule would see it unknown first).
				Attributes: map[string]schema.Attribute{
					"size": schema.Int64Attribute{
						Required: true, MarkdownDescription: "Size in GiB: on SCP a multiple of 8 (checked at plan time); on " +
							"OpenStack any size from 1.",
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
					"type": schema.StringAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "Volume type, e.g. `SSD` on SCP. Unset, the cloud's default type is used (on SCP its " +
							"default volume type; on OpenStack, Cinder's) and read back after creation.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
					},
					"delete_on_termination": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Delete the OS volume with the server. Default `true`.",
					},
				},
			},
			"lock": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Protect the server from deletion. Changed in place (lock/unlock). While it is `true`, " +
					"a plan that would destroy or replace the server fails.",
			},
			"tags": tagsAttribute("server"),
			"user_data": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "User data (a cloud-init script) as text; the provider base64-encodes it, as SCP takes it. Create-only.",
				Validators: []validator.String{userDataSize{},
					stringvalidator.ConflictsWith(path.MatchRoot("user_data_wo"), path.MatchRoot("user_data_wo_version"))},
			},
			"user_data_wo": schema.StringAttribute{
				Optional: true, WriteOnly: true, Sensitive: true,
				MarkdownDescription: "Write-only form of `user_data` (Terraform 1.11 and later): sent at creation, never stored " +
					"in the state or the plan, so it needs no reading back after an import. Terraform cannot see a change to it: " +
					"bump `user_data_wo_version` to rebuild the server with new user data.",
				Validators: []validator.String{userDataSize{}},
			},
			"user_data_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number, kept in the state; changing it replaces the server, so that a changed " +
					"`user_data_wo` is applied.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("user_data_wo"))},
			},
			"server_group_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Server group (placement). Create-only: changing it replaces the server. Read back where " +
					"the API shows it (SCP does; on OpenStack the configured value is kept). Removing it from the configuration " +
					"keeps the recorded value: a server cannot leave its group.",
				PlanModifiers: []planmodifier.String{nullOnCreate(), stringplanmodifier.UseStateForUnknown()},
			},
			"file_storage_ids": schema.ListAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "File Storage to connect at creation. SCP refuses to delete a server while File Storage is " +
					"connected, so a plan that deletes the server warns; disconnect it first. Removing the argument later only " +
					"stops tracking it (the API cannot disconnect it here): it does not replace the server.",
				PlanModifiers: []planmodifier.List{keepWhenRemoved()},
				Validators:    []validator.List{listvalidator.SizeAtLeast(1)},
			},
			// An in-place update (lock, tags) ends with the server idle in the state it had.
			"state":        computedKept("Server state as SCP reports it (`ACTIVE`, `SHUTOFF`, ...)."),
			"os_volume_id": computedKept("Id of the server's OS default volume, which can never be detached from it."),
			"vpc_id":       computedKept("VPC the server is in."),
			"created_at":   computedKept("Creation time (RFC 3339)."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}, serverReplaceRules)
}

// serverReplaceRules are scp_virtual_server's replacing arguments; lock and tags change in place.
var serverReplaceRules = replaceTable{
	{path.Root("name"), replaceOnChange},
	{path.Root("image_id"), replaceOnChange},
	{path.Root("server_type_id"), replaceOnOtherType},
	{path.Root("keypair_name"), replaceOnChange},
	{path.Root("boot_volume").AtName("size"), replaceOnChange},
	// An unset type is the cloud's, read back; a plan that leaves it unset keeps it.
	{path.Root("boot_volume").AtName("type"), replaceIfConfigured},
	{path.Root("boot_volume").AtName("delete_on_termination"), replaceOnChange},
	{path.Root("networks"), replaceUnlessImported},
	{path.Root("security_group_ids"), replaceUnlessImported},
	{path.Root("user_data"), replaceUnlessImported},
	{path.Root("user_data_wo_version"), replaceUnlessImported},
	{path.Root("server_group_id"), replaceGroupChange},
	{path.Root("file_storage_ids"), replaceUnlessImported},
}

// ModifyPlan refuses at plan time what this cloud cannot create, and enforces the lock rule, on
// destroy plans as well as replacements, so a locked server is never half-way through a run when
// SCP refuses it.
func (r *virtualServerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.seedTimings(ctx, req.Private)
	r.data.checkTagsUsable(ctx, req.Plan, &resp.Diagnostics)
	r.data.planServerType(ctx, req, resp)
	refuseAtPlan(ctx, r.data, req, &resp.Diagnostics, "The server cannot be created on this cloud", func(m virtualServerModel) error {
		spec, _ := m.spec(ctx)
		spec.Tags = nil
		return r.data.cloud.ValidateServer(spec)
	})
	if req.State.Raw.IsNull() {
		return
	}
	var state virtualServerModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	name := fmt.Sprintf("%s (%s)", state.Name.ValueString(), state.ID.ValueString())
	var changed []string
	destroying := req.Plan.Raw.IsNull()
	if !destroying {
		var plan virtualServerModel
		if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
			return
		}
		showsGroup := r.data != nil && r.data.cloud.Facts().ShowsServerGroup
		changed = serverReplaceRules.changes(ctx, req, planFacts{showsGroup: showsGroup, sameType: func(prior, planned types.String) bool {
			return r.data.sameServerType(ctx, prior, planned)
		}}, &resp.Diagnostics)
		if showsGroup && slices.Contains(changed, "server_group_id") {
			// replaceUnlessImported spares a null prior value, which here means "in no group".
			resp.RequiresReplace = resp.RequiresReplace.Append(path.Root("server_group_id"))
		}
		if recorded := plan.recordedFromConfig(&state, showsGroup); len(recorded) > 0 && len(changed) == 0 {
			resp.Diagnostics.AddWarning("Recording configured values the API does not show",
				fmt.Sprintf("The state of server %s has no %s: the API does not show them, so an import leaves them out, "+
					"and so does adding them to the configuration after the server was created. This plan records the "+
					"configured values; recording them sends nothing to the API and does not change the server, so a server "+
					"created with other values (or none) keeps those. To create it anew with these, use terraform apply "+
					"-replace with its address.", name, strings.Join(recorded, ", ")))
		}
		if len(changed) == 0 {
			return
		}
	}
	if len(state.FileStorageIDs) > 0 {
		// Only a warning: File Storage may have been disconnected since, which the API does not show.
		resp.Diagnostics.AddWarning("The server was created with File Storage connected",
			fmt.Sprintf("This plan deletes server %s, which was created with file_storage_ids %v. SCP refuses to delete a server "+
				"while File Storage is connected: disconnect it first (in the SCP console), or the delete is refused and the "+
				"server stays in the Terraform state.", name, stringValues(state.FileStorageIDs)))
	}
	if !state.Lock.ValueBool() {
		return
	}
	if destroying {
		resp.Diagnostics.AddError("Cannot destroy a locked server",
			fmt.Sprintf("Server %s has lock = true, and a locked server cannot be deleted. Nothing was sent to the API.\n\n"+
				"Set lock = false on the resource and apply, then destroy it.", name))
		return
	}
	resp.Diagnostics.AddError("Cannot replace a locked server",
		fmt.Sprintf("The change to %s requires replacing server %s, which deletes it, but it has lock = true. "+
			"Nothing was sent to the API.\n\nApply lock = false first (without the other change), then apply the change.",
			strings.Join(changed, ", "), name))
}

func (r *virtualServerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.carryTimings(ctx, nil, resp.Private, serverTimingKinds)()
	plan, ctx, cancel, ok := begin(ctx, r.data, req.Plan.Get,
		func(m virtualServerModel) timeoutFunc { return m.Timeouts.Create }, defaultServerCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	spec, diags := plan.spec(ctx)
	resp.Diagnostics.Append(diags...)
	// A write-only argument is in the configuration alone, never in the plan.
	if !req.Config.Raw.IsNull() {
		var userData types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("user_data_wo"), &userData)...)
		if userData.ValueString() != "" {
			spec.UserData = userData.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := sendCreate(ctx, &resp.Diagnostics, "server", "scp_virtual_server.<name>", spec.Name, spec,
		r.data.cloud.ValidateServer, r.data.cloud.CreateServer, r.data.serversNamed)
	if !ok {
		return
	}
	tflog.Info(ctx, "server create accepted", map[string]any{"id": id})

	// Record the id at once: if the wait fails or is interrupted, the server is in the state
	// (tainted) and the next run deletes or adopts it instead of leaking it.
	readBootType := plan.BootVolume != nil && plan.BootVolume.Type.IsUnknown()
	plan.ID = types.StringValue(id)
	plan.setComputedNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)

	server, err := r.data.waitServerActive(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Server did not become ACTIVE", createWaitDetail("server", id, err))
		return
	}
	if want := plan.Lock.ValueBool(); server.Locked != want {
		// A cloud that cannot lock in the create itself (Nova) is locked once the server is ready.
		if err := r.data.cloud.SetServerLocked(ctx, id, want); err != nil {
			addError(&resp.Diagnostics, "The server was created but its lock could not be set", err)
			return
		}
		if server, err = r.data.waitServerLocked(ctx, id, want); err != nil {
			addError(&resp.Diagnostics, "The server was created but its lock did not change", err)
			return
		}
	}
	r.record(ctx, &plan, server, "", readBootType, &resp.State, &resp.Diagnostics)
}

func (r *virtualServerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.carryTimings(ctx, req.Private, resp.Private, serverTimingKinds)()
	state, ok := getModel[virtualServerModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	server, ok := readByID(ctx, r.data, resp, "server", state.ID.ValueString(), r.data.cloud.Server)
	if !ok {
		return
	}
	// Only an import leaves the name unknown before the first read.
	imported := state.Name.IsNull()
	osVolumeID, err := r.data.osVolumeID(ctx, server, state.knownOSVolume(server))
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the server's volumes", err)
		return
	}
	state.applyServer(server, osVolumeID, r.data.cloud.Facts().ShowsServerGroup)
	if state.Tags, err = r.data.readTags(ctx, cloud.KindServer, server.ID, state.Tags, imported); err != nil {
		addError(&resp.Diagnostics, "Cannot read the server's tags", err)
		return
	}
	switch {
	case state.BootVolume == nil:
		// After an import the boot volume's settings are unknown; one extra read fills them.
		resp.Diagnostics.Append(r.readBootVolume(ctx, &state, server.ID, osVolumeID)...)
	case state.BootVolume.Type.IsNull():
		// A type the create could not read back (or a create cut short) is read now.
		state.BootVolume.Type = r.bootVolumeType(ctx, osVolumeID, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *virtualServerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.carryTimings(ctx, req.Private, resp.Private, serverTimingKinds)()
	plan, state, ctx, cancel, ok := beginUpdate(ctx, r.data, req, resp,
		func(m virtualServerModel) timeoutFunc { return m.Timeouts.Update }, defaultServerUpdateTimeout)
	if !ok {
		return
	}
	defer cancel()

	id := state.ID.ValueString()
	if !r.data.retag(ctx, resp, cloud.KindServer, "server", id, plan.Tags, state.Tags) {
		return
	}
	// Everything else in an update is either replaced (not here) or adopted into the state after an import.
	server := (*cloud.Server)(nil)
	if want := plan.Lock.ValueBool(); want != state.Lock.ValueBool() {
		if err := r.data.cloud.SetServerLocked(ctx, id, want); err != nil {
			addError(&resp.Diagnostics, "Cannot change the server's lock", err)
			return
		}
		var err error
		if server, err = r.data.waitServerLocked(ctx, id, want); err != nil {
			addError(&resp.Diagnostics, "The server's lock did not change", err)
			return
		}
	}
	if server == nil {
		var err error
		if server, err = r.data.cloud.Server(ctx, id); err != nil {
			addError(&resp.Diagnostics, "Cannot read the server after the update", err)
			return
		}
	}
	r.record(ctx, &plan, server, state.knownOSVolume(server), false, &resp.State, &resp.Diagnostics)
}

// record writes what the cloud reports of server into m and the state, with its system disk
// (knownOSVolume when the state already has it).
func (r *virtualServerResource) record(ctx context.Context, m *virtualServerModel, server *cloud.Server, knownOSVolume string,
	readBootType bool, state *tfsdk.State, diags *diag.Diagnostics) {
	osVolumeID, err := r.data.osVolumeID(ctx, server, knownOSVolume)
	if err != nil {
		addError(diags, "Cannot read the server's volumes", err)
		return
	}
	m.applyServer(server, osVolumeID, r.data.cloud.Facts().ShowsServerGroup)
	if readBootType && m.BootVolume != nil {
		m.BootVolume.Type = r.bootVolumeType(ctx, osVolumeID, diags)
	}
	diags.Append(state.Set(ctx, m)...)
}

// bootVolumeType is the type of the server's OS volume, for a server created without one (the
// cloud chose it, and only the volume shows it). Not knowing it is no reason to fail, and so taint,
// a server that works: the type stays unset, with a warning, and a later refresh reads it.
func (r *virtualServerResource) bootVolumeType(ctx context.Context, osVolumeID string, diags *diag.Diagnostics) types.String {
	if osVolumeID == "" {
		return types.StringNull()
	}
	volume, err := r.data.cloud.Volume(ctx, osVolumeID)
	if err != nil {
		diags.AddWarning("Cannot read the type of the server's OS volume", errorDetail(err)+
			"\n\nboot_volume.type stays unset in the state for now; the server is fine.")
		return types.StringNull()
	}
	return optionalString(volume.Type)
}

func (r *virtualServerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.data.seedTimings(ctx, req.Private)
	state, ctx, cancel, ok := begin(ctx, r.data, req.State.Get,
		func(m virtualServerModel) timeoutFunc { return m.Timeouts.Delete }, defaultServerDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	id := state.ID.ValueString()
	// A server still being built (after a create that timed out, say) is refused; that is waited out.
	err := r.data.whileServerBusy(ctx, id, func() error { return r.data.cloud.DeleteServer(ctx, id) })
	switch {
	case cloud.IsGone(err):
		tflog.Info(ctx, "server was already gone", map[string]any{"id": id})
		return
	case cloud.IsConflict(err):
		locked := false
		if server, readErr := r.data.cloud.Server(ctx, id); readErr == nil {
			locked = server.Locked
		}
		resp.Diagnostics.AddError("Cannot delete the server", serverDeleteConflictDetail(r.data.cloud, id, err, locked))
		return
	case err != nil:
		addError(&resp.Diagnostics, "Cannot delete the server", err)
		return
	}
	if err := r.data.waitServerGone(ctx, id); err != nil {
		addError(&resp.Diagnostics, "Server deletion did not finish", err)
	}
}

func (r *virtualServerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.data.carryTimings(ctx, nil, resp.Private, serverTimingKinds)()
	importByIDOrIdentity(ctx, "server", "scp_virtual_server", req, resp)
}

// readBootVolume fills boot_volume from the system disk, for imported servers.
func (r *virtualServerResource) readBootVolume(ctx context.Context, state *virtualServerModel, serverID, osVolumeID string) (diags diag.Diagnostics) {
	if osVolumeID == "" {
		return nil
	}
	osDisk, err := r.data.serverAttachment(ctx, serverID, osVolumeID)
	if err != nil {
		diags.AddError("Cannot read the server's volumes", errorDetail(err))
		return diags
	}
	volume, err := r.data.cloud.Volume(ctx, osVolumeID)
	if err != nil {
		diags.AddError("Cannot read the server's OS volume", errorDetail(err))
		return diags
	}
	state.BootVolume = &bootVolumeModel{
		Size:                types.Int64Value(volume.Size),
		Type:                optionalString(volume.Type),
		DeleteOnTermination: types.BoolValue(osDisk.DeleteOnTermination),
	}
	return diags
}
