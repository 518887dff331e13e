package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// The fault matrix: for each of create server, delete server, attach and detach, under each fault
// the emulator can inject, one terraform run either succeeds or fails with a clear diagnostic, the
// Terraform state and the emulator agree afterwards, and the next run converges.
//
// "Agree" has two halves. After any run, everything that exists in the emulator is in the state
// (nothing leaked, nothing that still exists was dropped); after a successful run, everything in the
// state also exists. The check runs after each successful step, and after a failed step as a plan
// check of the next step on the refreshed prior state, before that step changes anything.

// faultAttemptTimeout bounds one HTTP attempt in these tests. The client's default is 60 s, which
// would make every "hang" cell wait a minute; the provider takes the bound from scpProvider.retry,
// which only tests set.
const faultAttemptTimeout = 3 * time.Second

// faultProviderFactories serve a provider whose client gives up on a silent answer after
// faultAttemptTimeout. Everything else is the provider users run.
var faultProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"scp": func() (tfprotov6.ProviderServer, error) {
		p, ok := New("acctest")().(*scpProvider)
		if !ok {
			return nil, fmt.Errorf("New returned %T", New("acctest")())
		}
		p.retry = scp.RetryPolicy{AttemptTimeout: faultAttemptTimeout}
		return providerserver.NewProtocol6WithError(p)()
	},
}

// hangDelay is how long a hanging answer is held: past the client's attempt timeout. (The emulator
// cannot always notice that the client gave up: it does not read an unread request body to find out.)
const hangDelay = faultAttemptTimeout + 2*time.Second

// faultLatencyScale keeps the emulator's operations short (server create 0.3 s, attach 0.15 s).
const faultLatencyScale = 0.2

// --- the state/emulator invariant (fault_harness_test.go) on the SCP personality ---

// emulatorObjects is what exists in the emulator. A server's OS volume belongs to the server and
// its boot attachment is no resource of its own; every other volume and attachment (attaching,
// attached or detaching) is.
func emulatorObjects(emu *scpemu.Emulator) objectSet {
	out := newObjectSet()
	for _, s := range emu.Servers() {
		out.servers[s.ID] = true
	}
	for _, v := range emu.Volumes() {
		if v.OSServerID != "" {
			for _, a := range v.Attachments {
				out.bootAttachments[attachmentID(a.ServerID, a.VolumeID)] = true
			}
			continue
		}
		out.volumes[v.ID] = true
		for _, a := range v.Attachments {
			out.attachments[attachmentID(a.ServerID, a.VolumeID)] = true
		}
	}
	return out
}

// compareWithEmulator checks the invariant (compareObjects) against the SCP emulator.
func compareWithEmulator(emu *scpemu.Emulator, state objectSet, strict bool) error {
	settle(emu.WaitIdle)
	return compareObjects(emulatorObjects(emu), state, strict)
}

// agreesWithEmulator is the invariant against the test's emulator.
func (a *accTarget) agreesWithEmulator(state objectSet, strict bool) error {
	return compareWithEmulator(a.emu, state, strict)
}

// checkStateMatchesEmulator is the invariant as a step Check, after a successful run.
func (a *accTarget) checkStateMatchesEmulator(s *terraform.State) error {
	return a.agreesWithEmulator(stateObjects(s), true)
}

// checkEmulatorEmpty is CheckDestroy for the fault tests: nothing at all is left.
func (a *accTarget) checkEmulatorEmpty(*terraform.State) error {
	return emptyAfterDestroy(a.agreesWithEmulator, func() int { return len(a.emu.Volumes()) })
}

// --- the operations ---

// scpFaultOps are the operations of the SCP matrix; TestAccFault_volumeCreateAnswerLost covers the
// volume create.
var scpFaultOps = []faultOp{opCreateServer, opDeleteServer, opAttach, opDetach}

// faultConfig renders a layout (faultResources) for the target.
func (a *accTarget) faultConfig(name string, l faultLayout, timeout string) string {
	return a.config(faultResources(name, a.serverBase(), l, timeout))
}

// --- the faults ---

// scpFaultCell is one operation under one fault on the SCP emulator.
type scpFaultCell struct {
	cellBase
	acc *accTarget
}

// route is the request the cell's operation sends.
func (c *scpFaultCell) route() scpemu.Route { return faultCalls[c.op].route }

// addFault installs a request fault on the cell's route.
func (c *scpFaultCell) addFault(f scpemu.Fault) {
	c.t.Helper()
	f.Op = c.route()
	if _, err := c.acc.emu.AddFault(f); err != nil {
		c.t.Fatal(err)
	}
}

