package scp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is what list calls ask for per page: GET /v1/volumes allows up to 1000 and pages at
// 20 when no limit is sent; for servers no source gives a maximum, so the same is asked for.
// A variable so that tests can make pages small.
var pageSize = 1000

// maxPages bounds a listing, so an endpoint that ignores the marker cannot keep the provider busy
// for ever.
const maxPages = 10000

// listAll follows marker paging (the marker is the last item's id) until a page comes back
// shorter than asked for. A page that repeats an id already seen means the endpoint ignored the
// marker; the listing stops there with what it has, rather than looping.
func listAll[R any, T any](ctx context.Context, c *Client, segments []string, query url.Values, op string,
	items func(*R) []T, idOf func(T) string) ([]T, error) {
	seen := map[string]bool{}
	var all []T
	marker := ""
	for page := 0; page < maxPages; page++ {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(pageSize))
		if marker != "" {
			q.Set("marker", marker)
		}
		var out R
		if err := c.do(ctx, request{method: http.MethodGet, segments: segments, query: q, idempotent: true, op: op}, &out); err != nil {
			return nil, err
		}
		got := items(&out)
		for _, item := range got {
			id := idOf(item)
			if seen[id] {
				return all, nil
			}
			seen[id] = true
			all = append(all, item)
		}
		if len(got) < pageSize || len(got) == 0 {
			return all, nil
		}
		marker = idOf(got[len(got)-1])
	}
	return nil, fmt.Errorf("%s: the listing did not end after %d pages", op, maxPages)
}

// getOne reads one object of a collection (GET /v1/<collection>/<id>); do validates the answer.
func getOne[T any](ctx context.Context, c *Client, collection, id, op string) (*T, error) {
	var out T
	if err := c.do(ctx, request{method: http.MethodGet, segments: []string{"v1", collection, id}, idempotent: true, op: op}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// validateEach validates every item of a list answer's field, naming the first that fails.
func validateEach[T any, P interface {
	*T
	validator
}](field string, items []T) error {
	for i := range items {
		if err := P(&items[i]).validate(); err != nil {
			return fmt.Errorf("%s[%d]: %w", field, i, err)
		}
	}
	return nil
}
