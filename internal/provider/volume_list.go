package provider

import (
	"context"

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
	return &listResource[volumeListModel, cloud.Volume, *volumeModel]{
		resourceBase: resourceBase{suffix: "_volume"}, kind: "volume", schema: volumeListSchema,
		find: findVolumes, label: labelVolume, imported: importedVolume,
	}
}

// labelVolume names a listed volume by its name and id.
func labelVolume(ctx context.Context, v *cloud.Volume, result *list.ListResult) {
	labelByID(ctx, result, v.Name, v.ID)
}

// apiFilter is what the cloud's list call filters on; the rest is checked on what it answers.
func (m volumeListModel) apiFilter() cloud.VolumeFilter {
	return volumeFilter(m.Name, m.State, m.Bootable)
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

func volumeListSchema() schema.Schema {
	return schema.Schema{
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

// findVolumes lists the volumes by the filters the API has, and keeps those the rest match.
func findVolumes(ctx context.Context, d *providerData, l cloud.Lister, config volumeListModel) ([]cloud.Volume, error) {
	listed, err := l.ListVolumes(ctx, config.apiFilter())
	if err != nil {
		return nil, err
	}
	volumes := listed[:0]
	for i := range listed {
		if config.keeps(&listed[i], d.isOSDisk) {
			volumes = append(volumes, listed[i])
		}
	}
	return volumes, nil
}

// importedVolume is the volume as the resource reads it after an import: what the listing shows,
// and its tags when they can be read (one read).
func importedVolume(ctx context.Context, d *providerData, v *cloud.Volume) (*volumeModel, error) {
	m := &volumeModel{Tags: types.MapNull(types.StringType)}
	m.applyVolume(v)
	var err error
	m.Tags, err = d.readTags(ctx, cloud.KindVolume, v.ID, m.Tags, true)
	return m, err
}
