package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
)

// The list form finds the servers that match every filter, the filters go to the API as its query
// parameters, and each item has the single form's attributes.
func TestAccDataSourceVirtualServers_filters(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	// Against a real endpoint other servers exist: the checks there name their servers.
	otherType := acc.serverTypeID
	if acc.emu != nil {
		otherType = "s1v1m2"
	}
	a1 := acc.outOfBandServer(t, "acc-ds-list-a", "")
	a2 := acc.outOfBandServer(t, "acc-ds-list-a", "")
	b := acc.outOfBandServer(t, "acc-ds-list-b", otherType)
	a1OS := acc.osVolumeOf(t, a1)
	server, err := acc.client.GetServer(context.Background(), a1)
	if err != nil {
		t.Fatal(err)
	}
	config := acc.config(fmt.Sprintf(`
data "scp_virtual_servers" "all" {}

data "scp_virtual_servers" "a" {
  name = "acc-ds-list-a"
}

data "scp_virtual_servers" "a_active" {
  name  = "acc-ds-list-a"
  state = "ACTIVE"
}

data "scp_virtual_servers" "a_shutoff" {
  name  = "acc-ds-list-a"
  state = "SHUTOFF"
}

data "scp_virtual_servers" "a_in_vpc" {
  name   = "acc-ds-list-a"
  vpc_id = %q
}

data "scp_virtual_servers" "b_by_type" {
  name           = "acc-ds-list-b"
  server_type_id = %q
}

data "scp_virtual_servers" "b_offering" {
  name              = "acc-ds-list-b"
  product_category  = "compute"
  product_offerings = ["virtual_server", "gpu_server"]
}

data "scp_virtual_servers" "b_gpu" {
  name              = "acc-ds-list-b"
  product_offerings = ["gpu_server"]
}
`, server.VpcID, otherType))
	checks := []resource.TestCheckFunc{
		checkListIDs("data.scp_virtual_servers.a", a1, a2),
		checkListIDs("data.scp_virtual_servers.a_active", a1, a2),
		checkListIDs("data.scp_virtual_servers.a_shutoff"),
		checkListIDs("data.scp_virtual_servers.a_in_vpc", a1, a2),
		checkListIDs("data.scp_virtual_servers.b_by_type", b),
		checkListIDs("data.scp_virtual_servers.b_offering", b),
		checkListIDs("data.scp_virtual_servers.b_gpu"),
		resource.TestCheckResourceAttr("data.scp_virtual_servers.a", "servers.#", "2"),
		resource.TestCheckTypeSetElemNestedAttrs("data.scp_virtual_servers.a", "servers.*", map[string]string{
			"id": a1, "name": "acc-ds-list-a", "state": "ACTIVE", "os_volume_id": a1OS, "server_type_id": acc.serverTypeID,
			"image_id": acc.imageID, "keypair_name": acc.keypairName, "lock": "false", "vpc_id": server.VpcID,
			"created_at": server.CreatedAt, "volume_ids.#": "1", "volume_ids.0": a1OS,
		}),
		resource.TestCheckResourceAttr("data.scp_virtual_servers.b_by_type", "servers.0.server_type_id", otherType),
	}
	if acc.emu != nil {
		checks = append(checks,
			checkListIDs("data.scp_virtual_servers.all", a1, a2, b),
			resource.TestCheckResourceAttr("data.scp_virtual_servers.a", "servers.0.tags.%", "0"))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)}},
	})
	if acc.emu == nil {
		return
	}
	// The filters were the API's: each went out as its query parameter.
	want := []string{
		"state=SHUTOFF", "vpc_id=" + server.VpcID, "server_type_id=" + otherType,
		"product_category=compute&product_offering=virtual_server&product_offering=gpu_server",
	}
	var queries []string
	for _, r := range acc.requests(emulator.RouteServerList) {
		queries = append(queries, r.RawQuery)
	}
	sent := strings.Join(queries, "\n")
	for _, w := range want {
		if !strings.Contains(sent, w) {
			t.Errorf("no list request carried %s; sent:\n%s", w, sent)
		}
	}
}
