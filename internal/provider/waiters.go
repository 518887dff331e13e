package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// Operation kinds: the poller learns how long each takes.
const (
	kindServerCreate = "server.create"
	kindServerDelete = "server.delete"
	kindServerLock   = "server.lock"
	kindVolumeCreate = "volume.create"
	kindVolumeDelete = "volume.delete"
	kindVolumeExtend = "volume.extend"
	kindAttach       = "volume.attach"
	kindDetach       = "volume.detach"
	kindVolumeSettle = "volume.settle"
	kindServerSettle = "server.settle"
)

// missingReadsOfNewServer is how many 404s in a row mean a server being created is really gone:
// a fresh object can briefly answer 404 on an eventually consistent read path.
const missingReadsOfNewServer = 3

// await runs one wait and logs how it went.
func (d *providerData) await(ctx context.Context, kind, id string, probe wait.Probe) error {
	// Said at INFO so that a long wait is visible in the log as what it is, not as a hang.
	fields := map[string]any{"kind": kind, "id": id}
	if deadline, ok := ctx.Deadline(); ok {
		fields["gives_up_in"] = time.Until(deadline).Round(time.Second).String()
	}
	tflog.Info(ctx, fmt.Sprintf("waiting for the %s of %s to finish", kind, id), fields)
	res, err := d.poller.Wait(ctx, kind, probe)
	fields = map[string]any{"kind": kind, "id": id, "probes": res.Probes, "elapsed_ms": res.Elapsed.Milliseconds()}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Warn(ctx, "wait for the operation ended without success", fields)
		return err
	}
	tflog.Info(ctx, "operation finished", fields)
	d.timings.save(kind, d.poller.History(kind))
	return nil
}

// awaitObject waits, reading the object at each probe, until judge says it is done or can never
// be. judge sees the object, or nil and the cloud's Gone error when it answers that the object does
// not exist; any other failed read is probeError's to classify. It returns the last object read.
func awaitObject[T any](ctx context.Context, d *providerData, kind, id string,
	read func(context.Context) (*T, error), judge func(object *T, gone error) (bool, error),
) (*T, error) {
	var last *T
	err := d.await(ctx, kind, id, func(ctx context.Context) (bool, error) {
		object, err := read(ctx)
		switch {
		case cloud.IsGone(err):
			return judge(nil, err)
		case err != nil:
			return false, probeError(err)
		}
		last = object
		return judge(object, nil)
	})
	return last, err
}

// readServer and readVolume are the reads of waits: each a fresh read (see sharedReads).
func (d *providerData) readServer(id string) func(context.Context) (*cloud.Server, error) {
	return func(ctx context.Context) (*cloud.Server, error) { return d.cloud.Server(freshRead(ctx), id) }
}

func (d *providerData) readVolume(id string) func(context.Context) (*cloud.Volume, error) {
	return func(ctx context.Context) (*cloud.Volume, error) { return d.cloud.Volume(freshRead(ctx), id) }
}

// waitServerActive waits for a new server to become active (or fail).
func (d *providerData) waitServerActive(ctx context.Context, id string) (*cloud.Server, error) {
	missing := 0
	return awaitObject(ctx, d, kindServerCreate, id, d.readServer(id), func(server *cloud.Server, gone error) (bool, error) {
		if cloud.IsGone(gone) {
			if missing++; missing >= missingReadsOfNewServer {
				return false, wait.Permanent(fmt.Errorf("server %s disappeared while it was being created (the API answers 404)", id))
			}
			return false, gone
		}
		missing = 0
		switch server.Phase {
		case cloud.PhaseActive:
			return true, nil
		case cloud.PhaseFailed:
			return false, wait.Permanent(fmt.Errorf("server %s (%q) went to %s while being created", id, server.Name, server.State))
		}
		return false, nil
	})
}

// waitServerGone waits until the server answers 404.
func (d *providerData) waitServerGone(ctx context.Context, id string) error {
	return awaitGone(ctx, d, kindServerDelete, id, d.readServer(id), func(s *cloud.Server) (string, bool) {
		return fmt.Sprintf("server %s (%q) went to %s while being deleted (locked: %t)", id, s.Name, s.State, s.Locked),
			s.Phase == cloud.PhaseFailed
	})
}

