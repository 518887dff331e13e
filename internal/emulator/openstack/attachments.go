package openstack

import (
	"net/http"
	"strings"
	"time"
)

// The vm_states in which Nova attaches and detaches (check_instance_state of
// attach_volume and detach_volume). The api-doc names ACTIVE, PAUSED, STOPPED,
// RESIZED and SOFT_DELETED for the detach; Nova adds the shelved states.
var attachDetachStates = []string{vmActive, vmPaused, vmStopped, vmResized, vmSoftDeleted, vmShelved, vmShelvedOffloaded}

// attachmentJSON is the volumeAttachment gophercloud's volumeattach parses: the id
// is the volume id. From 2.70 it carries tag, from 2.79 delete_on_termination, and
// from 2.89 attachment_id and bdm_uuid instead of id, as in Nova.
func attachmentJSON(s *server, b *bdm, mv microversion) map[string]any {
	out := map[string]any{"id": b.volumeID, "serverId": s.id, "volumeId": b.volumeID, "device": b.device}
	if mv.atLeast(2, 70) {
		out["tag"] = nil
	}
	if mv.atLeast(2, 79) {
		out["delete_on_termination"] = b.deleteOnTermination
	}
	if mv.atLeast(2, 89) {
		delete(out, "id")
		out["attachment_id"], out["bdm_uuid"] = b.attachmentID, b.id
	}
	return out
}

func (e *Emulator) listAttachments(c *call) (*response, *apiError) {
	return locked(e, e.lookupServer, c.p.serverID, func(s *server) (*response, *apiError) {
		out := make([]map[string]any, 0, len(s.bdms))
		for _, b := range s.bdms {
			out = append(out, attachmentJSON(s, b, c.micro))
		}
		return reply(http.StatusOK, map[string]any{"volumeAttachments": out})
	})
}

func (e *Emulator) getAttachment(c *call) (*response, *apiError) {
	return e.onAttachment(c.p.serverID, c.p.volumeID, func(s *server, b *bdm) (*response, *apiError) {
		return reply(http.StatusOK, map[string]any{"volumeAttachment": attachmentJSON(s, b, c.micro)})
	})
}

// onAttachment runs an endpoint's work on a server and its mapping of a volume
// under e.mu: 404 for an unknown server or a volume it does not map.
func (e *Emulator) onAttachment(serverID, volumeID string, work func(*server, *bdm) (*response, *apiError)) (*response, *apiError) {
	return locked(e, e.lookupServer, serverID, func(s *server) (*response, *apiError) {
		b := s.findBDM(volumeID)
		if b == nil {
			return nil, notFound("Instance %s is not attached to volume %s", serverID, volumeID)
		}
		return work(s, b)
	})
}

// createAttachment answers POST os-volume_attachments with 200 and the attachment at
// once (Nova creates the mapping before the attach runs); Cinder shows the volume
// attaching, then in-use after the attach latency.
func (e *Emulator) createAttachment(c *call) (*response, *apiError) {
	var req struct {
		VolumeAttachment *struct {
			VolumeID            string `json:"volumeId"`
			Device              string `json:"device"`
			DeleteOnTermination bool   `json:"delete_on_termination"`
		} `json:"volumeAttachment"`
	}
	if err := decodeRequired(c.body, &req, func() bool { return req.VolumeAttachment != nil && req.VolumeAttachment.VolumeID != "" },
		"Invalid input for field/attribute volumeAttachment. 'volumeId' is a required property"); err != nil {
		return nil, err
	}
	ra := req.VolumeAttachment
	c.rec.VolumeID = ra.VolumeID // the attachment id it will have
	return locked(e, e.lookupServer, c.p.serverID, func(s *server) (*response, *apiError) {
		v, ok := e.volumes[ra.VolumeID]
		if !ok {
			return nil, notFound("Volume %s could not be found.", ra.VolumeID)
		}
		now := e.now()
		if s.locked {
			return nil, conflict("Instance %s is locked", s.id)
		}
		if apiErr := checkInstanceState(s, now, "attach_volume", attachDetachStates); apiErr != nil {
			return nil, apiErr
		}
		if v.status != volAvailable {
			return nil, badRequest("Invalid volume: volume '%s' status must be 'available'. Currently in '%s'", v.id, v.status)
		}
		if s.findBDM(v.id) != nil {
			return nil, badRequest("Invalid volume: volume %s is already attached to instance %s", v.id, s.id)
		}
		device := ra.Device
		if device == "" || s.findDevice(device) || !strings.HasPrefix(device, "/dev/") {
			device = s.nextDevice(e.cfg.DevicePrefix)
		}
		if device == "" {
			return nil, badRequest("No free disk device names for prefix '%s'", e.cfg.DevicePrefix)
		}
		b := &bdm{id: e.newID(), volumeID: v.id, attachmentID: e.newID(), device: device, deleteOnTermination: ra.DeleteOnTermination}
		s.bdms = append(s.bdms, b)
		v.status = volAttaching
		v.touch(now)
		b.op = e.Schedule(OpAttach, v.id, s.id, func(failed bool) {
			b.op = nil
			if failed { // Nova rolls back: the mapping goes, the volume is available again
				s.removeBDM(b)
				v.status = volAvailable
				v.touch(e.now())
				return
			}
			e.markAttached(v, s, b, e.now())
		})
		return reply(http.StatusOK, map[string]any{"volumeAttachment": attachmentJSON(s, b, c.micro)})
	})
}

