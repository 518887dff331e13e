package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

// osFaultOp is one OpenStack call of the matrix.
type osFaultOp string

const (
	osOpCreateServer osFaultOp = "create_server"
	osOpDeleteServer osFaultOp = "delete_server"
	osOpAttach       osFaultOp = "attach"
	osOpDetach       osFaultOp = "detach"
	osOpCreateVolume osFaultOp = "create_volume"
	osOpDeleteVolume osFaultOp = "delete_volume"
)

var osFaultOps = []osFaultOp{osOpCreateServer, osOpDeleteServer, osOpAttach, osOpDetach, osOpCreateVolume, osOpDeleteVolume}

// route is the request the operation sends; kind the asynchronous operation it starts.
func (op osFaultOp) route() osemu.Route {
	return map[osFaultOp]osemu.Route{
		osOpCreateServer: osemu.RouteServerCreate, osOpDeleteServer: osemu.RouteServerDelete,
		osOpAttach: osemu.RouteAttachmentCreate, osOpDetach: osemu.RouteAttachmentDelete,
		osOpCreateVolume: osemu.RouteVolumeCreate, osOpDeleteVolume: osemu.RouteVolumeDelete,
	}[op]
}

func (op osFaultOp) kind() osemu.OpKind {
	return map[osFaultOp]osemu.OpKind{
		osOpCreateServer: osemu.OpServerCreate, osOpDeleteServer: osemu.OpServerDelete,
		osOpAttach: osemu.OpAttach, osOpDetach: osemu.OpDetach,
		osOpCreateVolume: osemu.OpVolumeCreate, osOpDeleteVolume: osemu.OpVolumeDelete,
	}[op]
}

// layouts gives the configuration before the operation (nil: nothing to set up) and the one
// whose apply performs it.
func (op osFaultOp) layouts() (before *faultLayout, after faultLayout) {
	switch op {
	case osOpCreateServer:
		return nil, faultLayout{server: true}
	case osOpDeleteServer:
		return &faultLayout{server: true}, faultLayout{}
	case osOpAttach:
		return &faultLayout{server: true, volume: true}, faultLayout{server: true, volume: true, attachment: true}
	case osOpDetach:
		return &faultLayout{server: true, volume: true, attachment: true}, faultLayout{server: true, volume: true}
	case osOpCreateVolume:
		return nil, faultLayout{volume: true}
	default:
		return &faultLayout{volume: true}, faultLayout{}
	}
}

