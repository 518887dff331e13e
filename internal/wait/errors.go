package wait

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// permanentError marks an error returned by a Probe as final.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as final: a Probe that returns it (directly or wrapped) ends the wait at once,
// and Wait returns err itself, not the marker, so callers can errors.As the original typed error.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	var p *permanentError
	if errors.As(err, &p) {
		return err // already marked
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err carries the Permanent mark anywhere in its chain.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// TimeoutError is returned when the context's deadline passes before the operation finished.
// It matches errors.Is(err, context.DeadlineExceeded).
type TimeoutError struct {
	Kind    string        // the kind passed to Wait
	Elapsed time.Duration // how long Wait waited
	Probes  int           // how many times the Probe was called
	LastErr error         // the last transient error a Probe returned, if any
}

func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("gave up waiting for %s after %s (%d %s): %v",
		e.Kind, e.Elapsed.Round(time.Millisecond), e.Probes, plural(e.Probes, "check", "checks"), context.DeadlineExceeded)
	if e.LastErr != nil {
		msg += "; last error while checking: " + e.LastErr.Error()
	}
	return msg
}

// Unwrap makes errors.Is(err, context.DeadlineExceeded) true. LastErr is deliberately not in the
// chain: a timeout must not look like the error of one of its probes to errors.As.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// canceled builds the error for a cancelled (not timed out) context.
func canceled(ctx context.Context, kind string, elapsed time.Duration, probes int) error {
	err := ctx.Err()
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return fmt.Errorf("waiting for %s interrupted after %s (%d %s): %w: %w",
			kind, elapsed.Round(time.Millisecond), probes, plural(probes, "check", "checks"), err, cause)
	}
	return fmt.Errorf("waiting for %s interrupted after %s (%d %s): %w",
		kind, elapsed.Round(time.Millisecond), probes, plural(probes, "check", "checks"), err)
}
