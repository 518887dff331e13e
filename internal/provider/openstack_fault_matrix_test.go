package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"testing"
	"time"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// The OpenStack fault matrix: the fault matrix of fault_matrix_test.go on the OpenStack
// personality. For each of server create and delete, attach and detach (POST and DELETE
// os-volume_attachments), volume create and delete, under a 5xx, a reset connection and a hanging
// answer (each before and after the endpoint acted), Nova's 409 task_state, and an out-of-band
// delete during the wait, one terraform run either succeeds or fails with a clear diagnostic; the
// Terraform state and the emulator agree after it (objectSet, as for SCP); a failed run is
// followed by one of the same configuration that converges; and no deprecated Cinder action is
// ever called.

// osFaultLatencyScale keeps the emulator's operations short (server create 0.15 s, detach 75 ms).
const osFaultLatencyScale = 0.1

// osHangDelay is how long a hanging answer is held before the connection is dropped. The
// OpenStack client has no per-attempt timeout of its own (gophercloud waits as long as the
// request's context), so a hang is a long silence followed by a lost connection.
const osHangDelay = 3 * time.Second

// osTaskDuration is how long the injected task_state lasts.
const osTaskDuration = 4 * time.Second

// osFaultOps are the operations of the OpenStack matrix.
var osFaultOps = []faultOp{opCreateServer, opDeleteServer, opAttach, opDetach, opCreateVolume, opDeleteVolume}

// osFaultConfig renders a layout (faultResources) for the OpenStack target.
func osFaultConfig(acc *osAcc, name string, l faultLayout, timeout string) string {
	serverArgs := fmt.Sprintf("  image_id       = %q\n  server_type_id = \"m1.small\"\n  keypair_name   = \"fault-key\"\n  networks       = [{ subnet_id = %q }]",
		osAccImage, osAccNetwork)
	return acc.config(faultResources(name, serverArgs, l, timeout))
}

// --- the state/emulator invariant on the OpenStack personality ---

// osEmulatorObjects is what exists in the emulator: servers, volumes other than a server's boot
// volume (which belongs to the server resource), and Nova's mappings of those volumes as
// "<server_id>/<volume_id>", the attachment resource's id. A boot volume whose server is gone is
// an ordinary volume here, so one left behind counts as leaked.
func osEmulatorObjects(emu *osemu.Emulator) objectSet {
	out := newObjectSet()
	boot := map[string]bool{}
	for _, s := range emu.Servers() {
		out.servers[s.ID] = true
		for _, a := range s.Attachments {
			id := s.ID + "/" + a.VolumeID
			if a.Boot {
				boot[a.VolumeID] = true
				out.bootAttachments[id] = true
				continue
			}
			out.attachments[id] = true
		}
	}
	for _, v := range emu.Volumes() {
		if boot[v.ID] {
			continue
		}
		out.volumes[v.ID] = true
		// Cinder's side: a volume Cinder shows attached is an attachment too, even if Nova has
		// dropped its mapping (they agree in everything but an injected os-detach).
		if v.ServerID != "" {
			out.attachments[v.ServerID+"/"+v.ID] = true
		}
	}
	return out
}

// osCompareWithEmulator is compareWithEmulator for the OpenStack personality, which also holds
// that no deprecated Cinder action was called.
func osCompareWithEmulator(emu *osemu.Emulator, state objectSet, strict bool) error {
	settle(emu.WaitIdle)
	if uses := emu.DeprecatedActionUses(); len(uses) > 0 {
		return fmt.Errorf("a deprecated Cinder action was called: %s %s", uses[0].Method, uses[0].Op)
	}
	return compareObjects(osEmulatorObjects(emu), state, strict)
}

// agreesWithEmulator is the invariant against the test's emulator.
func (a *osAcc) agreesWithEmulator(state objectSet, strict bool) error {
	return osCompareWithEmulator(a.emu, state, strict)
}

// --- the faults ---

