package scp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The volume states the sources attest. Every other state (creating, attaching, extending, ...:
// their names are not documented) means "in progress"; any state that begins with "error" is a
// failure (the documents name "error extending", "error restoring", ... without their spelling).
const (
	VolumeStateAvailable = "available"
	VolumeStateInUse     = "in-use"
	VolumeStateError     = "error"
)

// IsVolumeErrorState reports the final failure states (error, error_deleting, error extending, ...).
func IsVolumeErrorState(state string) bool {
	return strings.HasPrefix(strings.ToLower(state), VolumeStateError)
}

// VolumeServer is a server a volume is attached to, as listed by GET /v1/volumes/{id}.
type VolumeServer struct {
	ID         string `json:"id"`
	Device     string `json:"device"`
	AttachedAt string `json:"attached_at"`
}

// Volume is the answer of GET /v1/volumes/{id}: the members this provider reads. Tags are not part
// of it; they live in Resource Manager (tags.go).
type Volume struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	State         string         `json:"state"`
	Size          int64          `json:"size"`
	Bootable      bool           `json:"bootable"`
	Multiattach   bool           `json:"multiattach"`
	VolumeType    string         `json:"volume_type"`
	MaxIOPS       int64          `json:"max_iops"`
	MaxThroughput int64          `json:"max_throughput"`
	Servers       []VolumeServer `json:"servers"`
	CreatedAt     string         `json:"created_at"`
}

func (v *Volume) validate() error {
	if v.ID == "" || v.State == "" {
		return errors.New(`it lacks the volume's "id" or "state"`)
	}
	return nil
}

// AttachedTo returns the volume's attachment to serverID, if the volume lists it.
func (v *Volume) AttachedTo(serverID string) (VolumeServer, bool) {
	for _, s := range v.Servers {
		if s.ID == serverID {
			return s, true
		}
	}
	return VolumeServer{}, false
}

// CreateVolumeRequest is the body of POST /v1/volumes.
type CreateVolumeRequest struct {
	Name          string `json:"name"`
	Size          int64  `json:"size"`
	VolumeType    string `json:"volume_type,omitempty"`
	MaxIOPS       int64  `json:"max_iops,omitempty"`
	MaxThroughput int64  `json:"max_throughput,omitempty"`
	Tags          []Tag  `json:"tags,omitempty"`
}

// CreateVolume sends POST /v1/volumes; the volume is usable once it is available.
func (c *Client) CreateVolume(ctx context.Context, body CreateVolumeRequest) (*Volume, error) {
	var out Volume
	err := c.do(ctx, request{method: http.MethodPost, segments: []string{"v1", "volumes"}, body: body, op: "volume.create"}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetVolume reads one volume.
func (c *Client) GetVolume(ctx context.Context, id string) (*Volume, error) {
	return getOne[Volume](ctx, c, "volumes", id, "volume.get")
}

type listVolumesResponse struct {
	Volumes []Volume `json:"volumes"`
}

func (r *listVolumesResponse) validate() error { return validateEach("volumes", r.Volumes) }

// ListVolumes lists every volume, only those named name when name is not empty
// (GET /v1/volumes?name=<name>), following the marker pages to the end (the API pages at 20 when
// not told otherwise). The provider uses it to find a volume whose create answer was lost.
func (c *Client) ListVolumes(ctx context.Context, name string) ([]Volume, error) {
	return c.ListVolumesFiltered(ctx, VolumeListFilter{Name: name})
}

// VolumeListFilter holds the filters of GET /v1/volumes; empty fields (and a nil Bootable) are not sent.
type VolumeListFilter struct {
	Name     string
	State    string
	Bootable *bool
}

func (f VolumeListFilter) query() url.Values {
	query := url.Values{}
	if f.Name != "" {
		query.Set("name", f.Name)
	}
	if f.State != "" {
		query.Set("state", f.State)
	}
	if f.Bootable != nil {
		query.Set("bootable", strconv.FormatBool(*f.Bootable))
	}
	return query
}

// ListVolumesFiltered lists every volume that matches the filter, as the API applies it,
// following the marker pages to the end.
func (c *Client) ListVolumesFiltered(ctx context.Context, filter VolumeListFilter) ([]Volume, error) {
	return listAll(ctx, c, []string{"v1", "volumes"}, filter.query(), "volume.list",
		func(r *listVolumesResponse) []Volume { return r.Volumes },
		func(v Volume) string { return v.ID })
}

// RenameVolume changes a volume's name (PUT /v1/volumes/{id}, answered 200 with the volume).
func (c *Client) RenameVolume(ctx context.Context, id, name string) error {
	body := map[string]string{"name": name}
	return c.do(ctx, request{method: http.MethodPut, segments: []string{"v1", "volumes", id}, body: body, idempotent: true, op: "volume.rename"}, nil)
}

// ExtendVolume grows a volume to size GiB with PUT /v1/volumes/{id}/size (202: accepted; the
// volume is done when it shows the new size in a final state). SCP only grows volumes.
func (c *Client) ExtendVolume(ctx context.Context, id string, size int64) error {
	body := map[string]int64{"size": size}
	return c.do(ctx, request{method: http.MethodPut, segments: []string{"v1", "volumes", id, "size"}, body: body, idempotent: true, op: "volume.extend"}, nil)
}

// DeleteVolume sends DELETE /v1/volumes/{id}?cascade=true: 202 means accepted, not done. cascade
// is sent although true is the documented default, so the volume's snapshots go with it whatever
// the default becomes; the resource's documentation says so.
func (c *Client) DeleteVolume(ctx context.Context, id string) error {
	query := url.Values{"cascade": {"true"}}
	return c.do(ctx, request{method: http.MethodDelete, segments: []string{"v1", "volumes", id}, query: query, idempotent: true, op: "volume.delete"}, nil)
}
