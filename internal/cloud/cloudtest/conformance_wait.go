package cloudtest

import (
	"context"
	"fmt"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// phaseTrail holds the phases one operation's object showed, read after read, and checks them
// against the promise: from the phase before the operation, through PhaseInProgress, to the final
// phase the operation leads to; never PhaseFailed, never another final phase, and never back to
// where it started once it has left.
type phaseTrail struct {
	from, want cloud.Phase
	seen       []string
	left       bool
}

func (p *phaseTrail) add(phase cloud.Phase, state string) error {
	p.seen = append(p.seen, fmt.Sprintf("%d(%s)", phase, state))
	switch {
	case phase == cloud.PhaseFailed:
		return fmt.Errorf("the object went to a failed state: %v", p.seen)
	case phase == cloud.PhaseInProgress:
		p.left = true
	case phase == p.from && p.from != p.want:
		if p.left {
			return fmt.Errorf("the object went back to the phase it started in: %v", p.seen)
		}
	case phase != p.want:
		return fmt.Errorf("the object showed a final phase the operation does not lead to: %v", p.seen)
	}
	if state == "" {
		return fmt.Errorf("the object shows no state text of its cloud: %v", p.seen)
	}
	return nil
}

// poll reads until done, at most the fixture's Timeout; read returns done, or an error to stop at.
func (r *conformance) poll(what string, read func(ctx context.Context) (bool, error)) {
	r.t.Helper()
	ctx, cancel := r.ctx()
	defer cancel()
	for {
		done, err := read(ctx)
		if err != nil {
			r.t.Fatalf("%s: %v", what, err)
		}
		if done {
			return
		}
		select {
		case <-ctx.Done():
			r.t.Fatalf("%s: not done within %s", what, r.fx.Timeout)
		case <-time.After(r.fx.Poll):
		}
	}
}

// reader reads one object for the waits, with its phase and state, so that servers and volumes
// are waited for alike.
type reader[T any] func(ctx context.Context) (*T, cloud.Phase, string, error)

// readerOf makes a reader of a get call; status picks the phase and state out of the answer.
func readerOf[T any](get func(context.Context, string) (*T, error), id string, status func(*T) (cloud.Phase, string)) reader[T] {
	return func(ctx context.Context) (*T, cloud.Phase, string, error) {
		o, err := get(ctx, id)
		if err != nil {
			return nil, 0, "", err
		}
		phase, state := status(o)
		return o, phase, state, nil
	}
}

func (r *conformance) readVolume(id string) reader[cloud.Volume] {
	return readerOf(r.c.Volume, id, func(v *cloud.Volume) (cloud.Phase, string) { return v.Phase, v.State })
}

func (r *conformance) readServer(id string) reader[cloud.Server] {
	return readerOf(r.c.Server, id, func(s *cloud.Server) (cloud.Phase, string) { return s.Phase, s.State })
}

// until reads an object until it is in phase want and done holds, checking its trail and, when
// given, that each answer is consistent.
func until[T any](r *conformance, what string, read reader[T], from, want cloud.Phase, done func(*T) bool, consistent func(*T) error) *T {
	r.t.Helper()
	trail := &phaseTrail{from: from, want: want}
	var last *T
	r.poll(what, func(ctx context.Context) (bool, error) {
		o, phase, state, err := read(ctx)
		if err != nil {
			return false, err
		}
		last = o
		if err := trail.add(phase, state); err != nil {
			return false, err
		}
		if consistent != nil {
			if err := consistent(o); err != nil {
				return false, err
			}
		}
		return phase == want && (done == nil || done(o)), nil
	})
	return last
}

// volumeUntil reads the volume until it is in phase want and done(v) holds, checking its trail.
func (r *conformance) volumeUntil(id string, from, want cloud.Phase, done func(*cloud.Volume) bool) *cloud.Volume {
	r.t.Helper()
	return until(r, "volume "+id, r.readVolume(id), from, want, done, volumeConsistent)
}

// serverUntil reads the server until it is in phase want and done(s) holds, checking its trail.
func (r *conformance) serverUntil(id string, from, want cloud.Phase, done func(*cloud.Server) bool) *cloud.Server {
	r.t.Helper()
	return until(r, "server "+id, r.readServer(id), from, want, done, nil)
}

// volumeConsistent checks that a volume's phase agrees with the servers it lists: available is
// attached to nothing, in use to something.
func volumeConsistent(v *cloud.Volume) error {
	switch {
	case v.Phase == cloud.PhaseAvailable && len(v.Servers) > 0:
		return fmt.Errorf("volume %s is available (%s) but lists servers %v", v.ID, v.State, v.Servers)
	case v.Phase == cloud.PhaseInUse && len(v.Servers) == 0:
		return fmt.Errorf("volume %s is in use (%s) but lists no server", v.ID, v.State)
	}
	return nil
}

// untilGone reads until read answers Gone; before that the object may show only from or
// PhaseInProgress, and any other error stops the test.
func untilGone[T any](r *conformance, what string, from cloud.Phase, read reader[T]) {
	r.t.Helper()
	trail := &phaseTrail{from: from, want: from}
	r.poll(what, func(ctx context.Context) (bool, error) {
		_, phase, state, err := read(ctx)
		if cloud.IsGone(err) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("a read during the delete failed without saying Gone: %w", err)
		}
		if phase != from && phase != cloud.PhaseInProgress {
			return false, fmt.Errorf("the object showed phase %d (%s) while being deleted", phase, state)
		}
		return false, trail.add(phase, state)
	})
}

func (r *conformance) volumeGone(id string, from cloud.Phase) {
	r.t.Helper()
	untilGone(r, "volume "+id, from, r.readVolume(id))
}

func (r *conformance) serverGone(id string, from cloud.Phase) {
	r.t.Helper()
	untilGone(r, "server "+id, from, r.readServer(id))
}
