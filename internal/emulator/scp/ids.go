package scp

import "github.com/scp-community/terraform-provider-scp/internal/emulator/engine"

// newID returns a version 4 UUID drawn from the seeded rng, so a run with the same
// seed and the same request order yields the same ids. Call with e.mu held (or
// before the emulator is shared).
func (e *Emulator) newID() string { return engine.NewID(e.rng) }
