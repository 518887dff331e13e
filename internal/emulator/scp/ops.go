package scp

import (
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// OpKind names an asynchronous operation: the unit of latency configuration,
// outcome faults and the operation log.
type OpKind = engine.OpKind

// The operation kinds: the engine's shared ones, and lock (lock and unlock).
const (
	OpServerCreate        = engine.OpServerCreate
	OpServerDelete        = engine.OpServerDelete
	OpServerLock   OpKind = "server_lock"
	OpServerPower         = engine.OpServerPower // stop and start
	OpVolumeCreate        = engine.OpVolumeCreate
	OpVolumeDelete        = engine.OpVolumeDelete
	OpVolumeExtend        = engine.OpVolumeExtend
	OpAttach              = engine.OpAttach
	OpDetach              = engine.OpDetach
)

// OpKinds lists every operation kind.
var OpKinds = []OpKind{
	OpServerCreate, OpServerDelete, OpServerLock, OpServerPower,
	OpVolumeCreate, OpVolumeDelete, OpVolumeExtend, OpAttach, OpDetach,
}

// Latency is how long an operation takes: Base, varied uniformly by ±Jitter×Base.
type Latency = engine.Latency

// DefaultLatencies are the engine's, with a lock's.
func DefaultLatencies() map[OpKind]Latency {
	return engine.DefaultLatencies(map[OpKind]Latency{OpServerLock: {Base: 300 * time.Millisecond, Jitter: 0.2}})
}

// Outcome is how an operation ended.
type Outcome = engine.Outcome

// The outcomes.
const (
	OutcomePending   = engine.OutcomePending
	OutcomeSucceeded = engine.OutcomeSucceeded
	OutcomeFailed    = engine.OutcomeFailed    // ended in ERROR / error (an injected outcome fault)
	OutcomeCancelled = engine.OutcomeCancelled // superseded, its object removed, or the emulator closed
)

// OperationRecord is one accepted asynchronous operation. FinishedAt is zero while
// pending; FinishedAt minus the time a client noticed is the benchmark's overshoot.
type OperationRecord = engine.OperationRecord

// operation is a scheduled transition; its apply runs under e.mu.
type operation = engine.Operation
