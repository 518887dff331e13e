package cloud

import (
	"errors"
	"net/http"
)

// Outcome classifies a failed call by what it tells the resources, whatever the cloud.
type Outcome int

const (
	// OutcomeFailed is anything not classified below: a broken connection, a 5xx, an answer
	// that could not be read. Whether a mutation took effect is told by MayHaveTakenEffect.
	OutcomeFailed Outcome = iota
	// OutcomeGone: the API itself said the object does not exist.
	OutcomeGone
	// OutcomeBusy: the API said another operation is under way and nothing was done.
	OutcomeBusy
	// OutcomeConflict: the API refused the call because of the object's condition (a 409
	// that is not busy: locked, attached, in use).
	OutcomeConflict
	// OutcomeRejected: the API refused the call as invalid (a 400), e.g. "not attached".
	OutcomeRejected
	// OutcomeDenied: the credentials were refused (401, 403).
	OutcomeDenied
)

// RefusalOutcome is the outcome an HTTP refusal status means on every cloud (400 rejected, 401 and
// 403 denied, 409 conflict); ok is false for any other status, which each cloud reads on its own terms.
func RefusalOutcome(status int) (outcome Outcome, ok bool) {
	switch status {
	case http.StatusBadRequest:
		return OutcomeRejected, true
	case http.StatusUnauthorized, http.StatusForbidden:
		return OutcomeDenied, true
	case http.StatusConflict:
		return OutcomeConflict, true
	}
	return OutcomeFailed, false
}

// Error is a classified failure. Err is the implementation's own error, whose text is shown.
type Error struct {
	Outcome Outcome
	// Ambiguous is true when a mutation may have been carried out although it failed.
	Ambiguous bool
	Err       error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// NewError classifies err; nil stays nil.
func NewError(outcome Outcome, ambiguous bool, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Outcome: outcome, Ambiguous: ambiguous, Err: err}
}

// OutcomeOf returns err's classification (OutcomeFailed for an unclassified error).
func OutcomeOf(err error) Outcome {
	var e *Error
	if errors.As(err, &e) {
		return e.Outcome
	}
	return OutcomeFailed
}

// IsGone reports that the API itself said the object does not exist.
func IsGone(err error) bool { return OutcomeOf(err) == OutcomeGone }

// IsBusy reports a refusal that changed nothing and may succeed later.
func IsBusy(err error) bool { return OutcomeOf(err) == OutcomeBusy }

// IsConflict reports a refusal because of the object's condition.
func IsConflict(err error) bool { return OutcomeOf(err) == OutcomeConflict }

// IsRejected reports a refusal of the call as invalid.
func IsRejected(err error) bool { return OutcomeOf(err) == OutcomeRejected }

// IsDenied reports refused credentials.
func IsDenied(err error) bool { return OutcomeOf(err) == OutcomeDenied }

// MayHaveTakenEffect reports whether a failed mutation may still have been carried out.
func MayHaveTakenEffect(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Ambiguous
	}
	return false
}
