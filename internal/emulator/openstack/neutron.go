package openstack

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Network is a Neutron network with its one IPv4 subnet. Servers created on it get a port
// with an address from the subnet, and Nova shows that address under the network's name.
type Network struct {
	ID         string
	Name       string
	SubnetID   string
	SubnetName string
	// CIDR is an IPv4 /24 ("10.0.0.0/24"); addresses are drawn from .2 to .251.
	CIDR string
}

// Default network ids, fixed so that configurations (the demo, the acceptance tests) can name them.
const (
	DefaultNetworkID = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	DefaultSubnetID  = "2e9f8d7c-6b5a-4c3d-8e1f-0a9b8c7d6e5f"
)

// DefaultNetworks is one project network, "private", with the subnet 10.0.0.0/24.
func DefaultNetworks() []Network {
	return []Network{{ID: DefaultNetworkID, Name: "private", SubnetID: DefaultSubnetID, SubnetName: "private-subnet", CIDR: "10.0.0.0/24"}}
}

// port is a Neutron port: one per network a server was created on, bound to it.
type port struct {
	seq       int64
	id        string
	networkID string
	subnetID  string
	ip        string
	mac       string
	deviceID  string
	createdAt time.Time
}

// networkCollection is how the configured networks show in one Neutron
// collection: as networks, or as their subnets.
type networkCollection struct {
	plural, singular string // "networks", "network"
	notFound         string // "Network": NetworkNotFound, "Network %s could not be found."
	id               func(Network) string
	toJSON           func(*Emulator, Network) map[string]any
}

var (
	networkList = networkCollection{"networks", "network", "Network", func(n Network) string { return n.ID }, (*Emulator).networkJSON}
	subnetList  = networkCollection{"subnets", "subnet", "Subnet", func(n Network) string { return n.SubnetID }, (*Emulator).subnetJSON}
)

// find is the configured network whose object in the collection has this id.
func (nc networkCollection) find(e *Emulator, id string) (Network, bool) {
	for _, n := range e.cfg.Networks {
		if nc.id(n) == id {
			return n, true
		}
	}
	return Network{}, false
}

// list answers the collection, filtered as Neutron filters.
func (nc networkCollection) list(e *Emulator, c *call) (*response, *apiError) {
	all := make([]map[string]any, 0, len(e.cfg.Networks))
	for _, n := range e.cfg.Networks {
		all = append(all, nc.toJSON(e, n))
	}
	return reply(http.StatusOK, map[string]any{nc.plural: filterNeutron(c.r, all)})
}

// get answers one object of the collection, or Neutron's 404.
func (nc networkCollection) get(e *Emulator, c *call) (*response, *apiError) {
	n, ok := nc.find(e, c.p.objectID)
	if !ok {
		return nil, neutronNotFound(nc.notFound+"NotFound", nc.notFound+" %s could not be found.", c.p.objectID)
	}
	return reply(http.StatusOK, map[string]any{nc.singular: nc.toJSON(e, n)})
}

func (e *Emulator) findNetwork(id string) (Network, bool) { return networkList.find(e, id) }

// addressIn is the host address n of a /24 CIDR.
func addressIn(cidr string, n int64) string {
	prefix := strings.TrimSuffix(cidr, "/24")
	if i := strings.LastIndex(prefix, "."); i >= 0 {
		prefix = prefix[:i]
	}
	return fmt.Sprintf("%s.%d", prefix, 2+n%250)
}

// newServerPort creates the port Nova asks Neutron for when a server is created on a
// network. Call with e.mu held.
func (e *Emulator) newServerPort(s *server, n Network, fixedIP string) *port {
	e.seq++
	p := &port{
		seq: e.seq, id: e.newID(), networkID: n.ID, subnetID: n.SubnetID, deviceID: s.id, createdAt: e.now(),
		ip: fixedIP, mac: fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", e.rng.IntN(256), e.rng.IntN(256), e.rng.IntN(256)),
	}
	if p.ip == "" {
		p.ip = addressIn(n.CIDR, e.seq)
	}
	e.ports[p.id] = p
	return p
}

