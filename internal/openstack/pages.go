package openstack

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/pagination"
)

// allPages reads every page of a list call and extracts the items, so that a list is never cut
// at the service's page size.
func allPages[T any](ctx context.Context, pager pagination.Pager, extract func(pagination.Page) ([]T, error)) ([]T, error) {
	pages, err := pager.AllPages(ctx)
	if err != nil {
		return nil, err
	}
	return extract(pages)
}
