package scp

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// attachState is where an attachment is in its life. Servers list reserved, attached
// and detaching ones; volumes list attached and detaching ones.
type attachState string

const (
	attReserved  attachState = "reserved"  // requested with the server, waiting for the build
	attAttaching attachState = "attaching" // attach accepted, not finished
	attAttached  attachState = "attached"
	attDetaching attachState = "detaching" // detach accepted, not finished
)

// attachment links one volume to one server; guarded by Emulator.mu.
type attachment struct {
	id                  string
	volumeID            string
	serverID            string
	device              string
	deleteOnTermination bool
	state               attachState
	attachedAt          time.Time
	op                  *operation // attach or detach in flight
}

// Attachment is a snapshot of one volume-server link.
type Attachment struct {
	ID                  string    `json:"id"`
	VolumeID            string    `json:"volume_id"`
	ServerID            string    `json:"server_id"`
	Device              string    `json:"device"`
	DeleteOnTermination bool      `json:"delete_on_termination"`
	State               string    `json:"state"` // reserved, attaching, attached or detaching
	AttachedAt          time.Time `json:"attached_at"`
}

func (a *attachment) snapshot() Attachment {
	return Attachment{
		ID: a.id, VolumeID: a.volumeID, ServerID: a.serverID, Device: a.device,
		DeleteOnTermination: a.deleteOnTermination, State: string(a.state), AttachedAt: a.attachedAt,
	}
}

// deviceName is <prefix>a for index 0, <prefix>b for 1, ... (/dev/vda, /dev/vdb, ... by default).
func (e *Emulator) deviceName(i int) string { return fmt.Sprintf("%s%c", e.cfg.DevicePrefix, 'a'+i) }

// nextDevice is the first device letter no attachment of s uses.
func (e *Emulator) nextDevice(s *server) string {
	for i := 0; i < MaxVolumesPerServer; i++ {
		d := e.deviceName(i)
		if !slices.ContainsFunc(s.attachments, func(a *attachment) bool { return a.device == d }) {
			return d
		}
	}
	return ""
}

// isBootOf reports whether a is s's OS default volume. Call with e.mu held.
func (e *Emulator) isBootOf(a *attachment, s *server) bool {
	v := e.volumes[a.volumeID]
	return v != nil && v.osServerID == s.id
}

func findAttachment(v *volume, serverID string) *attachment {
	for _, a := range v.attachments {
		if a.serverID == serverID {
			return a
		}
	}
	return nil
}

func (e *Emulator) addAttachment(s *server, v *volume, device string, dot bool, state attachState) *attachment {
	a := &attachment{
		id: e.newID(), volumeID: v.id, serverID: s.id, device: device,
		deleteOnTermination: dot, state: state,
	}
	s.attachments = append(s.attachments, a)
	v.attachments = append(v.attachments, a)
	v.refreshState()
	v.touch(e.now())
	return a
}

// dropAttachment unlinks a from its server and volume and cancels its operation.
// The caller refreshes the volume's state. Call with e.mu held.
func (e *Emulator) dropAttachment(a *attachment, why string) {
	e.Cancel(a.op, why)
	if s := e.servers[a.serverID]; s != nil {
		s.attachments = slices.DeleteFunc(s.attachments, func(x *attachment) bool { return x == a })
		s.touch(e.now())
	}
	if v := e.volumes[a.volumeID]; v != nil {
		v.attachments = slices.DeleteFunc(v.attachments, func(x *attachment) bool { return x == a })
		v.touch(e.now())
	}
}

// volumeOpInProgress reports whether s has an attach or detach in flight.
func volumeOpInProgress(s *server) bool {
	return slices.ContainsFunc(s.attachments, func(a *attachment) bool {
		return a.state == attAttaching || a.state == attDetaching
	})
}

// checkBusy answers 409 SERVER_BUSY while an injected busy window is open, or (unless
// the rule is switched off) while s has another attach or detach in flight.
func (e *Emulator) checkBusy(s *server) *apiError {
	if e.inBusyWindow(s) {
		return busyError(s.id)
	}
	if !e.cfg.DisableBusyRule && volumeOpInProgress(s) {
		return busyError(s.id)
	}
	return nil
}

// busyError always sends its detail as an array of strings, so clients meet the
// array form of detail (which the real API may send) without any switch.
func busyError(serverID string) *apiError {
	err := conflict(CodeServerBusy, "server %s is busy with another volume operation; retry later", serverID)
	err.Array = true
	return err
}

