package emulator

import "github.com/google/uuid"

// rngReader feeds uuid generation from the seeded rng, so a run with the same seed
// and the same request order yields the same ids.
type rngReader struct{ e *Emulator }

func (r rngReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.e.rng.Uint32())
	}
	return len(p), nil
}

// newID returns a version 4 UUID drawn from the seeded rng. Call with e.mu held
// (or before the emulator is shared).
func (e *Emulator) newID() string {
	id, err := uuid.NewRandomFromReader(rngReader{e})
	if err != nil { // cannot happen: rngReader never fails
		return uuid.NewString()
	}
	return id.String()
}
