package difftest

import (
	"encoding/json"
	"sort"
	"strings"
)

// shape is what a JSON value looks like without its values: the kinds it takes (string,
// number, bool, null, object, array), an object's keys with their shapes, and an array's
// elements merged into one shape. Objects whose keys are data (addresses by network name,
// metadata, extra_specs) are merged like arrays: their values' shape counts, not their keys.
type shape struct {
	kinds  map[string]bool
	fields map[string]*shape
	elem   *shape // arrays and data-keyed objects; nil when empty
}

// dataKeyed names the objects whose keys are values.
var dataKeyed = map[string]bool{"addresses": true, "metadata": true, "extra_specs": true}

func shapeOf(key string, v any) *shape {
	s := &shape{kinds: map[string]bool{}}
	switch x := v.(type) {
	case nil:
		s.kinds["null"] = true
	case string:
		s.kinds["string"] = true
	case float64, json.Number:
		s.kinds["number"] = true
	case bool:
		s.kinds["bool"] = true
	case []any:
		s.kinds["array"] = true
		for _, e := range x {
			s.elem = merge(s.elem, shapeOf("", e))
		}
	case map[string]any:
		if dataKeyed[key] {
			s.kinds["map"] = true
			for _, e := range x {
				s.elem = merge(s.elem, shapeOf("", e))
			}
			break
		}
		s.kinds["object"] = true
		s.fields = map[string]*shape{}
		for k, e := range x {
			s.fields[k] = shapeOf(k, e)
		}
	}
	return s
}

// merge is the shape that covers both a and b: an array of objects whose elements differ
// has every key any element has.
func merge(a, b *shape) *shape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	for k := range b.kinds {
		a.kinds[k] = true
	}
	if b.fields != nil && a.fields == nil {
		a.fields = map[string]*shape{}
	}
	for k, f := range b.fields {
		a.fields[k] = merge(a.fields[k], f)
	}
	a.elem = merge(a.elem, b.elem)
	return a
}

func (s *shape) kindList() string {
	ks := make([]string, 0, len(s.kinds))
	for k := range s.kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, "|")
}

// Difference is one way the emulator's answer differs from the real one.
type Difference struct {
	Step string // the scenario step
	Path string // "status", or a JSON path ($.server.flavor.id)
	What string // what differs
}

func (d Difference) String() string { return d.Step + " " + d.Path + ": " + d.What }

// compareShapes lists where emu's shape differs from real's. An empty array on either side
// says nothing about its elements.
func compareShapes(step, path string, real, emu *shape, out *[]Difference) {
	if rk, ek := real.kindList(), emu.kindList(); rk != ek {
		*out = append(*out, Difference{step, path, "real " + rk + ", emulator " + ek})
		return
	}
	keys := map[string]bool{}
	for k := range real.fields {
		keys[k] = true
	}
	for k := range emu.fields {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		r, e := real.fields[k], emu.fields[k]
		switch {
		case e == nil:
			*out = append(*out, Difference{step, path + "." + k, "missing in the emulator (real: " + r.kindList() + ")"})
		case r == nil:
			*out = append(*out, Difference{step, path + "." + k, "only in the emulator (" + e.kindList() + ")"})
		default:
			compareShapes(step, path+"."+k, r, e, out)
		}
	}
	if real.elem != nil && emu.elem != nil {
		compareShapes(step, path+"[]", real.elem, emu.elem, out)
	}
}
