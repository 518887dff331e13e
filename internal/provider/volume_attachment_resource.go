package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

const (
	defaultAttachTimeout = 10 * time.Minute
	defaultDetachTimeout = 10 * time.Minute
)

// NewVolumeAttachmentResource is the scp_volume_attachment resource.
func NewVolumeAttachmentResource() resource.Resource {
	return &volumeAttachmentResource{resourceBase{suffix: "_volume_attachment"}}
}

type volumeAttachmentResource struct{ resourceBase }

// attachmentID is the resource's id, <server_id>/<volume_id>: an attachment has no id of its own
// on SCP, and on Nova the attachment id is the volume id.
func attachmentID(serverID, volumeID string) string { return serverID + "/" + volumeID }

func (r *volumeAttachmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = withReplaceRules(schema.Schema{
		MarkdownDescription: "Attaches a volume to a virtual server. Destroying it sends the cloud's documented detach once and " +
			"waits until the volume no longer lists the server; detaching a server's OS disk is refused at plan time",
		Attributes: map[string]schema.Attribute{
			"id":        computedKept("`<server_id>/<volume_id>`."),
			"server_id": requiredString("Server to attach to. Changing it replaces the attachment (detach, then attach).", validID("server")),
			"volume_id": requiredString("Volume to attach. Changing it replaces the attachment (detach, then attach).", validID("volume")),
			"delete_on_termination": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Delete the volume when the server is deleted. When unset, a new attachment uses `false` " +
					"and an imported one keeps what SCP reports. Changing it re-attaches the volume.",
				PlanModifiers: []planmodifier.Bool{falseOnCreate(), boolplanmodifier.UseStateForUnknown()},
			},
			"skip_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, remove the attachment from the Terraform state without detaching the volume. Default `false`.",
			},
			"device": computedKept("Device name on the server, such as `/dev/vdb`."),
			"os_volume": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the volume is the server's OS default volume (which can never be detached).",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}, attachmentReplaceRules)
}

// attachmentReplaceRules are scp_volume_attachment's replacing arguments: each detaches and
// attaches again. skip_destroy changes in place.
var attachmentReplaceRules = replaceTable{
	{path.Root("server_id"), replaceOnChange},
	{path.Root("volume_id"), replaceOnChange},
	{path.Root("delete_on_termination"), replaceIfConfigured},
}

// ModifyPlan is the OS-disk rule: a plan that would detach the OS default volume or /dev/sda fails
// here, whether the detach comes from destroy, a removed block or a replacement; and so does a new
// attachment of a server's own OS disk, when both ids are known.
func (r *volumeAttachmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.seedTimings(ctx, req.Private)
	if req.State.Raw.IsNull() {
		r.refuseOSDiskAttachAtPlan(ctx, req, resp)
		return
	}
	var state volumeAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.SkipDestroy.ValueBool() {
		return
	}
	destroying := req.Plan.Raw.IsNull()
	if !destroying {
		replacing := attachmentReplaceRules.changes(ctx, req, planFacts{}, &resp.Diagnostics)
		if resp.Diagnostics.HasError() || len(replacing) == 0 {
			return
		}
	}
	if reason := osDiskReason(state, r.data.systemDiskDevice); reason != "" {
		action := "destroy"
		if !destroying {
			action = "replacement"
		}
		resp.Diagnostics.AddError("Cannot detach the server's OS disk", osDiskMessage(state, reason, action, r.data.systemDiskRule()))
	}
}

// osDiskReason says why detaching this attachment would detach the OS disk, or "" when it would
// not. isSystemDevice is the cloud's rule for device names.
func osDiskReason(m volumeAttachmentModel, isSystemDevice func(string) bool) string {
	device := strings.ToLower(m.Device.ValueString())
	switch {
	case m.OSVolume.ValueBool():
		return "it is the server's OS default volume"
	case device != "" && isSystemDevice(device):
		return fmt.Sprintf("it is attached as %s, the system disk", device)
	}
	return ""
}

// osDiskMessage explains the refusal. Terraform does not tell a provider a resource's address, and
// prints none under this error when the block is gone, so the message names the command that does.
func osDiskMessage(m volumeAttachmentModel, reason, action, rule string) string {
	return fmt.Sprintf("This %s would detach volume %s from server %s, but %s. %s, "+
		"so the plan stops here and nothing was sent to the API.\n\n"+
		"Instead, either destroy the server itself (its OS volume goes with it), or stop managing this attachment "+
		"without detaching it: set skip_destroy = true and apply, or replace the resource block with\n\n"+
		"  removed {\n    from = ADDRESS\n    lifecycle {\n      destroy = false\n    }\n  }\n\n"+
		"where ADDRESS is this attachment's resource address, which this command prints:\n\n"+
		"  terraform state list -id=%s\n\n"+
		"A removed block takes the address without an instance key such as [\"name\"] and forgets every instance; "+
		"for one instance of a for_each, use skip_destroy.",
		action, m.VolumeID.ValueString(), m.ServerID.ValueString(), reason, rule, m.ID.ValueString())
}

// refuseOSDiskAttachAtPlan refuses a new attachment of a volume that is already its server's OS
// disk. The ids are known when both objects exist already; otherwise Create checks.
func (r *volumeAttachmentResource) refuseOSDiskAttachAtPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	var plan volumeAttachmentModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if plan.ServerID.IsUnknown() || plan.VolumeID.IsUnknown() {
		return
	}
	serverID, volumeID := plan.ServerID.ValueString(), plan.VolumeID.ValueString()
	// A read that fails here is not the plan's to report: Create checks again before it sends.
	if attachment, err := r.data.serverAttachment(ctx, serverID, volumeID); err == nil && attachment.SystemDisk {
		resp.Diagnostics.AddError("Cannot attach a server's own OS disk", osDiskAttachMessage(serverID, volumeID, "the plan stops here"))
	}
}

