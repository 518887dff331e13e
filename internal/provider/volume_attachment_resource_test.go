package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// attachmentsConfig is a server with one volume and attachment per name in attached, plus volumes
// (unattached) for the names in detached.
func (a *accTarget) attachmentsConfig(attached []string, detached []string) string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name           = "acc-attach"
%s
  boot_volume    = { size = 16 }
}
`, a.serverBase()))
	for _, name := range append(append([]string{}, attached...), detached...) {
		b.WriteString(fmt.Sprintf(`
resource "scp_volume" %[1]q {
  name = "acc-%[1]s"
  size = 8
}
`, name))
	}
	for _, name := range attached {
		b.WriteString(fmt.Sprintf(`
resource "scp_volume_attachment" %[1]q {
  server_id = scp_virtual_server.test.id
  volume_id = scp_volume.%[1]s.id
}
`, name))
	}
	return a.config(b.String())
}

// detachesOf counts the detach DELETEs the emulator received for a volume.
func (a *accTarget) detachesOf(volumeID string) int {
	n := 0
	for _, r := range a.requests(scpemu.RouteVolumeDetach) {
		if r.VolumeID == volumeID {
			n++
		}
	}
	return n
}

// checkDetachedBeforeServerDelete asserts from the request log that every detach was accepted
// before the DELETE of the server it detached from.
func (a *accTarget) checkDetachedBeforeServerDelete(s *terraform.State) error {
	if a.emu == nil {
		return nil
	}
	deleteSeq := map[string]int64{}
	for _, r := range a.requests(scpemu.RouteServerDelete) {
		if r.Status == 202 {
			deleteSeq[r.ServerID] = r.Seq
		}
	}
	for _, r := range a.requests(scpemu.RouteVolumeDetach) {
		if seq, ok := deleteSeq[r.ServerID]; r.Status == 202 && (!ok || r.Seq > seq) {
			return fmt.Errorf("volume %s was detached (request %d) after its server %s was deleted (request %d)", r.VolumeID, r.Seq, r.ServerID, seq)
		}
	}
	for _, id := range destroyedIDs(s, "scp_volume_attachment") {
		_, volumeID, _ := strings.Cut(id, "/")
		if n := a.detachesOf(volumeID); n != 1 {
			return fmt.Errorf("attachment %s received %d detach requests, want exactly 1", id, n)
		}
	}
	return nil
}

func TestAccVolumeAttachment_removeOneOfThree(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	ids := map[string]string{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := acc.checkDetachedBeforeServerDelete(s); err != nil {
				return err
			}
			if err := acc.checkServersGone(s); err != nil {
				return err
			}
			return acc.checkEveryRequestSigned()
		},
		Steps: []resource.TestStep{
			{
				Config: acc.attachmentsConfig([]string{"a", "b", "c"}, nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureIDs(ids, "scp_volume", "a", "b", "c"),
					resource.TestCheckResourceAttr("scp_volume_attachment.a", "os_volume", "false"),
					resource.TestMatchResourceAttr("scp_volume_attachment.a", "device", regexp.MustCompile(`^/dev/vd[b-d]$`)),
					resource.TestCheckResourceAttrPair("scp_volume_attachment.b", "server_id", "scp_virtual_server.test", "id"),
				),
			},
			{
				// Remove b's attachment block; its volume stays.
				Config: acc.attachmentsConfig([]string{"a", "c"}, []string{"b"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("scp_volume_attachment.b", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("scp_volume_attachment.a", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("scp_volume_attachment.c", plancheck.ResourceActionNoop),
					},
				},
				Check: func(*terraform.State) error {
					if acc.emu == nil {
						return nil
					}
					// The step is over only when the detach has finished on the API side.
					if v, _ := acc.emu.Volume(ids["b"]); v.State != "available" || len(v.Attachments) != 0 {
						return fmt.Errorf("volume b is %q with %d attachments right after the apply", v.State, len(v.Attachments))
					}
					if n := acc.detachesOf(ids["b"]); n != 1 {
						return fmt.Errorf("volume b received %d detach requests, want 1", n)
					}
					for _, name := range []string{"a", "c"} {
						if n := acc.detachesOf(ids[name]); n != 0 {
							return fmt.Errorf("volume %s received %d detach requests, want none", name, n)
						}
						if v, _ := acc.emu.Volume(ids[name]); v.State != "in-use" {
							return fmt.Errorf("volume %s is %q, want in-use", name, v.State)
						}
					}
					return nil
				},
			},
			{
				// A refresh reads each object once: 1 server and 3 volumes; the 2 attachments share
				// their volumes' reads.
				PreConfig: func() {
					if acc.emu != nil {
						acc.emu.ResetRequests()
					}
				},
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if acc.emu == nil {
						return nil
					}
					objects := 0
					for _, r := range s.RootModule().Resources {
						if r.Type != "scp_volume_attachment" {
							objects++
						}
					}
					if got := len(acc.emu.Requests()); got != objects {
						return fmt.Errorf("refreshing %d resources sent %d requests, want one per server and volume (%d)",
							len(s.RootModule().Resources), got, objects)
					}
					return nil
				},
			},
		},
	})
}

func TestAccVolumeAttachment_importAndDrift(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	var serverID, volumeID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkServersGone,
		Steps: []resource.TestStep{
			{
				Config: acc.attachmentsConfig([]string{"data"}, nil),
				Check: resource.ComposeTestCheckFunc(
					captureAttr("scp_virtual_server.test", "id", &serverID),
					captureAttr("scp_volume.data", "id", &volumeID),
				),
			},
			{
				ResourceName:            "scp_volume_attachment.data",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:  "scp_volume_attachment.data",
				ImportState:   true,
				ImportStateId: "not-a-server-id/also-bad",
				ExpectError:   regexp.MustCompile(`is not <server_id>/<volume_id>`),
			},
			{
				// Detached behind Terraform's back: the plan re-attaches instead of failing.
				PreConfig: func() {
					if acc.emu == nil {
						return
					}
					if err := acc.emu.DetachOutOfBand(volumeID, serverID); err != nil {
						t.Fatal(err)
					}
				},
				SkipFunc: func() (bool, error) { return acc.emu == nil, nil },
				Config:   acc.attachmentsConfig([]string{"data"}, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("scp_volume_attachment.data", plancheck.ResourceActionCreate)},
				},
				Check: func(*terraform.State) error {
					if v, _ := acc.emu.Volume(volumeID); v.State != "in-use" || len(v.Attachments) != 1 {
						return fmt.Errorf("volume is %q with %d attachments after the re-attach", v.State, len(v.Attachments))
					}
					return nil
				},
			},
		},
	})
}

func testOSVolumeProtection(t *testing.T, cfg scpemu.Config, device *regexp.Regexp) {
	acc := newAccTarget(t, cfg)
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator's request log to prove no detach was sent")
	}
	var serverID, osVolumeID string
	noDetachSent := func() {
		if n := len(acc.requests(scpemu.RouteVolumeDetach)); n != 0 {
			t.Errorf("%d detach requests reached the API; the OS disk must never be detached", n)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkServersGone,
		Steps: []resource.TestStep{
			{
				Config: acc.osAttachmentConfig("acc-os", false, false, false),
				Check: resource.ComposeTestCheckFunc(
					captureAttr("scp_virtual_server.test", "id", &serverID),
					captureAttr("scp_virtual_server.test", "os_volume_id", &osVolumeID),
				),
			},
			{
				// Bring the existing OS-volume attachment under management by import.
				Config:             acc.osAttachmentConfig("acc-os", false, true, false),
				ResourceName:       "scp_volume_attachment.os",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return serverID + "/" + osVolumeID, nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					var imported *terraform.InstanceState
					for _, s := range states {
						if s.ID == serverID+"/"+osVolumeID {
							imported = s
						}
					}
					if imported == nil {
						return fmt.Errorf("the attachment is not among the %d imported instances", len(states))
					}
					if got := imported.Attributes["os_volume"]; got != "true" {
						return fmt.Errorf("os_volume = %q after import, want true", got)
					}
					if got := imported.Attributes["device"]; !device.MatchString(got) {
						return fmt.Errorf("device = %q after import, want %s", got, device)
					}
					return nil
				},
			},
			{
				// Removing the block plans a detach of the OS disk: refused at plan.
				Config:      acc.osAttachmentConfig("acc-os", false, false, false),
				ExpectError: regexp.MustCompile(`(?s)Cannot detach the server's OS disk.*skip_destroy = true.*removed`),
			},
			{
				// So is a full destroy.
				Config:      acc.osAttachmentConfig("acc-os", false, true, false),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`Cannot detach the server's OS disk`),
			},
			{
				PreConfig: noDetachSent,
				Config:    acc.osAttachmentConfig("acc-os", false, true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("scp_volume_attachment.os", plancheck.ResourceActionUpdate)},
				},
			},
			{
				// With skip_destroy the attachment leaves the state; the OS disk stays attached.
				Config: acc.osAttachmentConfig("acc-os", false, false, false),
				Check: func(*terraform.State) error {
					noDetachSent()
					v, ok := acc.emu.Volume(osVolumeID)
					if !ok || len(v.Attachments) != 1 || v.Attachments[0].ServerID != serverID {
						return fmt.Errorf("the OS volume is no longer attached to its server: %+v", v)
					}
					return nil
				},
			},
		},
	})
}

