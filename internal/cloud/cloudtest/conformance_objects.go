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

// removeVolume deletes a volume a check created, detaching it first if it is still attached, and
// reports (as a test error) anything it could not remove.
func (r *conformance) removeVolume(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.fx.Timeout)
	defer cancel()
	v, err := r.c.Volume(ctx, id)
	if cloud.IsGone(err) {
		return
	}
	if err == nil {
		for _, s := range v.Servers {
			_ = r.c.Detach(ctx, s.ServerID, id)
		}
	}
	for ctx.Err() == nil {
		v, err := r.c.Volume(ctx, id)
		switch {
		case cloud.IsGone(err):
			return
		case err == nil && v.Phase.Final() && len(v.Servers) == 0 && v.State != "deleting":
			if err := r.c.DeleteVolume(ctx, id); err != nil && !cloud.IsGone(err) && !cloud.IsConflict(err) {
				r.t.Errorf("cleanup: DeleteVolume(%s): %v", id, err)
				return
			}
		}
		sleepCtx(ctx, r.fx.Poll)
	}
	r.t.Errorf("cleanup: volume %s is still there after %s", id, r.fx.Timeout)
}

// removeServer unlocks and deletes a server a check created, and waits until it is gone.
func (r *conformance) removeServer(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.fx.Timeout)
	defer cancel()
	s, err := r.c.Server(ctx, id)
	if cloud.IsGone(err) {
		return
	}
	if err == nil && s.Locked {
		_ = r.c.SetServerLocked(ctx, id, false)
	}
	sent := false
	for ctx.Err() == nil {
		s, err := r.c.Server(ctx, id)
		switch {
		case cloud.IsGone(err):
			return
		case err == nil && !sent && !s.Locked:
			if err := r.c.DeleteServer(ctx, id); err == nil || cloud.IsGone(err) {
				sent = true
			}
		}
		sleepCtx(ctx, r.fx.Poll)
	}
	r.t.Errorf("cleanup: server %s is still there after %s", id, r.fx.Timeout)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