// requestsWith counts the cell's route requests that match.
func (c *scpFaultCell) requestsWith(match func(scpemu.RequestRecord) bool) int {
	return countWhere(c.acc.requests(c.route()), match)
}

func requestFault(f scpemu.Fault) func(*scpFaultCell) error {
	return func(c *scpFaultCell) error {
		return awaitFaultedRequest(c.route(), f.Kind, f.Delay, func() bool {
			return c.requestsWith(func(r scpemu.RequestRecord) bool { return r.Fault == f.Kind }) > 0
		})
	}
}

func faultCases() []faultCase[*scpFaultCell] {
	var cases []faultCase[*scpFaultCell]
	add := func(fc faultCase[*scpFaultCell]) { cases = append(cases, fc) }
	withRequestFault := func(fc faultCase[*scpFaultCell], faults ...scpemu.Fault) faultCase[*scpFaultCell] {
		fc.install = func(c *scpFaultCell) {
			for _, f := range faults {
				c.addFault(f)
			}
		}
		fc.hit = requestFault(faults[0])
		return fc
	}

	// A create or an attach whose answer is lost is looked up, and found not done when the request
	// did not act; a delete or a detach is retried, and succeeds, unless deletesFail says what it
	// ends with: its summary, then phrases both say.
	createsLookedUp := func() map[faultOp]*regexp.Regexp {
		return map[faultOp]*regexp.Regexp{
			opCreateServer: rx("Cannot create the server", "There is none", "applying again is safe"),
			opAttach:       rx("Cannot attach the volume", "not attached to the server", "applying again is safe"),
		}
	}
	deletesFail := func(deleteSummary, detachSummary string, phrases ...string) map[faultOp]*regexp.Regexp {
		fails := createsLookedUp()
		fails[opDeleteServer] = rx(append([]string{deleteSummary}, phrases...)...)
		fails[opDetach] = rx(append([]string{detachSummary}, phrases...)...)
		return fails
	}

	add(withRequestFault(faultCase[*scpFaultCell]{
		name:  "5xx_burst",
		fails: createsLookedUp(),
	},
		scpemu.Fault{Kind: scpemu.FaultStatus, Status: 500, Count: 1},
		scpemu.Fault{Kind: scpemu.FaultStatus, Status: 502, Count: 1, NoBody: true},
		scpemu.Fault{Kind: scpemu.FaultStatus, Status: 503, Count: 1},
		scpemu.Fault{Kind: scpemu.FaultStatus, Status: 504, Count: 1},
	))
	add(withRequestFault(faultCase[*scpFaultCell]{
		name:  "5xx_beyond_retries",
		fails: deletesFail("Cannot delete the server", "Cannot detach the volume", "503 Service Unavailable"),
	}, scpemu.Fault{Kind: scpemu.FaultStatus, Status: 503}))
	add(withRequestFault(faultCase[*scpFaultCell]{name: "503_after_taking_effect"},
		scpemu.Fault{Kind: scpemu.FaultStatus, Status: 503, Count: 1, AfterHandler: true}))
	add(withRequestFault(faultCase[*scpFaultCell]{name: "429_retry_after"},
		scpemu.Fault{Kind: scpemu.FaultRateLimit, RetryAfter: 1, Count: 2}))
	add(withRequestFault(faultCase[*scpFaultCell]{
		name:  "connection_reset",
		fails: createsLookedUp(),
	}, scpemu.Fault{Kind: scpemu.FaultReset, Count: 1}))
	add(withRequestFault(faultCase[*scpFaultCell]{name: "connection_reset_after_taking_effect"},
		scpemu.Fault{Kind: scpemu.FaultReset, Count: 1, AfterHandler: true}))
	add(withRequestFault(faultCase[*scpFaultCell]{
		name:  "hang_past_client_timeout",
		fails: createsLookedUp(),
	}, scpemu.Fault{Kind: scpemu.FaultHang, Count: 1, Delay: hangDelay}))
	add(withRequestFault(faultCase[*scpFaultCell]{name: "hang_after_taking_effect"},
		scpemu.Fault{Kind: scpemu.FaultHang, Count: 1, AfterHandler: true, Delay: hangDelay}))
	add(withRequestFault(faultCase[*scpFaultCell]{name: "slow_answers"},
		scpemu.Fault{Kind: scpemu.FaultSlow, Delay: time.Second, Count: 2}))
	add(withRequestFault(faultCase[*scpFaultCell]{
		name:  "malformed_json_200",
		fails: deletesFail("Cannot delete the server", "Cannot detach the volume", "cannot use", "may or may not have taken effect"),
	}, scpemu.Fault{Kind: scpemu.FaultMalformedJSON, Count: 1}))
	add(withRequestFault(faultCase[*scpFaultCell]{
		name:  "html_502",
		fails: createsLookedUp(),
	}, scpemu.Fault{Kind: scpemu.FaultHTML, Count: 1}))
	add(withRequestFault(faultCase[*scpFaultCell]{
		// A 200 with no body is a valid answer to a DELETE, so the provider waits for a deletion
		// that was never accepted, until the resource's delete timeout.
		name:    "empty_body_200",
		timeout: "8s",
		fails:   deletesFail("Server deletion did not finish", "Detach did not finish", "gave up waiting", "stays in the Terraform state"),
	}, scpemu.Fault{Kind: scpemu.FaultEmptyBody, Count: 1}))

	add(faultCase[*scpFaultCell]{
		name: "operation_ends_in_error",
		install: func(c *scpFaultCell) {
			if err := c.acc.emu.FailNext(c.kind(), 1); err != nil {
				c.t.Fatal(err)
			}
		},
		hit: func(c *scpFaultCell) error {
			for _, op := range c.acc.emu.Operations() {
				if op.Kind == c.kind() && op.Outcome == scpemu.OutcomeFailed {
					return nil
				}
			}
			return fmt.Errorf("no %s operation failed", c.kind())
		},
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: rx("Server did not become ACTIVE", "went to ERROR while being created"),
			opDeleteServer: rx("Server deletion did not finish", "went to ERROR while being deleted", "stays in the Terraform state"),
			opAttach:       rx("Attach did not finish", `went to state "error"`),
			opDetach:       rx("Detach did not finish", `went to state "error"`, "stays in the Terraform state"),
		},
		destroyConverges: map[faultOp]bool{opAttach: true},
	})

	add(faultCase[*scpFaultCell]{
		name: "409_busy_window",
		install: func(c *scpFaultCell) {
			if err := c.acc.emu.SetServerBusy(theOnly(c.t, "server", c.acc.emu.Servers()).ID, 3*time.Second); err != nil {
				c.t.Fatal(err)
			}
		},
		hit: func(c *scpFaultCell) error {
			if c.requestsWith(func(r scpemu.RequestRecord) bool { return r.Status == 409 }) == 0 {
				return fmt.Errorf("no %s request was answered 409 busy", c.route())
			}
			return nil
		},
		na: map[faultOp]string{opCreateServer: "a server that does not exist yet cannot be busy"},
	})

	add(faultCase[*scpFaultCell]{
		name:   "deleted_out_of_band_during_wait",
		slowOp: true,
		install: func(c *scpFaultCell) {
			emu := c.acc.emu
			c.duringWait(func(op scpemu.OperationRecord) error {
				switch c.op {
				case opCreateServer, opDeleteServer:
					return emu.DeleteServerOutOfBand(op.ObjectID)
				case opAttach:
					return emu.DeleteVolumeOutOfBand(op.ObjectID)
				default:
					return emu.DetachOutOfBand(op.ObjectID, op.RelatedID)
				}
			})
		},
		hit: func(c *scpFaultCell) error { return c.ran("the out-of-band deletion did not happen during the wait") },
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: rx("Server did not become ACTIVE", "disappeared while it was being created"),
			opAttach:       rx("Attach did not finish", "disappeared while being attached"),
		},
	})
	add(faultCase[*scpFaultCell]{
		name:   "server_deleted_out_of_band_during_attach",
		slowOp: true,
		install: func(c *scpFaultCell) {
			c.duringWait(func(op scpemu.OperationRecord) error { return c.acc.emu.DeleteServerOutOfBand(op.RelatedID) })
		},
		hit:   func(c *scpFaultCell) error { return c.ran("the server was not deleted during the attach") },
		fails: map[faultOp]*regexp.Regexp{opAttach: rx("Attach did not finish", "did not take effect", "does not list the server")},
		na: map[faultOp]string{
			opCreateServer: "covered by deleted_out_of_band_during_wait", opDeleteServer: "covered by deleted_out_of_band_during_wait",
			opDetach: "a detach from a deleted server is done",
		},
	})

	add(faultCase[*scpFaultCell]{
		// The attach takes effect, its answer is lost, and the reads that would tell fail too: the
		// attachment is kept in the state (tainted) rather than risk losing it.
		name:   "lost_answer_then_reads_fail",
		slowOp: true,
		install: func(c *scpFaultCell) {
			c.addFault(scpemu.Fault{Kind: scpemu.FaultHang, Count: 1, AfterHandler: true, Delay: hangDelay})
			c.duringWait(func(scpemu.OperationRecord) error {
				_, err := c.acc.emu.AddFault(scpemu.Fault{Op: scpemu.RouteVolumeGet, Kind: scpemu.FaultStatus, Status: 503})
				return err
			})
		},
		hit: func(c *scpFaultCell) error { return c.ran("the read faults were not installed during the attach") },
		fails: map[faultOp]*regexp.Regexp{opAttach: rx("Attach did not finish", "503 Service Unavailable",
			"could not read whether it took effect", "stays in the Terraform state")},
		na: map[faultOp]string{
			opCreateServer: "a server create is looked up by a list, covered by the 5xx cells",
			opDeleteServer: "deletes and detaches are retried, not looked up", opDetach: "deletes and detaches are retried, not looked up",
		},
	})

	add(faultCase[*scpFaultCell]{
		name:    "clock_skew_within_window",
		install: func(c *scpFaultCell) { c.acc.emu.SetClockSkew(2 * time.Minute) },
		hit:     func(*scpFaultCell) error { return nil },
	})
	add(faultCase[*scpFaultCell]{
		name:    "clock_skew_beyond_window",
		install: func(c *scpFaultCell) { c.acc.emu.SetClockSkew(10 * time.Minute) },
		hit: func(c *scpFaultCell) error {
			for _, r := range c.acc.emu.Requests() {
				if r.Status == 401 && strings.Contains(r.AuthError, "timestamp") {
					return nil
				}
			}
			return fmt.Errorf("no request was refused for its timestamp")
		},
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: rx("401 Unauthorized", "timestamp", "clock is right"),
			opDeleteServer: rx("401 Unauthorized", "timestamp", "clock is right"),
			opAttach:       rx("401 Unauthorized", "timestamp", "clock is right"),
			opDetach:       rx("401 Unauthorized", "timestamp", "clock is right"),
		},
	})
	return cases
}