// osDiskAttachMessage explains why an attachment of a server's OS disk is refused, and how to track it.
func osDiskAttachMessage(serverID, volumeID, when string) string {
	return fmt.Sprintf("Volume %s is the OS disk of server %s: it comes with the server, is attached already, and can "+
		"never be detached, so there is nothing to attach; %s, and nothing was attached or recorded.\n\n"+
		"To have Terraform track that attachment anyway, import it and keep it from being detached: set skip_destroy = true "+
		"in the block and run\n\n  terraform import scp_volume_attachment.<name> %s/%s",
		volumeID, serverID, when, serverID, volumeID)
}

func (r *volumeAttachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.carryTimings(ctx, nil, resp.Private, attachmentTimingKinds)()
	plan, ctx, cancel, ok := begin(ctx, r.data, req.Plan.Get,
		func(m volumeAttachmentModel) timeoutFunc { return m.Timeouts.Create }, defaultAttachTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	serverID, volumeID := plan.ServerID.ValueString(), plan.VolumeID.ValueString()
	unlock, ok := r.data.lockServer(ctx, serverID, &resp.Diagnostics)
	if !ok {
		return
	}
	defer unlock()

	// The plan could not check this when the ids were not known yet (the server made in the same
	// run). A read that fails here does not stop the attach: the cloud refuses an OS disk anyway,
	// and adoptExisting then refuses to adopt it.
	if existing, err := r.data.serverAttachment(ctx, serverID, volumeID); err == nil && existing.SystemDisk {
		resp.Diagnostics.AddError("Cannot attach a server's own OS disk", osDiskAttachMessage(serverID, volumeID, "the apply stops here"))
		return
	}
	plan.ID = types.StringValue(attachmentID(serverID, volumeID))
	resp.Diagnostics.Append(setAttachmentIdentity(ctx, resp.Identity, serverID, volumeID)...)
	plan.OSVolume = types.BoolValue(false)
	if plan.DeleteOnTermination.IsUnknown() {
		plan.DeleteOnTermination = types.BoolValue(false)
	}
	device, err := r.data.whileVolumeBusy(ctx, volumeID, func() (string, error) {
		return r.data.cloud.Attach(ctx, serverID, volumeID, plan.DeleteOnTermination.ValueBool())
	})
	if err != nil {
		// The volume may be attached to this server anyway (the OS volume declared in configuration,
		// an earlier attempt, or this attach whose answer was lost): adopt it instead of failing.
		switch outcome, waitErr := r.adoptExisting(ctx, &plan, err); outcome {
		case adoptOSDisk:
			resp.Diagnostics.AddError("Cannot attach a server's own OS disk", osDiskAttachMessage(serverID, volumeID, "the apply stops here")+
				fmt.Sprintf("\n\n(The attach request was refused: %v.)", err))
		case adoptAttached:
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		case adoptPending, adoptUnknown:
			// The attach may have taken effect but was not seen to: keep it in the state (tainted),
			// so the next run reads whether it took (and forgets it if not) instead of losing it.
			if plan.Device.IsUnknown() {
				plan.Device = types.StringNull()
			}
			how := "the volume was seen attaching afterwards, but not finishing"
			if outcome == adoptUnknown {
				how = "the provider could not read whether it took effect"
				plan.OSVolume = types.BoolNull() // the next read asks the server
			}
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			resp.Diagnostics.AddError("Attach did not finish", fmt.Sprintf("%s\n\nThe attach request failed (%v) and %s. "+
				"The attachment stays in the Terraform state (tainted); the next plan reads whether the volume is attached.",
				errorDetail(waitErr), err, how))
		default:
			detail := attachErrorDetail(r.data.cloud, volumeID, serverID, err)
			if cloud.MayHaveTakenEffect(err) {
				detail += "\n\nThe provider read the volume afterwards: it is not attached to the server, so nothing was " +
					"recorded in the state and applying again is safe."
			}
			resp.Diagnostics.AddError("Cannot attach the volume", detail)
		}
		return
	}
	plan.Device = optionalString(device)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

	volume, err := r.data.waitAttached(ctx, volumeID, serverID)
	if err != nil {
		addError(&resp.Diagnostics, "Attach did not finish", err)
		return
	}
	if s, ok := volume.AttachedTo(serverID); ok && s.Device != "" {
		plan.Device = types.StringValue(s.Device)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func attachErrorDetail(c cloud.Cloud, volumeID, serverID string, err error) string {
	if cloud.IsConflict(err) {
		return fmt.Sprintf("%s refused to attach volume %s to server %s: %v\n\n%s Nothing was attached.",
			c.Facts().Name, volumeID, serverID, err, c.Facts().RefusalReasons[cloud.OpAttach])
	}
	if cloud.IsGone(err) {
		return fmt.Sprintf("The volume %s or the server %s does not exist. %v", volumeID, serverID, err)
	}
	return errorDetail(err)
}

func (r *volumeAttachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.carryTimings(ctx, req.Private, resp.Private, attachmentTimingKinds)()
	state, ok := getModel[volumeAttachmentModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	serverID, volumeID := state.ServerID.ValueString(), state.VolumeID.ValueString()
	resp.Diagnostics.Append(setAttachmentIdentity(ctx, resp.Identity, serverID, volumeID)...)
	volume, err := r.data.cloud.Volume(ctx, volumeID)
	if cloud.IsGone(err) {
		forgetGone(ctx, resp, "Attached volume no longer exists",
			fmt.Sprintf("%s says the volume %s no longer exists, so it is attached to nothing.", r.data.cloud.Facts().Name, volumeID))
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the volume attachment", err)
		return
	}
	attached, ok := volume.AttachedTo(serverID)
	if !ok {
		// Detached outside Terraform: forget it, so the next plan re-attaches instead of failing.
		forgetGone(ctx, resp, "Volume is no longer attached",
			fmt.Sprintf("The volume %s is no longer attached to the server %s: it was detached outside Terraform.", volumeID, serverID))
		return
	}
	state.ID = types.StringValue(attachmentID(serverID, volumeID))
	state.Device = optionalString(attached.Device)
	if state.SkipDestroy.IsNull() {
		state.SkipDestroy = types.BoolValue(false)
	}
	if state.OSVolume.IsNull() || state.OSVolume.IsUnknown() || state.DeleteOnTermination.IsNull() {
		// Imported: what the server says about the volume is not known yet. Later reads keep it,
		// because which volume is a server's OS volume never changes.
		attachment, err := r.data.serverAttachment(ctx, serverID, volumeID)
		if err != nil {
			addError(&resp.Diagnostics, "Cannot read the server of the volume attachment", err)
			return
		}
		state.OSVolume = types.BoolValue(attachment.SystemDisk)
		state.DeleteOnTermination = types.BoolValue(attachment.DeleteOnTermination)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes only skip_destroy, which lives in the state alone.
func (r *volumeAttachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.carryTimings(ctx, req.Private, resp.Private, attachmentTimingKinds)()
	var plan volumeAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setAttachmentIdentity(ctx, resp.Identity, plan.ServerID.ValueString(), plan.VolumeID.ValueString())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *volumeAttachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.data.seedTimings(ctx, req.Private)
	state, ctx, cancel, ok := begin(ctx, r.data, req.State.Get,
		func(m volumeAttachmentModel) timeoutFunc { return m.Timeouts.Delete }, defaultDetachTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if state.SkipDestroy.ValueBool() {
		tflog.Info(ctx, "skip_destroy is set; forgetting the attachment without detaching", map[string]any{"id": state.ID.ValueString()})
		return
	}
	// The plan already refused this; checking again keeps the promise even if a plan was made by
	// an older provider version.
	if reason := osDiskReason(state, r.data.systemDiskDevice); reason != "" {
		resp.Diagnostics.AddError("Cannot detach the server's OS disk", osDiskMessage(state, reason, "destroy", r.data.systemDiskRule()))
		return
	}

	serverID, volumeID := state.ServerID.ValueString(), state.VolumeID.ValueString()
	unlock, ok := r.data.lockServer(ctx, serverID, &resp.Diagnostics)
	if !ok {
		return
	}
	defer unlock()

	_, err := r.data.whileVolumeBusy(ctx, volumeID, func() (string, error) {
		return "", r.data.cloud.Detach(ctx, serverID, volumeID)
	})
	switch {
	case cloud.IsGone(err):
		tflog.Info(ctx, "volume or server is gone; nothing to detach", map[string]any{"id": state.ID.ValueString()})
		return
	case cloud.IsRejected(err):
		// "Not attached" is success once a read confirms it; any other refusal is reported with the API's reason.
		if volume, readErr := r.data.cloud.Volume(ctx, volumeID); readErr == nil {
			if _, attached := volume.AttachedTo(serverID); !attached {
				return
			}
		} else if cloud.IsGone(readErr) {
			return
		}
		addError(&resp.Diagnostics, r.data.cloud.Facts().Name+" refused to detach the volume", err)
		return
	case err != nil:
		addError(&resp.Diagnostics, "Cannot detach the volume", err)
		return
	}
	if err := r.data.waitDetached(ctx, volumeID, serverID); err != nil {
		addError(&resp.Diagnostics, "Detach did not finish", err)
	}
}

func (r *volumeAttachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.data.carryTimings(ctx, nil, resp.Private, attachmentTimingKinds)()
	serverID, volumeID, diags := attachmentImportIDs(ctx, req)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setAttachmentIdentity(ctx, resp.Identity, serverID, volumeID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), attachmentID(serverID, volumeID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("server_id"), serverID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("volume_id"), volumeID)...)
}
