package scp

import (
	"net/http"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// conformanceRoutes are the emulator's routes of the mutations the conformance suite counts.
var conformanceRoutes = map[string]scpemu.Route{
	"CreateServer": scpemu.RouteServerCreate, "DeleteServer": scpemu.RouteServerDelete,
	"LockServer": scpemu.RouteServerLock, "UnlockServer": scpemu.RouteServerUnlock,
	"CreateVolume": scpemu.RouteVolumeCreate, "ExtendVolume": scpemu.RouteVolumeExtend,
	"DeleteVolume": scpemu.RouteVolumeDelete, "Attach": scpemu.RouteVolumeAttach, "Detach": scpemu.RouteVolumeDetach,
}

// SCP's Cloud, against the SCP emulator, keeps the seam's promises; lists are served in pages of
// two so that the suite's objects span pages.
func TestSCPEmulatorConformance(t *testing.T) {
	saved := pageSize
	pageSize = 2
	t.Cleanup(func() { pageSize = saved })
	cloudtest.RunConformance(t, func(t *testing.T) (cloud.Cloud, cloudtest.Fixtures) {
		emu := scpemu.New(scpemu.Config{LatencyScale: 0.02})
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
				_, err := emu.AddFault(scpemu.Fault{Op: scpemu.RouteVolumeGet, Kind: scpemu.FaultStatus,
					Status: http.StatusNotFound, NoBody: true, Count: 1})
				return err
			},
			ListPageSize: pageSize,
		}
	})
}
