package scp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The server states the sources attest. A deleted server answers 404. Every other state (the
// names of building, deleting, ... are not documented) means "in progress".
const (
	ServerStateActive  = "ACTIVE"
	ServerStateShutoff = "SHUTOFF"
	ServerStateError   = "ERROR"
)

// Tag is a key/value label.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ServerNetwork is one network interface request; exactly one of the fields is normally set.
type ServerNetwork struct {
	SubnetID   string `json:"subnet_id,omitempty"`
	PortID     string `json:"port_id,omitempty"`
	FixedIP    string `json:"fixed_ip,omitempty"`
	PublicIPID string `json:"public_ip_id,omitempty"`
}

// ServerVolumeSpec describes a volume created with the server; BootIndex 0 is the OS volume.
type ServerVolumeSpec struct {
	BootIndex           int    `json:"boot_index"`
	Size                int64  `json:"size"`
	Type                string `json:"type,omitempty"`
	SourceType          string `json:"source_type,omitempty"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

// CreateServerRequest is the body of POST /v1/servers.
type CreateServerRequest struct {
	Name           string             `json:"name"`
	ImageID        string             `json:"image_id"`
	ServerTypeID   string             `json:"server_type_id"`
	KeypairName    string             `json:"keypair_name,omitempty"`
	Networks       []ServerNetwork    `json:"networks,omitempty"`
	SecurityGroups []string           `json:"security_groups,omitempty"`
	Volumes        []ServerVolumeSpec `json:"volumes"`
	// UserData is sent as the API documents it: base64. Callers pass it already encoded.
	Lock           bool     `json:"lock,omitempty"`
	Tags           []Tag    `json:"tags,omitempty"`
	UserData       string   `json:"user_data,omitempty"`
	ServerGroupID  string   `json:"server_group_id,omitempty"`
	FileStorageIDs []string `json:"file_storage_ids,omitempty"`
}

type createServerResponse struct {
	Servers []struct {
		ID string `json:"id"`
	} `json:"servers"`
}

func (r *createServerResponse) validate() error {
	if len(r.Servers) == 0 || r.Servers[0].ID == "" {
		return errors.New(`it has no "servers[0].id"`)
	}
	return nil
}

// ServerType is the flavour of a server.
type ServerType struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ServerVolume is a volume as listed in a server's description.
type ServerVolume struct {
	ID                  string `json:"id"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

// SecurityGroup is a security group as a server's description names it.
type SecurityGroup struct {
	Name string `json:"name"`
}

// Server is the answer of GET /v1/servers/{id}: the members this provider reads. Tags are not part
// of it; they live in Resource Manager (tags.go).
type Server struct {
	ID             string          `json:"id"`
	AccountID      string          `json:"account_id"`
	Name           string          `json:"name"`
	State          string          `json:"state"`
	Locked         bool            `json:"locked"`
	ImageID        string          `json:"image_id"`
	ServerType     ServerType      `json:"server_type"`
	KeypairName    string          `json:"keypair_name"`
	VpcID          string          `json:"vpc_id"`
	ServerGroupID  string          `json:"server_group_id"`
	SecurityGroups []SecurityGroup `json:"security_groups"`
	Volumes        []ServerVolume  `json:"volumes"`
	CreatedAt      string          `json:"created_at"`
	ModifiedAt     string          `json:"modified_at"`
}

func (s *Server) validate() error {
	if s.ID == "" || s.State == "" {
		return errors.New(`it lacks the server's "id" or "state"`)
	}
	return nil
}

// HasVolume reports whether the server's description lists volumeID.
func (s *Server) HasVolume(volumeID string) bool {
	for _, v := range s.Volumes {
		if v.ID == volumeID {
			return true
		}
	}
	return false
}

// CreateServer sends POST /v1/servers and returns the new server's id. The server is not ready
// until it reaches ACTIVE.
func (c *Client) CreateServer(ctx context.Context, body CreateServerRequest) (string, error) {
	var out createServerResponse
	err := c.do(ctx, request{method: http.MethodPost, segments: []string{"v1", "servers"}, body: body, op: "server.create"}, &out)
	if err != nil {
		return "", err
	}
	return out.Servers[0].ID, nil
}

// GetServer reads one server. A deleted server gives an error for which IsNotFound is true.
func (c *Client) GetServer(ctx context.Context, id string) (*Server, error) {
	return getOne[Server](ctx, c, "servers", id, "server.get")
}

type listServersResponse struct {
	Servers []Server `json:"servers"`
}

func (r *listServersResponse) validate() error { return validateEach("servers", r.Servers) }

// ListServers lists every server, only those named name when name is not empty
// (GET /v1/servers?name=<name>), following the marker pages to the end. The provider uses it to
// find a server whose create answer was lost.
func (c *Client) ListServers(ctx context.Context, name string) ([]Server, error) {
	return c.ListServersFiltered(ctx, ServerListFilter{Name: name})
}

// ServerListFilter holds the filters of GET /v1/servers; empty fields are not sent.
type ServerListFilter struct {
	Name         string
	IP           string
	State        string
	VpcID        string
	ServerTypeID string
	// ProductCategory is compute or container.
	ProductCategory string
	// ProductOfferings (virtual_server, gpu_server, k8s_vm, k8s_gpu_vm) are sent as repeated keys,
	// the SDK's explode form; the documents do not say how an array is serialised.
	ProductOfferings []string
}

func (f ServerListFilter) query() url.Values {
	query := url.Values{}
	for key, value := range map[string]string{
		"name": f.Name, "ip": f.IP, "state": f.State, "vpc_id": f.VpcID,
		"server_type_id": f.ServerTypeID, "product_category": f.ProductCategory,
	} {
		if value != "" {
			query.Set(key, value)
		}
	}
	for _, offering := range f.ProductOfferings {
		query.Add("product_offering", offering)
	}
	return query
}

// ListServersFiltered lists every server that matches the filter, as the API applies it,
// following the marker pages to the end.
func (c *Client) ListServersFiltered(ctx context.Context, filter ServerListFilter) ([]Server, error) {
	return listAll(ctx, c, []string{"v1", "servers"}, filter.query(), "server.list",
		func(r *listServersResponse) []Server { return r.Servers },
		func(s Server) string { return s.ID })
}

// DeleteServer sends DELETE /v1/servers/{id}: 202 means accepted, not done.
func (c *Client) DeleteServer(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, segments: []string{"v1", "servers", id}, idempotent: true, op: "server.delete"}, nil)
}

