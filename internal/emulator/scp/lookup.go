package scp

import (
	"fmt"
)

// The steps every endpoint and control change on one server or volume starts with:
// take the model lock, find the object, or answer that it does not exist.

// locked runs an endpoint's work on objects[id] (the servers or the volumes) under
// e.mu, or answers the 404 of kind.
func locked[T any](e *Emulator, objects map[string]*T, kind, id string, work func(*T) (int, any, *apiError)) (int, any, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return lookup(objects, kind, id, work)
}

// lookup runs work on objects[id], or answers the 404 of kind. Call with e.mu held.
func lookup[T any](objects map[string]*T, kind, id string, work func(*T) (int, any, *apiError)) (int, any, *apiError) {
	o, ok := objects[id]
	if !ok {
		return 0, nil, notFound(kind, id)
	}
	return work(o)
}

// changeLocked makes a change of the control API or a test to objects[id] under
// e.mu; an unknown id is an error.
func changeLocked[T any](e *Emulator, objects map[string]*T, kind, id string, change func(*T) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := objects[id]
	if !ok {
		return fmt.Errorf("emulator: %s %s not found", kind, id)
	}
	return change(o)
}

// onVolumeAndServer runs an attach's or a detach's work under e.mu, or answers the
// 404 of the volume, else of the server.
func (e *Emulator) onVolumeAndServer(volumeID, serverID string, work func(*volume, *server) (int, any, *apiError)) (int, any, *apiError) {
	return locked(e, e.volumes, "volume", volumeID, func(v *volume) (int, any, *apiError) {
		return lookup(e.servers, "server", serverID, func(s *server) (int, any, *apiError) { return work(v, s) })
	})
}
