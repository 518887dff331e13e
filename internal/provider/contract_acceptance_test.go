package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// Acceptance tests of what the contract (internal/contract) says the API does and the provider
// must follow: tags through Resource Manager, the OS disk by device name, busy answers whose
// detail is an array, listings past the first page, and 404s that are not SCP's own.

func (a *accTarget) taggedServerAndVolume(tags string) string {
	return a.config(fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name = "acc-tags"
%s
  boot_volume = { size = 16 }
  tags        = %s
}

resource "scp_volume" "test" {
  name = "acc-tags"
  size = 8
  tags = %[2]s
}
`, a.serverBase(), tags))
}

// emulatorTags reads the tags Resource Manager holds for an object, as the emulator sees them.
func emulatorTags(tags []scpemu.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[t.Key] = t.Value
	}
	return out
}

func TestAccContract_tagsChangeInPlaceThroughResourceManager(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	if !acc.needEmulator(t) {
		t.Skip("reads Resource Manager's records in the emulator")
	}
	var serverID, volumeID string
	wantTags := func(want map[string]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			server, _ := acc.emu.Server(serverID)
			volume, _ := acc.emu.Volume(volumeID)
			for what, got := range map[string]map[string]string{"server": emulatorTags(server.Tags), "volume": emulatorTags(volume.Tags)} {
				if fmt.Sprint(got) != fmt.Sprint(want) {
					return fmt.Errorf("Resource Manager holds %v for the %s, want %v", got, what, want)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkEmulatorEmpty,
		Steps: []resource.TestStep{
			{
				Config: acc.taggedServerAndVolume(`{ team = "platform" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.ComposeTestCheckFunc(
						captureAttr("scp_virtual_server.test", "id", &serverID),
						captureAttr("scp_volume.test", "id", &volumeID),
					),
					wantTags(map[string]string{"team": "platform"}),
				),
			},
			{
				// An import of tagged objects reads the tags back, so the plan after it is empty.
				ResourceName: "scp_virtual_server.test", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "networks"},
			},
			{
				ResourceName: "scp_volume.test", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Changing tags updates both in place: no replacement, no inconsistent result.
				Config: acc.taggedServerAndVolume(`{ team = "storage", tier = "gold" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_virtual_server.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("scp_volume.test", plancheck.ResourceActionUpdate),
					// An in-place update shows the state it keeps, not "(known after apply)".
					plancheck.ExpectKnownValue("scp_virtual_server.test", tfjsonpath.New("state"), knownvalue.StringExact("ACTIVE")),
					plancheck.ExpectKnownValue("scp_volume.test", tfjsonpath.New("state"), knownvalue.StringExact("available")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("scp_virtual_server.test", "tags.tier", "gold"),
					resource.TestCheckResourceAttrPtr("scp_virtual_server.test", "id", &serverID),
					resource.TestCheckResourceAttrPtr("scp_volume.test", "id", &volumeID),
					wantTags(map[string]string{"team": "storage", "tier": "gold"}),
				),
			},
			{
				Config:   acc.taggedServerAndVolume(`{ team = "storage", tier = "gold" }`),
				PlanOnly: true,
			},
		},
	})
	if len(acc.requests(scpemu.RouteTagsUpdate)) != 2 {
		t.Errorf("%d tag updates sent, want 2 (one per object, in the tag-change step)", len(acc.requests(scpemu.RouteTagsUpdate)))
	}
}

// dataVolume is a data volume attached to scp_virtual_server.test.
const dataVolume = `
resource "scp_volume" "data" {
  name = "acc-data"
  size = 8
}

resource "scp_volume_attachment" "data" {
  server_id = scp_virtual_server.test.id
  volume_id = scp_volume.data.id
}
`

func TestAccContract_osVolumeFoundByDeviceNotPosition(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{OSVolumeLast: true})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator to list the OS volume last")
	}
	const address = "scp_virtual_server.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkEmulatorEmpty,
		Steps: []resource.TestStep{
			{
				// A data volume attached, so that the server lists two volumes.
				Config: acc.osAttachmentConfig("acc-os-last", false, false, false) + dataVolume,
				Check: func(s *terraform.State) error {
					serverID, err := resourceAttr(s, address, "id")
					if err != nil {
						return err
					}
					osVolumeID, err := resourceAttr(s, address, "os_volume_id")
					if err != nil {
						return err
					}
					server, err := acc.client.GetServer(context.Background(), serverID)
					if err != nil {
						return err
					}
					if len(server.Volumes) < 2 || server.Volumes[0].ID == osVolumeID {
						return fmt.Errorf("the emulator did not list the OS volume last (%+v); the test proves nothing", server.Volumes)
					}
					snapshot, _ := acc.emu.Server(serverID)
					if len(snapshot.Volumes) == 0 || snapshot.Volumes[0].VolumeID != osVolumeID { // the snapshot lists the boot volume first
						return fmt.Errorf("os_volume_id = %s, want the OS disk of %+v", osVolumeID, snapshot.Volumes)
					}
					if data, _ := resourceAttr(s, "scp_volume_attachment.data", "os_volume"); data != "false" {
						return fmt.Errorf("the data attachment has os_volume = %q", data)
					}
					return nil
				},
			},
			func() resource.TestStep {
				// Imported, the OS attachment is known as such although it is listed last.
				step := acc.importOSAttachment(acc.osAttachmentConfig("acc-os-last", false, true, true) + dataVolume)
				step.ImportStateCheck = func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if s.Attributes["os_volume"] == "true" && s.Attributes["device"] == "/dev/vda" {
							return nil
						}
					}
					return fmt.Errorf("no imported attachment is the OS volume on /dev/vda")
				}
				return step
			}(),
			{
				// skip_destroy = true reaches the state, so the destroy forgets the OS attachment.
				Config: acc.osAttachmentConfig("acc-os-last", false, true, true) + dataVolume,
			},
		},
	})
}

func TestAccContract_busyAnswerWithAnArrayDetailIsWaitedOut(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{ErrorDetailArray: true})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator to hold the server busy")
	}
	server := acc.config(fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name = "acc-busy"
%s
  boot_volume = { size = 16 }
}

resource "scp_volume" "data" {
  name = "acc-busy-data"
  size = 8
}
`, acc.serverBase()))
	attachment := `
resource "scp_volume_attachment" "data" {
  server_id = scp_virtual_server.test.id
  volume_id = scp_volume.data.id
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkEmulatorEmpty,
		Steps: []resource.TestStep{
			{Config: server},
			{
				PreConfig: func() {
					// Another volume operation holds the server for a moment: SCP answers 409.
					if err := acc.emu.SetServerBusy(acc.emu.Servers()[0].ID, 1500*time.Millisecond); err != nil {
						t.Fatal(err)
					}
				},
				Config: server + attachment,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Its default, not "(known after apply)".
					plancheck.ExpectKnownValue("scp_volume_attachment.data", tfjsonpath.New("delete_on_termination"), knownvalue.Bool(false)),
				}},
				Check: resource.TestCheckResourceAttr("scp_volume_attachment.data", "os_volume", "false"),
			},
		},
	})
	busy := 0
	for _, r := range acc.requests(scpemu.RouteVolumeAttach) {
		if r.Status == http.StatusConflict {
			busy++
		}
	}
	if busy == 0 {
		t.Errorf("the attach was never answered 409: the test proves nothing")
	}
	if n := len(acc.requests(scpemu.RouteVolumeAttach)); n != busy+1 {
		t.Errorf("%d attach requests for %d busy answers, want exactly one more (the one that worked)", n, busy)
	}
}

func TestAccContract_lostCreateFoundBeyondTheFirstPage(t *testing.T) {
	// Objects made two hours ago are not the one a lost create just made: the emulator's clock is
	// set back while they are created, and forward again for the test.
	var offset atomic.Int64
	acc := newAccTarget(t, scpemu.Config{Clock: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator's clock and faults")
	}
	const name = "acc-many"
	offset.Store(int64(-2 * time.Hour))
	acc.emu.SetClockSkew(2 * time.Hour) // keep the signature check on this machine's time
	for i := 0; i < 22; i++ {
		if _, err := acc.client.CreateVolume(context.Background(), scp.CreateVolumeRequest{Name: name, Size: 8}); err != nil {
			t.Fatal(err)
		}
	}
	offset.Store(0)
	acc.emu.SetClockSkew(0)
	if err := acc.emu.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The create is carried out, but its answer is lost: the provider must find the new volume,
	// 23rd in the listing, past the API's default page of 20.
	if _, err := acc.emu.AddFault(scpemu.Fault{Op: scpemu.RouteVolumeCreate, Kind: scpemu.FaultStatus, Status: 503, AfterHandler: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acc.config(`