// LockServer asks for the server's lock to be set; UnlockServer clears it. Both are asynchronous.
func (c *Client) LockServer(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodPost, segments: []string{"v1", "servers", id, "lock"}, idempotent: true, op: "server.lock"}, nil)
}

// UnlockServer clears the server's lock.
func (c *Client) UnlockServer(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodPost, segments: []string{"v1", "servers", id, "unlock"}, idempotent: true, op: "server.unlock"}, nil)
}

// ServerVolumeAttachment is one entry of GET /v1/servers/{id}/volumes.
type ServerVolumeAttachment struct {
	ID                  string `json:"id"`
	VolumeID            string `json:"volume_id"`
	ServerID            string `json:"server_id"`
	Device              string `json:"device"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

type serverVolumesResponse struct {
	Volumes []ServerVolumeAttachment `json:"volumes"`
}

func (r *serverVolumesResponse) validate() error {
	for _, v := range r.Volumes {
		if v.VolumeID == "" {
			return errors.New(`an entry lacks "volume_id"`)
		}
	}
	return nil
}

// ListServerVolumes lists the volumes attached to a server, in no documented order: OSDisk finds
// the system disk among them.
func (c *Client) ListServerVolumes(ctx context.Context, serverID string) ([]ServerVolumeAttachment, error) {
	var out serverVolumesResponse
	err := c.do(ctx, request{method: http.MethodGet, segments: []string{"v1", "servers", serverID, "volumes"}, idempotent: true, op: "server.volumes"}, &out)
	if err != nil {
		return nil, err
	}
	return out.Volumes, nil
}

// OS disk devices: the official provider takes the attachment on one of these as the server's
// OS disk (virtio and SCSI buses).
var osDiskDevices = []string{"/dev/vda", "/dev/sda"}

// SystemDiskDevices are the device names of a server's OS disk on SCP (Facts gives them too).
func SystemDiskDevices() []string { return slices.Clone(osDiskDevices) }

// IsOSDiskDevice reports whether device is where a server's OS disk sits, ignoring case as the
// provider's plan-time rule does (cloud.Facts.IsSystemDiskDevice), so that the two never disagree.
func IsOSDiskDevice(device string) bool {
	return slices.ContainsFunc(osDiskDevices, func(d string) bool { return strings.EqualFold(d, device) })
}

// OSDisk returns the attachment of the server's OS disk among attachments (the answer of
// ListServerVolumes), found by its device name, and whether there is one.
func OSDisk(attachments []ServerVolumeAttachment) (ServerVolumeAttachment, bool) {
	for _, a := range attachments {
		if IsOSDiskDevice(a.Device) {
			return a, true
		}
	}
	return ServerVolumeAttachment{}, false
}
