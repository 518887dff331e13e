package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	"github.com/scp-community/terraform-provider-scp/internal/openstack"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// The OpenStack scenarios that run the same on the emulator and on a real cloud: what the user does
// (for_each attachments, imports, a volume of its own) and what Nova answers when the plan is
// bypassed.

// forEachAttachments is a server with volumes a and b, attached with one for_each resource.
func (a *osAcc) forEachAttachments() string {
	return a.config(a.serverHCL("fe", a.image, false) + a.volumeHCL("a") + a.volumeHCL("b") + `
resource "scp_volume_attachment" "data" {
  for_each  = { a = scp_volume.a.id, b = scp_volume.b.id }
  server_id = scp_virtual_server.test.id
  volume_id = each.value
}
`)
}

// Two volumes attached with for_each: both in use by the server, neither the OS disk, and the plan
// afterwards (and after a refresh) is empty. The framework's state checks cannot read for_each
// instances (nor can it destroy at the end with them in the state), so they are checked on the JSON
// state, and the last step removes them: two detaches, the volumes available again.
func TestAccOpenStack_forEachAttachments(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	attached := forEachAttached{acc: acc}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: acc.forEachAttachments(), ConfigStateChecks: []statecheck.StateCheck{&attached}},
			{Config: acc.forEachAttachments(), PlanOnly: true},
			{
				Config:           acc.forEachAttachments(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: acc.config(acc.serverHCL("fe", acc.image, false) + acc.volumeHCL("a") + acc.volumeHCL("b")),
				Check: func(*terraform.State) error {
					for _, id := range attached.volumes {
						if err := acc.volumeIs(id, "available", ""); err != nil {
							return err
						}
					}
					return nil
				},
			},
		},
	})
}

// forEachAttached checks, on the JSON state, that scp_volume.a and .b are each attached by one
// instance of scp_volume_attachment.data to the server, not as its OS disk, and in use there.
type forEachAttached struct {
	acc     *osAcc
	volumes []string
}

func (c *forEachAttached) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	ids := map[string]string{}
	var attachments []map[string]any
	for _, r := range req.State.Values.RootModule.Resources {
		switch r.Type {
		case "scp_virtual_server", "scp_volume":
			ids[r.Address] = fmt.Sprint(r.AttributeValues["id"])
		case "scp_volume_attachment":
			attachments = append(attachments, r.AttributeValues)
		}
	}
	serverID := ids["scp_virtual_server.test"]
	c.volumes = []string{ids["scp_volume.a"], ids["scp_volume.b"]}
	if len(attachments) != 2 {
		resp.Error = fmt.Errorf("%d attachments in the state, want 2", len(attachments))
		return
	}
	for _, a := range attachments {
		if !slices.Contains(c.volumes, fmt.Sprint(a["volume_id"])) || a["server_id"] != serverID || a["os_volume"] != false {
			resp.Error = fmt.Errorf("attachment %v: want one of volumes %v on server %s, not the OS disk", a, c.volumes, serverID)
			return
		}
	}
	for _, id := range c.volumes {
		if err := c.acc.volumeIs(id, "in-use", serverID); err != nil {
			resp.Error = err
			return
		}
	}
}

// osImportThenPlan creates a server with a data volume attached, then imports resourceName with an
// import block: the plan that imports it must be a no-op (no update, no replacement). The state of
// `terraform import` then equals the one the create left.
func osImportThenPlan(t *testing.T, resourceName string, planAfterImport *importedPlan, ignore ...string) {
	acc := newOSAcc(t, osemu.Config{})
	cfg := acc.attachments([]string{"data"}, nil, "")
	importStep := resource.TestStep{Config: cfg, ResourceName: resourceName, ImportState: true, ImportStateKind: resource.ImportBlockWithID}
	if planAfterImport != nil {
		importStep.ExpectNonEmptyPlan = true
		importStep.ImportPlanChecks.PreApply = []plancheck.PlanCheck{planAfterImport}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg},
			// The states the imports are compared with are the cloud's as it is now (the volume in use).
			{RefreshState: true},
			importStep,
			{
				Config: cfg, ResourceName: resourceName, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: append([]string{"timeouts"}, ignore...),
			},
		},
	})
}

// A server's networks are create-only and not read back: after an import, the plan may fill them in
// from the configuration in place, and nothing else.
func TestAccOpenStack_importServerThenPlan(t *testing.T) {
	osImportThenPlan(t, "scp_virtual_server.test", &importedPlan{address: "scp_virtual_server.test", mayFill: []string{"networks"}}, "networks")
}

func TestAccOpenStack_importVolumeThenPlan(t *testing.T) {
	osImportThenPlan(t, "scp_volume.data", nil)
}

func TestAccOpenStack_importAttachmentThenPlan(t *testing.T) {
	osImportThenPlan(t, "scp_volume_attachment.data", nil)
}