// DetachOutOfBand detaches a volume from a server at once, as if done in the console:
// no latency, no busy rule, any in-flight attach or detach of that pair is cancelled.
func (e *Emulator) DetachOutOfBand(volumeID, serverID string) error {
	return changeLocked(e, e.volumes, "volume", volumeID, func(v *volume) error {
		a := findAttachment(v, serverID)
		if a == nil {
			return fmt.Errorf("emulator: volume %s is not attached to server %s", volumeID, serverID)
		}
		e.dropAttachment(a, "detached out of band")
		v.refreshState()
		return nil
	})
}

// --- handlers ---

type attachRequest struct {
	ServerID            string `json:"server_id"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

type attachResponse struct {
	ServerID            string `json:"server_id"`
	VolumeID            string `json:"volume_id"`
	Device              string `json:"device"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

func (e *Emulator) attachVolume(r *http.Request, p params) (int, any, *apiError) {
	var req attachRequest
	if err := decodeRequired(r, &req, "server_id", func() bool { return req.ServerID != "" }); err != nil {
		return 0, nil, err
	}

	return e.onVolumeAndServer(p.volumeID, req.ServerID, func(v *volume, s *server) (int, any, *apiError) {
		if owner := e.osServerOf(v); owner != nil && owner != s {
			return 0, nil, errorf(http.StatusBadRequest, CodeOSVolume,
				"volume %s is the OS default volume of server %s; it cannot be attached to another server", v.id, owner.id)
		}
		if findAttachment(v, s.id) != nil {
			return 0, nil, conflict(CodeInvalidState, "volume %s is already attached (or attaching) to server %s", v.id, s.id)
		}
		if v.state != VolumeAvailable && !(v.multiattach && v.state == VolumeInUse) {
			return 0, nil, conflict(CodeInvalidState, "volume %s is %s; it must be available to be attached", v.id, v.state)
		}
		if s.state != ServerActive && s.state != ServerShutoff {
			return 0, nil, conflict(CodeInvalidState, "server %s is %s; volumes can be attached only to an ACTIVE or SHUTOFF server", s.id, s.state)
		}
		if len(s.attachments) >= MaxVolumesPerServer {
			return 0, nil, errorf(http.StatusBadRequest, CodeVolumeLimit,
				"server %s already has %d volumes, the maximum", s.id, MaxVolumesPerServer)
		}
		if err := e.checkBusy(s); err != nil {
			return 0, nil, err
		}

		a := e.addAttachment(s, v, e.nextDevice(s), req.DeleteOnTermination, attAttaching)
		a.op = e.Schedule(OpAttach, v.id, s.id, func(failed bool) {
			if failed {
				e.dropAttachment(a, "")
				v.state = VolumeError
				return
			}
			a.state, a.attachedAt = attAttached, e.now()
			s.touch(e.now())
			v.touch(e.now())
			v.refreshState()
		})
		return http.StatusAccepted, attachResponse{
			ServerID: s.id, VolumeID: v.id, Device: a.device, DeleteOnTermination: a.deleteOnTermination,
		}, nil
	})
}

func (e *Emulator) detachVolume(_ *http.Request, p params) (int, any, *apiError) {
	return e.onVolumeAndServer(p.volumeID, p.serverID, func(v *volume, s *server) (int, any, *apiError) {
		if v.osServerID == s.id {
			return 0, nil, errorf(http.StatusBadRequest, CodeOSVolume,
				"the OS default volume cannot be detached from its server (volume %s, server %s); it goes when the server is deleted", v.id, s.id)
		}
		a := findAttachment(v, s.id)
		switch {
		case a == nil:
			return 0, nil, errorf(http.StatusBadRequest, CodeNotAttached, "volume %s is not attached to server %s", v.id, s.id)
		case a.state == attDetaching:
			return http.StatusAccepted, nil, nil // already accepted once; no second operation
		case a.state == attReserved:
			return 0, nil, conflict(CodeInvalidState, "server %s is %s; its volumes can be detached once it is built", s.id, s.state)
		case a.state == attAttaching && e.cfg.DisableBusyRule && !e.inBusyWindow(s):
			return 0, nil, conflict(CodeInvalidState, "volume %s is still attaching to server %s; retry when it is in-use", v.id, s.id)
		case v.state == VolumeExtending:
			return 0, nil, conflict(CodeInvalidState, "volume %s is extending; retry when it is in-use", v.id)
		}
		if err := e.checkBusy(s); err != nil {
			return 0, nil, err
		}

		a.state = attDetaching
		v.refreshState()
		a.op = e.Schedule(OpDetach, v.id, s.id, func(failed bool) {
			if failed {
				a.state = attAttached
				v.state = VolumeError
				return
			}
			e.dropAttachment(a, "")
			v.refreshState()
		})
		return http.StatusAccepted, nil, nil
	})
}
