package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"
)

// Server states, exactly as the API reports them.
const (
	ServerBuild    = "BUILD"
	ServerActive   = "ACTIVE"
	ServerStopping = "STOPPING"
	ServerShutoff  = "SHUTOFF"
	ServerStarting = "STARTING"
	ServerDeleting = "DELETING"
	ServerError    = "ERROR"
)

// MaxVolumesPerServer is SCP's limit of volumes on one server (one per /dev/vdX letter).
const MaxVolumesPerServer = 26

// Connections are the server's links to other services that block its deletion.
type Connections struct {
	FileStorage   bool `json:"file_storage"`
	LBServerGroup bool `json:"lb_server_group"`
	Backup        bool `json:"backup"`
}

// Network is one entry of a server's networks, as requested.
type Network struct {
	SubnetID   string `json:"subnet_id,omitempty"`
	PortID     string `json:"port_id,omitempty"`
	FixedIP    string `json:"fixed_ip,omitempty"`
	PublicIPID string `json:"public_ip_id,omitempty"`
}

// server is the live object; guarded by Emulator.mu.
type server struct {
	seq            int64
	id             string
	name           string
	imageID        string
	serverTypeID   string
	keypairName    string
	networks       []Network
	securityGroups []string
	serverGroupID  string
	tags           []Tag
	state          string
	locked         bool
	lockWhenActive bool // the create request's lock flag, applied when the build finishes
	conns          Connections
	attachments    []*attachment // in attach order; the create-time volumes (boot first) lead
	op             *operation    // create, delete or power operation in flight
	lockOp         *operation
	busyUntil      time.Time // injected busy window
	createdAt      time.Time
	modifiedAt     time.Time
}

func (s *server) touch(now time.Time) { s.modifiedAt = now }

