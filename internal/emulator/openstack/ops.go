package openstack

import (
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// DefaultLatencies are short enough for a demo and long enough that the
// intermediate states (BUILD, attaching, detaching, task_state deleting...) can be seen.
func DefaultLatencies() map[OpKind]Latency {
	return map[OpKind]Latency{
		OpServerCreate: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerDelete: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerPower:  {Base: 1000 * time.Millisecond, Jitter: 0.2},
		OpServerPurge:  {Base: DefaultDeletedVisibleFor, Jitter: 0},
		OpVolumeCreate: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeDelete: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeExtend: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpAttach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
		OpDetach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
	}
}

// operation is a scheduled transition; its apply runs under e.mu.
type operation = engine.Operation
