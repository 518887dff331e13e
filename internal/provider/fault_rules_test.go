package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
)

// osAttachmentConfig is a server and, when withAttachment, an attachment of its own OS volume. Such
// an attachment is never created (the plan or the apply refuses it): tests import it, as users do.
func (a *accTarget) osAttachmentConfig(name string, lock, withAttachment, skipDestroy bool) string {
	body := fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name           = %q
%s
  lock           = %t
  boot_volume    = { size = 16 }
}
`, name, a.serverBase(), lock)
	if withAttachment {
		body += fmt.Sprintf(`
resource "scp_volume_attachment" "os" {
  server_id    = scp_virtual_server.test.id
  volume_id    = scp_virtual_server.test.os_volume_id
  skip_destroy = %t
}
`, skipDestroy)
	}
	return a.config(body)
}

// importOSAttachment is the step that brings the OS-volume attachment of scp_virtual_server.test
// under management, as the refusal of its create tells users to.
func (a *accTarget) importOSAttachment(config string) resource.TestStep {
	return resource.TestStep{
		Config:             config,
		ResourceName:       "scp_volume_attachment.os",
		ImportState:        true,
		ImportStatePersist: true,
		ImportStateIdFunc: func(s *terraform.State) (string, error) {
			serverID, err := resourceAttr(s, "scp_virtual_server.test", "id")
			if err != nil {
				return "", err
			}
			osVolumeID, err := resourceAttr(s, "scp_virtual_server.test", "os_volume_id")
			return serverID + "/" + osVolumeID, err
		},
	}
}

// readFaults spoils the reads a refresh makes: bursts of 503s, a reset and a hang past the client's
// attempt timeout, on both server and volume reads.
func readFaults(t *testing.T, emu *emulator.Emulator) {
	t.Helper()
	for _, f := range []emulator.Fault{
		{Op: emulator.RouteServerGet, Kind: emulator.FaultStatus, Status: 503, Count: 2},
		{Op: emulator.RouteVolumeGet, Kind: emulator.FaultStatus, Status: 503, Count: 2},
		{Op: emulator.RouteVolumeGet, Kind: emulator.FaultReset, Count: 1},
		{Op: emulator.RouteServerGet, Kind: emulator.FaultHang, Count: 1, Delay: hangDelay},
	} {
		if _, err := emu.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAccFaultPlanTimeRulesHold shows that the plan-time rules (the OS disk is never detached, a
// locked server is never deleted or replaced) hold while reads fail and recover: no fault makes the
// provider send a detach of the OS volume or a DELETE of the locked server.
func TestAccFaultPlanTimeRulesHold(t *testing.T) {
	acc := newAccTarget(t, emulator.Config{LatencyScale: faultLatencyScale})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator's faults and request log")
	}
	nothingSent := func() {
		t.Helper()
		if n := len(acc.requests(emulator.RouteVolumeDetach)); n != 0 {
			t.Errorf("%d detach requests reached the API; the OS disk must never be detached", n)
		}
		if n := len(acc.requests(emulator.RouteServerDelete)); n != 0 {
			t.Errorf("%d server DELETE requests reached the API while the server was locked", n)
		}
	}
	faultsFired := func() {
		t.Helper()
		fired := 0
		for _, r := range acc.emu.Requests() {
			if r.Fault != "" {
				fired++
			}
		}
		if fired == 0 {
			t.Error("no injected fault met a request: the step proved nothing")
		}
		acc.emu.ResetRequests()
		readFaults(t, acc.emu)
	}
	const name = "fault-rules"
	withOS := acc.osAttachmentConfig(name, true, true, false)
	withoutOS := acc.osAttachmentConfig(name, true, false, false)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: faultProviderFactories,
		CheckDestroy:             acc.checkEmulatorEmpty,
		Steps: []resource.TestStep{
			{Config: withoutOS},
			acc.importOSAttachment(withOS),
			{
				Config: withOS,
				Check: resource.ComposeAggregateTestCheckFunc(
					acc.checkStateMatchesEmulator,
					resource.TestCheckResourceAttr("scp_volume_attachment.os", "os_volume", "true"),
					resource.TestCheckResourceAttr("scp_virtual_server.test", "lock", "true"),
				),
			},
			{
				// Removing the block would detach the OS disk.
				PreConfig:   func() { acc.emu.ResetRequests(); readFaults(t, acc.emu) },
				Config:      withoutOS,
				ExpectError: rx("Cannot detach the server's OS disk", "nothing was sent to the API"),
			},
			{
				// Destroying everything would detach the OS disk and delete the locked server; the
				// plan stops at whichever rule Terraform reaches first.
				PreConfig:   faultsFired,
				Config:      withOS,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`Cannot detach the server's OS disk|Cannot destroy a locked server`),
			},
			{
				// Renaming replaces the server: refused while locked.
				PreConfig:   faultsFired,
				Config:      acc.osAttachmentConfig(name+"-renamed", true, true, false),
				ExpectError: rx("Cannot replace a locked server"),
			},
			{
				// Reads that never recover fail the plan; they do not let a detach or a delete through.
				PreConfig: func() {
					faultsFired()
					for _, route := range []emulator.Route{emulator.RouteServerGet, emulator.RouteVolumeGet} {
						if _, err := acc.emu.AddFault(emulator.Fault{Op: route, Kind: emulator.FaultStatus, Status: 503}); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:      withoutOS,
				ExpectError: rx("Cannot read the server", "503 Service Unavailable"),
			},
			{
				// The refused runs left everything as it was: after the faults the plan is empty.
				PreConfig: func() {
					acc.emu.ClearFaults()
					nothingSent()
				},
				Config: withOS,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(), priorStateCheck{matches: acc.agreesWithEmulator},
				}},
			},
			{
				// The way out the diagnostics name: unlock, and forget the attachment without detaching.
				Config: acc.osAttachmentConfig(name, false, true, true),
				Check: func(s *terraform.State) error {
					nothingSent()
					return acc.checkStateMatchesEmulator(s)
				},
			},
		},
	})
	if n := len(acc.requests(emulator.RouteVolumeDetach)); n != 0 {
		t.Errorf("%d detach requests reached the API; skip_destroy must forget the OS attachment without detaching", n)
	}
}

