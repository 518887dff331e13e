package openstack

import (
	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// The types below are the engine's, which the SCP emulator uses too, so tools that
// read one personality's operation log, latencies or fault kinds (the bench, the
// fault matrix, the report) read the other's the same way.
type (
	// OpKind names an asynchronous operation (latency, outcome faults, operation log).
	OpKind = engine.OpKind
	// Latency is Base varied uniformly by ±Jitter×Base.
	Latency = engine.Latency
	// Outcome is how an operation ended.
	Outcome = engine.Outcome
	// OperationRecord is one accepted asynchronous operation.
	OperationRecord = engine.OperationRecord
	// FaultKind is what an injected fault does to a matching request.
	FaultKind = engine.FaultKind
)

// Operation kinds: the engine's shared ones, and purge.
const (
	OpServerCreate = engine.OpServerCreate
	OpServerDelete = engine.OpServerDelete
	OpServerPower  = engine.OpServerPower // os-stop and os-start
	OpVolumeCreate = engine.OpVolumeCreate
	OpVolumeDelete = engine.OpVolumeDelete
	OpVolumeExtend = engine.OpVolumeExtend
	OpAttach       = engine.OpAttach
	OpDetach       = engine.OpDetach
	// OpServerPurge is the time a deleted server stays visible as DELETED or
	// SOFT_DELETED before GET answers 404 (only when Config.DeletedStatus is set).
	OpServerPurge OpKind = "server_purge"
)

// OpKinds lists every operation kind of this personality.
var OpKinds = []OpKind{
	OpServerCreate, OpServerDelete, OpServerPower, OpServerPurge,
	OpVolumeCreate, OpVolumeDelete, OpVolumeExtend, OpAttach, OpDetach,
}

// Outcomes.
const (
	OutcomePending   = engine.OutcomePending
	OutcomeSucceeded = engine.OutcomeSucceeded
	OutcomeFailed    = engine.OutcomeFailed
	OutcomeCancelled = engine.OutcomeCancelled
)

// Fault kinds, with the same meaning as in the SCP personality; error bodies are
// in the OpenStack shape.
const (
	FaultStatus        = engine.FaultStatus
	FaultRateLimit     = engine.FaultRateLimit
	FaultReset         = engine.FaultReset
	FaultHang          = engine.FaultHang
	FaultSlow          = engine.FaultSlow
	FaultMalformedJSON = engine.FaultMalformedJSON
	FaultHTML          = engine.FaultHTML
	FaultEmptyBody     = engine.FaultEmptyBody
)
