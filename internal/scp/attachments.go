package scp

import (
	"context"
	"net/http"
)

// Attachment is the answer of an attach call.
type Attachment struct {
	ServerID            string `json:"server_id"`
	VolumeID            string `json:"volume_id"`
	Device              string `json:"device"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

type attachRequest struct {
	ServerID            string `json:"server_id"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

// AttachVolume sends POST /v1/volumes/{volume_id}/servers. The attach is done when the volume is
// in-use and lists the server.
func (c *Client) AttachVolume(ctx context.Context, volumeID, serverID string, deleteOnTermination bool) (*Attachment, error) {
	var out Attachment
	err := c.do(ctx, request{
		method:   http.MethodPost,
		segments: []string{"v1", "volumes", volumeID, "servers"},
		body:     attachRequest{ServerID: serverID, DeleteOnTermination: deleteOnTermination},
		op:       "volume.attach",
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DetachVolume sends the documented DELETE /v1/volumes/{volume_id}/servers/{server_id}.
// The detach is done when the volume no longer lists the server.
func (c *Client) DetachVolume(ctx context.Context, volumeID, serverID string) error {
	return c.do(ctx, request{
		method:     http.MethodDelete,
		segments:   []string{"v1", "volumes", volumeID, "servers", serverID},
		idempotent: true,
		op:         "volume.detach",
	}, nil)
}