// TestAccFault_matrix runs every operation under every fault, one resource.Test per cell.
func TestAccFault_matrix(t *testing.T) {
	runFaultMatrix(t, faultCases(), scpFaultOps, startSCPFaultCell)
}

// startSCPFaultCell gives a cell its own emulator and the provider whose client gives up on a
// silent answer after faultAttemptTimeout.
func startSCPFaultCell(t *testing.T, fc faultCase[*scpFaultCell], op faultOp) (*scpFaultCell, faultTarget) {
	acc := newAccTarget(t, scpemu.Config{LatencyScale: faultLatencyScale, Latencies: fc.latencies(op, faultLatencyScale)})
	if !acc.needEmulator(t) {
		t.Skip("fault injection needs the emulator")
	}
	name := faultCellName("fault", fc.name, op)
	timeout := cmp.Or(fc.timeout, "60s")
	return &scpFaultCell{cellBase: cellBase{t: t, op: op, operations: acc.emu.Operations}, acc: acc}, faultTarget{
		factories: faultProviderFactories,
		config:    func(l faultLayout) string { return acc.faultConfig(name, l, timeout) },
		matches:   acc.agreesWithEmulator,
		clearFaults: func() {
			acc.emu.ClearFaults()
			acc.emu.SetClockSkew(0)
		},
		volumesLeft: func() int { return len(acc.emu.Volumes()) },
	}
}

