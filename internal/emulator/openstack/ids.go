package openstack

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// newID is a version 4 UUID, the shape Nova and Cinder ids have, drawn from the
// seeded rng. Call with e.mu held (or before the emulator is shared).
func (e *Emulator) newID() string { return engine.NewID(e.rng) }

// newHexID is a dashless UUID, the shape Keystone ids (projects, users) have.
func (e *Emulator) newHexID() string { return strings.ReplaceAll(e.newID(), "-", "") }

// newTokenID is drawn from crypto/rand, not the seeded rng: a token must not be
// predictable from the seed, and nothing asserts on its value.
func newTokenID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "gAAAAA" + hex.EncodeToString(b)
}
