package openstack

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// Flavors. A server_type_id may be a flavor's id or its name, but Nova's POST /servers takes only
// an id (a name answers 400 "Flavor m1.tiny could not be found"), and from microversion 2.47 Nova
// shows a server's flavor without its id: {"original_name", "vcpus", "ram", "disk", "ephemeral",
// "swap", "extra_specs"}. Both directions go through the flavors API.

// flavorCache is the project's flavor list, read once per process and again when a name is not
// in it (a flavor made since). A flavor's id, name and sizes never change; it can only be deleted.
type flavorCache struct {
	mu     sync.Mutex
	loaded bool
	list   []flavors.Flavor
	// resolved are the configured references already resolved (a plan resolves one, the apply again).
	resolved map[string]cloud.ServerType
}

func newFlavorCache() *flavorCache { return &flavorCache{resolved: map[string]cloud.ServerType{}} }

func (fc *flavorCache) resolution(ref string) (cloud.ServerType, bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	t, ok := fc.resolved[ref]
	return t, ok
}

func (fc *flavorCache) remember(ref string, t cloud.ServerType) cloud.ServerType {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.resolved[ref] = t
	return t
}

// flavorList is the cached list; fresh reads it again first.
func (c *Cloud) flavorList(ctx context.Context, fresh bool) ([]flavors.Flavor, error) {
	c.flavors.mu.Lock()
	defer c.flavors.mu.Unlock()
	if c.flavors.loaded && !fresh {
		return c.flavors.list, nil
	}
	list, err := allPages(ctx, flavors.ListDetail(c.compute, nil), flavors.ExtractFlavors)
	if err != nil {
		return nil, err
	}
	c.flavors.list, c.flavors.loaded = list, true
	return list, nil
}

// flavorsNamed are the flavors called name: from the cache, or from a fresh list when the cache
// has none.
func (c *Cloud) flavorsNamed(ctx context.Context, name string) ([]flavors.Flavor, error) {
	var named []flavors.Flavor
	for fresh := false; ; fresh = true {
		list, err := c.flavorList(ctx, fresh)
		if err != nil {
			return nil, err
		}
		named = named[:0]
		for _, f := range list {
			if f.Name == name {
				named = append(named, f)
			}
		}
		if len(named) > 0 || fresh {
			return named, nil
		}
	}
}

// ServerType resolves a configured server_type_id, a flavor's id or its name: GET /flavors/{ref},
// and when Nova has no flavor with that id, the flavor list by name. None, or several with the
// name, is Rejected with the names there are.
func (c *Cloud) ServerType(ctx context.Context, ref string) (cloud.ServerType, error) {
	if t, ok := c.flavors.resolution(ref); ok {
		return t, nil
	}
	f, err := flavors.Get(ctx, c.compute, url.PathEscape(ref)).Extract()
	if err == nil {
		return c.flavors.remember(ref, cloud.ServerType{ID: f.ID, Name: f.Name}), nil
	}
	if statusOf(err) != http.StatusNotFound {
		return cloud.ServerType{}, c.classify(err, false)
	}
	named, err := c.flavorsNamed(ctx, ref)
	if err != nil {
		if statusOf(err) == http.StatusNotFound {
			// A compute API without a flavors list: Nova judges the reference itself.
			return cloud.ServerType{ID: ref}, nil
		}
		return cloud.ServerType{}, c.classify(err, false)
	}
	switch len(named) {
	case 1:
		return c.flavors.remember(ref, cloud.ServerType{ID: named[0].ID, Name: named[0].Name}), nil
	case 0:
		return cloud.ServerType{}, cloud.NewError(cloud.OutcomeRejected, false, fmt.Errorf(
			"%s has no flavor with the id or name %q that this project can use (its flavors: %s)", c.Name(), ref, c.flavorNames(ctx)))
	}
	ids := make([]string, 0, len(named))
	for _, f := range named {
		ids = append(ids, f.ID)
	}
	return cloud.ServerType{}, cloud.NewError(cloud.OutcomeRejected, false, fmt.Errorf(
		"%s has %d flavors named %q (ids %s): give server_type_id as one of these ids", c.Name(), len(named), ref, strings.Join(ids, ", ")))
}

// flavorNames lists the cached flavors' names for a message.
func (c *Cloud) flavorNames(ctx context.Context) string {
	list, err := c.flavorList(ctx, false)
	if err != nil || len(list) == 0 {
		return "none listed"
	}
	names := make([]string, 0, len(list))
	for _, f := range list {
		names = append(names, fmt.Sprintf("%s (id %s)", f.Name, f.ID))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// serverFlavor is the server's flavor as this provider records it: its id and its name. Before
// microversion 2.47 Nova shows the id, and the name is looked up; from 2.47 it shows the name
// (original_name) and the sizes, and the id is the listed flavor with that name and those sizes
// ("" when there is none: the flavor was deleted since, or is not visible to this project).
func (c *Cloud) serverFlavor(ctx context.Context, s *servers.Server) cloud.ServerType {
	if id, ok := s.Flavor["id"].(string); ok && id != "" {
		out := cloud.ServerType{ID: id}
		if list, err := c.flavorList(ctx, false); err == nil {
			for _, f := range list {
				if f.ID == id {
					out.Name = f.Name
				}
			}
		}
		return out
	}
	name, _ := s.Flavor["original_name"].(string)
	out := cloud.ServerType{Name: name}
	if name == "" {
		return out
	}
	named, err := c.flavorsNamed(ctx, name)
	if err != nil {
		return out
	}
	for _, f := range named {
		if sameSizes(f, s.Flavor) {
			out.ID = f.ID
		}
	}
	return out
}

// sameSizes reports whether the listed flavor f has the sizes a server's embedded flavor shows
// (those it shows: an older cloud may leave some out), so that a flavor deleted and made again
// under the same name with other sizes is not taken for the server's.
func sameSizes(f flavors.Flavor, shown map[string]any) bool {
	for key, want := range map[string]int{"vcpus": f.VCPUs, "ram": f.RAM, "disk": f.Disk, "ephemeral": f.Ephemeral, "swap": f.Swap} {
		if v, ok := shown[key].(float64); ok && int(v) != want {
			return false
		}
	}
	return true
}