// waitServerLocked waits until the server's lock reads as want.
func (d *providerData) waitServerLocked(ctx context.Context, id string, want bool) (*cloud.Server, error) {
	return awaitObject(ctx, d, kindServerLock, id, d.readServer(id), func(server *cloud.Server, gone error) (bool, error) {
		if cloud.IsGone(gone) {
			return false, wait.Permanent(gone)
		}
		return server.Locked == want && server.Phase.Final(), nil
	})
}

// waitVolume waits until the volume satisfies done; error states end the wait.
func (d *providerData) waitVolume(ctx context.Context, kind, id string, done func(*cloud.Volume) bool) (*cloud.Volume, error) {
	return awaitObject(ctx, d, kind, id, d.readVolume(id), func(volume *cloud.Volume, gone error) (bool, error) {
		switch {
		case cloud.IsGone(gone):
			return false, wait.Permanent(gone)
		case done(volume):
			return true, nil
		case volume.Phase == cloud.PhaseFailed:
			return false, wait.Permanent(fmt.Errorf("volume %s (%q) went to state %q", id, volume.Name, volume.State))
		}
		return false, nil
	})
}

// waitVolumeGone waits until the volume answers 404.
func (d *providerData) waitVolumeGone(ctx context.Context, id string) error {
	return awaitGone(ctx, d, kindVolumeDelete, id, d.readVolume(id), func(v *cloud.Volume) (string, bool) {
		return fmt.Sprintf("volume %s (%q) went to state %q while being deleted", id, v.Name, v.State), v.Phase == cloud.PhaseFailed
	})
}

// awaitGone waits until the cloud says the object is gone. An object in an error state will not
// go, which ends the wait: failed says whether it is in one, and what happened.
func awaitGone[T any](ctx context.Context, d *providerData, kind, id string,
	read func(context.Context) (*T, error), failed func(*T) (what string, isFailed bool),
) error {
	_, err := awaitObject(ctx, d, kind, id, read, func(object *T, gone error) (bool, error) {
		if cloud.IsGone(gone) {
			return true, nil
		}
		if what, isFailed := failed(object); isFailed {
			return false, wait.Permanent(fmt.Errorf("%s; it still exists and stays in the Terraform state. "+
				"Check it in the %s console before retrying", what, d.cloud.Facts().Name))
		}
		return false, nil
	})
	return err
}

// Settled reads after which an attach that the volume does not show is given up: a few once the
// volume was seen attaching (the attach ended, not for this server), more when it never was (a
// read soon after the request may not show the attach yet).
const (
	settledAfterAttaching = 2
	settledNeverAttaching = 10
)

// waitAttached waits until the volume is in-use and lists the server.
func (d *providerData) waitAttached(ctx context.Context, volumeID, serverID string) (*cloud.Volume, error) {
	sawAttaching, settled := false, 0
	return awaitObject(ctx, d, kindAttach, volumeID+"/"+serverID, d.readVolume(volumeID), func(volume *cloud.Volume, gone error) (bool, error) {
		if cloud.IsGone(gone) {
			return false, wait.Permanent(fmt.Errorf("volume %s disappeared while being attached to server %s", volumeID, serverID))
		}
		_, listed := volume.AttachedTo(serverID)
		if listed && volume.Phase == cloud.PhaseInUse {
			return true, nil
		}
		if volume.Phase == cloud.PhaseFailed {
			return false, wait.Permanent(fmt.Errorf("volume %s went to state %q while being attached to server %s", volumeID, volume.State, serverID))
		}
		// A volume that settles (available, or in use elsewhere) without listing the server is
		// not going to: the attach was undone, or the server deleted, while it ran.
		// Any state that is not a documented final one means an operation is under way.
		if inProgress := !volume.Phase.Final(); listed || inProgress {
			sawAttaching, settled = sawAttaching || inProgress, 0
			return false, nil
		}
		settled++
		if (sawAttaching && settled >= settledAfterAttaching) || settled >= settledNeverAttaching {
			return false, wait.Permanent(fmt.Errorf("the attach of volume %s to server %s did not take effect: the volume is %q "+
				"and does not list the server (was the server deleted, or the volume detached, while it ran?)", volumeID, serverID, volume.State))
		}
		return false, nil
	})
}

