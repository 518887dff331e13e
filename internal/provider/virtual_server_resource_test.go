package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// emulatorTarget is the acceptance target of a test that needs the emulator itself (its request
// log, or changes made behind the provider's back); against a real endpoint the test is skipped.
func emulatorTarget(t *testing.T, why string) *accTarget {
	t.Helper()
	acc := newAccTarget(t, scpemu.Config{})
	if !acc.needEmulator(t) {
		t.Skip(why)
	}
	return acc
}

// serverAddress is the server that serverConfig declares.
const serverAddress = "scp_virtual_server.test"

func (a *accTarget) serverConfig(name string, lock bool, extra string) string {
	return a.config(fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name           = %q
%s
  lock           = %t

  boot_volume = {
    size = 16
  }

  tags = {
    purpose = "acceptance"
  }
%s
}
`, name, a.serverBase(), lock, extra))
}

// checkServersGone asks the API that every server in the final state answers 404.
func (a *accTarget) checkServersGone(s *terraform.State) error {
	for _, id := range destroyedIDs(s, "scp_virtual_server") {
		_, err := a.client.GetServer(context.Background(), id)
		if !scp.IsNotFound(err) {
			return fmt.Errorf("server %s still answers after destroy (err %v)", id, err)
		}
	}
	return nil
}

// checkOneDeletePerServer asserts that each destroyed server received exactly one DELETE.
func (a *accTarget) checkOneDeletePerServer(s *terraform.State) error {
	if a.emu == nil {
		return nil
	}
	ids := destroyedIDs(s, "scp_virtual_server")
	if len(ids) == 0 {
		return fmt.Errorf("no server in the final state")
	}
	for _, id := range ids {
		n := 0
		for _, r := range a.requests(scpemu.RouteServerDelete) {
			if r.ServerID == id {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("server %s received %d DELETE requests, want exactly 1", id, n)
		}
	}
	return nil
}

func TestAccVirtualServer_lifecycle(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	deletesBeforeLockedDestroy := 0

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			acc.checkServersGone, acc.checkOneDeletePerServer, func(*terraform.State) error { return acc.checkEveryRequestSigned() }),
		Steps: []resource.TestStep{
			{
				Config: acc.serverConfig("acc-web-1", false, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(serverAddress, "id", idPattern),
					resource.TestCheckResourceAttr(serverAddress, "state", "ACTIVE"),
					resource.TestCheckResourceAttr(serverAddress, "lock", "false"),
					resource.TestMatchResourceAttr(serverAddress, "os_volume_id", idPattern),
					resource.TestCheckResourceAttr(serverAddress, "boot_volume.type", "SSD"),
					resource.TestCheckResourceAttr(serverAddress, "boot_volume.delete_on_termination", "true"),
					resource.TestCheckResourceAttr(serverAddress, "tags.purpose", "acceptance"),
				),
			},
			{
				ResourceName:      serverAddress,
				ImportState:       true,
				ImportStateVerify: true,
				// The server's description does not list the networks it was created with, so an
				// import cannot know them. Tags it does read, from Resource Manager.
				ImportStateVerifyIgnore: []string{"timeouts", "networks"},
			},
			{
				// lock is changed in place, never by replacement.
				Config: acc.serverConfig("acc-web-1", true, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(serverAddress, "lock", "true"),
					func(*terraform.State) error {
						if acc.emu != nil {
							deletesBeforeLockedDestroy = len(acc.requests(scpemu.RouteServerDelete))
						}
						return nil
					},
				),
			},
			{
				// A locked server fails the destroy plan, before any request is sent.
				Config:      acc.serverConfig("acc-web-1", true, ""),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Cannot destroy a locked server.*lock = false`),
			},
			{
				// A replacement of a locked server is refused the same way.
				Config:      acc.serverConfig("acc-web-2", true, ""),
				ExpectError: regexp.MustCompile(`Cannot replace a locked server`),
			},
			{
				PreConfig: func() {
					if acc.emu != nil && len(acc.requests(scpemu.RouteServerDelete)) != deletesBeforeLockedDestroy {
						t.Errorf("a DELETE reached the API although the plan refused to destroy the locked server")
					}
				},
				Config: acc.serverConfig("acc-web-1", false, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionUpdate)},
				},
				Check: resource.TestCheckResourceAttr(serverAddress, "lock", "false"),
			},
		},
	})
}

