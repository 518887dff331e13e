package openstack

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/google/uuid"
)

// rngReader feeds ids from the seeded rng, so the same seed and the same request
// order give the same ids.
type rngReader struct{ e *Emulator }

func (r rngReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.e.rng.Uint32())
	}
	return len(p), nil
}

// newID is a version 4 UUID, the shape Nova and Cinder ids have. Call with e.mu
// held (or before the emulator is shared).
func (e *Emulator) newID() string {
	id, err := uuid.NewRandomFromReader(rngReader{e})
	if err != nil { // cannot happen: rngReader never fails
		return uuid.NewString()
	}
	return id.String()
}

// newHexID is a dashless UUID, the shape Keystone ids (projects, users) have.
func (e *Emulator) newHexID() string { return strings.ReplaceAll(e.newID(), "-", "") }

// newTokenID is drawn from crypto/rand, not the seeded rng: a token must not be
// predictable from the seed, and nothing asserts on its value.
func newTokenID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "gAAAAA" + hex.EncodeToString(b)
}
