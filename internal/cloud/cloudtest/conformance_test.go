package cloudtest

import (
	"slices"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// The fake is held to the same promises as the clouds it stands in for: what it does that they
// do not would let the provider's unit tests pass for behaviour no cloud has.
func TestFakeConformance(t *testing.T) {
	RunConformance(t, func(t *testing.T) (cloud.Cloud, Fixtures) {
		f := New()
		// Every operation shows itself under way for a read before it ends, as on a cloud.
		for _, method := range []string{"CreateServer", "DeleteServer", "CreateVolume", "ExtendVolume", "DeleteVolume", "Attach", "Detach"} {
			f.Delay(method, 2)
		}
		return f, Fixtures{
			Prefix: "fake-",
			Server: cloud.ServerSpec{
				ImageID: "image", ServerTypeID: "type", KeypairName: "key", Networks: []cloud.Network{{SubnetID: "subnet"}},
				BootVolume: cloud.BootVolume{Size: 16, DeleteOnTermination: true},
			},
			Timeout: 5 * time.Second, Poll: time.Millisecond,
			Sent: func(method, id string) int {
				n := 0
				for _, c := range f.Calls() {
					if c.Method == method && (id == "" || slices.Contains(c.IDs, id)) {
						n++
					}
				}
				return n
			},
			MakeBusy: f.SetServerBusy,
		}
	})
}
