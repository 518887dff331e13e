package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// On an OpenStack cloud the data sources speak to the same seam: the single forms find the server
// and its OS volume (the root device Nova reports), the list forms use Nova's and Cinder's filters,
// tags are left null (no Resource Manager), and a filter only SCP has is refused by name.
func TestAccDataSourceOpenStack_lookupsAndLists(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	server := acc.serverHCL("acc-ds-os", osAccImage, false)
	lookups := server + `
data "scp_virtual_server" "by_name" {
  name = "acc-ds-os"
}

data "scp_volume" "os" {
  id = scp_virtual_server.test.os_volume_id
}

data "scp_virtual_servers" "named" {
  name  = "acc-ds-os"
  state = "ACTIVE"
}

data "scp_volumes" "bootable" {
  bootable = true
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: acc.config(server)},
			{
				Config: acc.config(lookups),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.scp_virtual_server.by_name", "id", "scp_virtual_server.test", "id"),
					resource.TestCheckResourceAttrPair("data.scp_virtual_server.by_name", "os_volume_id", "scp_virtual_server.test", "os_volume_id"),
					resource.TestCheckNoResourceAttr("data.scp_virtual_server.by_name", "tags.%"),
					resource.TestCheckResourceAttr("data.scp_volume.os", "bootable", "true"),
					resource.TestCheckResourceAttrPair("data.scp_volume.os", "attachments.0.server_id", "scp_virtual_server.test", "id"),
					resource.TestCheckResourceAttr("data.scp_virtual_servers.named", "ids.#", "1"),
					resource.TestCheckResourceAttrPair("data.scp_virtual_servers.named", "servers.0.os_volume_id", "scp_virtual_server.test", "os_volume_id"),
					resource.TestCheckResourceAttr("data.scp_volumes.bootable", "ids.#", "1"),
					resource.TestCheckResourceAttrPair("data.scp_volumes.bootable", "ids.0", "scp_virtual_server.test", "os_volume_id"),
				),
			},
			{
				Config: acc.config(server + `
data "scp_virtual_servers" "in_vpc" {
  vpc_id = "8d5e3a91-0c7b-4f3e-a2a6-1b2c3d4e5f60"
}
`),
				ExpectError: rx("Cannot list the servers", "OpenStack refused the listing", "vpc_id", "Check this data source's filters"),
			},
		},
	})
}