resource "scp_volume" "test" {
  name = "` + name + `"
  size = 8
}
`),
			Check: func(s *terraform.State) error {
				id, err := resourceAttr(s, "scp_volume.test", "id")
				if err != nil {
					return err
				}
				if creates := len(acc.requests(scpemu.RouteVolumeCreate)); creates != 23 {
					return fmt.Errorf("%d creates sent, want the 22 of the setup and one", creates)
				}
				volumes := acc.emu.Volumes()
				if len(volumes) != 23 || volumes[22].ID != id {
					return fmt.Errorf("adopted %s, want the newest of %d volumes", id, len(volumes))
				}
				return nil
			},
		}},
	})
}

// plain404 is a server that answers every request with a plain 404 page, as a wrong host, a
// proxy or a path that is not the API would.
func plain404(t *testing.T) string {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.Error(w, "404 page not found", http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAccContract_aStray404NeverEmptiesTheState(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	if !acc.needEmulator(t) {
		t.Skip("needs a local emulator to point away from")
	}
	cred := acc.emu.Credentials()
	body := `
resource "scp_volume" "test" {
  name = "acc-stray-404"
  size = 8
}
`
	elsewhere := func(endpoint string) string {
		return fmt.Sprintf("provider \"scp\" {\n  endpoint   = %q\n  access_key = %q\n  secret_key = %q\n}\n", endpoint, cred.AccessKey, cred.SecretKey) + body
	}
	wrong := plain404(t)
	var volumeID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkVolumesGone,
		Steps: []resource.TestStep{
			{
				Config: acc.config(body),
				Check:  captureAttr("scp_volume.test", "id", &volumeID),
			},
			{
				// A base URL with a path is refused before anything is sent, with the fix in the message.
				Config:      elsewhere(acc.emu.URL() + "/v1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)endpoint.*` + regexp.QuoteMeta(acc.emu.URL()) + `[^/]`),
			},
			{
				// Refresh against a server whose 404s are not SCP's: an error, not "gone".
				Config:      elsewhere(wrong),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot read the volume.*404.*not\s+SCP's\s+error\s+format`),
			},
			{
				// Destroy against it: an error too, and the volume stays in the state.
				Config:      elsewhere(wrong),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)404.*not\s+SCP's\s+error\s+format`),
			},
			{
				// Back at the real endpoint, the state still has the volume: nothing to do.
				Config:   acc.config(body),
				PlanOnly: true,
				Check:    resource.TestCheckResourceAttrPtr("scp_volume.test", "id", &volumeID),
			},
		},
	})
	if _, ok := acc.emu.Volume(volumeID); ok && len(acc.requests(scpemu.RouteVolumeDelete)) != 1 {
		t.Errorf("%d volume deletes reached the emulator, want only the final destroy's", len(acc.requests(scpemu.RouteVolumeDelete)))
	}
	if !strings.HasPrefix(wrong, "http://127.0.0.1") {
		t.Fatalf("the stand-in server must be on loopback, is %s", wrong)
	}
}
