package openstack

import "github.com/scp-community/terraform-provider-scp/internal/emulator"

// The types below are the SCP emulator's, so tools that read one personality's
// operation log, latencies or fault kinds (the bench, the fault matrix, the
// report) read the other's the same way. They are aliases: if the SCP package
// renames one, this file is the only place to change.
type (
	// OpKind names an asynchronous operation (latency, outcome faults, operation log).
	OpKind = emulator.OpKind
	// Latency is Base varied uniformly by ±Jitter×Base.
	Latency = emulator.Latency
	// Outcome is how an operation ended.
	Outcome = emulator.Outcome
	// OperationRecord is one accepted asynchronous operation.
	OperationRecord = emulator.OperationRecord
	// FaultKind is what an injected fault does to a matching request.
	FaultKind = emulator.FaultKind
)

// Operation kinds. The names match the SCP personality's where the meaning is the same.
const (
	OpServerCreate = emulator.OpServerCreate
	OpServerDelete = emulator.OpServerDelete
	OpServerPower  = emulator.OpServerPower // os-stop and os-start
	OpVolumeCreate = emulator.OpVolumeCreate
	OpVolumeDelete = emulator.OpVolumeDelete
	OpVolumeExtend = emulator.OpVolumeExtend
	OpAttach       = emulator.OpAttach
	OpDetach       = emulator.OpDetach
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
	OutcomePending   = emulator.OutcomePending
	OutcomeSucceeded = emulator.OutcomeSucceeded
	OutcomeFailed    = emulator.OutcomeFailed
	OutcomeCancelled = emulator.OutcomeCancelled
)

// Fault kinds, with the same meaning as in the SCP personality; error bodies are
// in the OpenStack shape.
const (
	FaultStatus        = emulator.FaultStatus
	FaultRateLimit     = emulator.FaultRateLimit
	FaultReset         = emulator.FaultReset
	FaultHang          = emulator.FaultHang
	FaultSlow          = emulator.FaultSlow
	FaultMalformedJSON = emulator.FaultMalformedJSON
	FaultHTML          = emulator.FaultHTML
	FaultEmptyBody     = emulator.FaultEmptyBody
)