func TestAccVolumeAttachment_osVolumeProtectedAtPlan(t *testing.T) {
	testOSVolumeProtection(t, scpemu.Config{}, regexp.MustCompile(`^/dev/vda$`))
}

// On a SCSI bus the OS disk is /dev/sda: the same protection holds.
func TestAccVolumeAttachment_sdaProtectedAtPlan(t *testing.T) {
	testOSVolumeProtection(t, scpemu.Config{DevicePrefix: "/dev/sd"}, regexp.MustCompile(`^/dev/sda$`))
}

func TestAccVolumeAttachment_tenVolumesInParallel(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("v%d", i)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := acc.checkDetachedBeforeServerDelete(s); err != nil {
				return err
			}
			return acc.checkServersGone(s)
		},
		Steps: []resource.TestStep{
			{
				Config: acc.attachmentsConfig(names, nil),
				Check: func(s *terraform.State) error {
					devices := map[string]bool{}
					for _, name := range names {
						device, err := resourceAttr(s, "scp_volume_attachment."+name, "device")
						if err != nil {
							return err
						}
						if devices[device] {
							return fmt.Errorf("device %s given twice", device)
						}
						devices[device] = true
						if acc.emu == nil {
							continue
						}
						id, _ := resourceAttr(s, "scp_volume."+name, "id")
						if v, _ := acc.emu.Volume(id); v.State != "in-use" {
							return fmt.Errorf("volume %s is %q right after the apply, want in-use", name, v.State)
						}
					}
					return nil
				},
			},
		},
	})
}

