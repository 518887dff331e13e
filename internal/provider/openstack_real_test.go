package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

// With OS_AUTH_URL (or OS_CLOUD) set, and OS_ACC_EMULATOR not "1", the OpenStack acceptance tests
// run against that cloud instead of the emulator, as the SCP tests do with SCP_ENDPOINT. The cloud
// names its image, flavor, network and key pair in OS_TEST_*; checks that need the emulator's
// control API or request log skip, and the others read the cloud's own API to confirm.

// useRealOpenStack reports whether the environment names a real OpenStack cloud.
func useRealOpenStack() bool {
	return os.Getenv("OS_ACC_EMULATOR") != "1" && (os.Getenv("OS_AUTH_URL") != "" || os.Getenv("OS_CLOUD") != "")
}

// osRealAPI reads a real cloud's Nova, Cinder and Neutron directly, with no code of the provider
// in between, to confirm what the tests did.
type osRealAPI struct {
	compute, volume, network *gophercloud.ServiceClient
}

// envOr returns the first variable set.
func envOr(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// newOSRealAPI authenticates with the password in OS_*.
func newOSRealAPI(t testing.TB) *osRealAPI {
	t.Helper()
	ao := gophercloud.AuthOptions{
		IdentityEndpoint: os.Getenv("OS_AUTH_URL"),
		Username:         os.Getenv("OS_USERNAME"), UserID: os.Getenv("OS_USER_ID"),
		Password:   os.Getenv("OS_PASSWORD"),
		DomainName: os.Getenv("OS_USER_DOMAIN_NAME"), DomainID: os.Getenv("OS_USER_DOMAIN_ID"),
		AllowReauth: true,
		Scope: &gophercloud.AuthScope{
			ProjectName: envOr("OS_PROJECT_NAME", "OS_TENANT_NAME"), ProjectID: envOr("OS_PROJECT_ID", "OS_TENANT_ID"),
			DomainName: os.Getenv("OS_PROJECT_DOMAIN_NAME"), DomainID: os.Getenv("OS_PROJECT_DOMAIN_ID"),
		},
	}
	if ao.Scope.ProjectID != "" {
		ao.Scope.DomainName, ao.Scope.DomainID = "", ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pc, err := gcos.AuthenticatedClient(ctx, ao)
	if err != nil {
		t.Fatalf("authenticating with OS_* to check the cloud: %v", err)
	}
	eo := gophercloud.EndpointOpts{Region: os.Getenv("OS_REGION_NAME"), Availability: gophercloud.AvailabilityPublic}
	api := &osRealAPI{}
	if api.compute, err = gcos.NewComputeV2(pc, eo); err == nil {
		api.compute.Microversion = "2.79"
		api.volume, err = gcos.NewBlockStorageV3(pc, eo)
	}
	if err != nil {
		t.Fatalf("the cloud's catalog: %v", err)
	}
	if api.network, err = gcos.NewNetworkV2(pc, eo); err != nil {
		// Every Nova cloud has Neutron; a stand-in without it cannot be checked for ports.
		t.Logf("the catalog has no network service (%v): ports are not checked", err)
		api.network = nil
	}
	return api
}

func isNotFound(err error) bool { return gophercloud.ResponseCodeIs(err, 404) }

// volume reads a volume: its status and the servers it is attached to; gone when Cinder says 404.
func (api *osRealAPI) volumeState(ctx context.Context, id string) (status string, servers []string, gone bool, err error) {
	v, err := volumes.Get(ctx, api.volume, id).Extract()
	if isNotFound(err) {
		return "", nil, true, nil
	}
	if err != nil {
		return "", nil, false, err
	}
	for _, a := range v.Attachments {
		servers = append(servers, a.ServerID)
	}
	return v.Status, servers, false, nil
}

// checkVolume confirms a volume's status and, for in-use, that it is attached to serverID.
func (api *osRealAPI) checkVolume(id, wantStatus, serverID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	status, attached, gone, err := api.volumeState(ctx, id)
	switch {
	case err != nil:
		return err
	case gone:
		return fmt.Errorf("volume %s is gone", id)
	case status != wantStatus:
		return fmt.Errorf("volume %s is %s, want %s", id, status, wantStatus)
	case wantStatus == "in-use" && (len(attached) != 1 || attached[0] != serverID):
		return fmt.Errorf("volume %s is attached to %v, want server %s", id, attached, serverID)
	case wantStatus == "available" && len(attached) != 0:
		return fmt.Errorf("volume %s is available but lists attachments to %v", id, attached)
	}
	return nil
}

// serverLocked reads Nova's locked flag (2.9 and later).
func (api *osRealAPI) serverLocked(id string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := servers.Get(ctx, api.compute, id).Extract()
	if err != nil {
		return false, err
	}
	return s.Locked != nil && *s.Locked, nil
}

// leftovers lists what is still there with the prefix: servers and volumes named with it, and
// ports named with it or bound to one of serverIDs.
func (api *osRealAPI) leftovers(ctx context.Context, prefix string, serverIDs []string) ([]string, error) {
	var left []string
	srvs, err := api.serversNamed(ctx, prefix)
	if err != nil {
		return nil, err
	}
	for _, s := range srvs {
		left = append(left, fmt.Sprintf("server %s (%s, %s)", s.ID, s.Name, s.Status))
	}
	vols, err := api.volumesNamed(ctx, prefix)
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		left = append(left, fmt.Sprintf("volume %s (%s, %s)", v.ID, v.Name, v.Status))
	}
	if api.network == nil {
		return left, nil
	}
	pages, err := ports.List(api.network, ports.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	all, err := ports.ExtractPorts(pages)
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		if strings.HasPrefix(p.Name, prefix) || containsString(serverIDs, p.DeviceID) {
			left = append(left, fmt.Sprintf("port %s (%s, device %s)", p.ID, p.Name, p.DeviceID))
		}
	}
	return left, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s && s != "" {
			return true
		}
	}
	return false
}

// serversNamed lists the servers whose name starts with prefix (Nova's name filter is a regular
// expression).
func (api *osRealAPI) serversNamed(ctx context.Context, prefix string) ([]servers.Server, error) {
	pages, err := servers.List(api.compute, servers.ListOpts{Name: "^" + regexp.QuoteMeta(prefix)}).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	all, err := servers.ExtractServers(pages)
	return slices.DeleteFunc(all, func(s servers.Server) bool { return !strings.HasPrefix(s.Name, prefix) }), err
}

// volumesNamed lists the volumes whose name starts with prefix.
func (api *osRealAPI) volumesNamed(ctx context.Context, prefix string) ([]volumes.Volume, error) {
	pages, err := volumes.List(api.volume, volumes.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	all, err := volumes.ExtractVolumes(pages)
	return slices.DeleteFunc(all, func(v volumes.Volume) bool { return !strings.HasPrefix(v.Name, prefix) }), err
}

// nothingLeft waits (a deleted server's boot volume goes after it) until nothing of the run is
// left: no server, volume or port with the prefix, no port of the destroyed servers, and none of
// the destroyed volumes.
func (api *osRealAPI) nothingLeft(prefix string, serverIDs, volumeIDs []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		left, err := api.leftovers(ctx, prefix, serverIDs)
		if err != nil {
			return err
		}
		for _, id := range volumeIDs {
			status, _, gone, err := api.volumeState(ctx, id)
			if err != nil {
				return err
			}
			if !gone {
				left = append(left, fmt.Sprintf("volume %s (%s)", id, status))
			}
		}
		if len(left) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("left behind on the cloud after destroy: %s", strings.Join(left, "; "))
		case <-time.After(2 * time.Second):
		}
	}
}
