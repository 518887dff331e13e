package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Volume states, exactly as the API reports them (lower case). Failed deletes and
// extends end in error_deleting / error_extending, which still count as error states.
const (
	VolumeCreating       = "creating"
	VolumeAvailable      = "available"
	VolumeReserved       = "reserved"
	VolumeAttaching      = "attaching"
	VolumeInUse          = "in-use"
	VolumeDetaching      = "detaching"
	VolumeExtending      = "extending"
	VolumeDeleting       = "deleting"
	VolumeError          = "error"
	VolumeErrorDeleting  = "error_deleting"
	VolumeErrorExtending = "error_extending"
)

const defaultVolumeType = "SSD"

// volume is the live object; guarded by Emulator.mu.
type volume struct {
	seq           int64
	id            string
	name          string
	size          int
	volumeType    string
	bootable      bool
	multiattach   bool
	maxIOPS       int
	maxThroughput int
	tags          []Tag
	state         string
	osServerID    string        // the server whose OS default volume this is
	attachments   []*attachment // in attach order
	op            *operation    // create, extend or delete in flight
	createdAt     time.Time
}

// refreshState derives the state from the attachments, unless the volume is in a state
// of its own (creating, extending, deleting, error*), which attachments do not change.
func (v *volume) refreshState() {
	switch v.state {
	case VolumeAvailable, VolumeReserved, VolumeAttaching, VolumeInUse, VolumeDetaching:
	default:
		return
	}
	has := map[attachState]bool{}
	for _, a := range v.attachments {
		has[a.state] = true
	}
	switch {
	case has[attAttaching]:
		v.state = VolumeAttaching
	case has[attDetaching]:
		v.state = VolumeDetaching
	case has[attAttached]:
		v.state = VolumeInUse
	case has[attReserved]:
		v.state = VolumeReserved
	default:
		v.state = VolumeAvailable
	}
}

// listedServers are the attachments the volume reports in "servers": attach finished,
// detach not yet finished.
func (v *volume) listedServers() []*attachment {
	var out []*attachment
	for _, a := range v.attachments {
		if a.state == attAttached || a.state == attDetaching {
			out = append(out, a)
		}
	}
	return out
}

