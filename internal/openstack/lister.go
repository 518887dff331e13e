package openstack

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var _ cloud.Lister = (*Cloud)(nil)

// ListServers lists the servers matching filter, every page, with Nova's own filters: name (a
// regular expression in Nova, anchored and quoted here, and checked exactly), status, ip (a
// regular expression in Nova; checked against the addresses shown) and flavor (server_type_id, a
// flavor's id or name, checked against the flavor each server shows). vpc_id and the product filters exist on SCP only.
func (c *Cloud) ListServers(ctx context.Context, f cloud.ServerFilter) ([]cloud.Server, error) {
	var refused []string
	for _, name := range f.Narrowing() {
		if name != "ip" && name != "server_type_id" {
			refused = append(refused, name)
		}
	}
	if len(refused) > 0 {
		return nil, cloud.NewError(cloud.OutcomeRejected, false, fmt.Errorf("the server filter(s) %s exist only on SCP; %s cannot apply them",
			strings.Join(refused, ", "), c.Name()))
	}
	opts := servers.ListOpts{Status: strings.ToUpper(f.State)}
	if f.ServerTypeID != "" {
		// Nova filters by a flavor's id; the filter may name it.
		flavor, err := c.ServerType(ctx, f.ServerTypeID)
		if err != nil {
			return nil, err
		}
		opts.Flavor, f.ServerTypeID = flavor.ID, flavor.ID
	}
	if f.Name != "" {
		opts.Name = "^" + regexp.QuoteMeta(f.Name) + "$"
	}
	if f.IP != "" {
		opts.IP = "^" + regexp.QuoteMeta(f.IP) + "$"
	}
	all, err := allPages(ctx, servers.List(c.compute, opts), servers.ExtractServers)
	if err != nil {
		return nil, c.classify(err, false)
	}
	out := []cloud.Server{}
	for i := range all {
		s := &all[i]
		switch {
		case goneStatus(strings.ToUpper(s.Status)),
			f.Name != "" && s.Name != f.Name,
			f.State != "" && !strings.EqualFold(s.Status, f.State),
			f.IP != "" && !hasAddress(s.Addresses, f.IP):
			continue
		}
		server := c.describeServer(ctx, s)
		if f.ServerTypeID != "" && server.ServerTypeID != "" && server.ServerTypeID != f.ServerTypeID {
			continue // Nova filtered by the flavor already; a flavor it could not match back is left to that filter
		}
		out = append(out, *server)
	}
	return out, nil
}

// hasAddress reports whether Nova's addresses ({"net": [{"addr": ...}]}) include ip.
func hasAddress(addresses map[string]any, ip string) bool {
	for _, list := range addresses {
		entries, _ := list.([]any)
		for _, e := range entries {
			if m, ok := e.(map[string]any); ok && m["addr"] == ip {
				return true
			}
		}
	}
	return false
}

// ListVolumes lists the volumes matching filter, every page, with Cinder's name, status and
// bootable filters, each checked on the answer as well.
func (c *Cloud) ListVolumes(ctx context.Context, f cloud.VolumeFilter) ([]cloud.Volume, error) {
	all, err := allPages(ctx, volumes.List(c.block, volumes.ListOpts{Name: f.Name, Status: f.State, Bootable: f.Bootable}), volumes.ExtractVolumes)
	if err != nil {
		return nil, c.classify(err, false)
	}
	out := []cloud.Volume{}
	for i := range all {
		v := toVolume(&all[i])
		switch {
		case f.Name != "" && v.Name != f.Name,
			f.State != "" && v.State != f.State,
			f.Bootable != nil && v.Bootable != *f.Bootable:
			continue
		}
		out = append(out, *v)
	}
	return out, nil
}
