package cloudtest

import (
	"context"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// newVolume creates a data volume, waits until it is available and deletes it when the check ends.
func (r *conformance) newVolume(what string) *cloud.Volume {
	r.t.Helper()
	ctx, cancel := r.ctx()
	defer cancel()
	name := r.name(what)
	id, err := r.c.CreateVolume(ctx, cloud.VolumeSpec{Name: name, Size: r.fx.VolumeSize})
	if err != nil {
		r.t.Fatalf("CreateVolume(%s): %v", name, err)
	}
	r.t.Cleanup(func() { r.removeVolume(id) })
	v := r.volumeUntil(id, cloud.PhaseInProgress, cloud.PhaseAvailable, nil)
	if v.Name != name || v.Size != r.fx.VolumeSize || len(v.Servers) != 0 {
		r.t.Fatalf("the new volume shows name %q, size %d, servers %v; want %q, %d, none", v.Name, v.Size, v.Servers, name, r.fx.VolumeSize)
	}
	return v
}

// newServer creates a server, waits until it is active and deletes it when the check ends.
func (r *conformance) newServer(what string) *cloud.Server {
	r.t.Helper()
	ctx, cancel := r.ctx()
	defer cancel()
	spec := r.fx.Server
	spec.Name = r.name(what)
	id, err := r.c.CreateServer(ctx, spec)
	if err != nil {
		r.t.Fatalf("CreateServer(%s): %v", spec.Name, err)
	}
	r.t.Cleanup(func() { r.removeServer(id) })
	s := r.serverUntil(id, cloud.PhaseInProgress, cloud.PhaseActive, nil)
	if s.Name != spec.Name || s.ID != id {
		r.t.Fatalf("the new server shows id %q name %q; want %q %q", s.ID, s.Name, id, spec.Name)
	}
	return s
}

// listsOnly checks that a list by name (list, the call method) finds the one object id.
func listsOnly[T any](r *conformance, ctx context.Context, method string, list func(context.Context, string) ([]T, error), name, id string, idOf func(T) string) {
	r.t.Helper()
	listed, err := list(ctx, name)
	if err != nil || len(listed) != 1 || idOf(listed[0]) != id {
		r.t.Fatalf("%s(%s) = %+v, %v; want the one object %s", method, name, listed, err, id)
	}
}

// removeVolume deletes a volume a check created, detaching it first if it is still attached, and
// reports (as a test error) anything it could not remove.
func (r *conformance) removeVolume(id string) {
	detach := func(ctx context.Context, v *cloud.Volume) {
		for _, s := range v.Servers {
			_ = r.c.Detach(ctx, s.ServerID, id)
		}
	}
	removeUntilGone(r, "volume "+id, r.c.Volume, id, detach, func(ctx context.Context, v *cloud.Volume) bool {
		if !v.Phase.Final() || len(v.Servers) > 0 || v.State == "deleting" {
			return true
		}
		if err := r.c.DeleteVolume(ctx, id); err != nil && !cloud.IsGone(err) && !cloud.IsConflict(err) {
			r.t.Errorf("cleanup: DeleteVolume(%s): %v", id, err)
			return false
		}
		return true
	})
}

// removeServer unlocks and deletes a server a check created, and waits until it is gone.
func (r *conformance) removeServer(id string) {
	unlock := func(ctx context.Context, s *cloud.Server) {
		if s.Locked {
			_ = r.c.SetServerLocked(ctx, id, false)
		}
	}
	sent := false
	removeUntilGone(r, "server "+id, r.c.Server, id, unlock, func(ctx context.Context, s *cloud.Server) bool {
		if !sent && !s.Locked {
			if err := r.c.DeleteServer(ctx, id); err == nil || cloud.IsGone(err) {
				sent = true
			}
		}
		return true
	})
}

// removeUntilGone removes an object a check created: prepare gets the first read (to detach or
// unlock), then step gets every read until the object is gone, sends the delete when the object
// allows it, and returns false to give up.
func removeUntilGone[T any](r *conformance, what string, get func(context.Context, string) (*T, error), id string,
	prepare func(context.Context, *T), step func(context.Context, *T) bool) {
	ctx, cancel := context.WithTimeout(context.Background(), r.fx.Timeout)
	defer cancel()
	o, err := get(ctx, id)
	if cloud.IsGone(err) {
		return
	}
	if err == nil {
		prepare(ctx, o)
	}
	for ctx.Err() == nil {
		o, err := get(ctx, id)
		switch {
		case cloud.IsGone(err):
			return
		case err == nil && !step(ctx, o):
			return
		}
		sleepCtx(ctx, r.fx.Poll)
	}
	r.t.Errorf("cleanup: %s is still there after %s", what, r.fx.Timeout)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
