package openstack

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	emu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// conformanceRoutes are the emulator's routes of the mutations the conformance suite counts.
var conformanceRoutes = map[string]emu.Route{
	"CreateServer": emu.RouteServerCreate, "DeleteServer": emu.RouteServerDelete,
	"LockServer": emu.RouteServerLock, "UnlockServer": emu.RouteServerUnlock,
	"CreateVolume": emu.RouteVolumeCreate, "ExtendVolume": emu.RouteVolumeExtend, "DeleteVolume": emu.RouteVolumeDelete,
	"Attach": emu.RouteAttachmentCreate, "Detach": emu.RouteAttachmentDelete,
}

// The OpenStack Cloud, against the OpenStack emulator, keeps the seam's promises.
func TestOpenStackEmulatorConformance(t *testing.T) {
	cloudtest.RunConformance(t, func(t *testing.T) (cloud.Cloud, cloudtest.Fixtures) {
		f := newFixture(t, emu.Config{RootDetachStatus: http.StatusBadRequest})
		e := f.e
		return f.c, cloudtest.Fixtures{
			Prefix: "os-",
			Server: cloud.ServerSpec{
				ImageID: testImage, ServerTypeID: "m1.small", KeypairName: "key",
				Networks:   []cloud.Network{{SubnetID: testNetwork}},
				BootVolume: cloud.BootVolume{Size: 10, DeleteOnTermination: true},
			},
			VolumeSize: 1, ExtendedSize: 2, Timeout: time.Minute, Poll: 20 * time.Millisecond,
			Sent: func(method, id string) int {
				n := 0
				for _, r := range e.Requests() {
					if r.Op == conformanceRoutes[method] && (id == "" || r.VolumeID == id || r.ServerID == id) {
						n++
					}
				}
				return n
			},
			MakeBusy: func(serverID string, d time.Duration) error { return e.SetServerTask(serverID, "rebooting", d) },
			ForeignNotFound: func(string) error {
				_, err := e.AddFault(emu.Fault{Op: emu.RouteVolumeGet, Kind: emu.FaultStatus, Status: http.StatusNotFound, NoBody: true, Count: 1})
				return err
			},
		}
	})
}

// realCloudEnv names the variables a real cloud's openrc gives the conformance suite (make
// openstack-up writes them), beside the OS_* credentials.
var realCloudEnv = []string{"OS_TEST_IMAGE_ID", "OS_TEST_FLAVOR_ID", "OS_TEST_NETWORK_ID", "OS_TEST_KEYPAIR"}

// The OpenStack Cloud against a real cloud: the one the OS_* variables name, with the image,
// flavor, network and key pair of OS_TEST_*. Run by make conformance-openstack-real.
func TestRealOpenStackConformance(t *testing.T) {
	if os.Getenv("OS_AUTH_URL") == "" && os.Getenv("OS_CLOUD") == "" {
		t.Skip("real OpenStack: set the OS_* variables of a cloud (source .openstack/openrc; make conformance-openstack-real does)")
	}
	for _, name := range realCloudEnv {
		if os.Getenv(name) == "" {
			t.Skipf("real OpenStack: %s is not set (the openrc of make openstack-up sets it)", name)
		}
	}
	prefix := cloudtest.RunPrefix("conf")
	cloudtest.RunConformance(t, func(t *testing.T) (cloud.Cloud, cloudtest.Fixtures) {
		counter := &requestCounter{next: http.DefaultTransport}
		cfg := ConfigFromEnv(os.Getenv)
		cfg.HTTPClient = &http.Client{Transport: counter}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := New(ctx, cfg)
		if err != nil {
			t.Fatalf("configuring the cloud from OS_*: %v", err)
		}
		return c, cloudtest.Fixtures{
			Prefix: prefix,
			Server: cloud.ServerSpec{
				ImageID: os.Getenv("OS_TEST_IMAGE_ID"), ServerTypeID: os.Getenv("OS_TEST_FLAVOR_ID"),
				KeypairName: os.Getenv("OS_TEST_KEYPAIR"), Networks: []cloud.Network{{SubnetID: os.Getenv("OS_TEST_NETWORK_ID")}},
				BootVolume: cloud.BootVolume{Size: 1, DeleteOnTermination: true},
			},
			VolumeSize: 1, ExtendedSize: 2, Timeout: 3 * time.Minute, Poll: 500 * time.Millisecond,
			Sent: counter.count,
		}
	})
}
