package scp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Volume states are lower case in the API.
const (
	VolumeStateCreating  = "creating"
	VolumeStateAvailable = "available"
	VolumeStateAttaching = "attaching"
	VolumeStateInUse     = "in-use"
	VolumeStateDetaching = "detaching"
	VolumeStateExtending = "extending"
	VolumeStateDeleting  = "deleting"
	VolumeStateError     = "error"
)

// IsVolumeErrorState reports the final failure states (error, error_deleting, error_extending, ...).
func IsVolumeErrorState(state string) bool { return strings.HasPrefix(state, VolumeStateError) }

// VolumeServer is a server a volume is attached to, as listed by GET /v1/volumes/{id}.
type VolumeServer struct {
	ID         string `json:"id"`
	Device     string `json:"device"`
	AttachedAt string `json:"attached_at"`
}

// Volume is the answer of GET /v1/volumes/{id}.
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
	Tags          []Tag          `json:"tags"`
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
	var out Volume
	err := c.do(ctx, request{method: http.MethodGet, segments: []string{"v1", "volumes", id}, idempotent: true, op: "volume.get"}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type listVolumesResponse struct {
	Volumes []Volume `json:"volumes"`
}

func (r *listVolumesResponse) validate() error {
	for i := range r.Volumes {
		if err := r.Volumes[i].validate(); err != nil {
			return fmt.Errorf("volumes[%d]: %w", i, err)
		}
	}
	return nil
}

// ListVolumes lists the volumes, only those named name when name is not empty
// (GET /v1/volumes?name=<name>). The provider uses it to find a volume whose create answer was lost.
func (c *Client) ListVolumes(ctx context.Context, name string) ([]Volume, error) {
	var query url.Values
	if name != "" {
		query = url.Values{"name": {name}}
	}
	var out listVolumesResponse
	err := c.do(ctx, request{method: http.MethodGet, segments: []string{"v1", "volumes"}, query: query, idempotent: true, op: "volume.list"}, &out)
	if err != nil {
		return nil, err
	}
	return out.Volumes, nil
}

// RenameVolume changes a volume's name (synchronous).
func (c *Client) RenameVolume(ctx context.Context, id, name string) error {
	body := map[string]string{"name": name}
	return c.do(ctx, request{method: http.MethodPut, segments: []string{"v1", "volumes", id}, body: body, idempotent: true, op: "volume.rename"}, nil)
}

// ExtendVolume grows a volume to size GiB (asynchronous; the state passes through extending).
func (c *Client) ExtendVolume(ctx context.Context, id string, size int64) error {
	body := map[string]int64{"size": size}
	return c.do(ctx, request{method: http.MethodPost, segments: []string{"v1", "volumes", id, "extend"}, body: body, idempotent: true, op: "volume.extend"}, nil)
}

// DeleteVolume sends DELETE /v1/volumes/{id}: 202 means accepted, not done.
func (c *Client) DeleteVolume(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, segments: []string{"v1", "volumes", id}, idempotent: true, op: "volume.delete"}, nil)
}
