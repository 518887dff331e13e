package scp

import (
	"net/http"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	"github.com/scp-community/terraform-provider-scp/internal/emulator"
)

// conformanceRoutes are the emulator's routes of the mutations the conformance suite counts.
var conformanceRoutes = map[string]emulator.Route{
	"CreateServer": emulator.RouteServerCreate, "DeleteServer": emulator.RouteServerDelete,
	"LockServer": emulator.RouteServerLock, "UnlockServer": emulator.RouteServerUnlock,
	"CreateVolume": emulator.RouteVolumeCreate, "ExtendVolume": emulator.RouteVolumeExtend,
	"DeleteVolume": emulator.RouteVolumeDelete, "Attach": emulator.RouteVolumeAttach, "Detach": emulator.RouteVolumeDetach,
}

// SCP's Cloud, against the SCP emulator, keeps the seam's promises; lists are served in pages of
// two so that the suite's objects span pages.
func TestSCPEmulatorConformance(t *testing.T) {
	saved := pageSize
	pageSize = 2
	t.Cleanup(func() { pageSize = saved })
	cloudtest.RunConformance(t, func(t *testing.T) (cloud.Cloud, cloudtest.Fixtures) {
		emu := emulator.New(emulator.Config{LatencyScale: 0.02})
		if err := emu.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(emu.Close)
		cred := emu.Credentials()
		// Busy answers are waited out twice, then returned: at the default (40 attempts) the
		// suite's short deadline would end the wait first.
		client, err := New(Config{Endpoint: emu.URL(), AccessKey: cred.AccessKey, SecretKey: cred.SecretKey,
			Retry: RetryPolicy{MaxThrottledAttempts: 2, BaseDelay: 100 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		return client.AsCloud(), cloudtest.Fixtures{
			Prefix: "scp-",
			Server: cloud.ServerSpec{
				ImageID: "ubuntu-22.04", ServerTypeID: "s1v2m4", KeypairName: "acc-key",
				Networks:   []cloud.Network{{SubnetID: "acc-subnet"}},
				BootVolume: cloud.BootVolume{Size: 16, DeleteOnTermination: true},
			},
			VolumeSize: 8, ExtendedSize: 16, Timeout: time.Minute, Poll: 50 * time.Millisecond,
			Sent: func(method, id string) int {
				n := 0
				for _, r := range emu.Requests() {
					if r.Op == conformanceRoutes[method] && (id == "" || r.VolumeID == id || r.ServerID == id) {
						n++
					}
				}
				return n
			},
			MakeBusy: emu.SetServerBusy,
			ForeignNotFound: func(volumeID string) error {
				_, err := emu.AddFault(emulator.Fault{Op: emulator.RouteVolumeGet, Kind: emulator.FaultStatus,
					Status: http.StatusNotFound, NoBody: true, Count: 1})
				return err
			},
			ListPageSize: pageSize,
		}
	})
}