// waitDetached waits until the volume no longer lists the server. A volume that is gone is detached too.
func (d *providerData) waitDetached(ctx context.Context, volumeID, serverID string) error {
	_, err := awaitObject(ctx, d, kindDetach, volumeID+"/"+serverID, d.readVolume(volumeID), func(volume *cloud.Volume, gone error) (bool, error) {
		if cloud.IsGone(gone) {
			return true, nil
		}
		if _, ok := volume.AttachedTo(serverID); !ok {
			return true, nil
		}
		if volume.Phase == cloud.PhaseFailed {
			return false, wait.Permanent(fmt.Errorf("volume %s went to state %q while being detached from server %s; "+
				"it still lists the server, so the attachment stays in the Terraform state", volumeID, volume.State, serverID))
		}
		return false, nil
	})
	return err
}

// probeError classifies a failed read during a wait: credentials or a malformed request will not get
// better by asking again, anything else (a flaky gateway, a throttled read) might.
func probeError(err error) error {
	if cloud.IsDenied(err) || cloud.IsRejected(err) || cloud.IsGone(err) {
		return wait.Permanent(err)
	}
	return err
}

// busyRounds bounds how often a mutation refused because its object was busy is sent again.
const busyRounds = 5

// whileVolumeBusy runs send (an attach, a detach or a delete) and, when the cloud refuses it with a
// conflict while the volume shows an operation under way, waits for that operation to settle and
// sends it again. Nothing was done by a refused call, so sending it again is safe; the volume's
// phase, not the answer's wording, says whether the refusal was "busy". Other answers are returned
// as they are.
func (d *providerData) whileVolumeBusy(ctx context.Context, volumeID string, send func() (string, error)) (string, error) {
	return whileBusy(ctx, d, kindVolumeSettle, volumeID, d.readVolume(volumeID),
		func(v *cloud.Volume) (bool, string) { return !v.Phase.Final(), v.State }, send)
}

// whileServerBusy is whileVolumeBusy for a server: a delete refused while the server is still
// being built (or is busy with another operation) is sent again once the server settles.
func (d *providerData) whileServerBusy(ctx context.Context, serverID string, send func() error) error {
	_, err := whileBusy(ctx, d, kindServerSettle, serverID, d.readServer(serverID),
		func(s *cloud.Server) (bool, string) { return !s.Phase.Final(), s.State },
		func() (string, error) { return "", send() })
	return err
}

// whileBusy is the loop of whileVolumeBusy and whileServerBusy: busy tells from the object read
// whether an operation is under way, and its state for the log.
func whileBusy[T any](ctx context.Context, d *providerData, kind, id string, read func(context.Context) (*T, error),
	busy func(*T) (bool, string), send func() (string, error),
) (string, error) {
	for round := 1; ; round++ {
		out, err := send()
		if !cloud.IsConflict(err) || round == busyRounds {
			return out, err
		}
		object, readErr := read(ctx)
		if readErr != nil {
			return out, err
		}
		inProgress, state := busy(object)
		if !inProgress {
			return out, err
		}
		tflog.Info(ctx, "the object is busy with another operation; waiting for it before sending again",
			map[string]any{"id": id, "state": state})
		// A read that answers 404 ends the wait too, but proves nothing (a fresh object can briefly
		// answer 404): the mutation sent again is what says whether the object is gone.
		if _, waitErr := awaitObject(ctx, d, kind, id, read, func(object *T, gone error) (bool, error) {
			if cloud.IsGone(gone) {
				return true, nil
			}
			settling, _ := busy(object)
			return !settling, nil
		}); waitErr != nil {
			return out, fmt.Errorf("%s %s was busy (%s) when the request was refused (%v), and waiting for it to "+
				"settle ended: %w. Nothing was changed; run the command again once it is idle", kindNoun(kind), id, state, err, waitErr)
		}
	}
}

// kindNoun is the object an operation kind is about ("server.settle" -> "server").
func kindNoun(kind string) string { return strings.SplitN(kind, ".", 2)[0] }
