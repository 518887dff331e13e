package cloud

import "context"

// Lister is what the list data sources (scp_virtual_servers, scp_volumes) need beyond Cloud: servers
// and volumes by filter, every page. It is optional, so that a cloud can be added without it; the
// data sources find it with Capability and say that listing is not supported on a cloud that lacks it. The
// single-object data sources need only Cloud (Server, ServersNamed, Volume, VolumesNamed).
//
// An implementation applies the filters server-side, through its API's query parameters, and
// returns only objects that match every field set: where the API's matching is not documented
// (exact or partial names), it checks what the answer shows. A filter field it cannot apply is
// refused with an error classified OutcomeRejected that names the field, never silently ignored.
type Lister interface {
	ListServers(ctx context.Context, filter ServerFilter) ([]Server, error)
	ListVolumes(ctx context.Context, filter VolumeFilter) ([]Volume, error)
}

// ServerFilter selects servers; empty fields select everything. Name and State are filters SCP's
// and Nova's list calls both have; the others are filters of SCP's GET /v1/servers that other
// clouds need not offer (Nova has ip, and flavor for ServerTypeID; the rest are SCP's alone).
type ServerFilter struct {
	// Name: exactly this name.
	Name string
	// State: the cloud's own state word (SCP: ACTIVE, SHUTOFF, ...; Nova: the same status names).
	State string

	// IP: a server with this IP address. SCP's; Nova has it too.
	IP string
	// VpcID: servers in this VPC. SCP's alone.
	VpcID string
	// ServerTypeID: servers of this type (flavour). SCP's; Nova's flavor filter.
	ServerTypeID string
	// ProductCategory: compute or container. SCP's alone.
	ProductCategory string
	// ProductOfferings: any of virtual_server, gpu_server, k8s_vm, k8s_gpu_vm. SCP's alone.
	ProductOfferings []string
}

// Narrowing names the fields beyond Name and State that are set, as the data sources call them,
// so that a cloud whose list call lacks one of them can refuse it by name.
func (f ServerFilter) Narrowing() []string {
	var set []string
	for _, field := range []struct {
		name string
		set  bool
	}{
		{"ip", f.IP != ""}, {"vpc_id", f.VpcID != ""}, {"server_type_id", f.ServerTypeID != ""},
		{"product_category", f.ProductCategory != ""}, {"product_offerings", len(f.ProductOfferings) > 0},
	} {
		if field.set {
			set = append(set, field.name)
		}
	}
	return set
}

// VolumeFilter selects volumes; empty fields (a nil Bootable) select everything. SCP's
// GET /v1/volumes and Cinder's list both take all three.
type VolumeFilter struct {
	// Name: exactly this name.
	Name string
	// State: the cloud's own state word (available, in-use, ...).
	State string
	// Bootable: only volumes that hold an OS image (true) or only those that do not (false).
	Bootable *bool
}
