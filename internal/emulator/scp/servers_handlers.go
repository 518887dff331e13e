package scp

import (
	"net/http"
	"slices"
)

var serverSortKeys = []string{"created_at", "modified_at", "name", "id", "state"}

// listServers filters, sorts (default created_at:desc, as documented) and pages. The
// contract gives no default page size for servers, so without limit every match is
// listed. name matches exactly: exact vs substring is not documented.
func (e *Emulator) listServers(r *http.Request, _ params) (int, any, *apiError) {
	q := r.URL.Query()
	lq, apiErr := parseListQuery(q, -1, 0, "created_at:desc", serverSortKeys)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	for _, key := range []string{"product_category", "product_offering"} {
		allowed := productCategories
		if key == "product_offering" {
			allowed = productOfferings
		}
		for _, v := range q[key] {
			if !slices.Contains(allowed, v) {
				return 0, nil, badRequest("%s: must be one of %v, got %q", key, allowed, v)
			}
		}
	}
	match := func(s *server) bool {
		eq := func(key, have string) bool { return q.Get(key) == "" || q.Get(key) == have }
		in := func(key, have string) bool { return len(q[key]) == 0 || slices.Contains(q[key], have) }
		return eq("name", s.name) && eq("state", s.state) && eq("vpc_id", e.vpcID) &&
			eq("server_type_id", s.serverTypeID) && in("product_category", s.productCategory) &&
			in("product_offering", s.productOffering) &&
			(q.Get("ip") == "" || slices.Contains(s.ips, q.Get("ip"))) &&
			q.Get("auto_scaling_group_id") == "" // no server belongs to an auto-scaling group
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	found := slices.DeleteFunc(e.sortedServers(), func(s *server) bool { return !match(s) })
	page, apiErr := applyListQuery(found, lq, func(s *server) string { return s.id }, func(key string, a, b *server) int {
		return a.sortKeys().compare(key, b.sortKeys())
	})
	if apiErr != nil {
		return 0, nil, apiErr
	}
	list := make([]serverBody, 0, len(page))
	for _, s := range page {
		list = append(list, e.serverBody(s))
	}
	return http.StatusOK, map[string]any{"servers": list}, nil
}

func (e *Emulator) getServer(_ *http.Request, p params) (int, any, *apiError) {
	return locked(e, e.servers, "server", p.serverID, func(s *server) (int, any, *apiError) {
		return http.StatusOK, e.serverBody(s), nil
	})
}

// updateServer renames a server (200 with the server).
func (e *Emulator) updateServer(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := validateName("name", req.Name, maxServerName); err != nil {
		return 0, nil, err
	}
	return locked(e, e.servers, "server", p.serverID, func(s *server) (int, any, *apiError) {
		if s.state == ServerDeleting {
			return 0, nil, conflict(CodeInvalidState, "server %s is being deleted", s.id)
		}
		s.name = req.Name
		s.touch(e.now())
		return http.StatusOK, e.serverBody(s), nil
	})
}

func (e *Emulator) deleteServer(_ *http.Request, p params) (int, any, *apiError) {
	return locked(e, e.servers, "server", p.serverID, func(s *server) (int, any, *apiError) {
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
		e.Cancel(s.op, "superseded by server delete") // a pending stop or start
		s.op = e.scheduleDelete(s, OpServerDelete, id, ServerDeleting, ServerError, func() { e.removeServer(s, "server deleted") })
		return http.StatusAccepted, nil, nil
	})
}

func (e *Emulator) lockServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.setLock(p.serverID, true)
}

func (e *Emulator) unlockServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.setLock(p.serverID, false)
}

func (e *Emulator) setLock(id string, lock bool) (int, any, *apiError) {
	return locked(e, e.servers, "server", id, func(s *server) (int, any, *apiError) {
		if s.state == ServerBuild || s.state == ServerDeleting {
			return 0, nil, conflict(CodeInvalidState, "server %s is %s; lock and unlock need a built server", id, s.state)
		}
		if e.inBusyWindow(s) {
			return 0, nil, busyError(id)
		}
		e.Cancel(s.lockOp, "superseded by a later lock or unlock")
		s.lockOp = e.Schedule(OpServerLock, id, "", func(failed bool) {
			if !failed {
				s.locked = lock
				s.touch(e.now())
			}
		})
		return http.StatusAccepted, nil, nil
	})
}

func (e *Emulator) stopServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.power(p.serverID, ServerActive, ServerStopping, ServerShutoff)
}

func (e *Emulator) startServer(_ *http.Request, p params) (int, any, *apiError) {
	return e.power(p.serverID, ServerShutoff, ServerStarting, ServerActive)
}

// power moves a server from one stable state through a transitional one to another.
func (e *Emulator) power(id, from, via, to string) (int, any, *apiError) {
	return locked(e, e.servers, "server", id, func(s *server) (int, any, *apiError) {
		if s.state != from {
			return 0, nil, conflict(CodeInvalidState, "server %s is %s; this action needs it %s", id, s.state, from)
		}
		if e.inBusyWindow(s) {
			return 0, nil, busyError(id)
		}
		s.state = via
		s.touch(e.now())
		s.op = e.scheduleSettle(s, OpServerPower, id, to, ServerError)
		return http.StatusAccepted, nil, nil
	})
}

func (e *Emulator) listServerVolumes(_ *http.Request, p params) (int, any, *apiError) {
	return locked(e, e.servers, "server", p.serverID, func(s *server) (int, any, *apiError) {
		list := []serverAttachmentBody{}
		for _, a := range s.visibleAttachments(e) {
			list = append(list, serverAttachmentBody{
				ID: a.id, VolumeID: a.volumeID, ServerID: a.serverID,
				Device: a.device, DeleteOnTermination: a.deleteOnTermination,
			})
		}
		return http.StatusOK, map[string]any{"volumes": list}, nil
	})
}

// updateServerVolume sets delete_on_termination of an attached volume (200, no body).
func (e *Emulator) updateServerVolume(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		VolumeID            string `json:"volume_id"`
		DeleteOnTermination *bool  `json:"delete_on_termination"`
	}
	if err := decodeRequired(r, &req, "volume_id", func() bool { return req.VolumeID != "" }); err != nil {
		return 0, nil, err
	}
	if req.VolumeID != p.volumeID {
		return 0, nil, badRequest("volume_id: %s does not match the path's volume %s", req.VolumeID, p.volumeID)
	}
	return locked(e, e.servers, "server", p.serverID, func(s *server) (int, any, *apiError) {
		var a *attachment
		for _, x := range s.attachments {
			if x.volumeID == p.volumeID && x.state != attAttaching {
				a = x
			}
		}
		if a == nil {
			return 0, nil, errorf(http.StatusNotFound, CodeNotAttached, "volume %s is not attached to server %s", p.volumeID, s.id)
		}
		if req.DeleteOnTermination != nil {
			a.deleteOnTermination = *req.DeleteOnTermination
			s.touch(e.now())
		}
		return http.StatusOK, nil, nil
	})
}
