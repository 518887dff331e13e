package engine

import (
	"math/rand/v2"

	"github.com/google/uuid"
)

// rngReader feeds uuid generation from a seeded rng.
type rngReader struct{ rng *rand.Rand }

func (r rngReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.rng.Uint32())
	}
	return len(p), nil
}

// NewID returns a version 4 UUID drawn from rng, so a run with the same seed and
// the same request order yields the same ids. rng is not safe for concurrent use:
// the caller holds whatever guards it.
func NewID(rng *rand.Rand) string {
	id, err := uuid.NewRandomFromReader(rngReader{rng})
	if err != nil { // cannot happen: rngReader never fails
		return uuid.NewString()
	}
	return id.String()
}
