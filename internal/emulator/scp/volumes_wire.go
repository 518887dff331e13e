package scp

import "github.com/google/uuid"

// The volume body is VolumeShowResponseV1Dot2 of the contract: every required member,
// no member the contract lacks (no tags: they live in Resource Manager).

type volumeServerBody struct {
	AttachedAt string `json:"attached_at"`
	Device     string `json:"device"`
	ID         string `json:"id"` // the server id
}

type imageMetadataBody struct {
	ImageID string `json:"image_id"`
}

type volumeBody struct {
	Bootable            bool               `json:"bootable"`
	CreatedAt           string             `json:"created_at"`
	Encrypted           bool               `json:"encrypted"`
	ID                  string             `json:"id"`
	MaxIOPS             *int               `json:"max_iops"`
	MaxThroughput       *int               `json:"max_throughput"`
	ModifiedAt          string             `json:"modified_at"`
	Multiattach         bool               `json:"multiattach"`
	Name                string             `json:"name"`
	Servers             []volumeServerBody `json:"servers"`
	Size                int                `json:"size"`
	State               string             `json:"state"`
	UserID              string             `json:"user_id"`
	VolumeImageMetadata *imageMetadataBody `json:"volume_image_metadata,omitempty"`
	VolumeType          string             `json:"volume_type"`
	VolumeTypeID        string             `json:"volume_type_id"`
}

// volumeTypeNamespace makes volume type ids stable: the same name, the same id.
var volumeTypeNamespace = uuid.MustParse("3f1d6c2a-5b7e-4c1d-9a8b-0e2f4d6c8a1b")

func volumeTypeID(name string) string {
	return uuid.NewSHA1(volumeTypeNamespace, []byte(name)).String()
}

func newVolumeBody(v *volume) volumeBody {
	b := volumeBody{
		Bootable: v.bootable, CreatedAt: formatTime(v.createdAt), ID: v.id,
		MaxIOPS: v.maxIOPS, MaxThroughput: v.maxThroughput, ModifiedAt: formatTime(v.modifiedAt),
		Multiattach: v.multiattach, Name: v.name, Servers: []volumeServerBody{}, Size: v.size,
		State: v.state, UserID: DefaultUserID, VolumeType: v.volumeType, VolumeTypeID: volumeTypeID(v.volumeType),
	}
	if v.imageID != "" {
		b.VolumeImageMetadata = &imageMetadataBody{ImageID: v.imageID}
	}
	for _, a := range v.listedServers() {
		b.Servers = append(b.Servers, volumeServerBody{ID: a.serverID, Device: a.device, AttachedAt: formatTime(a.attachedAt)})
	}
	return b
}