// visibleAttachments is what the server reports in "volumes": create-time and finished
// attachments, including those still detaching; boot volume first.
func (s *server) visibleAttachments(e *Emulator) []*attachment {
	var out []*attachment
	for _, a := range s.attachments {
		if a.state != attAttaching {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b *attachment) int {
		return boolRank(e.isBootOf(b, s)) - boolRank(e.isBootOf(a, s))
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
	Tags         []Tag        `json:"tags"`
	Volumes      []Attachment `json:"volumes"` // every attachment, in-flight ones too, boot first
	Connections  Connections  `json:"connections"`
	CreatedAt    time.Time    `json:"created_at"`
	ModifiedAt   time.Time    `json:"modified_at"`
}

func (e *Emulator) snapshotServer(s *server) Server {
	out := Server{
		ID: s.id, Name: s.name, State: s.state, Locked: s.locked,
		ImageID: s.imageID, ServerTypeID: s.serverTypeID, KeypairName: s.keypairName,
		VPCID: e.vpcID, Tags: copyTags(s.tags), Connections: s.conns,
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
	out := make([]*server, 0, len(e.servers))
	for _, s := range e.servers {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *server) int { return int(a.seq - b.seq) })
	return out
}

// SetServerAttachments sets the File Storage, LB server group and backup connections
// of a server; any of them makes DELETE answer 409.
func (e *Emulator) SetServerAttachments(serverID string, c Connections) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[serverID]
	if !ok {
		return fmt.Errorf("emulator: server %s not found", serverID)
	}
	s.conns = c
	s.touch(e.now())
	return nil
}

// DeleteServerOutOfBand removes a server at once, as if deleted in the console:
// pending operations are cancelled and its volumes handled as a finished delete would.
func (e *Emulator) DeleteServerOutOfBand(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[id]
	if !ok {
		return fmt.Errorf("emulator: server %s not found", id)
	}
	e.removeServer(s, "server deleted out of band")
	return nil
}

// removeServer deletes s: volumes with delete_on_termination (and no other holder) go
// with it, the rest are detached. Call with e.mu held.
func (e *Emulator) removeServer(s *server, why string) {
	e.cancel(s.op, why)
	e.cancel(s.lockOp, why)
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

// --- wire format ---

type serverTypeBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type serverVolumeBody struct {
	ID                  string `json:"id"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

type serverBody struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	State          string             `json:"state"`
	Locked         bool               `json:"locked"`
	ImageID        string             `json:"image_id"`
	ServerType     serverTypeBody     `json:"server_type"`
	KeypairName    string             `json:"keypair_name"`
	VPCID          string             `json:"vpc_id"`
	Networks       []Network          `json:"networks"`
	SecurityGroups []string           `json:"security_groups"`
	ServerGroupID  string             `json:"server_group_id,omitempty"`
	Volumes        []serverVolumeBody `json:"volumes"`
	Tags           []Tag              `json:"tags"`
	CreatedAt      string             `json:"created_at"`
	ModifiedAt     string             `json:"modified_at"`
}

func (e *Emulator) serverBody(s *server) serverBody {
	b := serverBody{
		ID: s.id, Name: s.name, State: s.state, Locked: s.locked, ImageID: s.imageID,
		ServerType:  serverTypeBody{ID: s.serverTypeID, Name: s.serverTypeID},
		KeypairName: s.keypairName, VPCID: e.vpcID,
		Networks:       append([]Network{}, s.networks...),
		SecurityGroups: append([]string{}, s.securityGroups...),
		ServerGroupID:  s.serverGroupID,
		Volumes:        []serverVolumeBody{},
		Tags:           copyTags(s.tags),
		CreatedAt:      formatTime(s.createdAt), ModifiedAt: formatTime(s.modifiedAt),
	}
	for _, a := range s.visibleAttachments(e) {
		b.Volumes = append(b.Volumes, serverVolumeBody{ID: a.volumeID, DeleteOnTermination: a.deleteOnTermination})
	}
	return b
}

type createServerRequest struct {
	Name           string                `json:"name"`
	ImageID        string                `json:"image_id"`
	ServerTypeID   string                `json:"server_type_id"`
	KeypairName    string                `json:"keypair_name"`
	Networks       []Network             `json:"networks"`
	SecurityGroups []string              `json:"security_groups"`
	Volumes        []serverVolumeRequest `json:"volumes"`
	Lock           bool                  `json:"lock"`
	Tags           []Tag                 `json:"tags"`
	UserData       string                `json:"user_data"`
	ServerGroupID  string                `json:"server_group_id"`
	FileStorageIDs []string              `json:"file_storage_ids"`
}

// serverVolumeRequest uses pointers to tell "absent" from zero: boot_index 0 marks the
// boot volume, and delete_on_termination defaults differ for boot and data volumes.
type serverVolumeRequest struct {
	BootIndex           *int   `json:"boot_index"`
	Size                int    `json:"size"`
	Type                string `json:"type"`
	SourceType          string `json:"source_type"`
	DeleteOnTermination *bool  `json:"delete_on_termination"`
}

func (v serverVolumeRequest) isBoot() bool { return v.BootIndex != nil && *v.BootIndex == 0 }

var serverNamePattern = regexp.MustCompile(`^[A-Za-z0-9_\- ]+$`)

func (req *createServerRequest) validate() *apiError {
	switch {
	case req.Name == "":
		return badRequest("name: required")
	case len(req.Name) > 255:
		return badRequest("name: at most 255 characters, got %d", len(req.Name))
	case !serverNamePattern.MatchString(req.Name):
		return badRequest("name: only letters, digits, '-', '_' and space are allowed, got %q", req.Name)
	case req.ImageID == "":
		return badRequest("image_id: required")
	case req.ServerTypeID == "":
		return badRequest("server_type_id: required")
	case len(req.Volumes) > MaxVolumesPerServer:
		return badRequest("volumes: at most %d volumes per server, got %d", MaxVolumesPerServer, len(req.Volumes))
	}
	boots := 0
	for i, v := range req.Volumes {
		if v.isBoot() {
			boots++
		}
		if err := validateSize(fmt.Sprintf("volumes[%d].size", i), v.Size); err != nil {
			return err
		}
	}
	if boots != 1 {
		return badRequest("volumes: exactly one entry must have boot_index 0 (the OS volume), got %d", boots)
	}
	return nil
}

// validateSize checks a volume size in GiB: a positive multiple of 8.
func validateSize(field string, size int) *apiError {
	if size <= 0 || size%8 != 0 {
		return badRequest("%s: must be a positive multiple of 8 (GiB), got %d", field, size)
	}
	return nil
}

// --- handlers ---

func (e *Emulator) createServer(r *http.Request, _ params) (int, any, *apiError) {
	var req createServerRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := req.validate(); err != nil {
		return 0, nil, err
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.seq++
	s := &server{
		seq: e.seq, id: e.newID(), name: req.Name, imageID: req.ImageID, serverTypeID: req.ServerTypeID,
		keypairName: req.KeypairName, networks: req.Networks, securityGroups: req.SecurityGroups,
		serverGroupID: req.ServerGroupID, tags: copyTags(req.Tags), state: ServerBuild,
		lockWhenActive: req.Lock, conns: Connections{FileStorage: len(req.FileStorageIDs) > 0},
		createdAt: now, modifiedAt: now,
	}
	e.servers[s.id] = s

	// Boot volume first (/dev/vda), then the data volumes in request order (/dev/vdb, ...).
	ordered := slices.Clone(req.Volumes)
	slices.SortStableFunc(ordered, func(a, b serverVolumeRequest) int { return boolRank(b.isBoot()) - boolRank(a.isBoot()) })
	for i, vr := range ordered {
		boot := i == 0
		name := fmt.Sprintf("%s-data-%d", req.Name, i)
		dot := false
		if boot {
			name = req.Name + "-os"
			dot = true
		}
		if vr.DeleteOnTermination != nil {
			dot = *vr.DeleteOnTermination
		}
		volumeType := vr.Type
		if volumeType == "" {
			volumeType = defaultVolumeType
		}
		e.seq++
		v := &volume{
			seq: e.seq, id: e.newID(), name: name, size: vr.Size, volumeType: volumeType,
			bootable: boot, state: VolumeReserved, tags: []Tag{}, createdAt: now,
		}
		if boot {
			v.osServerID = s.id
		}
		e.volumes[v.id] = v
		e.addAttachment(s, v, e.deviceName(i), dot, attReserved)
	}

	s.op = e.schedule(OpServerCreate, s.id, "", func(failed bool) { e.finishServerCreate(s, failed) })
	return http.StatusAccepted, map[string]any{"servers": []map[string]string{{"id": s.id}}}, nil
}

func (e *Emulator) finishServerCreate(s *server, failed bool) {
	now := e.now()
	s.touch(now)
	if failed {
		s.state = ServerError
		for _, a := range s.attachments {
			if v := e.volumes[a.volumeID]; v != nil {
				v.state = VolumeError
			}
		}
		return
	}
	s.state = ServerActive
	s.locked = s.lockWhenActive
	for _, a := range s.attachments {
		if a.state == attReserved {
			a.state, a.attachedAt = attAttached, now
			if v := e.volumes[a.volumeID]; v != nil {
				v.refreshState()
			}
		}
	}
}

func (e *Emulator) listServers(r *http.Request, _ params) (int, any, *apiError) {
	name := r.URL.Query().Get("name")
	e.mu.Lock()
	defer e.mu.Unlock()
	list := []serverBody{}
	for _, s := range e.sortedServers() {
		if name == "" || s.name == name {
			list = append(list, e.serverBody(s))
		}
	}
	return http.StatusOK, map[string]any{"servers": list, "count": len(list)}, nil
}

func (e *Emulator) getServer(_ *http.Request, p params) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[p.serverID]
	if !ok {
		return 0, nil, notFound("server", p.serverID)
	}
	return http.StatusOK, e.serverBody(s), nil
}

func (e *Emulator) deleteServer(_ *http.Request, p params) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[p.serverID]
	if !ok {
		return 0, nil, notFound("server", p.serverID)
	}
	id := s.id
	switch {
	case s.state == ServerDeleting:
		return http.StatusAccepted, nil, nil // already accepted once; no second operation
	case s.state == ServerBuild:
		return 0, nil, conflict(CodeServerBuilding,
			"server %s is still being created (BUILD); wait until it is ACTIVE or ERROR, then delete it", id)
	case e.inBusyWindow(s):
		return 0, nil, busyError(id)
	case s.locked:
		return 0, nil, conflict(CodeServerLocked,
			"server %s cannot be deleted while a lock is set; unlock it first (POST /v1/servers/%s/unlock), then delete it", id, id)
	case s.conns.FileStorage:
		return 0, nil, conflict(CodeFileStorageConnected,
			"server %s cannot be deleted while File Storage is connected; disconnect the File Storage first", id)
	case s.conns.LBServerGroup:
		return 0, nil, conflict(CodeLBServerGroupConnected,
			"server %s cannot be deleted while it is in an LB server group; remove it from the LB server group first", id)
	case s.conns.Backup:
		return 0, nil, conflict(CodeBackupConnected,
			"server %s cannot be deleted while a backup is connected; remove the backup first", id)
	}
	e.cancel(s.op, "superseded by server delete") // a pending stop or start
	s.state = ServerDeleting
	s.touch(e.now())
	s.op = e.schedule(OpServerDelete, id, "", func(failed bool) {
		if failed {
			s.state = ServerError
			s.touch(e.now())
			return
		}
		e.removeServer(s, "server deleted")
	})
	return http.StatusAccepted, nil, nil
}

func (e *Emulator) lockServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.setLock(p.serverID, true)
}

func (e *Emulator) unlockServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.setLock(p.serverID, false)
}

func (e *Emulator) setLock(id string, lock bool) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[id]
	if !ok {
		return 0, nil, notFound("server", id)
	}
	if s.state == ServerBuild || s.state == ServerDeleting {
		return 0, nil, conflict(CodeInvalidState, "server %s is %s; lock and unlock need a built server", id, s.state)
	}
	if e.inBusyWindow(s) {
		return 0, nil, busyError(id)
	}
	e.cancel(s.lockOp, "superseded by a later lock or unlock")
	s.lockOp = e.schedule(OpServerLock, id, "", func(failed bool) {
		if !failed {
			s.locked = lock
			s.touch(e.now())
		}
	})
	return http.StatusAccepted, nil, nil
}

func (e *Emulator) stopServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.power(p.serverID, ServerActive, ServerStopping, ServerShutoff)
}

func (e *Emulator) startServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.power(p.serverID, ServerShutoff, ServerStarting, ServerActive)
}

// power moves a server from one stable state through a transitional one to another.
func (e *Emulator) power(id, from, via, to string) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[id]
	if !ok {
		return 0, nil, notFound("server", id)
	}
	if s.state != from {
		return 0, nil, conflict(CodeInvalidState, "server %s is %s; this action needs it %s", id, s.state, from)
	}
	if e.inBusyWindow(s) {
		return 0, nil, busyError(id)
	}
	s.state = via
	s.touch(e.now())
	s.op = e.schedule(OpServerPower, id, "", func(failed bool) {
		s.state = to
		if failed {
			s.state = ServerError
		}
		s.touch(e.now())
	})
	return http.StatusAccepted, nil, nil
}

type serverAttachmentBody struct {
	ID                  string `json:"id"`
	VolumeID            string `json:"volume_id"`
	ServerID            string `json:"server_id"`
	Device              string `json:"device"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

func (e *Emulator) listServerVolumes(_ *http.Request, p params) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[p.serverID]
	if !ok {
		return 0, nil, notFound("server", p.serverID)
	}
	list := []serverAttachmentBody{}
	for _, a := range s.visibleAttachments(e) {
		list = append(list, serverAttachmentBody{
			ID: a.id, VolumeID: a.volumeID, ServerID: a.serverID,
			Device: a.device, DeleteOnTermination: a.deleteOnTermination,
		})
	}
	return http.StatusOK, map[string]any{"volumes": list}, nil
}
