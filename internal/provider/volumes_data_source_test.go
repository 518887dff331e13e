package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
)

// The list form finds the volumes that match every filter (name, state, bootable), sent to the API
// as its query parameters, and each item has the single form's attributes.
func TestAccDataSourceVolumes_filters(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	const name = "acc-ds-vols"
	d1 := acc.outOfBandVolume(t, name, 8)
	d2 := acc.outOfBandVolume(t, name, 16)
	serverID := acc.outOfBandServer(t, "acc-ds-vols-server", "")
	osVolumeID := acc.osVolumeOf(t, serverID)
	config := acc.config(`
data "scp_volumes" "all" {}

data "scp_volumes" "named" {
  name = "acc-ds-vols"
}

data "scp_volumes" "available" {
  name  = "acc-ds-vols"
  state = "available"
}

data "scp_volumes" "in_use" {
  name  = "acc-ds-vols"
  state = "in-use"
}

data "scp_volumes" "data_only" {
  name     = "acc-ds-vols"
  bootable = false
}

data "scp_volumes" "bootable_in_use" {
  state    = "in-use"
  bootable = true
}
`)
	checks := []resource.TestCheckFunc{
		checkListIDs("data.scp_volumes.named", d1, d2),
		checkListIDs("data.scp_volumes.available", d1, d2),
		checkListIDs("data.scp_volumes.in_use"),
		checkListIDs("data.scp_volumes.data_only", d1, d2),
		resource.TestCheckTypeSetElemNestedAttrs("data.scp_volumes.named", "volumes.*", map[string]string{
			"id": d2, "name": name, "size": "16", "state": "available", "bootable": "false", "multiattach": "false",
			"attachments.#": "0",
		}),
		resource.TestCheckTypeSetElemNestedAttrs("data.scp_volumes.bootable_in_use", "volumes.*", map[string]string{
			"id": osVolumeID, "bootable": "true", "state": "in-use", "attachments.#": "1", "attachments.0.server_id": serverID,
		}),
	}
	if acc.emu != nil {
		checks = append(checks,
			checkListIDs("data.scp_volumes.all", d1, d2, osVolumeID),
			checkListIDs("data.scp_volumes.bootable_in_use", osVolumeID),
			resource.TestCheckResourceAttr("data.scp_volumes.bootable_in_use", "volumes.0.attachments.0.device", "/dev/vda"))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)}},
	})
	if acc.emu == nil {
		return
	}
	var queries []string
	for _, r := range acc.requests(emulator.RouteVolumeList) {
		queries = append(queries, r.RawQuery)
	}
	sent := strings.Join(queries, "\n")
	for _, w := range []string{"bootable=false", "bootable=true", "state=in-use", "state=available"} {
		if !strings.Contains(sent, w) {
			t.Errorf("no list request carried %s; sent:\n%s", w, sent)
		}
	}
}
