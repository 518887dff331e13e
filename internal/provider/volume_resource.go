package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

const (
	defaultVolumeCreateTimeout = 10 * time.Minute
	defaultVolumeUpdateTimeout = 10 * time.Minute
	defaultVolumeDeleteTimeout = 10 * time.Minute
)

// NewVolumeResource is the scp_volume resource.
func NewVolumeResource() resource.Resource { return &volumeResource{resourceBase{suffix: "_volume"}} }

type volumeResource struct{ resourceBase }

func (r *volumeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = withReplaceRules(schema.Schema{
		MarkdownDescription: "An SCP block storage volume. Attach it to a server with `scp_volume_attachment`. " +
			"Destroying it waits until it is gone; SCP refuses to delete a volume that is still attached.",
		Attributes: map[string]schema.Attribute{
			"id": computedKept("Volume id."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Volume name. Changed in place.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"size": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "Size in GiB: on SCP a multiple of 8 (checked at plan time); on OpenStack any size " +
					"from 1. Growing it extends the volume in place; shrinking is impossible, so it replaces the volume (and its data).",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"volume_type": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Volume type, e.g. `SSD` on SCP. Unset, the cloud's default type is used (on SCP its default " +
					"volume type; on OpenStack, Cinder's) and read back. Changing it replaces the volume.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"max_iops": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Provisioned IOPS, for types that take it. Changing it replaces the volume.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"max_throughput": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Provisioned throughput (MB/s), for types that take it. Changing it replaces the volume.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"tags": tagsAttribute("volume"),
			// An in-place update (rename, grow, tags) ends with the volume idle in the state it had.
			"state":    computedKept("Volume state (`available`, `in-use`, ...)."),
			"bootable": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the volume holds an OS image."},
			"multiattach": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the volume can be attached to several servers.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}, volumeReplaceRules)
}

// volumeReplaceRules are scp_volume's replacing arguments; a rename, growing and tags are in place.
var volumeReplaceRules = replaceTable{
	{path.Root("size"), replaceOnShrink},
	{path.Root("volume_type"), replaceIfConfigured},
	{path.Root("max_iops"), replaceOnChange},
	{path.Root("max_throughput"), replaceOnChange},
}

// ModifyPlan refuses, before anything is created, tags that this configuration could not read back
// and arguments that this cloud does not have.
func (r *volumeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.seedTimings(ctx, req.Private)
	r.data.checkTagsUsable(ctx, req.Plan, &resp.Diagnostics)
	refuseAtPlan(ctx, r.data, req, &resp.Diagnostics, "The volume cannot be created on this cloud", func(m volumeModel) error {
		spec, _ := m.spec(ctx)
		spec.Tags = nil
		return r.data.cloud.ValidateVolume(spec)
	})
}

func (r *volumeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.carryTimings(ctx, nil, resp.Private, volumeTimingKinds)()
	plan, ctx, cancel, ok := begin(ctx, r.data, req.Plan.Get,
		func(m volumeModel) timeoutFunc { return m.Timeouts.Create }, defaultVolumeCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	spec, diags := plan.spec(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := sendCreate(ctx, &resp.Diagnostics, "volume", "scp_volume.<name>", spec.Name, spec,
		r.data.cloud.ValidateVolume, r.data.cloud.CreateVolume, r.data.volumesNamed)
	if !ok {
		return
	}
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
	plan.State, plan.Bootable, plan.Multiattach = types.StringNull(), types.BoolNull(), types.BoolNull()
	if plan.VolumeType.IsUnknown() {
		// The cloud's default type is known only once the volume can be read.
		plan.VolumeType = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

	volume, err := r.data.waitVolume(ctx, kindVolumeCreate, id, func(v *cloud.Volume) bool { return v.Phase == cloud.PhaseAvailable })
	if err != nil {
		resp.Diagnostics.AddError("Volume did not become available", createWaitDetail("volume", id, err))
		return
	}
	plan.applyVolume(volume)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *volumeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.carryTimings(ctx, req.Private, resp.Private, volumeTimingKinds)()
	state, ok := getModel[volumeModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	volume, ok := readByID(ctx, r.data, resp, "volume", state.ID.ValueString(), r.data.cloud.Volume)
	if !ok {
		return
	}
	// Only an import leaves the name unknown before the first read.
	imported := state.Name.IsNull()
	state.applyVolume(volume)
	var err error
	if state.Tags, err = r.data.readTags(ctx, cloud.KindVolume, volume.ID, state.Tags, imported); err != nil {
		addError(&resp.Diagnostics, "Cannot read the volume's tags", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *volumeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.carryTimings(ctx, req.Private, resp.Private, volumeTimingKinds)()
	plan, state, ctx, cancel, ok := beginUpdate(ctx, r.data, req, resp,
		func(m volumeModel) timeoutFunc { return m.Timeouts.Update }, defaultVolumeUpdateTimeout)
	if !ok {
		return
	}
	defer cancel()

	id := state.ID.ValueString()
	if !r.data.retag(ctx, resp, cloud.KindVolume, "volume", id, plan.Tags, state.Tags) {
		return
	}
	if !plan.Name.Equal(state.Name) {
		if err := r.data.cloud.RenameVolume(ctx, id, plan.Name.ValueString()); err != nil {
			addError(&resp.Diagnostics, "Cannot rename the volume", err)
			return
		}
	}
	var volume *cloud.Volume
	if size := plan.Size.ValueInt64(); size > state.Size.ValueInt64() {
		if err := r.data.cloud.ExtendVolume(ctx, id, size); err != nil {
			addError(&resp.Diagnostics, "Cannot extend the volume", err)
			return
		}
		var err error
		volume, err = r.data.waitVolume(ctx, kindVolumeExtend, id, func(v *cloud.Volume) bool {
			return v.Size >= size && (v.Phase == cloud.PhaseAvailable || v.Phase == cloud.PhaseInUse)
		})
		if err != nil {
			addError(&resp.Diagnostics, "Volume extension did not finish", err)
			return
		}
	}
	if volume == nil {
		// Only a rename: read once for the state; an extension's last probe already did.
		var err error
		if volume, err = r.data.cloud.Volume(ctx, id); err != nil {
			addError(&resp.Diagnostics, "Cannot read the volume after the update", err)
			return
		}
	}
	plan.applyVolume(volume)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *volumeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.data.seedTimings(ctx, req.Private)
	state, ctx, cancel, ok := begin(ctx, r.data, req.State.Get,
		func(m volumeModel) timeoutFunc { return m.Timeouts.Delete }, defaultVolumeDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	id := state.ID.ValueString()
	// Right after a detach the volume may still be settling: a conflict then is waited out.
	_, err := r.data.whileVolumeBusy(ctx, id, func() (string, error) { return "", r.data.cloud.DeleteVolume(ctx, id) })
	switch {
	case cloud.IsGone(err):
		return
	case cloud.IsConflict(err):
		resp.Diagnostics.AddError(volumeDeleteConflict(ctx, r.data.cloud, id, err))
		return
	case err != nil:
		addError(&resp.Diagnostics, "Cannot delete the volume", err)
		return
	}
	if err := r.data.waitVolumeGone(ctx, id); err != nil {
		addError(&resp.Diagnostics, "Volume deletion did not finish", err)
	}
}

func (r *volumeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.data.carryTimings(ctx, nil, resp.Private, volumeTimingKinds)()
	importByIDOrIdentity(ctx, "volume", "scp_volume", req, resp)
}
