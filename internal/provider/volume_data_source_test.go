package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// A volume made elsewhere is found by id and by name with what the API shows of it; a server's OS
// volume, found by id, shows itself bootable and attached to its server.
func TestAccDataSourceVolume_byIDAndName(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	const name = "acc-ds-data"
	volumeID := acc.outOfBandVolume(t, name, 16, scp.Tag{Key: "team", Value: "storage"})
	serverID := acc.outOfBandServer(t, "acc-ds-vol-server", "")
	osVolumeID := acc.osVolumeOf(t, serverID)
	body := fmt.Sprintf(`
data "scp_volume" "by_id" {
  id = %q
}

data "scp_volume" "by_name" {
  name = %q
}

data "scp_volume" "os" {
  id = %q
}
`, volumeID, name, osVolumeID)
	var checks []resource.TestCheckFunc
	for _, address := range []string{"data.scp_volume.by_id", "data.scp_volume.by_name"} {
		checks = append(checks,
			resource.TestCheckResourceAttr(address, "id", volumeID),
			resource.TestCheckResourceAttr(address, "name", name),
			resource.TestCheckResourceAttr(address, "size", "16"),
			resource.TestCheckResourceAttr(address, "state", "available"),
			resource.TestCheckResourceAttr(address, "bootable", "false"),
			resource.TestCheckResourceAttr(address, "multiattach", "false"),
			resource.TestCheckResourceAttrSet(address, "volume_type"),
			resource.TestCheckResourceAttrSet(address, "created_at"),
			resource.TestCheckResourceAttr(address, "attachments.#", "0"),
		)
		if acc.emu != nil {
			checks = append(checks,
				resource.TestCheckResourceAttr(address, "tags.%", "1"),
				resource.TestCheckResourceAttr(address, "tags.team", "storage"))
		}
	}
	checks = append(checks,
		resource.TestCheckResourceAttr("data.scp_volume.os", "bootable", "true"),
		resource.TestCheckResourceAttr("data.scp_volume.os", "state", "in-use"),
		resource.TestCheckResourceAttr("data.scp_volume.os", "attachments.#", "1"),
		resource.TestCheckResourceAttr("data.scp_volume.os", "attachments.0.server_id", serverID),
		resource.TestCheckResourceAttrSet("data.scp_volume.os", "attachments.0.device"),
	)
	if acc.emu != nil {
		checks = append(checks, resource.TestCheckResourceAttr("data.scp_volume.os", "attachments.0.device", "/dev/vda"),
			resource.TestCheckResourceAttr("data.scp_volume.os", "tags.%", "0"))
	}
	steps := []resource.TestStep{{Config: acc.config(body), Check: resource.ComposeAggregateTestCheckFunc(checks...)}}
	if acc.emu != nil {
		steps = append(steps, resource.TestStep{
			Config: acc.withoutResourceManager(body),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr("data.scp_volume.by_name", "tags.%"),
				resource.TestCheckResourceAttr("data.scp_volume.by_name", "size", "16"),
			),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// A look-up that does not find exactly one volume fails at plan with what was found.
func TestAccDataSourceVolume_lookupErrors(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	const twin = "acc-ds-twin-volume"
	first := acc.outOfBandVolume(t, twin, 8)
	second := acc.outOfBandVolume(t, twin, 16)
	lookup := func(args string) string {
		return acc.config(fmt.Sprintf("data \"scp_volume\" \"test\" {\n%s\n}\n", args))
	}
	bothIDs := regexp.MustCompile(fmt.Sprintf(`(?s)2\s+volumes\s+have\s+this\s+name.*(%s.*%s|%s.*%s).*Give\s+id\s+=`, first, second, second, first))
	const missing = "5d0c8a55-0e8e-4f7d-9d43-7c1b2a3e4f56"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: lookup(fmt.Sprintf("  name = %q", twin)), ExpectError: bothIDs},
			{
				Config:      lookup(`  name = "acc-ds-no-volume"`),
				ExpectError: rx("No volume has this name", `no volume named "acc-ds-no-volume"`, "scp_volumes"),
			},
			{
				Config:      lookup(fmt.Sprintf("  id = %q", missing)),
				ExpectError: rx("The volume does not exist", "volume "+missing+" does not exist"),
			},
			{
				Config:      lookup(fmt.Sprintf("  id   = %q\n  name = %q", first, twin)),
				ExpectError: rx("Exactly one of these attributes must be configured"),
			},
		},
	})
}
