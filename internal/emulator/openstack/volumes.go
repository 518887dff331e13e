package openstack

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// volumeJSON is the volume in the shape gophercloud's blockstorage/v3/volumes.Volume
// parses (bootable is a string; times have no zone), as Cinder shows it to the project's
// user: group_id from 3.13, backup_id from 3.47; the tenant attribute only in show and
// detail (shown), not in the answers to create and update. Call with e.mu held.
func (e *Emulator) volumeJSON(c *call, v *volume, shown bool) map[string]any {
	attachments := []map[string]any{}
	if a := v.attach; a != nil {
		attachments = append(attachments, map[string]any{
			"id": v.id, "attachment_id": a.id, "volume_id": v.id, "server_id": a.serverID,
			"host_name": nil, "device": a.device, "attached_at": formatCinder(a.attachedAt),
		})
	}
	bootable := "false"
	if v.bootable {
		bootable = "true"
	}
	var updated any
	if !v.updatedAt.IsZero() {
		updated = formatCinder(v.updatedAt)
	}
	out := map[string]any{
		"id": v.id, "name": v.name, "description": v.description, "size": v.size, "status": v.status,
		"availability_zone": v.az, "created_at": formatCinder(v.createdAt), "updated_at": updated,
		"attachments": attachments, "volume_type": v.volumeType, "snapshot_id": nil, "source_volid": nil,
		"metadata": cloneMap(v.metadata), "user_id": e.cfg.UserID, "bootable": bootable,
		"encrypted": false, "replication_status": nil, "consistencygroup_id": nil, "multiattach": false,
		"links": e.links(c, "volumes", v.id),
	}
	if shown {
		out["os-vol-tenant-attr:tenant_id"] = e.cfg.ProjectID
	}
	if c.micro.atLeast(3, 13) {
		out["group_id"] = nil
	}
	if c.micro.atLeast(3, 47) {
		out["backup_id"] = nil
	}
	if v.imageRef != "" {
		out["volume_image_metadata"] = e.volumeImageMetadata(v.imageRef)
	}
	return out
}

func (e *Emulator) lookupVolume(id string) (*volume, *apiError) {
	v, ok := e.volumes[id]
	if !ok {
		return nil, notFound("Volume %s could not be found.", id)
	}
	return v, nil
}

// volumeRequired is Cinder's refusal of a body without its "volume" element.
const volumeRequired = "Missing required element 'volume' in request body."