// importedPlan is a plan check for the plan that imports address: the resource is updated in place
// at most, and only attributes of mayFill (create-only arguments the cloud does not show) change.
type importedPlan struct {
	address string
	mayFill []string
}

func (p *importedPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != p.address {
			continue
		}
		if !rc.Change.Actions.NoOp() && !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s: the plan after import would %v it", p.address, rc.Change.Actions)
			return
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		for name, value := range after {
			if fmt.Sprint(before[name]) != fmt.Sprint(value) && !slices.Contains(p.mayFill, name) {
				resp.Error = fmt.Errorf("%s: the plan after import changes %s from %v to %v", p.address, name, before[name], value)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", p.address)
}

// A volume of its own: created with a name and size, renamed and extended in place while
// available, imported, destroyed.
func TestAccOpenStack_volumeRenameAndExtend(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	volume := func(name string, size int) string {
		return acc.config(fmt.Sprintf("resource \"scp_volume\" \"v\" {\n  name = %q\n  size = %d\n}\n", acc.name(name), size))
	}
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: volume("vol", 8),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr("scp_volume.v", "id", &id),
					resource.TestCheckResourceAttr("scp_volume.v", "state", "available"),
					func(*terraform.State) error { return acc.volumeIs(id, "available", "") },
				),
			},
			{
				Config: volume("vol-renamed", 16),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_volume.v", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("scp_volume.v", "size", "16"),
					resource.TestCheckResourceAttr("scp_volume.v", "name", acc.name("vol-renamed")),
					resource.TestCheckResourceAttrPtr("scp_volume.v", "id", &id),
				),
			},
			{ResourceName: "scp_volume.v", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

// When the plan is bypassed (a state whose attachment of the boot volume records neither the OS
// disk nor its device, as an older provider could have written), the detach reaches Nova, which
// refuses it: the provider reports that refusal clearly, as a conflict that did nothing, and the
// volume stays attached. On the emulator, Nova's current 400 is configured.
func TestAccOpenStack_rootDetachRefusedByNova(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{RootDetachStatus: http.StatusBadRequest})
	var serverID, bootID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: acc.config(acc.serverHCL("root", acc.image, false)),
			Check: resource.ComposeTestCheckFunc(
				captureAttr("scp_virtual_server.test", "id", &serverID),
				captureAttr("scp_virtual_server.test", "os_volume_id", &bootID),
				func(*terraform.State) error { return acc.detachBypassingPlan(t, serverID, bootID) },
			),
		}},
	})
}

// detachBypassingPlan runs scp_volume_attachment's Delete, with the provider's own OpenStack
// client, on a state that does not mark the boot volume as the OS disk.
func (a *osAcc) detachBypassingPlan(t *testing.T, serverID, bootID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := openstack.New(ctx, a.openstackConfig())
	if err != nil {
		return err
	}
	r := &volumeAttachmentResource{resourceBase{data: &providerData{cloud: c, poller: wait.New(), locks: newKeyedMutex()}}}
	h := attachmentHarness{resourceHarness: resourceHarness[volumeAttachmentModel, *volumeAttachmentResource]{r: r, schema: schemaOf(t, r)}}
	state := h.recorded(t, serverID, bootID, "", false)
	state.Device = types.StringNull()
	resp := h.delete(t, state)
	// Current Nova answers 400 "Cannot detach a root device volume"; older ones (and K5) 403.
	text := errorText(resp.Diagnostics)
	nova := strings.Contains(text, "400 Bad Request: Cannot detach a root device volume") ||
		strings.Contains(text, "403 Forbidden: Can't detach root device volume")
	if !nova || !strings.Contains(text, "Cannot detach the volume") || !strings.Contains(text, "The volume stays attached") {
		return fmt.Errorf("the refused detach is reported as %q; want Nova's refusal, and that the volume stays attached", text)
	}
	if err := c.Detach(ctx, serverID, bootID); !cloud.IsConflict(err) || cloud.MayHaveTakenEffect(err) {
		return fmt.Errorf("Nova's refusal is classified %d (ambiguous %t): %v; want a conflict that did nothing",
			cloud.OutcomeOf(err), cloud.MayHaveTakenEffect(err), err)
	}
	return a.volumeIs(bootID, "in-use", serverID)
}

// openstackConfig is the provider's OpenStack settings for this test's cloud.
func (a *osAcc) openstackConfig() openstack.Config {
	if a.emu == nil {
		return openstack.ConfigFromEnv(os.Getenv)
	}
	ec := a.emu.Config()
	return openstack.Config{
		AuthURL: a.emu.AuthURL(), Region: ec.Region, UserName: ec.Username, Password: ec.Password,
		UserDomainName: ec.DomainName, ProjectName: ec.ProjectName, ProjectDomainName: ec.DomainName,
	}
}
