package openstack_test

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// A test starts the emulator, authenticates with gophercloud as the provider would,
// and asserts on the request log afterwards.
func Example() {
	ctx := context.Background()
	e := openstack.New(openstack.Config{LatencyScale: 0.01})
	if err := e.Start(); err != nil {
		panic(err)
	}
	defer e.Close()

	provider, err := gcos.AuthenticatedClient(ctx, e.AuthOptions(e.AuthURL()))
	if err != nil {
		panic(err)
	}
	block, _ := gcos.NewBlockStorageV3(provider, gophercloud.EndpointOpts{Region: e.Config().Region})
	compute, _ := gcos.NewComputeV2(provider, gophercloud.EndpointOpts{Region: e.Config().Region})

	v, _ := volumes.Create(ctx, block, volumes.CreateOpts{Name: "data", Size: 1}, nil).Extract()
	fmt.Println(v.Status)
	_ = e.WaitIdle(ctx)

	// A detach from a server that does not exist.
	err = volumeattach.Delete(ctx, compute, "00000000-0000-4000-8000-000000000000", v.ID).ExtractErr()
	fmt.Println(gophercloud.ResponseCodeIs(err, 404))
	fmt.Println(len(e.RequestsFor(openstack.RouteAttachmentDelete)), len(e.DeprecatedActionUses()))
	// Output:
	// creating
	// true
	// 1 0
}
