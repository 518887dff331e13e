package scp

import (
	"slices"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Server states. ACTIVE, SHUTOFF and ERROR are the documented final states; the
// transitional names (BUILD, STOPPING, STARTING, DELETING) are the emulator's own
// choice, as no source gives SCP's: a client must treat every state that is not a
// final one as "in progress".
const (
	ServerBuild    = "BUILD"
	ServerActive   = "ACTIVE"
	ServerStopping = "STOPPING"
	ServerShutoff  = "SHUTOFF"
	ServerStarting = "STARTING"
	ServerDeleting = "DELETING"
	ServerError    = "ERROR"
)

// MaxVolumesPerServer is the emulator's limit of volumes on one server: one per
// device letter /dev/vda../dev/vdz. No source documents SCP's limit.
const MaxVolumesPerServer = 26

// Connections are the server's links to other services that block its deletion.
type Connections struct {
	FileStorage   bool `json:"file_storage"`
	LBServerGroup bool `json:"lb_server_group"`
	Backup        bool `json:"backup"`
}

// Network is one entry of a server's networks, as requested. GET bodies do not carry
// networks; the server reports an address per network instead.
type Network struct {
	SubnetID   string `json:"subnet_id,omitempty"`
	PortID     string `json:"port_id,omitempty"`
	FixedIP    string `json:"fixed_ip,omitempty"`
	PublicIPID string `json:"public_ip_id,omitempty"`
}

// server is the live object; guarded by Emulator.mu.
type server struct {
	seq             int64
	id              string
	name            string
	imageID         string
	serverTypeID    string
	keypairName     string
	networks        []Network
	ips             []string // one per network
	securityGroups  []string
	serverGroupID   string
	partitionNumber *int
	metadata        map[string]string
	productCategory string
	productOffering string
	userData        string // base64, as sent
	tags            []Tag  // served by the Resource Manager calls only
	state           string
	locked          bool
	lockWhenActive  bool // the create request's lock flag, applied when the build finishes
	conns           Connections
	attachments     []*attachment // in attach order; the create-time volumes (boot first) lead
	op              *operation    // create, delete or power operation in flight
	lockOp          *operation
	busyUntil       time.Time // injected busy window
	createdAt       time.Time
	modifiedAt      time.Time
}

func (s *server) touch(now time.Time) { s.modifiedAt = now }

// visibleAttachments is what the server reports in "volumes": create-time and finished
// attachments, including those still detaching; the OS volume first, or last when
// SetOSVolumeLast is on.
func (s *server) visibleAttachments(e *Emulator) []*attachment {
	var out []*attachment
	for _, a := range s.attachments {
		if a.state != attAttaching {
			out = append(out, a)
		}
	}
	last := e.osLast.Load()
	slices.SortStableFunc(out, func(a, b *attachment) int {
		d := boolRank(e.isBootOf(b, s)) - boolRank(e.isBootOf(a, s))
		if last {
			return -d
		}
		return d
	})
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Server is a snapshot of a server for tests and the control API.
type Server struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	State        string       `json:"state"`
	Locked       bool         `json:"locked"`
	ImageID      string       `json:"image_id"`
	ServerTypeID string       `json:"server_type_id"`
	KeypairName  string       `json:"keypair_name"`
	VPCID        string       `json:"vpc_id"`
	UserData     string       `json:"user_data,omitempty"` // base64, as sent
	Tags         []Tag        `json:"tags"`                // as Resource Manager holds them
	Volumes      []Attachment `json:"volumes"`             // every attachment, in-flight ones too, boot first
	Connections  Connections  `json:"connections"`
	CreatedAt    time.Time    `json:"created_at"`
	ModifiedAt   time.Time    `json:"modified_at"`
}

func (e *Emulator) snapshotServer(s *server) Server {
	out := Server{
		ID: s.id, Name: s.name, State: s.state, Locked: s.locked,
		ImageID: s.imageID, ServerTypeID: s.serverTypeID, KeypairName: s.keypairName,
		VPCID: e.vpcID, UserData: s.userData, Tags: copyTags(s.tags), Connections: s.conns,
		CreatedAt: s.createdAt, ModifiedAt: s.modifiedAt, Volumes: []Attachment{},
	}
	atts := slices.Clone(s.attachments)
	slices.SortStableFunc(atts, func(a, b *attachment) int {
		return boolRank(e.isBootOf(b, s)) - boolRank(e.isBootOf(a, s))
	})
	for _, a := range atts {
		out.Volumes = append(out.Volumes, a.snapshot())
	}
	return out
}

// Servers returns snapshots of all servers in creation order.
func (e *Emulator) Servers() []Server {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Server
	for _, s := range e.sortedServers() {
		out = append(out, e.snapshotServer(s))
	}
	return out
}

// Server returns a snapshot of one server; false when it does not exist (or is deleted).
func (e *Emulator) Server(id string) (Server, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[id]
	if !ok {
		return Server{}, false
	}
	return e.snapshotServer(s), true
}

func (e *Emulator) sortedServers() []*server {
	return engine.InOrder(e.servers, func(s *server) int64 { return s.seq })
}

// SetServerAttachments sets the File Storage, LB server group and backup connections
// of a server; any of them makes DELETE answer 409.
func (e *Emulator) SetServerAttachments(serverID string, c Connections) error {
	return changeLocked(e, e.servers, "server", serverID, func(s *server) error {
		s.conns = c
		s.touch(e.now())
		return nil
	})
}

// DeleteServerOutOfBand removes a server at once, as if deleted in the console:
// pending operations are cancelled and its volumes handled as a finished delete would.
func (e *Emulator) DeleteServerOutOfBand(id string) error {
	return changeLocked(e, e.servers, "server", id, func(s *server) error {
		e.removeServer(s, "server deleted out of band")
		return nil
	})
}

// removeServer deletes s: volumes with delete_on_termination (and no other holder) go
// with it, the rest are detached. Call with e.mu held.
func (e *Emulator) removeServer(s *server, why string) {
	e.Cancel(s.op, why)
	e.Cancel(s.lockOp, why)
	for _, a := range slices.Clone(s.attachments) {
		v := e.volumes[a.volumeID]
		attached := a.state != attAttaching
		e.dropAttachment(a, why)
		if v == nil {
			continue
		}
		if a.deleteOnTermination && attached && len(v.attachments) == 0 {
			e.removeVolume(v, why)
			continue
		}
		v.refreshState()
	}
	delete(e.servers, s.id)
}