// TestOSDiskReason covers the state-only rule: a device of /dev/sda is the system disk even when
// nothing else is known about the volume.
func TestOSDiskReason(t *testing.T) {
	cases := []struct {
		osVolume types.Bool
		device   string
		want     string
	}{
		{types.BoolValue(true), "/dev/vda", "OS default volume"},
		{types.BoolNull(), "/dev/sda", "/dev/sda"},
		{types.BoolValue(false), "/dev/SDA", "/dev/sda"},
		{types.BoolNull(), "/dev/vda", "/dev/vda"},
		{types.BoolValue(false), "/dev/vdb", ""},
		{types.BoolUnknown(), "/dev/sdb", ""},
	}
	for _, tc := range cases {
		got := osDiskReason(volumeAttachmentModel{OSVolume: tc.osVolume, Device: types.StringValue(tc.device)}, (*providerData)(nil).systemDiskDevice)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("os_volume=%v device=%s: reason %q, want %q", tc.osVolume, tc.device, got, tc.want)
		}
	}
}

// TestAccVolumeAttachment_ownOSDiskRefused: an attachment of a server's own OS volume is refused, at
// apply when the ids are not known at plan (the server is made in the same run), and at plan when
// they are; no attach is ever sent, and destroy is not blocked afterwards.
func TestAccVolumeAttachment_ownOSDiskRefused(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator's request log to prove no attach was sent")
	}
	withOS := acc.osAttachmentConfig("acc-own-os", false, true, false)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkEmulatorEmpty,
		Steps: []resource.TestStep{
			{
				Config:      withOS,
				ExpectError: regexp.MustCompile(`(?s)Cannot attach a server's own OS disk.*(plan|apply)\s+stops\s+here.*skip_destroy\s+=\s+true.*terraform\s+import`),
			},
			{
				// Now the server exists and its OS volume id is known: the plan refuses.
				Config:      withOS,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot attach a server's own OS disk.*plan\s+stops\s+here`),
			},
			{
				// The server alone destroys normally.
				Config: acc.osAttachmentConfig("acc-own-os", false, false, false),
			},
		},
	})
	if n := len(acc.requests(scpemu.RouteVolumeAttach)); n != 0 {
		t.Errorf("%d attach requests reached the API; the OS disk must be refused before anything is sent", n)
	}
}
