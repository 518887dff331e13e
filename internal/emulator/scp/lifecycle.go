package scp

import "time"

// lifecycle is what the scheduled state changes of a server or a volume act on.
type lifecycle interface {
	setState(state string)
	touch(now time.Time)
}

func (s *server) setState(state string) { s.state = state }
func (v *volume) setState(state string) { v.state = state }

// scheduleSettle schedules kind on o, which ends in state to, or in failedState
// when the operation fails. Call with e.mu held.
func (e *Emulator) scheduleSettle(o lifecycle, kind OpKind, id, to, failedState string) *operation {
	return e.Schedule(kind, id, "", func(failed bool) {
		state := to
		if failed {
			state = failedState
		}
		o.setState(state)
		o.touch(e.now())
	})
}

// scheduleDelete puts o in state deleting and schedules kind, whose success runs
// remove; a failed delete leaves o in failedState. Call with e.mu held.
func (e *Emulator) scheduleDelete(o lifecycle, kind OpKind, id, deleting, failedState string, remove func()) *operation {
	o.setState(deleting)
	o.touch(e.now())
	return e.Schedule(kind, id, "", func(failed bool) {
		if failed {
			o.setState(failedState)
			o.touch(e.now())
			return
		}
		remove()
	})
}
