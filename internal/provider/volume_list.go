package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// NewVolumeListResource is the scp_volume list resource.
func NewVolumeListResource() list.ListResource {
	return &volumeListResource{listResourceBase{suffix: "_volume"}}
}

type volumeListResource struct{ listResourceBase }

// volumeListModel is the config block of a list "scp_volume" block.
type volumeListModel struct {
	Name           types.String `tfsdk:"name"`
	State          types.String `tfsdk:"state"`
	Bootable       types.Bool   `tfsdk:"bootable"`
	Attached       types.Bool   `tfsdk:"attached"`
	ServerID       types.String `tfsdk:"server_id"`
	IncludeOSDisks types.Bool   `tfsdk:"include_os_disks"`
}

// apiFilter is what the cloud's list call filters on; the rest is checked on what it answers.
func (m volumeListModel) apiFilter() cloud.VolumeFilter {
	f := cloud.VolumeFilter{Name: m.Name.ValueString(), State: m.State.ValueString()}
	if !m.Bootable.IsNull() {
		bootable := m.Bootable.ValueBool()
		f.Bootable = &bootable
	}
	return f
}

// keeps applies the filters the volume's description answers: whether it is attached, to which
// server, and whether it is a server's OS disk (isOSDisk).
func (m volumeListModel) keeps(v *cloud.Volume, isOSDisk func(*cloud.Volume) bool) bool {
	if !m.Attached.IsNull() && m.Attached.ValueBool() != (len(v.Servers) > 0) {
		return false
	}
	if id := m.ServerID.ValueString(); id != "" {
		if _, ok := v.AttachedTo(id); !ok {
			return false
		}
	}
	return m.IncludeOSDisks.ValueBool() || !isOSDisk(v)
}

func (r *volumeListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the block storage volumes that match every filter given, read page by page to the end, " +
			"for `terraform query` (Terraform 1.14 and later). With `-generate-config-out`, each volume comes as an " +
			"`scp_volume` block and an import block by identity; the API shows every argument of a volume, so the " +
			"generated configuration plans nothing after the import. Servers' OS disks are left out unless " +
			"`include_os_disks = true`: they come and go with their server (its `boot_volume`).",
		Attributes: map[string]schema.Attribute{
			"name":  listFilter("Only volumes with exactly this name."),
			"state": listFilter("Only volumes in this state, such as `available` or `in-use`."),
			"bootable": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "Only volumes that hold an OS image (`true`) or only those that do not (`false`).",
			},
			"attached": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "Only volumes attached to a server (`true`) or only those attached to none (`false`).",
				Validators: []validator.Bool{boolvalidator.ConflictsWith(path.MatchRoot("server_id"))},
			},
			"server_id": listFilter("Only volumes attached to this server."),
			"include_os_disks": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Also list the volumes attached to a server as its system disk. Default `false`: " +
					"an OS disk managed as an `scp_volume` as well as by its server would plan its deletion if its block were removed.",
			},
		},
	}
}

func (r *volumeListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config volumeListModel
	diags := req.Config.Get(ctx, &config)
	lister, ok := r.data.queryLister("scp_volume", &diags)
	if !ok || diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		listed, err := lister.ListVolumes(ctx, config.apiFilter())
		if err != nil {
			push(errorResult("Cannot list the volumes", queryErrorDetail(r.data.cloud, err)))
			return
		}
		volumes := listed[:0]
		for i := range listed {
			if config.keeps(&listed[i], r.data.isOSDisk) {
				volumes = append(volumes, listed[i])
			}
		}
		streamResults(ctx, req, push, "volume", volumes, func(ctx context.Context, v *cloud.Volume, result *list.ListResult) error {
			result.DisplayName = fmt.Sprintf("%s (%s)", v.Name, v.ID)
			result.Diagnostics.Append(setIDIdentity(ctx, result.Identity, v.ID)...)
			if result.Resource == nil {
				return nil
			}
			m, err := r.data.importedVolume(ctx, v)
			if err != nil {
				return err
			}
			m.Timeouts = noTimeouts(ctx, req, &result.Diagnostics)
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			return nil
		})
	}
}

// importedVolume is the volume as the resource reads it after an import: what the listing shows,
// and its tags when they can be read (one read).
func (d *providerData) importedVolume(ctx context.Context, v *cloud.Volume) (volumeModel, error) {
	m := volumeModel{Tags: types.MapNull(types.StringType)}
	m.applyVolume(v)
	var err error
	m.Tags, err = d.readTags(ctx, cloud.KindVolume, v.ID, m.Tags, true)
	return m, err
}
