package scp

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const maxVolumeName = 255

// createVolumeRequest is VolumeCreateRequestV1Dot2.
type createVolumeRequest struct {
	MaxIOPS       *int         `json:"max_iops"`
	MaxThroughput *int         `json:"max_throughput"`
	Name          string       `json:"name"`
	Size          *int         `json:"size"`
	SnapshotID    *string      `json:"snapshot_id"`
	Tags          []tagRequest `json:"tags"`
	VolumeType    *string      `json:"volume_type"`
}

func (e *Emulator) createVolume(r *http.Request, _ params) (int, any, *apiError) {
	var req createVolumeRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := validateName("name", req.Name, maxVolumeName); err != nil {
		return 0, nil, err
	}
	if req.Size == nil {
		return 0, nil, badRequest("size: required")
	}
	if err := validateSize("size", *req.Size); err != nil {
		return 0, nil, err
	}
	if req.SnapshotID != nil && *req.SnapshotID != "" {
		// The emulator keeps no snapshots, so none can be named.
		return 0, nil, badRequest("snapshot_id: snapshot %s not found", *req.SnapshotID)
	}
	if err := validateTags("tags", req.Tags); err != nil {
		return 0, nil, err
	}
	volumeType := defaultVolumeTypeName
	if req.VolumeType != nil && *req.VolumeType != "" {
		volumeType = *req.VolumeType
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	now := e.now()
	v := &volume{
		seq: e.seq, id: e.newID(), name: req.Name, size: *req.Size, volumeType: volumeType,
		maxIOPS: req.MaxIOPS, maxThroughput: req.MaxThroughput,
		tags: tagsOf(req.Tags), state: VolumeCreating, createdAt: now, modifiedAt: now,
	}
	e.volumes[v.id] = v
	v.op = e.scheduleSettle(v, OpVolumeCreate, v.id, VolumeAvailable, VolumeError)
	return http.StatusAccepted, newVolumeBody(v), nil
}

var volumeSortKeys = []string{"created_at", "modified_at", "name", "id", "size", "state"}

// Documented list defaults: 20 per page, at most 1000.
const (
	defaultVolumePage = 20
	maxVolumePage     = 1000
)

// listVolumes filters, sorts and pages (default 20, as documented). Without sort the
// order is creation order: the documented default is "None". name matches exactly.
func (e *Emulator) listVolumes(r *http.Request, _ params) (int, any, *apiError) {
	q := r.URL.Query()
	lq, apiErr := parseListQuery(q, defaultVolumePage, maxVolumePage, "", volumeSortKeys)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	withCount, apiErr := boolQuery(q, "with_count", true)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	var bootable *bool
	if q.Get("bootable") != "" {
		b, apiErr := boolQuery(q, "bootable", false)
		if apiErr != nil {
			return 0, nil, apiErr
		}
		bootable = &b
	}
	match := func(v *volume) bool {
		return (q.Get("name") == "" || q.Get("name") == v.name) &&
			(q.Get("state") == "" || q.Get("state") == v.state) &&
			(bootable == nil || *bootable == v.bootable)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	found := slices.DeleteFunc(e.sortedVolumes(), func(v *volume) bool { return !match(v) })
	total := len(found)
	page, apiErr := applyListQuery(found, lq, func(v *volume) string { return v.id }, func(key string, a, b *volume) int {
		if key == "size" {
			return cmpInt64(int64(a.size), int64(b.size))
		}
		return a.sortKeys().compare(key, b.sortKeys())
	})
	if apiErr != nil {
		return 0, nil, apiErr
	}
	list := make([]volumeBody, 0, len(page))
	for _, v := range page {
		list = append(list, newVolumeBody(v))
	}
	out := map[string]any{"volumes": list}
	if withCount {
		out["count"] = total // every match, not just this page
	}
	return http.StatusOK, out, nil
}

// boolQuery reads a boolean query parameter ("true"/"false", any case).
func boolQuery(q map[string][]string, key string, def bool) (bool, *apiError) {
	vals := q[key]
	if len(vals) == 0 || vals[0] == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(vals[0]))
	if err != nil {
		return def, badRequest("%s: must be true or false, got %q", key, vals[0])
	}
	return b, nil
}

func (e *Emulator) getVolume(_ *http.Request, p params) (int, any, *apiError) {
	return locked(e, e.volumes, "volume", p.volumeID, func(v *volume) (int, any, *apiError) {
		return http.StatusOK, newVolumeBody(v), nil
	})
}

func (e *Emulator) updateVolume(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		Name *string `json:"name"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Name != nil {
		if err := validateName("name", *req.Name, maxVolumeName); err != nil {
			return 0, nil, err
		}
	}
	return locked(e, e.volumes, "volume", p.volumeID, func(v *volume) (int, any, *apiError) {
		if v.state == VolumeDeleting {
			return 0, nil, conflict(CodeInvalidState, "volume %s is being deleted", v.id)
		}
		if req.Name != nil {
			v.name = *req.Name
			v.touch(e.now())
		}
		return http.StatusOK, newVolumeBody(v), nil
	})
}

// extendVolume grows a volume: 202 with the volume, state extending until the new
// size shows, then back to available or in-use.
func (e *Emulator) extendVolume(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		Size *int `json:"size"`
	}
	if err := decodeRequired(r, &req, "size", func() bool { return req.Size != nil }); err != nil {
		return 0, nil, err
	}
	if err := validateSize("size", *req.Size); err != nil {
		return 0, nil, err
	}
	size := *req.Size
	return locked(e, e.volumes, "volume", p.volumeID, func(v *volume) (int, any, *apiError) {
		if v.state != VolumeAvailable && v.state != VolumeInUse {
			return 0, nil, conflict(CodeInvalidState, "volume %s is %s; it can be extended only when available or in-use", v.id, v.state)
		}
		if size <= v.size {
			// Equal or smaller: 400 (the docs say only that capacity cannot be reduced).
			return 0, nil, badRequest("size: must be larger than the current size %d, got %d; a volume cannot shrink", v.size, size)
		}
		previous := v.state
		v.state = VolumeExtending
		v.touch(e.now())
		v.op = e.Schedule(OpVolumeExtend, v.id, "", func(failed bool) {
			v.touch(e.now())
			if failed {
				v.state = VolumeErrorExtending
				return
			}
			v.size = size
			v.state = previous
			v.refreshState()
		})
		return http.StatusAccepted, newVolumeBody(v), nil
	})
}

// deleteVolume takes cascade (default true: snapshots go too). The emulator keeps no
// snapshots, so it only checks the value.
func (e *Emulator) deleteVolume(r *http.Request, p params) (int, any, *apiError) {
	if _, apiErr := boolQuery(r.URL.Query(), "cascade", true); apiErr != nil {
		return 0, nil, apiErr
	}
	return locked(e, e.volumes, "volume", p.volumeID, func(v *volume) (int, any, *apiError) {
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
		v.op = e.scheduleDelete(v, OpVolumeDelete, v.id, VolumeDeleting, VolumeErrorDeleting, func() { e.removeVolume(v, "volume deleted") })
		return http.StatusAccepted, nil, nil
	})
}

// defaultVolumeType answers GET /v1/volume-types/default.
func (e *Emulator) defaultVolumeType(_ *http.Request, _ params) (int, any, *apiError) {
	return http.StatusOK, map[string]any{
		"description": "emulated default volume type",
		"extra_specs": map[string]string{"multiattach": "<is> False"},
		"id":          volumeTypeID(defaultVolumeTypeName),
		"name":        defaultVolumeTypeName,
	}, nil
}