func TestAccVirtualServer_deleteConflictKeepsState(t *testing.T) {
	acc := emulatorTarget(t, "needs the emulator to connect and disconnect File Storage")
	var serverID string
	config := acc.serverConfig("acc-fs", false, `  file_storage_ids = ["fs-0001"]`)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkServersGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) (err error) {
					serverID, err = resourceAttr(s, serverAddress, "id")
					return err
				},
			},
			{
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Cannot delete the server.*File Storage\s+is\s+connected`),
			},
			{
				// The refused destroy left the server in the state: nothing to create now.
				PreConfig: func() {
					if err := acc.emu.SetServerAttachments(serverID, scpemu.Connections{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionNoop)},
				},
			},
			{
				// Removing file_storage_ids only stops tracking it: no replacement (which would need
				// the very delete SCP refuses while File Storage is connected).
				Config: acc.serverConfig("acc-fs", false, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

func TestAccVirtualServer_deletedOutOfBandIsRecreated(t *testing.T) {
	acc := emulatorTarget(t, "needs the emulator to delete a server out of band")
	var serverID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkServersGone,
		Steps: []resource.TestStep{
			{
				Config: acc.serverConfig("acc-drift", false, ""),
				Check: func(s *terraform.State) (err error) {
					serverID, err = resourceAttr(s, serverAddress, "id")
					return err
				},
			},
			{
				PreConfig: func() {
					if err := acc.emu.DeleteServerOutOfBand(serverID); err != nil {
						t.Fatal(err)
					}
				},
				Config: acc.serverConfig("acc-drift", false, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionCreate)},
				},
				Check: resource.TestCheckResourceAttrWith(serverAddress, "id", func(id string) error {
					if id == serverID {
						return fmt.Errorf("id did not change after the server was recreated")
					}
					return nil
				}),
			},
		},
	})
}

func TestAccProvider_badConfiguration(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	server := `
resource "scp_virtual_server" "test" {
  name           = "x"
  image_id       = "i"
  server_type_id = "t"
  keypair_name   = "k"
  networks       = [{ subnet_id = "n" }]
  boot_volume    = { size = 16 }
}
`
	requireNoRequests := func() {
		if acc.emu != nil && len(acc.emu.Requests()) != 0 {
			t.Errorf("bad input reached the API: %d requests before this step, want none", len(acc.emu.Requests()))
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `provider "scp" { api_version = "1.1" }` + server,
				ExpectError: regexp.MustCompile(`(?s)no longer supported.*2026-05-31`),
			},
			{
				Config:      `provider "scp" { endpoint = "virtualserver.kr-west1.e.samsungsdscloud.com" }` + server,
				ExpectError: regexp.MustCompile(`has no scheme`),
			},
			{
				Config:      acc.config(`resource "scp_virtual_server" "test" {` + "\n" + `name = "bad/name!"` + "\n" + `image_id = "i"` + "\n" + `server_type_id = "t"` + "\n" + `keypair_name = "k"` + "\n" + `networks = [{ subnet_id = "n" }]` + "\n" + `boot_volume = { size = 10 }` + "\n}"),
				ExpectError: regexp.MustCompile(`(?s)SCP cannot create this server.*may\s+contain\s+only\s+letters.*multiples\s+of\s+8`),
			},
			// Everything above and below up to the 401 is refused at validate or plan time: the
			// emulator must not have seen a single request.
			{
				PreConfig:   requireNoRequests,
				Config:      `provider "scp" { api_version = "2.0" }` + server,
				ExpectError: rx(`"2.0" is not a Virtual Server API version this provider knows`, "1.3"),
			},
			{
				PreConfig:   requireNoRequests,
				Config:      `provider "scp" { endpoint = "" }` + server,
				ExpectError: rx("the endpoint is empty"),
			},
			{
				PreConfig:   requireNoRequests,
				Config:      `provider "scp" { endpoint = "ftp://virtualserver.kr-west1.e.samsungsdscloud.com" }` + server,
				ExpectError: rx("must use https://"),
			},
			{
				// Empty strings where an id or a name is required.
				PreConfig: requireNoRequests,
				Config: acc.config(`resource "scp_virtual_server" "test" {` + "\n" + `name = ""` + "\n" + `image_id = ""` + "\n" +
					`server_type_id = ""` + "\n" + `keypair_name = "k"` + "\n" + `networks = [{ subnet_id = "n" }]` + "\n" + `boot_volume = { size = 16 }` + "\n}"),
				ExpectError: regexp.MustCompile(`(?s)(image_id\s+string\s+length\s+must\s+be\s+at\s+least\s+1.*|name\s+string\s+length\s+must\s+be\s+between\s+1\s+and\s+255.*){2}`),
			},
			{
				// Malformed ids in an attachment fail at validate, before any request.
				PreConfig: requireNoRequests,
				Config: acc.config(`resource "scp_volume_attachment" "test" {` + "\n" + `server_id = "not-a-server-id"` + "\n" +
					`volume_id = ""` + "\n}"),
				ExpectError: regexp.MustCompile(`(?s)must\s+be\s+an\s+SCP\s+(server|volume)\s+id.*must\s+be\s+an\s+SCP\s+(server|volume)\s+id`),
			},
			{
				// Empty keys count as unset; with nothing else to fall back on, the error names every place looked at.
				PreConfig: requireNoRequests,
				SkipFunc: func() (bool, error) {
					home, _ := os.UserHomeDir()
					_, statErr := os.Stat(filepath.Join(home, credentialsFileRelPath))
					return acc.emu == nil || os.Getenv("SCP_ACCESS_KEY") != "" || os.Getenv("SCP_TF_ACCESS_KEY") != "" || statErr == nil, nil
				},
				Config:      `provider "scp" {` + "\n" + `endpoint = "` + emuURL(acc) + `"` + "\n" + `access_key = ""` + "\n" + `secret_key = ""` + "\n}" + server,
				ExpectError: rx("No SCP access key was found", "SCP_ACCESS_KEY"),
			},
			{
				PreConfig:     requireNoRequests,
				Config:        acc.config(server),
				ResourceName:  "scp_virtual_server.test",
				ImportState:   true,
				ImportStateId: "web-1",
				ExpectError:   rx("Invalid server id", "is not a server id"),
			},
			{
				PreConfig:     requireNoRequests,
				Config:        acc.config(`resource "scp_volume" "test" {` + "\n" + `name = "data"` + "\n" + `size = 8` + "\n}"),
				ResourceName:  "scp_volume.test",
				ImportState:   true,
				ImportStateId: " ",
				ExpectError:   rx("Invalid volume id", "is not a volume id"),
			},
			{
				PreConfig:   requireNoRequests,
				Config:      `provider "scp" {` + "\n" + `endpoint = "` + emuURL(acc) + `"` + "\n" + `access_key = "wrong-key-123456"` + "\n" + `secret_key = "wrong-secret"` + "\n}" + server,
				ExpectError: regexp.MustCompile(`(?s)401.*wron\*+3456.*provider block`),
				SkipFunc:    func() (bool, error) { return acc.emu == nil, nil },
			},
		},
	})
}

func emuURL(a *accTarget) string {
	if a.emu == nil {
		return "https://unused.invalid"
	}
	return a.emu.URL()
}

// TestAccVirtualServer_firstPlanAfterImport: after an import the provider reads what the API shows
// (server_group_id among it) and user_data_wo is never in the state, so the first plan changes only
// networks, which the API does not show and which is required; applying it sends nothing, and the
// plan after it is empty.
func TestAccVirtualServer_firstPlanAfterImport(t *testing.T) {
	acc := emulatorTarget(t, "needs the emulator's request log")
	const userData = "#!/bin/sh\necho hello\n"
	config := acc.serverConfig("acc-import", false,
		"  server_group_id = \"group-1\"\n  user_data_wo    = \""+strings.ReplaceAll(userData, "\n", `\n`)+"\"")
	var serverID string
	mutations := func() int {
		n := 0
		for _, r := range acc.emu.Requests() {
			if r.Method != http.MethodGet {
				n++
			}
		}
		return n
	}
	var before int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Write-only arguments came with Terraform 1.11 (removed blocks, used below, with 1.7).
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:           acc.checkServersGone,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) (err error) {
					if serverID, err = resourceAttr(s, serverAddress, "id"); err != nil {
						return err
					}
					snap, ok := acc.emu.Server(serverID)
					if want := base64.StdEncoding.EncodeToString([]byte(userData)); !ok || snap.UserData != want {
						return fmt.Errorf("the server was created with user_data %q, want %q (from user_data_wo)", snap.UserData, want)
					}
					if v, _ := resourceAttr(s, serverAddress, "user_data_wo"); v != "" {
						return fmt.Errorf("user_data_wo is in the state: %q", v)
					}
					return nil
				},
			},
			{
				// Forget the server without destroying it ...
				Config: acc.config("removed {\n  from = scp_virtual_server.test\n  lifecycle {\n    destroy = false\n  }\n}\n"),
			},
			{
				// ... then import it as a user would.
				Config:             config,
				PreConfig:          func() { before = mutations() },
				ResourceName:       serverAddress,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return serverID, nil },
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(serverAddress, plancheck.ResourceActionUpdate),
						expectChangedAttributes(serverAddress, "networks"),
					},
				},
				Check: func(*terraform.State) error {
					if n := mutations() - before; n != 0 {
						return fmt.Errorf("the first apply after the import sent %d requests that change something, want none", n)
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// expectChangedAttributes passes when the planned change of serverAddress alters exactly the named
// top-level attributes.
func expectChangedAttributes(address string, want ...string) plancheck.PlanCheck {
	return changedAttributesCheck{address: address, want: want}
}

type changedAttributesCheck struct {
	address string
	want    []string
}

func (c changedAttributesCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var changed []string
		for name, value := range after {
			if isUnknown, _ := unknown[name].(bool); isUnknown || !reflect.DeepEqual(value, before[name]) {
				changed = append(changed, name)
			}
		}
		sort.Strings(changed)
		if !reflect.DeepEqual(changed, c.want) {
			resp.Error = fmt.Errorf("%s: the plan changes %v, want exactly %v", c.address, changed, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.address)
}

// TestAccVirtualServer_createTimeoutSaysHowToKeepTheServer: a create whose wait runs out leaves the
// server in the state, tainted, and the error says so and how to keep it: terraform untaint with
// the address that Terraform prints with the error, or that terraform state list -id prints. The
// destroy that follows at once finds the server still building: SCP refuses that delete (409), and
// the provider waits for the build to end and sends it again, once.
func TestAccVirtualServer_createTimeoutSaysHowToKeepTheServer(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{Latencies: map[scpemu.OpKind]scpemu.Latency{
		scpemu.OpServerCreate: {Base: 30 * time.Second},
	}})
	oneAcceptedDelete := func(s *terraform.State) error {
		if acc.emu == nil {
			return nil
		}
		accepted := 0
		for _, r := range acc.requests(scpemu.RouteServerDelete) {
			switch r.Status {
			case http.StatusAccepted:
				accepted++
			case http.StatusConflict:
			default:
				return fmt.Errorf("a server DELETE was answered %d", r.Status)
			}
		}
		if accepted != 1 {
			return fmt.Errorf("%d server DELETEs were accepted, want 1", accepted)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(acc.checkServersGone, oneAcceptedDelete),
		Steps: []resource.TestStep{{
			Config: acc.serverConfig("acc-slow", false, "  timeouts {\n    create = \"2s\"\n  }"),
			ExpectError: rx("Server did not become ACTIVE", "with scp_virtual_server.test,", "marked tainted",
				"terraform untaint ADDRESS", `after "with"`, "terraform state list -id="),
		}},
	})
}