// Volume is a snapshot of a volume for tests and the control API.
type Volume struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	State         string       `json:"state"`
	Size          int          `json:"size"`
	Bootable      bool         `json:"bootable"`
	Multiattach   bool         `json:"multiattach"`
	VolumeType    string       `json:"volume_type"`
	MaxIOPS       int          `json:"max_iops"`
	MaxThroughput int          `json:"max_throughput"`
	Tags          []Tag        `json:"tags"`
	Attachments   []Attachment `json:"attachments"` // every attachment, in-flight ones too
	OSServerID    string       `json:"os_server_id,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
}

func snapshotVolume(v *volume) Volume {
	out := Volume{
		ID: v.id, Name: v.name, State: v.state, Size: v.size, Bootable: v.bootable,
		Multiattach: v.multiattach, VolumeType: v.volumeType, MaxIOPS: v.maxIOPS,
		MaxThroughput: v.maxThroughput, Tags: copyTags(v.tags), OSServerID: v.osServerID,
		CreatedAt: v.createdAt, Attachments: []Attachment{},
	}
	for _, a := range v.attachments {
		out.Attachments = append(out.Attachments, a.snapshot())
	}
	return out
}

// Volumes returns snapshots of all volumes in creation order.
func (e *Emulator) Volumes() []Volume {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Volume
	for _, v := range e.sortedVolumes() {
		out = append(out, snapshotVolume(v))
	}
	return out
}

// Volume returns a snapshot of one volume; false when it does not exist (or is deleted).
func (e *Emulator) Volume(id string) (Volume, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[id]
	if !ok {
		return Volume{}, false
	}
	return snapshotVolume(v), true
}

func (e *Emulator) sortedVolumes() []*volume {
	out := make([]*volume, 0, len(e.volumes))
	for _, v := range e.volumes {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *volume) int { return int(a.seq - b.seq) })
	return out
}

// DeleteVolumeOutOfBand removes a volume at once, as if deleted in the console, even
// when attached: its attachments vanish from their servers.
func (e *Emulator) DeleteVolumeOutOfBand(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[id]
	if !ok {
		return fmt.Errorf("emulator: volume %s not found", id)
	}
	e.removeVolume(v, "volume deleted out of band")
	return nil
}

// removeVolume deletes v and its attachments. Call with e.mu held.
func (e *Emulator) removeVolume(v *volume, why string) {
	e.cancel(v.op, why)
	for _, a := range slices.Clone(v.attachments) {
		e.dropAttachment(a, why)
	}
	delete(e.volumes, v.id)
}

// osServerOf returns the existing server whose OS default volume v is, or nil.
func (e *Emulator) osServerOf(v *volume) *server {
	if v.osServerID == "" {
		return nil
	}
	return e.servers[v.osServerID]
}

// --- wire format ---

type volumeServerBody struct {
	ID         string `json:"id"`
	Device     string `json:"device"`
	AttachedAt string `json:"attached_at"`
}

type volumeBody struct {
	ID            string             `json:"id"`
	Name          string             `json:"name"`
	State         string             `json:"state"`
	Size          int                `json:"size"`
	Bootable      bool               `json:"bootable"`
	Multiattach   bool               `json:"multiattach"`
	VolumeType    string             `json:"volume_type"`
	MaxIOPS       int                `json:"max_iops"`
	MaxThroughput int                `json:"max_throughput"`
	Servers       []volumeServerBody `json:"servers"`
	Tags          []Tag              `json:"tags"`
	CreatedAt     string             `json:"created_at"`
}

func newVolumeBody(v *volume) volumeBody {
	b := volumeBody{
		ID: v.id, Name: v.name, State: v.state, Size: v.size, Bootable: v.bootable,
		Multiattach: v.multiattach, VolumeType: v.volumeType, MaxIOPS: v.maxIOPS,
		MaxThroughput: v.maxThroughput, Servers: []volumeServerBody{}, Tags: copyTags(v.tags),
		CreatedAt: formatTime(v.createdAt),
	}
	for _, a := range v.listedServers() {
		b.Servers = append(b.Servers, volumeServerBody{ID: a.serverID, Device: a.device, AttachedAt: formatTime(a.attachedAt)})
	}
	return b
}

type createVolumeRequest struct {
	Name          string `json:"name"`
	Size          int    `json:"size"`
	VolumeType    string `json:"volume_type"`
	MaxIOPS       int    `json:"max_iops"`
	MaxThroughput int    `json:"max_throughput"`
	Multiattach   bool   `json:"multiattach"`
	Tags          []Tag  `json:"tags"`
}

// --- handlers ---

func (e *Emulator) createVolume(r *http.Request, _ params) (int, any, *apiError) {
	var req createVolumeRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Name == "" {
		return 0, nil, badRequest("name: required")
	}
	if err := validateSize("size", req.Size); err != nil {
		return 0, nil, err
	}
	if req.VolumeType == "" {
		req.VolumeType = defaultVolumeType
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	v := &volume{
		seq: e.seq, id: e.newID(), name: req.Name, size: req.Size, volumeType: req.VolumeType,
		multiattach: req.Multiattach, maxIOPS: req.MaxIOPS, maxThroughput: req.MaxThroughput,
		tags: copyTags(req.Tags), state: VolumeCreating, createdAt: e.now(),
	}
	e.volumes[v.id] = v
	v.op = e.schedule(OpVolumeCreate, v.id, "", func(failed bool) {
		v.state = VolumeAvailable
		if failed {
			v.state = VolumeError
		}
	})
	return http.StatusAccepted, newVolumeBody(v), nil
}

func (e *Emulator) listVolumes(r *http.Request, _ params) (int, any, *apiError) {
	name := r.URL.Query().Get("name")
	e.mu.Lock()
	defer e.mu.Unlock()
	list := []volumeBody{}
	for _, v := range e.sortedVolumes() {
		if name == "" || v.name == name {
			list = append(list, newVolumeBody(v))
		}
	}
	return http.StatusOK, map[string]any{"volumes": list, "count": len(list)}, nil
}

func (e *Emulator) getVolume(_ *http.Request, p params) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[p.volumeID]
	if !ok {
		return 0, nil, notFound("volume", p.volumeID)
	}
	return http.StatusOK, newVolumeBody(v), nil
}

func (e *Emulator) updateVolume(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Name == "" {
		return 0, nil, badRequest("name: required")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[p.volumeID]
	if !ok {
		return 0, nil, notFound("volume", p.volumeID)
	}
	if v.state == VolumeDeleting {
		return 0, nil, conflict(CodeInvalidState, "volume %s is being deleted", v.id)
	}
	v.name = req.Name
	return http.StatusOK, newVolumeBody(v), nil
}

func (e *Emulator) extendVolume(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		Size int `json:"size"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := validateSize("size", req.Size); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[p.volumeID]
	if !ok {
		return 0, nil, notFound("volume", p.volumeID)
	}
	if v.state != VolumeAvailable && v.state != VolumeInUse {
		return 0, nil, conflict(CodeInvalidState, "volume %s is %s; it can be extended only when available or in-use", v.id, v.state)
	}
	if req.Size <= v.size {
		return 0, nil, badRequest("size: must be larger than the current size %d, got %d", v.size, req.Size)
	}
	previous := v.state
	v.state = VolumeExtending
	v.op = e.schedule(OpVolumeExtend, v.id, "", func(failed bool) {
		if failed {
			v.state = VolumeErrorExtending
			return
		}
		v.size = req.Size
		v.state = previous
		v.refreshState()
	})
	return http.StatusAccepted, nil, nil
}

func (e *Emulator) deleteVolume(_ *http.Request, p params) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[p.volumeID]
	if !ok {
		return 0, nil, notFound("volume", p.volumeID)
	}
	if v.state == VolumeDeleting {
		return http.StatusAccepted, nil, nil // already accepted once; no second operation
	}
	if s := e.osServerOf(v); s != nil && v.bootable {
		return 0, nil, errorf(http.StatusBadRequest, CodeOSVolume,
			"volume %s is the OS default volume of server %s; it is deleted with the server (delete_on_termination) or can be deleted after the server is gone", v.id, s.id)
	}
	if len(v.attachments) > 0 {
		var ids []string
		for _, a := range v.attachments {
			ids = append(ids, a.serverID)
		}
		return 0, nil, conflict(CodeVolumeInUse,
			"volume %s is attached to server(s) %s; detach it first", v.id, strings.Join(ids, ", "))
	}
	if v.state != VolumeAvailable && !strings.HasPrefix(v.state, VolumeError) {
		return 0, nil, conflict(CodeInvalidState, "volume %s is %s; it can be deleted only when available or in an error state", v.id, v.state)
	}
	v.state = VolumeDeleting
	v.op = e.schedule(OpVolumeDelete, v.id, "", func(failed bool) {
		if failed {
			v.state = VolumeErrorDeleting
			return
		}
		e.removeVolume(v, "volume deleted")
	})
	return http.StatusAccepted, nil, nil
}
