package engine

import (
	"cmp"
	"maps"
	"slices"
)

// InOrder returns the objects of m in the order they were created, which seq
// numbers: the order the clouds list them in.
func InOrder[T any](m map[string]*T, seq func(*T) int64) []*T {
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b *T) int { return cmp.Compare(seq(a), seq(b)) })
	return out
}