// osFaultCell is one operation under one fault on the OpenStack emulator.
type osFaultCell struct {
	cellBase
	acc *osAcc
	// taskEnds is when the task injected by 409_task_state ends.
	taskEnds time.Time
}

func (c *osFaultCell) emu() *osemu.Emulator { return c.acc.emu }

// route is the request the cell's operation sends.
func (c *osFaultCell) route() osemu.Route { return faultCalls[c.op].osRoute }

// addFault installs a request fault on the cell's route.
func (c *osFaultCell) addFault(f osemu.Fault) {
	c.t.Helper()
	f.Op = c.route()
	if _, err := c.emu().AddFault(f); err != nil {
		c.t.Fatal(err)
	}
}

// requestsWith counts the cell's route requests that match.
func (c *osFaultCell) requestsWith(match func(osemu.RequestRecord) bool) int {
	return countWhere(c.emu().RequestsFor(c.route()), match)
}

func osRequestFault(f osemu.Fault) (func(*osFaultCell), func(*osFaultCell) error) {
	install := func(c *osFaultCell) { c.addFault(f) }
	hit := func(c *osFaultCell) error {
		return awaitFaultedRequest(c.route(), f.Kind, f.Delay, func() bool {
			return c.requestsWith(func(r osemu.RequestRecord) bool { return r.Fault == f.Kind }) > 0
		})
	}
	return install, hit
}

