package openstack

import (
	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// DefaultLatencies are the engine's, with the time a deleted server stays visible.
func DefaultLatencies() map[OpKind]Latency {
	return engine.DefaultLatencies(map[OpKind]Latency{OpServerPurge: {Base: DefaultDeletedVisibleFor}})
}

// operation is a scheduled transition; its apply runs under e.mu.
type operation = engine.Operation