// neutronTime is how Neutron stamps its resources.
func neutronTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (e *Emulator) networkJSON(n Network) map[string]any {
	stamp := neutronTime(imageEpoch)
	return map[string]any{
		"id": n.ID, "name": n.Name, "tenant_id": e.cfg.ProjectID, "project_id": e.cfg.ProjectID,
		"admin_state_up": true, "status": "ACTIVE", "subnets": []string{n.SubnetID}, "shared": false,
		"mtu": 1500, "availability_zone_hints": []string{}, "availability_zones": []string{"nova"},
		"ipv4_address_scope": nil, "ipv6_address_scope": nil, "router:external": false,
		"description": "", "port_security_enabled": true, "tags": []string{},
		"created_at": stamp, "updated_at": stamp, "revision_number": 1,
	}
}

func (e *Emulator) subnetJSON(n Network) map[string]any {
	stamp := neutronTime(imageEpoch)
	return map[string]any{
		"id": n.SubnetID, "name": n.SubnetName, "tenant_id": e.cfg.ProjectID, "project_id": e.cfg.ProjectID,
		"network_id": n.ID, "ip_version": 4, "cidr": n.CIDR, "gateway_ip": addressIn(n.CIDR, -1),
		"allocation_pools": []map[string]string{{"start": addressIn(n.CIDR, 0), "end": addressIn(n.CIDR, 249)}},
		"enable_dhcp":      false, "dns_nameservers": []string{}, "host_routes": []any{}, "subnetpool_id": nil,
		"ipv6_ra_mode": nil, "ipv6_address_mode": nil, "service_types": []string{}, "description": "",
		"tags": []string{}, "created_at": stamp, "updated_at": stamp, "revision_number": 0,
	}
}

func (e *Emulator) portJSON(p *port) map[string]any {
	stamp := neutronTime(p.createdAt)
	owner := ""
	if p.deviceID != "" {
		owner = "compute:nova"
	}
	return map[string]any{
		"id": p.id, "name": "", "network_id": p.networkID, "tenant_id": e.cfg.ProjectID, "project_id": e.cfg.ProjectID,
		"mac_address": p.mac, "admin_state_up": true, "status": "ACTIVE", "device_id": p.deviceID, "device_owner": owner,
		"fixed_ips":             []map[string]string{{"subnet_id": p.subnetID, "ip_address": p.ip}},
		"allowed_address_pairs": []any{}, "extra_dhcp_opts": []any{}, "security_groups": []string{},
		"description": "", "binding:vnic_type": "normal", "port_security_enabled": true, "tags": []string{},
		"created_at": stamp, "updated_at": stamp, "revision_number": 1,
	}
}

// filterNeutron keeps the objects whose attributes equal every query filter, as Neutron's
// list filters do (a repeated key matches any of its values); paging and field keys are ignored.
func filterNeutron(r *http.Request, all []map[string]any) []map[string]any {
	out := []map[string]any{}
	for _, obj := range all {
		keep := true
		for key, want := range r.URL.Query() {
			switch key {
			case "fields", "limit", "marker", "page_reverse", "sort_key", "sort_dir":
				continue
			}
			if !slices.Contains(want, fmt.Sprint(obj[key])) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, obj)
		}
	}
	return out
}

func (e *Emulator) listPorts(c *call) (*response, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ports := engine.InOrder(e.ports, func(p *port) int64 { return p.seq })
	all := make([]map[string]any, 0, len(ports))
	for _, p := range ports {
		all = append(all, e.portJSON(p))
	}
	return reply(http.StatusOK, map[string]any{"ports": filterNeutron(c.r, all)})
}

func (e *Emulator) getPort(c *call) (*response, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.ports[c.p.objectID]
	if !ok {
		return nil, neutronNotFound("PortNotFound", "Port %s could not be found.", c.p.objectID)
	}
	return reply(http.StatusOK, map[string]any{"port": e.portJSON(p)})
}

// networkVersions answers Neutron's root: the versions it serves (200, as Neutron does).
func (e *Emulator) networkVersions(c *call) (*response, *apiError) {
	link := baseURL(c.r) + "/networking/v2.0/"
	return reply(http.StatusOK, map[string]any{"versions": []map[string]any{
		{"id": "v2.0", "status": "CURRENT", "links": []map[string]string{{"rel": "self", "href": link}}},
	}})
}
