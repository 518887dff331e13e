package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

func (a *accTarget) volumeConfig(name string, size int) string {
	return a.config(fmt.Sprintf(`
resource "scp_volume" "test" {
  name = %q
  size = %d
  tags = {
    purpose = "acceptance"
  }
}
`, name, size))
}

func (a *accTarget) checkVolumesGone(s *terraform.State) error {
	for _, id := range destroyedIDs(s, "scp_volume") {
		if _, err := a.client.GetVolume(context.Background(), id); !scp.IsNotFound(err) {
			return fmt.Errorf("volume %s still answers after destroy (err %v)", id, err)
		}
	}
	return nil
}

func TestAccVolume_lifecycle(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	const address = "scp_volume.test"
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkVolumesGone,
		Steps: []resource.TestStep{
			{
				Config: acc.volumeConfig("acc-vol", 16),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(address, "id", idPattern),
					resource.TestCheckResourceAttr(address, "state", "available"),
					resource.TestCheckResourceAttr(address, "size", "16"),
					resource.TestCheckResourceAttr(address, "volume_type", "SSD"),
					resource.TestCheckResourceAttr(address, "bootable", "false"),
					func(s *terraform.State) (err error) {
						firstID, err = resourceAttr(s, address, "id")
						return err
					},
				),
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:      acc.volumeConfig("acc-vol", 12),
				ExpectError: regexp.MustCompile(`SCP volume sizes are positive\s+multiples\s+of\s+8\s+GiB`),
			},
			{
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: "vol-123",
				ExpectError:   regexp.MustCompile(`is not a volume id`),
			},
			{
				// Rename and grow in place.
				Config: acc.volumeConfig("acc-vol-renamed", 32),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(address, "name", "acc-vol-renamed"),
					resource.TestCheckResourceAttr(address, "size", "32"),
					resource.TestCheckResourceAttrWith(address, "id", func(id string) error {
						if id != firstID {
							return fmt.Errorf("the volume was replaced (%s -> %s) by a rename and a grow", firstID, id)
						}
						return nil
					}),
				),
			},
			{
				// A volume cannot shrink: the plan replaces it.
				Config: acc.volumeConfig("acc-vol-renamed", 8),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.TestCheckResourceAttr(address, "size", "8"),
			},
		},
	})
}

// TestAccVolume_deleteWhileAttachedIsRefused forgets an attachment (skip_destroy) and then destroys
// the volume: SCP refuses, the provider says to detach first, and the volume stays in the state.
func TestAccVolume_deleteWhileAttachedIsRefused(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator to detach out of band afterwards")
	}
	server := fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name           = "acc-vol-in-use"
%s
  boot_volume    = { size = 16 }
}
`, acc.serverBase())
	volume := `
resource "scp_volume" "test" {
  name = "acc-in-use"
  size = 8
}
`
	attachment := `
resource "scp_volume_attachment" "test" {
  server_id    = scp_virtual_server.test.id
  volume_id    = scp_volume.test.id
  skip_destroy = true
}
`
	var serverID, volumeID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkVolumesGone,
		Steps: []resource.TestStep{
			{
				Config: acc.config(server + volume + attachment),
				Check: func(s *terraform.State) (err error) {
					if serverID, err = resourceAttr(s, "scp_virtual_server.test", "id"); err != nil {
						return err
					}
					volumeID, err = resourceAttr(s, "scp_volume.test", "id")
					return err
				},
			},
			{
				// The attachment is forgotten, not detached; deleting the volume is then refused.
				Config:      acc.config(server),
				ExpectError: regexp.MustCompile(`(?s)Cannot delete an attached volume.*Detach\s+it\s+first`),
			},
			{
				PreConfig: func() {
					if err := acc.emu.DetachOutOfBand(volumeID, serverID); err != nil {
						t.Fatal(err)
					}
				},
				Config: acc.config(server),
				Check: func(*terraform.State) error {
					if _, ok := acc.emu.Volume(volumeID); ok {
						return fmt.Errorf("volume %s still exists after the second apply", volumeID)
					}
					return nil
				},
			},
		},
	})
}
