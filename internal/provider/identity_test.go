package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// Resource identity came with Terraform 1.12 (import blocks with identity, identity in the state).
var identityVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// identitySteps checks, on the server scp_virtual_server.test, the volume scp_volume.data and its
// attachment scp_volume_attachment.data made by config, that each has its identity in the state,
// that an import block by that identity imports it (the server with the first plan's recording
// of networks, which the API does not show), that an import block with the old id string still
// does, and that an identity which is no id is refused before anything is read.
func identitySteps(config, providerHCL, serverBase string) []resource.TestStep {
	const (
		server     = "scp_virtual_server.test"
		volume     = "scp_volume.data"
		attachment = "scp_volume_attachment.data"
	)
	return []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesState(server, tfjsonpath.New("id")),
				statecheck.ExpectIdentityValueMatchesState(volume, tfjsonpath.New("id")),
				statecheck.ExpectIdentityValueMatchesState(attachment, tfjsonpath.New("server_id")),
				statecheck.ExpectIdentityValueMatchesState(attachment, tfjsonpath.New("volume_id")),
			},
		},
		{
			ResourceName: server, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				expectChangedAttributes(server, "networks"),
			}},
		},
		{ResourceName: volume, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		{ResourceName: attachment, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		// The old import string, in an import block and with terraform import.
		{ResourceName: attachment, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		{ResourceName: attachment, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		{
			Config: providerHCL + fmt.Sprintf(`
resource "scp_virtual_server" "other" {
  name        = "acc-other"
%s
  boot_volume = { size = 16 }
}

import {
  to       = scp_virtual_server.other
  identity = { id = "web-1" }
}
`, serverBase),
			PlanOnly:    true,
			ExpectError: rx("Invalid server identity", `"web-1" is not a server id`, "identity = { id ="),
		},
		{
			Config: providerHCL + `
resource "scp_volume_attachment" "other" {
  server_id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
  volume_id = "3f500f00-ed80-4566-a057-e31760226f9a"
}

import {
  to       = scp_volume_attachment.other
  identity = { server_id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f", volume_id = "data" }
}
`,
			PlanOnly:    true,
			ExpectError: rx("Invalid volume attachment id", `volume_id = "data"`, "does not name two ids", "identity = {"),
		},
	}
}

// testImportByIdentity runs identitySteps on a cloud whose test objects checkDestroy finds gone.
func testImportByIdentity(t *testing.T, checkDestroy resource.TestCheckFunc, config, providerHCL, serverBase string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   identityVersions,
		CheckDestroy:             checkDestroy,
		Steps:                    identitySteps(config, providerHCL, serverBase),
	})
}

func TestAccIdentity_importByIdentity(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	testImportByIdentity(t, acc.checkServersGone, acc.attachmentsConfig([]string{"data"}, nil), acc.providerHCL, acc.serverBase())
}

func TestAccOpenStack_importByIdentity(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	testImportByIdentity(t, acc.checkDestroyed, acc.attachments([]string{"data"}, nil, ""), acc.provider, fmt.Sprintf(
		"  image_id       = %q\n  server_type_id = \"m1.small\"\n  keypair_name   = \"acc-key\"\n  networks       = [{ subnet_id = %q }]",
		osAccImage, osAccNetwork))
}
