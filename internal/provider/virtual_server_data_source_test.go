package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// withoutResourceManager is the emulator's provider block without Resource Manager, so that tags
// cannot be read.
func (a *accTarget) withoutResourceManager(body string) string {
	return regexp.MustCompile(`(?m)^\s*resource_manager_endpoint\s*=.*\n`).ReplaceAllString(a.providerHCL, "") + "\n" + body
}

// A server made elsewhere (here straight through the API) is found by id and by name, with what
// the API shows of it, its OS volume found as the resource finds it, and its tags when they can
// be read (null when they cannot).
func TestAccDataSourceVirtualServer_byIDAndName(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	const name = "acc-ds-web"
	id := acc.outOfBandServer(t, name, "", scp.Tag{Key: "env", Value: "test"})
	osVolumeID := acc.osVolumeOf(t, id)
	server, err := acc.client.GetServer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`
data "scp_virtual_server" "by_id" {
  id = %q
}

data "scp_virtual_server" "by_name" {
  name = %q
}
`, id, name)
	var checks []resource.TestCheckFunc
	for _, address := range []string{"data.scp_virtual_server.by_id", "data.scp_virtual_server.by_name"} {
		checks = append(checks,
			resource.TestCheckResourceAttr(address, "id", id),
			resource.TestCheckResourceAttr(address, "name", name),
			resource.TestCheckResourceAttr(address, "state", "ACTIVE"),
			resource.TestCheckResourceAttr(address, "image_id", acc.imageID),
			resource.TestCheckResourceAttr(address, "server_type_id", acc.serverTypeID),
			resource.TestCheckResourceAttr(address, "keypair_name", acc.keypairName),
			resource.TestCheckResourceAttr(address, "lock", "false"),
			resource.TestCheckResourceAttr(address, "os_volume_id", osVolumeID),
			resource.TestCheckResourceAttr(address, "volume_ids.#", "1"),
			resource.TestCheckResourceAttr(address, "volume_ids.0", osVolumeID),
			resource.TestCheckResourceAttr(address, "vpc_id", server.VpcID),
			resource.TestCheckResourceAttr(address, "created_at", server.CreatedAt),
		)
		if acc.emu != nil {
			checks = append(checks,
				resource.TestCheckResourceAttr(address, "tags.%", "1"),
				resource.TestCheckResourceAttr(address, "tags.env", "test"))
		}
	}
	steps := []resource.TestStep{{Config: acc.config(body), Check: resource.ComposeAggregateTestCheckFunc(checks...)}}
	if acc.emu != nil {
		steps = append(steps, resource.TestStep{
			// Without Resource Manager the tags are left null, and nothing else changes.
			Config: acc.withoutResourceManager(body),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr("data.scp_virtual_server.by_id", "tags.%"),
				resource.TestCheckNoResourceAttr("data.scp_virtual_server.by_name", "tags.%"),
				resource.TestCheckResourceAttr("data.scp_virtual_server.by_name", "os_volume_id", osVolumeID),
			),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if acc.emu != nil {
		for _, r := range acc.requests(emulator.RouteServerList) {
			if r.RawQuery != "limit=1000&name="+name {
				t.Errorf("list request %s?%s: the look-up by name should send the name filter only", r.Path, r.RawQuery)
			}
		}
	}
}

// A look-up that does not find exactly one server fails at plan with what was found, and the
// configuration must give exactly one of id and name.
func TestAccDataSourceVirtualServer_lookupErrors(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	const twin = "acc-ds-twin"
	first := acc.outOfBandServer(t, twin, "")
	second := acc.outOfBandServer(t, twin, "")
	lookup := func(args string) string {
		return acc.config(fmt.Sprintf("data \"scp_virtual_server\" \"test\" {\n%s\n}\n", args))
	}
	bothIDs := regexp.MustCompile(fmt.Sprintf(`(?s)2\s+servers\s+have\s+this\s+name.*(%s.*%s|%s.*%s).*Give\s+id\s+=`, first, second, second, first))
	const missing = "0b6f3b7e-39a4-4c9e-9a5e-5a0f5d1c2e3f"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: lookup(fmt.Sprintf("  name = %q", twin)), ExpectError: bothIDs},
			{
				Config:      lookup(`  name = "acc-ds-nobody"`),
				ExpectError: rx("No server has this name", `no server named "acc-ds-nobody"`, "compared exactly", "scp_virtual_servers"),
			},
			{
				Config:      lookup(fmt.Sprintf("  id = %q", missing)),
				ExpectError: rx("The server does not exist", "server "+missing+" does not exist", "Check the id"),
			},
			{
				Config:      lookup(fmt.Sprintf("  id   = %q\n  name = %q", first, twin)),
				ExpectError: rx("Exactly one of these attributes must be configured"),
			},
			{Config: lookup(""), ExpectError: rx("Exactly one of these attributes must be configured")},
			{Config: lookup(`  id = "web"`), ExpectError: rx("must be an SCP server id")},
		},
	})
}

