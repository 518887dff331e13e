package cloudtest

import (
	"maps"
	"slices"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// object is what servers and volumes have in common in the fake: a name, a phase, and the
// operation under way on them.
type object interface {
	name() string
	setPhase(p cloud.Phase, state string)
	operation() **pending
}

func (s *server) name() string         { return s.s.Name }
func (v *volume) name() string         { return v.v.Name }
func (s *server) operation() **pending { return &s.pending }
func (v *volume) operation() **pending { return &v.pending }

// startCreate keeps a new object's tags and starts its create, which ends in finish.
func (f *Fake) startCreate(method string, kind cloud.ObjectKind, id string, tags map[string]string, o object, finish func()) {
	if len(tags) > 0 {
		f.tags[tagKey(kind, id)] = copyTags(tags)
	}
	*o.operation() = f.start(method, o.setPhase, finish)
}

// readObject is a get of one object: the read counts toward the operation under way on it,
// which may finish (and, for a delete, take the object away).
func readObject[O object, T any](f *Fake, method, kind, id string, objects map[string]O, describe func(O) T) (*T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.read(method); err != nil {
		return nil, err
	}
	o, ok := objects[id]
	if !ok {
		return nil, gone(kind, id)
	}
	advance(o.operation())
	if _, ok := objects[id]; !ok { // the operation that finished was its deletion
		return nil, gone(kind, id)
	}
	out := describe(o)
	return &out, nil
}

// objectsNamed is a list of the objects called name, in the order of their ids.
func objectsNamed[O object, T any](f *Fake, method, name string, objects map[string]O, describe func(O) T) ([]T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.read(method); err != nil {
		return nil, err
	}
	var out []T
	for _, id := range slices.Sorted(maps.Keys(objects)) {
		if objects[id].name() == name {
			out = append(out, describe(objects[id]))
		}
	}
	return out, nil
}

// putInPhase sets an object's phase and state out of band, ending any operation under way on it.
func putInPhase[O object](f *Fake, objects map[string]O, id string, phase cloud.Phase, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o, ok := objects[id]; ok {
		o.setPhase(phase, state)
		*o.operation() = nil
	}
}

// fromAttachments is what pick makes of each attachment it accepts, in order; nil when none.
func fromAttachments[T any](f *Fake, pick func(*attachment) (T, bool)) []T {
	var out []T
	for _, a := range f.attached {
		if v, ok := pick(a); ok {
			out = append(out, v)
		}
	}
	return out
}