func (e *Emulator) createVolume(c *call) (*response, *apiError) {
	var req struct {
		Volume *struct {
			Size             int               `json:"size"`
			Name             string            `json:"name"`
			Description      *string           `json:"description"`
			VolumeType       string            `json:"volume_type"`
			AvailabilityZone string            `json:"availability_zone"`
			Metadata         map[string]string `json:"metadata"`
			ImageRef         string            `json:"imageRef"`
			SourceVolID      string            `json:"source_volid"`
			SnapshotID       string            `json:"snapshot_id"`
			BackupID         string            `json:"backup_id"`
		} `json:"volume"`
	}
	if err := decodeRequired(c.body, &req, func() bool { return req.Volume != nil }, volumeRequired); err != nil {
		return nil, err
	}
	rv := req.Volume
	if rv.SnapshotID != "" || rv.BackupID != "" {
		return nil, badRequest("Invalid input received: the emulator creates volumes from nothing, an image or a volume, not from a snapshot or backup.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	bootable := rv.ImageRef != ""
	if rv.SourceVolID != "" {
		src, apiErr := e.lookupVolume(rv.SourceVolID)
		if apiErr != nil {
			return nil, apiErr
		}
		bootable = src.bootable
		if rv.Size == 0 {
			rv.Size = src.size
		}
	}
	if rv.Size < 1 {
		return nil, badRequest("Invalid input received: Volume size '%d' must be an integer and greater than 0.", rv.Size)
	}
	now := e.now()
	e.seq++
	v := &volume{
		seq: e.seq, id: e.newID(), name: rv.Name, description: rv.Description, volumeType: rv.VolumeType,
		az: rv.AvailabilityZone, imageRef: rv.ImageRef, size: rv.Size, status: volCreating, bootable: bootable,
		metadata: cloneMap(rv.Metadata), createdAt: now,
	}
	if v.volumeType == "" {
		v.volumeType = "__DEFAULT__"
	}
	if v.az == "" {
		v.az = "nova"
	}
	e.volumes[v.id] = v
	c.rec.VolumeID = v.id
	v.op = e.Schedule(OpVolumeCreate, v.id, "", func(failed bool) {
		v.op, v.status = nil, volAvailable
		if failed {
			v.status = volError
		}
		v.touch(e.now())
	})
	return reply(http.StatusAccepted, map[string]any{"volume": e.volumeJSON(c, v, false)})
}

func (e *Emulator) getVolume(c *call) (*response, *apiError) {
	return locked(e, e.lookupVolume, c.p.volumeID, func(v *volume) (*response, *apiError) {
		return reply(http.StatusOK, map[string]any{"volume": e.volumeJSON(c, v, true)})
	})
}

// listVolumes answers /volumes (id, name, links) and /volumes/detail, filtered by
// name and status; one page, no volumes_links.
func (e *Emulator) listVolumes(c *call) (*response, *apiError) {
	q := c.r.URL.Query()
	detail := strings.HasSuffix(c.r.URL.Path, "/detail")
	e.mu.Lock()
	defer e.mu.Unlock()
	all := make([]*volume, 0, len(e.volumes))
	for _, v := range e.volumes {
		if (q.Get("name") != "" && q.Get("name") != v.name) || (q.Get("status") != "" && q.Get("status") != v.status) {
			continue
		}
		all = append(all, v)
	}
	slices.SortFunc(all, func(a, b *volume) int { return int(b.seq - a.seq) })
	out := make([]map[string]any, 0, len(all))
	for _, v := range all {
		if detail {
			out = append(out, e.volumeJSON(c, v, true))
		} else {
			out = append(out, map[string]any{"id": v.id, "name": v.name, "links": e.links(c, "volumes", v.id)})
		}
	}
	return reply(http.StatusOK, map[string]any{"volumes": out})
}

// updateVolume answers PUT with name, description and metadata (the rename).
func (e *Emulator) updateVolume(c *call) (*response, *apiError) {
	var req struct {
		Volume *struct {
			Name        *string           `json:"name"`
			Description *string           `json:"description"`
			Metadata    map[string]string `json:"metadata"`
		} `json:"volume"`
	}
	if err := decodeRequired(c.body, &req, func() bool { return req.Volume != nil }, volumeRequired); err != nil {
		return nil, err
	}
	return locked(e, e.lookupVolume, c.p.volumeID, func(v *volume) (*response, *apiError) {
		if req.Volume.Name != nil {
			v.name = *req.Volume.Name
		}
		if req.Volume.Description != nil {
			v.description = req.Volume.Description
		}
		if req.Volume.Metadata != nil {
			v.metadata = cloneMap(req.Volume.Metadata)
		}
		v.touch(e.now())
		return reply(http.StatusOK, map[string]any{"volume": e.volumeJSON(c, v, false)})
	})
}

// scheduleVolume puts v in status during and schedules kind; when it ends, a
// failure leaves v in failedStatus, a success runs done. Call with e.mu held.
func (e *Emulator) scheduleVolume(v *volume, kind OpKind, during, failedStatus string, done func()) {
	v.status = during
	v.touch(e.now())
	v.op = e.Schedule(kind, v.id, "", func(failed bool) {
		v.op = nil
		if failed {
			v.status = failedStatus
			v.touch(e.now())
			return
		}
		done()
	})
}

// deletableStatuses are those Cinder deletes from (and the volume must not be attached).
var deletableStatuses = []string{volAvailable, volError, "error_restoring", volErrorExtending, "error_managing"}

// deleteVolume answers 202, deleting, then 404. Cinder knows nothing of Nova's
// mapping: a volume os-detach made available deletes even though Nova still maps it.
func (e *Emulator) deleteVolume(c *call) (*response, *apiError) {
	return locked(e, e.lookupVolume, c.p.volumeID, func(v *volume) (*response, *apiError) {
		if !slices.Contains(deletableStatuses, v.status) || v.attach != nil {
			return nil, badRequest("Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.")
		}
		e.scheduleVolume(v, OpVolumeDelete, volDeleting, volErrorDeleting, func() { delete(e.volumes, v.id) })
		return reply(http.StatusAccepted, nil)
	})
}

// volumeAction serves os-extend, and the deprecated os-detach, os-begin_detaching
// and os-terminate_connection, which change only Cinder's records (the pipeline
// marks their records Deprecated).
func (e *Emulator) volumeAction(c *call) (*response, *apiError) {
	var body map[string]json.RawMessage
	if err := decodeJSON(c.body, &body); err != nil {
		return nil, err
	}
	name := actionName(c.body)
	if name == "" {
		return nil, badRequest("Malformed request body: an action body has exactly one key.")
	}
	return locked(e, e.lookupVolume, c.p.volumeID, func(v *volume) (*response, *apiError) {
		now := e.now()
		switch name {
		case "os-extend":
			return e.extendVolume(c, v, body[name])
		case "os-detach":
			// otc-evs-os-detach-deprecated.md: "only used to change the EVS disk status
			// from in-use to available". The hypervisor keeps the disk; Nova keeps its mapping.
			if v.status != volInUse && v.status != volDetaching {
				return nil, badRequest("Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach. Currently: status: '%s'", v.status)
			}
			v.status, v.attach = volAvailable, nil
			v.touch(now)
			return reply(http.StatusAccepted, nil)
		case "os-begin_detaching":
			if v.status != volInUse {
				return nil, badRequest("Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach. Currently: status: '%s'", v.status)
			}
			v.status = volDetaching
			v.touch(now)
			return reply(http.StatusAccepted, nil)
		case "os-terminate_connection":
			return reply(http.StatusAccepted, nil)
		}
		return nil, badRequest("There is no such action: %s", name)
	})
}

// extendVolume: from available, or from in-use at microversion 3.42 and later, as
// Cinder; extending, then the new size and the previous status. Call with e.mu held.
func (e *Emulator) extendVolume(c *call, v *volume, raw json.RawMessage) (*response, *apiError) {
	var req struct {
		NewSize int `json:"new_size"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &req) != nil || req.NewSize == 0 {
		return nil, badRequest("Invalid input for field/attribute new_size. 'new_size' is a required property")
	}
	inUseOK := c.micro.atLeast(3, 42)
	if v.status != volAvailable && !(inUseOK && v.status == volInUse) {
		want := "'available'"
		if inUseOK {
			want = "'available' or 'in-use'"
		}
		return nil, badRequest("Invalid volume: Volume %s status must be %s to extend, currently %s.", v.id, want, v.status)
	}
	if req.NewSize <= v.size {
		return nil, badRequest("Invalid input received: New size for extend must be greater than current size. (current: %d, extended: %d).", v.size, req.NewSize)
	}
	prev := v.status
	e.scheduleVolume(v, OpVolumeExtend, volExtending, volErrorExtending, func() {
		v.status, v.size = prev, req.NewSize
		v.touch(e.now())
	})
	return reply(http.StatusAccepted, nil)
}