// osFaultConfig renders a layout for the OpenStack target; every wait is bounded by timeout.
func osFaultConfig(acc *osAcc, name string, l faultLayout, timeout string) string {
	var b strings.Builder
	if l.server {
		fmt.Fprintf(&b, `
resource "scp_virtual_server" "test" {
  name           = %q
  image_id       = %q
  server_type_id = "m1.small"
  keypair_name   = "fault-key"
  networks       = [{ subnet_id = %q }]
  boot_volume    = { size = 16 }
  timeouts {
    create = %[4]q
    delete = %[4]q
  }
}
`, name, osAccImage, osAccNetwork, timeout)
	}
	if l.volume {
		fmt.Fprintf(&b, `
resource "scp_volume" "data" {
  name = "%s-data"
  size = 8
  timeouts {
    create = %[2]q
    delete = %[2]q
  }
}
`, name, timeout)
	}
	if l.attachment {
		fmt.Fprintf(&b, `
resource "scp_volume_attachment" "data" {
  server_id = scp_virtual_server.test.id
  volume_id = scp_volume.data.id
  timeouts {
    create = %[1]q
    delete = %[1]q
  }
}
`, timeout)
	}
	return acc.config(b.String())
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

// osCompareWithEmulator is compareWithEmulator for the OpenStack personality.
func osCompareWithEmulator(emu *osemu.Emulator, state objectSet, strict bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = emu.WaitIdle(ctx)
	if uses := emu.DeprecatedActionUses(); len(uses) > 0 {
		return fmt.Errorf("a deprecated Cinder action was called: %s %s", uses[0].Method, uses[0].Op)
	}
	inEmu := osEmulatorObjects(emu)
	if leaked := missingFrom(inEmu, state); len(leaked) > 0 {
		return fmt.Errorf("the emulator has objects the Terraform state does not know (leaked or dropped): %s", strings.Join(leaked, ", "))
	}
	if strict {
		for id := range inEmu.bootAttachments {
			inEmu.attachments[id] = true
		}
		if gone := missingFrom(state, inEmu); len(gone) > 0 {
			return fmt.Errorf("after a successful run the state holds objects that do not exist: %s", strings.Join(gone, ", "))
		}
	}
	return nil
}

// osPriorStateCheck is the invariant as a plan check of the step after a failed one.
type osPriorStateCheck struct{ emu *osemu.Emulator }

func (c osPriorStateCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = osCompareWithEmulator(c.emu, planStateObjects(req.Plan.PriorState), false)
}

// --- the faults ---

// osFaultCell is one operation under one fault.
type osFaultCell struct {
	t     *testing.T
	acc   *osAcc
	op    osFaultOp
	fired atomic.Bool
	wg    sync.WaitGroup
	// taskEnds is when the task injected by 409_task_state ends.
	taskEnds time.Time
}

func (c *osFaultCell) emu() *osemu.Emulator { return c.acc.emu }

// addFault installs a request fault on the cell's route.
func (c *osFaultCell) addFault(f osemu.Fault) {
	c.t.Helper()
	f.Op = c.op.route()
	if _, err := c.emu().AddFault(f); err != nil {
		c.t.Fatal(err)
	}
}

// requestsWith counts the cell's route requests that match.
func (c *osFaultCell) requestsWith(match func(osemu.RequestRecord) bool) int {
	n := 0
	for _, r := range c.emu().RequestsFor(c.op.route()) {
		if match(r) {
			n++
		}
	}
	return n
}

// serverID is the one server of the cell's configuration.
func (c *osFaultCell) serverID() string {
	c.t.Helper()
	servers := c.emu().Servers()
	if len(servers) != 1 {
		c.t.Fatalf("want one server in the emulator, found %d", len(servers))
	}
	return servers[0].ID
}

// duringWait runs act once the cell's operation has been accepted and is pending.
func (c *osFaultCell) duringWait(act func(op osemu.OperationRecord) error) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, op := range c.emu().Operations() {
				if op.Kind == c.op.kind() && op.Outcome == osemu.OutcomePending {
					time.Sleep(300 * time.Millisecond) // well inside the provider's wait
					if err := act(op); err != nil {
						c.t.Errorf("out-of-band action: %v", err)
					}
					c.fired.Store(true)
					return
				}
			}
		}
		c.t.Errorf("the %s operation never started", c.op.kind())
	}()
}

// osFaultCase is one fault, with what each operation is expected to do under it.
type osFaultCase struct {
	name    string
	install func(c *osFaultCell)
	// hit proves the fault really met the operation.
	hit func(c *osFaultCell) error
	// fails maps an operation to the diagnostic its run ends with; absent means it succeeds.
	fails map[osFaultOp]*regexp.Regexp
	na    map[osFaultOp]string
	// slowOp stretches the operation (3 s) so something can happen during its wait.
	slowOp bool
}

func osRequestFault(f osemu.Fault) (func(*osFaultCell), func(*osFaultCell) error) {
	install := func(c *osFaultCell) { c.addFault(f) }
	hit := func(c *osFaultCell) error {
		// A request is logged when its answer ends, and a held one ends after the fault's delay.
		for deadline := time.Now().Add(f.Delay + 5*time.Second); ; time.Sleep(50 * time.Millisecond) {
			if c.requestsWith(func(r osemu.RequestRecord) bool { return r.Fault == f.Kind }) > 0 {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("no %s request met the %s fault", c.op.route(), f.Kind)
			}
		}
	}
	return install, hit
}