func osFaultCases() []faultCase[*osFaultCell] {
	var cases []faultCase[*osFaultCell]
	request := func(name string, f osemu.Fault, fails map[faultOp]*regexp.Regexp) {
		install, hit := osRequestFault(f)
		cases = append(cases, faultCase[*osFaultCell]{name: name, install: install, hit: hit, fails: fails})
	}

	// A create or an attach whose answer is lost is looked up: adopted when it took effect,
	// reported as "there is none" when it did not. A delete or a detach is sent once (OpenStack's
	// DELETEs are not retried on an answer that leaves open whether they acted): the run fails with
	// the API's answer, the object stays in the state, and the next run's refresh tells.
	createServerNone := rx("Cannot create the server", "There is none", "applying again is safe")
	createVolumeNone := rx("Cannot create the volume", "There is none", "applying again is safe")
	attachNone := rx("Cannot attach the volume", "not attached to the server", "applying again is safe")
	mutations := func(answer string) map[faultOp]*regexp.Regexp {
		return map[faultOp]*regexp.Regexp{
			opDeleteServer: rx("Cannot delete the server", "/servers/", answer),
			opDetach:       rx("Cannot detach the volume", "/os-volume_attachments/", answer),
			opDeleteVolume: rx("Cannot delete the volume", "/volumes/", answer),
		}
	}
	lost := func(answer string) map[faultOp]*regexp.Regexp {
		m := mutations(answer)
		m[opCreateServer], m[opCreateVolume], m[opAttach] = createServerNone, createVolumeNone, attachNone
		return m
	}
	const reset = "connection reset by peer"
	request("5xx", osemu.Fault{Kind: osemu.FaultStatus, Status: 503, Count: 1}, lost("503 Service Unavailable"))
	request("5xx_after_taking_effect", osemu.Fault{Kind: osemu.FaultStatus, Status: 502, Count: 1, AfterHandler: true}, mutations("502 Bad Gateway"))
	request("reset", osemu.Fault{Kind: osemu.FaultReset, Count: 1}, lost(reset))
	request("reset_after_taking_effect", osemu.Fault{Kind: osemu.FaultReset, Count: 1, AfterHandler: true}, mutations(reset))
	request("hang", osemu.Fault{Kind: osemu.FaultHang, Count: 1, Delay: osHangDelay}, lost(reset))
	request("hang_after_taking_effect", osemu.Fault{Kind: osemu.FaultHang, Count: 1, AfterHandler: true, Delay: osHangDelay}, mutations(reset))

	cases = append(cases, faultCase[*osFaultCell]{
		// Nova refuses an attach or detach while a task runs on the server (409 "... while it is
		// in task_state rebooting"); the provider waits it out and sends the call again, or waits
		// for the server to settle before sending it at all.
		name: "409_task_state",
		install: func(c *osFaultCell) {
			c.taskEnds = time.Now().Add(osTaskDuration)
			if err := c.emu().SetServerTask(theOnly(c.t, "server", c.emu().Servers()).ID, "rebooting", osTaskDuration); err != nil {
				c.t.Fatal(err)
			}
		},
		hit: func(c *osFaultCell) error {
			reqs := c.emu().RequestsFor(c.route())
			if len(reqs) == 0 {
				return fmt.Errorf("no %s request was sent", c.route())
			}
			for _, r := range reqs {
				if r.Status == 409 {
					return nil
				}
			}
			if reqs[0].Time.Before(c.taskEnds) {
				return fmt.Errorf("%s was sent during the task and not refused with 409 task_state", c.route())
			}
			return nil // sent only once the task had ended
		},
		na: map[faultOp]string{
			opCreateServer: "a server that does not exist yet runs no task", opDeleteServer: "Nova deletes a server whatever its task",
			opCreateVolume: "a Cinder call, not refused for a server's task", opDeleteVolume: "a Cinder call, not refused for a server's task",
		},
	})

	cases = append(cases, faultCase[*osFaultCell]{
		name:   "deleted_out_of_band_during_wait",
		slowOp: true,
		install: func(c *osFaultCell) {
			emu := c.emu()
			c.duringWait(func(op osemu.OperationRecord) error {
				switch c.op {
				case opCreateServer, opDeleteServer:
					return emu.DeleteServerOutOfBand(op.ObjectID)
				case opDetach:
					return emu.DetachOutOfBand(op.ObjectID, op.RelatedID, false)
				default: // attach, volume create and delete: the volume goes
					return emu.DeleteVolumeOutOfBand(op.ObjectID)
				}
			})
		},
		hit: func(c *osFaultCell) error { return c.ran("the out-of-band deletion did not happen during the wait") },
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: rx("Server did not become ACTIVE", "disappeared while it was being created"),
			opAttach:       rx("Attach did not finish", "disappeared while being attached"),
			// The volume goes while it is being created: the wait reports the 404. (As of this
			// writing Terraform also reports "Provider returned invalid result object after apply"
			// for scp_volume.data.volume_type, left unknown by the failed create: a provider bug
			// this pattern does not hide from a reader of the test log.)
			opCreateVolume: rx("Volume did not become available", "404 Not Found"),
		},
	})
	return cases
}

// TestAccOpenStack_faultMatrix runs every OpenStack call under every fault, one resource.Test per
// cell, cells in parallel (each with its own emulator).
func TestAccOpenStack_faultMatrix(t *testing.T) {
	skipOnRealOpenStack(t, "the matrix injects faults and latencies")
	runFaultMatrix(t, osFaultCases(), osFaultOps, startOSFaultCell)
}

func startOSFaultCell(t *testing.T, fc faultCase[*osFaultCell], op faultOp) (*osFaultCell, faultTarget) {
	acc := newOSAcc(t, osemu.Config{LatencyScale: osFaultLatencyScale, Latencies: fc.latencies(op, osFaultLatencyScale)})
	name := faultCellName("osfault", fc.name, op)
	return &osFaultCell{cellBase: cellBase{t: t, op: op, operations: acc.emu.Operations}, acc: acc}, faultTarget{
		factories:   protoV6ProviderFactories,
		config:      func(l faultLayout) string { return osFaultConfig(acc, name, l, cmp.Or(fc.timeout, "60s")) },
		matches:     acc.agreesWithEmulator,
		clearFaults: acc.emu.ClearFaults,
		volumesLeft: func() int { return len(acc.emu.Volumes()) },
	}
}
