package scp

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listQuery is the paging and sorting of a list call: limit, marker (the last id of
// the previous page), offset and sort ("key[:asc|desc],...").
type listQuery struct {
	limit  int // < 0: no limit
	marker string
	offset int
	sort   []sortKey
}

type sortKey struct {
	key  string
	desc bool
}

// parseListQuery reads the paging parameters. defLimit < 0 means "all" when limit is
// absent; maxLimit 0 means no maximum.
func parseListQuery(q url.Values, defLimit, maxLimit int, defSort string, sortable []string) (listQuery, *apiError) {
	lq := listQuery{limit: defLimit, marker: q.Get("marker")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			return lq, badRequest("limit: must be an integer, got %q", s)
		case n < 1:
			return lq, badRequest("limit: must be at least 1, got %d", n)
		case maxLimit > 0 && n > maxLimit:
			return lq, badRequest("limit: at most %d, got %d", maxLimit, n)
		}
		lq.limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return lq, badRequest("offset: must be a non-negative integer, got %q", s)
		}
		lq.offset = n
	}
	spec := q.Get("sort")
	if spec == "" {
		spec = defSort
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, dir, _ := strings.Cut(part, ":")
		if !slices.Contains(sortable, key) {
			return lq, badRequest("sort: unknown key %q; sortable: %s", key, strings.Join(sortable, ", "))
		}
		switch dir {
		case "", "asc":
			lq.sort = append(lq.sort, sortKey{key: key})
		case "desc":
			lq.sort = append(lq.sort, sortKey{key: key, desc: true})
		default:
			return lq, badRequest("sort: direction of %q must be asc or desc, got %q", key, dir)
		}
	}
	return lq, nil
}

// applyListQuery sorts items (already in creation order) by lq.sort using cmp for
// each key, then cuts the page: after the marker, skipping offset, at most limit.
func applyListQuery[T any](items []T, lq listQuery, id func(T) string, cmp func(key string, a, b T) int) ([]T, *apiError) {
	slices.SortStableFunc(items, func(a, b T) int {
		for _, k := range lq.sort {
			c := cmp(k.key, a, b)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	if lq.marker != "" {
		i := slices.IndexFunc(items, func(x T) bool { return id(x) == lq.marker })
		if i < 0 {
			return nil, badRequest("marker: %s is not in the list", lq.marker)
		}
		items = items[i+1:]
	}
	if lq.offset >= len(items) {
		items = items[:0]
	} else {
		items = items[lq.offset:]
	}
	if lq.limit >= 0 && len(items) > lq.limit {
		items = items[:lq.limit]
	}
	return items, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sortKeys are the sort keys servers and volumes share.
type sortKeys struct {
	seq             int64
	modifiedAt      time.Time
	name, state, id string
}

func (s *server) sortKeys() sortKeys { return sortKeys{s.seq, s.modifiedAt, s.name, s.state, s.id} }
func (v *volume) sortKeys() sortKeys { return sortKeys{v.seq, v.modifiedAt, v.name, v.state, v.id} }

// compare orders a and b by a shared sort key; the id orders by any other.
func (a sortKeys) compare(key string, b sortKeys) int {
	switch key {
	case "created_at":
		return cmpInt64(a.seq, b.seq) // creation order is exact where timestamps tie
	case "modified_at":
		return a.modifiedAt.Compare(b.modifiedAt)
	case "name":
		return strings.Compare(a.name, b.name)
	case "state":
		return strings.Compare(a.state, b.state)
	}
	return strings.Compare(a.id, b.id)
}