// attachElsewhereConfig manages a data volume attached to a server this configuration does not
// manage, found by the data source, and, when withOS, an attachment of that server's OS volume as
// the data source names it.
func (a *accTarget) attachElsewhereConfig(serverName string, withOS, skipDestroy bool) string {
	body := fmt.Sprintf(`
data "scp_virtual_server" "web" {
  name = %q
}

resource "scp_volume" "data" {
  name = "%s-data"
  size = 8
}

resource "scp_volume_attachment" "data" {
  server_id = data.scp_virtual_server.web.id
  volume_id = scp_volume.data.id
}
`, serverName, serverName)
	if withOS {
		body += fmt.Sprintf(`
resource "scp_volume_attachment" "os" {
  server_id    = data.scp_virtual_server.web.id
  volume_id    = data.scp_virtual_server.web.os_volume_id
  skip_destroy = %t
}
`, skipDestroy)
	}
	return a.config(body)
}

// A volume is attached to a server created elsewhere, found with the data source, and the OS-disk
// protection holds as for a managed server: an attachment of the data source's os_volume_id is
// refused at plan, and once imported, a plan that would detach it (removing it, destroying it) is
// refused at plan too. No attach or detach of the OS volume is ever sent.
func TestAccDataSourceVirtualServer_attachToServerCreatedElsewhere(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{})
	const name = "acc-ds-elsewhere"
	serverID := acc.outOfBandServer(t, name, "")
	osVolumeID := acc.osVolumeOf(t, serverID)
	osDiskUntouched := func() error {
		if acc.emu == nil {
			return nil
		}
		for _, route := range []emulator.Route{emulator.RouteVolumeAttach, emulator.RouteVolumeDetach} {
			for _, r := range acc.requests(route) {
				if r.VolumeID == osVolumeID {
					return fmt.Errorf("%s %s reached the API for the OS volume %s", r.Method, r.Path, osVolumeID)
				}
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := osDiskUntouched(); err != nil {
				return err
			}
			server, err := acc.client.GetServer(context.Background(), serverID)
			if err != nil {
				return fmt.Errorf("the server created elsewhere is not there after destroy: %v", err)
			}
			if !server.HasVolume(osVolumeID) || len(server.Volumes) != 1 {
				return fmt.Errorf("after destroy the server lists %+v; want its OS volume %s alone", server.Volumes, osVolumeID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acc.attachElsewhereConfig(name, false, false),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.scp_virtual_server.web", "os_volume_id", osVolumeID),
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "server_id", serverID),
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "os_volume", "false"),
					resource.TestCheckResourceAttrPair("scp_volume_attachment.data", "volume_id", "scp_volume.data", "id"),
					func(s *terraform.State) error {
						volumeID, err := resourceAttr(s, "scp_volume.data", "id")
						if err != nil {
							return err
						}
						server, err := acc.client.GetServer(context.Background(), serverID)
						if err != nil || !server.HasVolume(volumeID) {
							return fmt.Errorf("server %s does not list the data volume %s (err %v)", serverID, volumeID, err)
						}
						return nil
					},
				),
			},
			{
				// An attachment of the OS volume the data source found: refused before anything is sent.
				Config:      acc.attachElsewhereConfig(name, true, false),
				PlanOnly:    true,
				ExpectError: rx("Cannot attach a server's own OS disk", "plan stops here", "skip_destroy = true"),
			},
			{
				// Brought under management by import, as the refusal says.
				Config:             acc.attachElsewhereConfig(name, true, false),
				ResourceName:       "scp_volume_attachment.os",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateId:      serverID + "/" + osVolumeID,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if s.ID == serverID+"/"+osVolumeID {
							if s.Attributes["os_volume"] != "true" {
								return fmt.Errorf("os_volume = %q after import, want true", s.Attributes["os_volume"])
							}
							return nil
						}
					}
					return fmt.Errorf("the OS-volume attachment is not among the %d imported instances", len(states))
				},
			},
			{
				// Removing it plans a detach of the OS disk: refused at plan.
				Config:      acc.attachElsewhereConfig(name, false, false),
				ExpectError: rx("Cannot detach the server's OS disk", "nothing was sent", "skip_destroy = true"),
			},
			{
				// So is a destroy.
				Config:      acc.attachElsewhereConfig(name, true, false),
				Destroy:     true,
				ExpectError: rx("Cannot detach the server's OS disk"),
			},
			{
				// skip_destroy lets the final destroy leave it attached.
				Config: acc.attachElsewhereConfig(name, true, true),
				Check: func(*terraform.State) error {
					return osDiskUntouched()
				},
			},
		},
	})
	if acc.emu != nil {
		if n := len(acc.requests(emulator.RouteVolumeDetach)); n != 1 {
			t.Errorf("%d detach requests, want the data volume's alone", n)
		}
	}
}
