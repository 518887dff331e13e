package engine

import (
	"maps"
	"time"
)

// The operation kinds both personalities schedule, under one name each so a tool
// reads either personality's operation log the same way. Power covers stop and
// start. A personality adds its own (SCP's lock, OpenStack's purge) beside these.
const (
	OpServerCreate OpKind = "server_create"
	OpServerDelete OpKind = "server_delete"
	OpServerPower  OpKind = "server_power"
	OpVolumeCreate OpKind = "volume_create"
	OpVolumeDelete OpKind = "volume_delete"
	OpVolumeExtend OpKind = "volume_extend"
	OpAttach       OpKind = "attach"
	OpDetach       OpKind = "detach"
)

// DefaultLatencies are the shared operations' latencies with a personality's own
// added: short enough for a demo to finish well under a minute, long enough that
// the intermediate states (BUILD, DELETING, attaching, task_state deleting...) can
// be seen.
func DefaultLatencies(own map[OpKind]Latency) map[OpKind]Latency {
	latencies := map[OpKind]Latency{
		OpServerCreate: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerDelete: {Base: 1500 * time.Millisecond, Jitter: 0.3},
		OpServerPower:  {Base: 1000 * time.Millisecond, Jitter: 0.2},
		OpVolumeCreate: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeDelete: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpVolumeExtend: {Base: 500 * time.Millisecond, Jitter: 0.2},
		OpAttach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
		OpDetach:       {Base: 750 * time.Millisecond, Jitter: 0.3},
	}
	maps.Copy(latencies, own)
	return latencies
}