// deleteAttachment answers the detach DELETE, checking in Nova's order: server and
// mapping (404), root device (403 or 400), lock (409), vm_state and task_state
// (409), OTC's stopped-only rule (400), then Cinder's volume status (400: already
// detached when available, per the api-doc; not in-use otherwise). 202 starts the detach.
func (e *Emulator) deleteAttachment(c *call) (*response, *apiError) {
	return e.onAttachment(c.p.serverID, c.p.volumeID, func(s *server, b *bdm) (*response, *apiError) {
		now := e.now()
		// Nova refuses a root device in the API layer, before the instance checks. OTC's
		// rule depends on the server being stopped, so a server still powering off gets
		// the task_state 409 (retry later) first.
		otc := e.cfg.Flavour == FlavourOTC
		if !otc {
			if apiErr := e.checkDetachRule(s, b); apiErr != nil {
				return nil, apiErr
			}
		}
		if s.locked {
			return nil, conflict("Instance %s is locked", s.id)
		}
		if apiErr := checkInstanceState(s, now, "detach_volume", attachDetachStates); apiErr != nil {
			return nil, apiErr
		}
		if otc {
			if apiErr := e.checkDetachRule(s, b); apiErr != nil {
				return nil, apiErr
			}
		}
		v, ok := e.volumes[b.volumeID]
		switch {
		case !ok:
			return nil, notFound("Volume %s could not be found.", b.volumeID)
		case v.status == volAvailable:
			return nil, badRequest("Invalid volume: volume %s is already detached (status 'available')", v.id)
		case v.status != volInUse || b.detaching:
			// Nova passes on Cinder's refusal of begin_detaching, its request id included
			// (measured on Nova 26, difftest/testdata).
			return nil, badRequest("Invalid volume: Invalid input received: Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach. (HTTP 400) (Request-ID: req-%s)", e.newID())
		}
		e.startDetach(s, b, v, now)
		return reply(http.StatusAccepted, nil)
	})
}

// checkDetachRule is the flavour's rule for which disks may leave which server.
// Call with e.mu held.
func (e *Emulator) checkDetachRule(s *server, b *bdm) *apiError {
	root := s.isRoot(b)
	if e.cfg.Flavour == FlavourOTC {
		// otc-ecs-detach-disk.md: /dev/sda, and user disks of an OS without hot-unplug,
		// only from a stopped server.
		if s.vmState == vmStopped {
			return nil
		}
		if root {
			return badRequest("The system disk %s of server %s can be detached only when the server is stopped.", b.device, s.id)
		}
		if !s.hotplug {
			return badRequest("The OS of server %s does not support detaching disk %s while it is running; stop the server first.", s.id, b.device)
		}
		return nil
	}
	if !root {
		return nil
	}
	if e.cfg.RootDetachStatus == http.StatusForbidden {
		return errorf(http.StatusForbidden, "Can't detach root device volume")
	}
	return badRequest("Cannot detach a root device volume")
}

// startDetach marks the detach in progress and schedules its end: the mapping goes,
// the volume is available. A failed detach rolls back to in-use, still attached.
// Call with e.mu held.
func (e *Emulator) startDetach(s *server, b *bdm, v *volume, now time.Time) {
	b.detaching = true
	v.status = volDetaching
	v.touch(now)
	b.op = e.Schedule(OpDetach, v.id, s.id, func(failed bool) {
		b.op, b.detaching = nil, false
		if failed {
			v.status = volInUse
			v.touch(e.now())
			return
		}
		e.finishDetach(s, b, v)
	})
}

// finishDetach removes the mapping and Cinder's attachment. Call with e.mu held.
func (e *Emulator) finishDetach(s *server, b *bdm, v *volume) {
	s.removeBDM(b)
	s.touch(e.now())
	if v != nil && (v.attach == nil || v.attach.serverID == s.id) {
		v.attach = nil
		if v.status == volInUse || v.status == volDetaching || v.status == volAttaching {
			v.status = volAvailable
		}
		v.touch(e.now())
	}
}