func osFaultCases() []osFaultCase {
	var cases []osFaultCase
	request := func(name string, f osemu.Fault, fails map[osFaultOp]*regexp.Regexp) {
		install, hit := osRequestFault(f)
		cases = append(cases, osFaultCase{name: name, install: install, hit: hit, fails: fails})
	}

	// A create or an attach whose answer is lost is looked up: adopted when it took effect,
	// reported as "there is none" when it did not. A delete or a detach is sent once (OpenStack's
	// DELETEs are not retried on an answer that leaves open whether they acted): the run fails with
	// the API's answer, the object stays in the state, and the next run's refresh tells.
	createServerNone := rx("Cannot create the server", "There is none", "applying again is safe")
	createVolumeNone := rx("Cannot create the volume", "There is none", "applying again is safe")
	attachNone := rx("Cannot attach the volume", "not attached to the server", "applying again is safe")
	mutations := func(answer string) map[osFaultOp]*regexp.Regexp {
		return map[osFaultOp]*regexp.Regexp{
			osOpDeleteServer: rx("Cannot delete the server", "/servers/", answer),
			osOpDetach:       rx("Cannot detach the volume", "/os-volume_attachments/", answer),
			osOpDeleteVolume: rx("Cannot delete the volume", "/volumes/", answer),
		}
	}
	lost := func(answer string) map[osFaultOp]*regexp.Regexp {
		m := mutations(answer)
		m[osOpCreateServer], m[osOpCreateVolume], m[osOpAttach] = createServerNone, createVolumeNone, attachNone
		return m
	}
	const reset = "connection reset by peer"
	request("5xx", osemu.Fault{Kind: osemu.FaultStatus, Status: 503, Count: 1}, lost("503 Service Unavailable"))
	request("5xx_after_taking_effect", osemu.Fault{Kind: osemu.FaultStatus, Status: 502, Count: 1, AfterHandler: true}, mutations("502 Bad Gateway"))
	request("reset", osemu.Fault{Kind: osemu.FaultReset, Count: 1}, lost(reset))
	request("reset_after_taking_effect", osemu.Fault{Kind: osemu.FaultReset, Count: 1, AfterHandler: true}, mutations(reset))
	request("hang", osemu.Fault{Kind: osemu.FaultHang, Count: 1, Delay: osHangDelay}, lost(reset))
	request("hang_after_taking_effect", osemu.Fault{Kind: osemu.FaultHang, Count: 1, AfterHandler: true, Delay: osHangDelay}, mutations(reset))

	cases = append(cases, osFaultCase{
		// Nova refuses an attach or detach while a task runs on the server (409 "... while it is
		// in task_state rebooting"); the provider waits it out and sends the call again, or waits
		// for the server to settle before sending it at all.
		name: "409_task_state",
		install: func(c *osFaultCell) {
			c.taskEnds = time.Now().Add(osTaskDuration)
			if err := c.emu().SetServerTask(c.serverID(), "rebooting", osTaskDuration); err != nil {
				c.t.Fatal(err)
			}
		},
		hit: func(c *osFaultCell) error {
			reqs := c.emu().RequestsFor(c.op.route())
			if len(reqs) == 0 {
				return fmt.Errorf("no %s request was sent", c.op.route())
			}
			for _, r := range reqs {
				if r.Status == 409 {
					return nil
				}
			}
			if reqs[0].Time.Before(c.taskEnds) {
				return fmt.Errorf("%s was sent during the task and not refused with 409 task_state", c.op.route())
			}
			return nil // sent only once the task had ended
		},
		na: map[osFaultOp]string{
			osOpCreateServer: "a server that does not exist yet runs no task", osOpDeleteServer: "Nova deletes a server whatever its task",
			osOpCreateVolume: "a Cinder call, not refused for a server's task", osOpDeleteVolume: "a Cinder call, not refused for a server's task",
		},
	})

	cases = append(cases, osFaultCase{
		name:   "deleted_out_of_band_during_wait",
		slowOp: true,
		install: func(c *osFaultCell) {
			emu := c.emu()
			c.duringWait(func(op osemu.OperationRecord) error {
				switch c.op {
				case osOpCreateServer, osOpDeleteServer:
					return emu.DeleteServerOutOfBand(op.ObjectID)
				case osOpDetach:
					return emu.DetachOutOfBand(op.ObjectID, op.RelatedID, false)
				default: // attach, volume create and delete: the volume goes
					return emu.DeleteVolumeOutOfBand(op.ObjectID)
				}
			})
		},
		hit: func(c *osFaultCell) error {
			if !c.fired.Load() {
				return fmt.Errorf("the out-of-band deletion did not happen during the wait")
			}
			return nil
		},
		fails: map[osFaultOp]*regexp.Regexp{
			osOpCreateServer: rx("Server did not become ACTIVE", "disappeared while it was being created"),
			osOpAttach:       rx("Attach did not finish", "disappeared while being attached"),
			// The volume goes while it is being created: the wait reports the 404. (As of this
			// writing Terraform also reports "Provider returned invalid result object after apply"
			// for scp_volume.data.volume_type, left unknown by the failed create: a provider bug
			// this pattern does not hide from a reader of the test log.)
			osOpCreateVolume: rx("Volume did not become available", "404 Not Found"),
		},
	})
	return cases
}