// TestAccFault_volumeCreateAnswerLost covers the volume create the same way: a create whose answer
// is lost after SCP acted is adopted, one SCP never saw fails with a clear diagnostic, and either
// way the state and the emulator agree.
func TestAccFault_volumeCreateAnswerLost(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  scpemu.Fault
		expect *regexp.Regexp
	}{
		{"503_after_taking_effect", scpemu.Fault{Kind: scpemu.FaultStatus, Status: 503, AfterHandler: true, Count: 1}, nil},
		{"reset_after_taking_effect", scpemu.Fault{Kind: scpemu.FaultReset, AfterHandler: true, Count: 1}, nil},
		{"hang_after_taking_effect", scpemu.Fault{Kind: scpemu.FaultHang, AfterHandler: true, Count: 1, Delay: hangDelay}, nil},
		{"503_before", scpemu.Fault{Kind: scpemu.FaultStatus, Status: 503, Count: 1}, rx("Cannot create the volume", "There is none", "applying again is safe")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acc := newAccTarget(t, scpemu.Config{LatencyScale: faultLatencyScale})
			if !acc.needEmulator(t) {
				t.Skip("fault injection needs the emulator")
			}
			config := acc.faultConfig("fault-volume-"+strings.ReplaceAll(tc.name, "_", "-"), faultLayout{volume: true}, "60s")
			steps := []resource.TestStep{{
				PreConfig: func() {
					tc.fault.Op = scpemu.RouteVolumeCreate
					if _, err := acc.emu.AddFault(tc.fault); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				ExpectError: tc.expect,
				Check:       acc.checkStateMatchesEmulator,
			}}
			if tc.expect != nil {
				steps = append(steps, resource.TestStep{
					PreConfig:        acc.emu.ClearFaults,
					Config:           config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{priorStateCheck{matches: acc.agreesWithEmulator}}},
					Check:            acc.checkStateMatchesEmulator,
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: faultProviderFactories,
				CheckDestroy:             acc.checkEmulatorEmpty,
				Steps:                    steps,
			})
			if n := len(acc.requests(scpemu.RouteVolumeCreate)); n != 1+btoi(tc.expect != nil) {
				t.Errorf("%d volume creates were sent; a lost answer must never make the provider send the create again", n)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// --- beside the matrix: the plan-time rules and the reads under faults ---

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
func readFaults(t *testing.T, emu *scpemu.Emulator) {
	t.Helper()
	for _, f := range []scpemu.Fault{
		{Op: scpemu.RouteServerGet, Kind: scpemu.FaultStatus, Status: 503, Count: 2},
		{Op: scpemu.RouteVolumeGet, Kind: scpemu.FaultStatus, Status: 503, Count: 2},
		{Op: scpemu.RouteVolumeGet, Kind: scpemu.FaultReset, Count: 1},
		{Op: scpemu.RouteServerGet, Kind: scpemu.FaultHang, Count: 1, Delay: hangDelay},
	} {
		if _, err := emu.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAccFault_planTimeRulesHold shows that the plan-time rules (the OS disk is never detached, a
// locked server is never deleted or replaced) hold while reads fail and recover: no fault makes the
// provider send a detach of the OS volume or a DELETE of the locked server.
func TestAccFault_planTimeRulesHold(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{LatencyScale: faultLatencyScale})
	if !acc.needEmulator(t) {
		t.Skip("needs the emulator's faults and request log")
	}
	nothingSent := func() {
		t.Helper()
		if n := len(acc.requests(scpemu.RouteVolumeDetach)); n != 0 {
			t.Errorf("%d detach requests reached the API; the OS disk must never be detached", n)
		}
		if n := len(acc.requests(scpemu.RouteServerDelete)); n != 0 {
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
					for _, route := range []scpemu.Route{scpemu.RouteServerGet, scpemu.RouteVolumeGet} {
						if _, err := acc.emu.AddFault(scpemu.Fault{Op: route, Kind: scpemu.FaultStatus, Status: 503}); err != nil {
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
	if n := len(acc.requests(scpemu.RouteVolumeDetach)); n != 0 {
		t.Errorf("%d detach requests reached the API; skip_destroy must forget the OS attachment without detaching", n)
	}
}

// TestAccFault_undocumentedBodyOnRead: a read answered 200 with a body that is not the documented
// JSON (truncated JSON, a proxy's HTML page, nothing) fails the refresh with a clear diagnostic and
// keeps the resources in the state; once the answers are right again nothing needs to change.
func TestAccFault_undocumentedBodyOnRead(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault scpemu.Fault
	}{
		{"malformed_json", scpemu.Fault{Kind: scpemu.FaultMalformedJSON}},
		{"html_200", scpemu.Fault{Kind: scpemu.FaultHTML, Status: 200}},
		{"empty_body", scpemu.Fault{Kind: scpemu.FaultEmptyBody}},
	} {
		for _, route := range []scpemu.Route{scpemu.RouteServerGet, scpemu.RouteVolumeGet} {
			t.Run(tc.name+"/"+string(route), func(t *testing.T) {
				t.Parallel()
				acc := newAccTarget(t, scpemu.Config{LatencyScale: faultLatencyScale})
				if !acc.needEmulator(t) {
					t.Skip("fault injection needs the emulator")
				}
				config := acc.faultConfig("fault-read", faultLayout{server: true, volume: true, attachment: true}, "60s")
				summary := map[scpemu.Route]string{
					scpemu.RouteServerGet: "Cannot read the server",
					scpemu.RouteVolumeGet: "Cannot read the volume",
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
