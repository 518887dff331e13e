package scp

import (
	"slices"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Volume states. available, in-use and error* are the documented final ones; the
// transitional names (creating, reserved, attaching, detaching, extending, deleting)
// are the emulator's own choice, as no source gives SCP's. Failed deletes and extends
// end in error_deleting / error_extending (the docs speak of "error extending" without
// giving the exact string), which begin with "error" like every failed state.
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

// defaultVolumeTypeName is the type of volumes created without one, and what
// GET /v1/volume-types/default names.
const defaultVolumeTypeName = "SSD"

// volume is the live object; guarded by Emulator.mu.
type volume struct {
	seq           int64
	id            string
	name          string
	size          int
	volumeType    string
	bootable      bool
	multiattach   bool
	maxIOPS       *int
	maxThroughput *int
	imageID       string // the image an OS volume was made from
	tags          []Tag  // served by the Resource Manager calls only
	state         string
	osServerID    string        // the server whose OS default volume this is
	attachments   []*attachment // in attach order
	op            *operation    // create, extend or delete in flight
	createdAt     time.Time
	modifiedAt    time.Time
}

func (v *volume) touch(now time.Time) { v.modifiedAt = now }

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
	Tags          []Tag        `json:"tags"`        // as Resource Manager holds them
	Attachments   []Attachment `json:"attachments"` // every attachment, in-flight ones too
	OSServerID    string       `json:"os_server_id,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
}

func snapshotVolume(v *volume) Volume {
	out := Volume{
		ID: v.id, Name: v.name, State: v.state, Size: v.size, Bootable: v.bootable,
		Multiattach: v.multiattach, VolumeType: v.volumeType, MaxIOPS: intOr0(v.maxIOPS),
		MaxThroughput: intOr0(v.maxThroughput), Tags: copyTags(v.tags), OSServerID: v.osServerID,
		CreatedAt: v.createdAt, Attachments: []Attachment{},
	}
	for _, a := range v.attachments {
		out.Attachments = append(out.Attachments, a.snapshot())
	}
	return out
}

func intOr0(p *int) int {
	if p == nil {
		return 0
	}
	return *p
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
	return engine.InOrder(e.volumes, func(v *volume) int64 { return v.seq })
}

// DeleteVolumeOutOfBand removes a volume at once, as if deleted in the console, even
// when attached: its attachments vanish from their servers.
func (e *Emulator) DeleteVolumeOutOfBand(id string) error {
	return changeLocked(e, e.volumes, "volume", id, func(v *volume) error {
		e.removeVolume(v, "volume deleted out of band")
		return nil
	})
}

// removeVolume deletes v and its attachments. Call with e.mu held.
func (e *Emulator) removeVolume(v *volume, why string) {
	e.Cancel(v.op, why)
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
