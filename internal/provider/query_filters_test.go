package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// List resources and terraform query came with Terraform 1.14.
var queryVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// volumesByAttachment lists the volumes attached to a server, as "attached", and those attached to
// none, as "free".
const volumesByAttachment = `
list "scp_volume" "attached" {
  provider = scp
  config {
    attached = true
  }
}

list "scp_volume" "free" {
  provider = scp
  config {
    attached = false
  }
}
`

// TestAccQuery_filters lists servers, volumes and attachments made outside Terraform by each filter:
// a name, a state, attached or not, to which server, with and without the OS disks (which come
// with skip_destroy = true as attachments).
func TestAccQuery_filters(t *testing.T) {
	// The objects are made before resource.Test could check the version: check it first.
	requireQueryCLI(t, "1.14.0", "terraform query")
	acc := newAccTarget(t, scpemu.Config{})
	web := acc.outOfBandServer(t, "q-web", "")
	acc.outOfBandServer(t, "q-db", "")
	attached := acc.outOfBandVolume(t, "q-attached", 8)
	free := acc.outOfBandVolume(t, "q-free", 8)
	if _, err := acc.client.AttachVolume(context.Background(), attached, web, false); err != nil {
		t.Fatal(err)
	}
	// Cleanups run last first: the volume is detached before it is deleted.
	t.Cleanup(func() {
		if err := acc.client.DetachVolume(context.Background(), attached, web); err == nil {
			_ = waitUntil(func() (bool, error) {
				v, err := acc.client.GetVolume(context.Background(), attached)
				return err == nil && len(v.Servers) == 0, err
			})
		}
	})
	if err := waitUntil(func() (bool, error) {
		v, err := acc.client.GetVolume(context.Background(), attached)
		return err == nil && len(v.Servers) == 1, err
	}); err != nil {
		t.Fatal(err)
	}
	webOS := acc.osVolumeOf(t, web)
	query := acc.providerHCL + `
list "scp_virtual_server" "web" {
  provider = scp
  config {
    name = "q-web"
  }
}

list "scp_virtual_server" "active" {
  provider = scp
  config {
    state = "ACTIVE"
  }
}
` + volumesByAttachment + fmt.Sprintf(`
list "scp_volume" "on_web" {
  provider = scp
  config {
    server_id        = %[1]q
    include_os_disks = true
  }
}

list "scp_volume_attachment" "web" {
  provider = scp
  config {
    server_id = %[1]q
  }
}

list "scp_volume_attachment" "web_all" {
  provider         = scp
  include_resource = true
  config {
    server_id        = %[1]q
    include_os_disks = true
  }
}
`, web)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   queryVersions,
		Steps: []resource.TestStep{{
			Query:  true,
			Config: query,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("scp_virtual_server.web", 1),
				querycheck.ExpectIdentity("scp_virtual_server.web", map[string]knownvalue.Check{"id": knownvalue.StringExact(web)}),
				querycheck.ExpectLength("scp_virtual_server.active", 2),
				querycheck.ExpectLength("scp_volume.attached", 1),
				querycheck.ExpectIdentity("scp_volume.attached", map[string]knownvalue.Check{"id": knownvalue.StringExact(attached)}),
				querycheck.ExpectLength("scp_volume.free", 1),
				querycheck.ExpectIdentity("scp_volume.free", map[string]knownvalue.Check{"id": knownvalue.StringExact(free)}),
				querycheck.ExpectLength("scp_volume.on_web", 2),
				querycheck.ExpectLength("scp_volume_attachment.web", 1),
				querycheck.ExpectIdentity("scp_volume_attachment.web", map[string]knownvalue.Check{
					"server_id": knownvalue.StringExact(web), "volume_id": knownvalue.StringExact(attached),
				}),
				querycheck.ExpectLength("scp_volume_attachment.web_all", 2),
				querycheck.ExpectResourceKnownValues("scp_volume_attachment.web_all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"server_id": knownvalue.StringExact(web), "volume_id": knownvalue.StringExact(webOS),
				}), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("skip_destroy"), KnownValue: knownvalue.Bool(true)},
					{Path: tfjsonpath.New("os_volume"), KnownValue: knownvalue.Bool(true)},
				}),
				querycheck.ExpectResourceKnownValues("scp_volume_attachment.web_all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"server_id": knownvalue.StringExact(web), "volume_id": knownvalue.StringExact(attached),
				}), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("skip_destroy"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("delete_on_termination"), KnownValue: knownvalue.Bool(false)},
				}),
			},
		}},
	})
}

// TestAccOpenStack_queryFilters lists on an OpenStack cloud by the filters both clouds have, and
// refuses by name one that only SCP has.
func TestAccOpenStack_queryFilters(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   queryVersions,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: acc.attachments([]string{"a"}, []string{"b"}, "")},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "scp_virtual_server" "named" {
  provider = scp
  config {
    name = %q
  }
}
`, acc.name("os")) + volumesByAttachment + `
list "scp_volume_attachment" "all" {
  provider = scp
  config {
    include_os_disks = true
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("scp_virtual_server.named", 1),
					querycheck.ExpectLength("scp_volume.attached", 1),
					querycheck.ExpectLength("scp_volume.free", 1),
					querycheck.ExpectLength("scp_volume_attachment.all", 2),
				},
			},
			{
				Query: true,
				Config: `
list "scp_virtual_server" "in_vpc" {
  provider = scp
  config {
    vpc_id = "vpc-1"
  }
}
`,
				ExpectError: rx("refused the listing as asked", "vpc_id", "exist only on SCP", "list block's filters"),
			},
		},
	})
}