// TestAccFaultUndocumentedBodyOnRead: a read answered 200 with a body that is not the documented
// JSON (truncated JSON, a proxy's HTML page, nothing) fails the refresh with a clear diagnostic and
// keeps the resources in the state; once the answers are right again nothing needs to change.
func TestAccFaultUndocumentedBodyOnRead(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault emulator.Fault
	}{
		{"malformed_json", emulator.Fault{Kind: emulator.FaultMalformedJSON}},
		{"html_200", emulator.Fault{Kind: emulator.FaultHTML, Status: 200}},
		{"empty_body", emulator.Fault{Kind: emulator.FaultEmptyBody}},
	} {
		for _, route := range []emulator.Route{emulator.RouteServerGet, emulator.RouteVolumeGet} {
			t.Run(tc.name+"/"+string(route), func(t *testing.T) {
				t.Parallel()
				acc := newAccTarget(t, emulator.Config{LatencyScale: faultLatencyScale})
				if !acc.needEmulator(t) {
					t.Skip("fault injection needs the emulator")
				}
				config := acc.faultConfig("fault-read", faultLayout{server: true, volume: true, attachment: true}, "60s")
				summary := map[emulator.Route]string{
					emulator.RouteServerGet: "Cannot read the server",
					emulator.RouteVolumeGet: "Cannot read the volume",
				}[route]
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: faultProviderFactories,
					CheckDestroy:             acc.checkEmulatorEmpty,
					Steps: []resource.TestStep{
						{Config: config, Check: acc.checkStateMatchesEmulator},
						{
							PreConfig: func() {
								f := tc.fault
								f.Op = route
								if _, err := acc.emu.AddFault(f); err != nil {
									t.Fatal(err)
								}
							},
							Config:      config,
							ExpectError: rx(summary, "with a body this provider cannot use", "nothing was changed by reading it"),
						},
						{
							PreConfig: acc.emu.ClearFaults,
							Config:    config,
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
								plancheck.ExpectEmptyPlan(), priorStateCheck{matches: acc.agreesWithEmulator},
							}},
							Check: acc.checkStateMatchesEmulator,
						},
					},
				})
			})
		}
	}
}