// TestAccOpenStackFaultMatrix runs every OpenStack call under every fault, one resource.Test per
// cell, cells in parallel (each with its own emulator).
func TestAccOpenStackFaultMatrix(t *testing.T) {
	for _, fc := range osFaultCases() {
		for _, op := range osFaultOps {
			t.Run(fc.name+"/"+string(op), func(t *testing.T) {
				if reason, ok := fc.na[op]; ok {
					t.Skip("not applicable: " + reason)
				}
				runOSFaultCell(t, fc, op)
			})
		}
	}
}

func runOSFaultCell(t *testing.T, fc osFaultCase, op osFaultOp) {
	cfg := osemu.Config{LatencyScale: osFaultLatencyScale}
	if fc.slowOp {
		cfg.Latencies = map[osemu.OpKind]osemu.Latency{op.kind(): {Base: time.Duration(float64(3*time.Second) / osFaultLatencyScale)}}
	}
	t.Parallel()
	acc := newOSAcc(t, cfg)
	cell := &osFaultCell{t: t, acc: acc, op: op}
	t.Cleanup(cell.wg.Wait)

	const timeout = "60s"
	name := "osfault-" + strings.ReplaceAll(fc.name+"-"+string(op), "_", "-")
	before, after := op.layouts()
	expect := fc.fails[op]
	check := func(s *terraform.State) error { return osCompareWithEmulator(acc.emu, stateObjects(s), true) }

	var steps []resource.TestStep
	if before != nil {
		steps = append(steps, resource.TestStep{Config: osFaultConfig(acc, name, *before, timeout), Check: check})
	}
	steps = append(steps, resource.TestStep{
		PreConfig: func() { fc.install(cell) },
		Config:    osFaultConfig(acc, name, after, timeout),
		Check: resource.ComposeAggregateTestCheckFunc(
			check,
			func(*terraform.State) error { return fc.hit(cell) },
		),
		ExpectError: expect,
	})
	if expect != nil {
		// The failed run left state and emulator in agreement (checked on the refreshed prior
		// state), and the same configuration now converges.
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				cell.wg.Wait()
				if err := fc.hit(cell); err != nil {
					t.Error(err)
				}
				acc.emu.ClearFaults()
			},
			Config:           osFaultConfig(acc, name, after, timeout),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{osPriorStateCheck{emu: acc.emu}}},
			Check:            check,
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := osCompareWithEmulator(acc.emu, newObjectSet(), false); err != nil {
				return err
			}
			if n := len(acc.emu.Volumes()); n != 0 {
				return fmt.Errorf("%d volumes are left after destroy", n)
			}
			return nil
		},
		Steps: steps,
	})
}
