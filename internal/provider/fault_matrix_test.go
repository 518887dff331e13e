package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
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

// --- the state/emulator invariant ---

// objectSet is what a state or the emulator holds: servers, standalone volumes and attachments
// ("<server_id>/<volume_id>"), by id.
type objectSet struct {
	servers, volumes, attachments map[string]bool
	// bootAttachments (emulator only) link servers to their OS volumes: they exist without being
	// resources, but a configuration may manage one.
	bootAttachments map[string]bool
}

func newObjectSet() objectSet {
	return objectSet{servers: map[string]bool{}, volumes: map[string]bool{}, attachments: map[string]bool{}, bootAttachments: map[string]bool{}}
}

func (o objectSet) add(typ, id string) {
	switch typ {
	case "scp_virtual_server":
		o.servers[id] = true
	case "scp_volume":
		o.volumes[id] = true
	case "scp_volume_attachment":
		o.attachments[id] = true
	}
}

// stateObjects reads a state as the Check functions see it.
func stateObjects(s *terraform.State) objectSet {
	out := newObjectSet()
	if s == nil {
		return out
	}
	for _, m := range s.Modules {
		for _, rs := range m.Resources {
			if rs.Primary != nil {
				out.add(rs.Type, rs.Primary.ID)
			}
		}
	}
	return out
}

// planStateObjects reads the prior state of a plan (terraform show -json).
func planStateObjects(s *tfjson.State) objectSet {
	out := newObjectSet()
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return out
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		for _, r := range m.Resources {
			if id, ok := r.AttributeValues["id"].(string); ok && id != "" {
				out.add(r.Type, id)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(s.Values.RootModule)
	return out
}

// emulatorObjects is what exists in the emulator. A server's OS volume belongs to the server and
// its boot attachment is no resource of its own; every other volume and attachment (attaching,
// attached or detaching) is.
func emulatorObjects(emu *emulator.Emulator) objectSet {
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

// missingFrom lists what a has and b lacks, per kind.
func missingFrom(a, b objectSet) []string {
	var out []string
	for kind, pair := range map[string][2]map[string]bool{
		"server": {a.servers, b.servers}, "volume": {a.volumes, b.volumes}, "attachment": {a.attachments, b.attachments},
	} {
		for id := range pair[0] {
			if !pair[1][id] {
				out = append(out, kind+" "+id)
			}
		}
	}
	sort.Strings(out)
	return out
}

// compareWithEmulator checks the invariant: nothing in the emulator is unknown to the state, and
// with strict (after a successful run) nothing in the state is missing from the emulator.
func compareWithEmulator(emu *emulator.Emulator, state objectSet, strict bool) error {
	// Let in-flight transitions settle, so the comparison sees where each object ends up.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = emu.WaitIdle(ctx)
	inEmu := emulatorObjects(emu)
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

// checkStateMatchesEmulator is the invariant as a step Check, after a successful run.
func (a *accTarget) checkStateMatchesEmulator(s *terraform.State) error {
	return compareWithEmulator(a.emu, stateObjects(s), true)
}

// priorStateCheck is the invariant as a plan check: it sees the refreshed state a failed run left,
// before the step applies anything.
type priorStateCheck struct{ emu *emulator.Emulator }

func (c priorStateCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = compareWithEmulator(c.emu, planStateObjects(req.Plan.PriorState), false)
}

// checkEmulatorEmpty is CheckDestroy for the fault tests: nothing at all is left.
func (a *accTarget) checkEmulatorEmpty(*terraform.State) error {
	if err := compareWithEmulator(a.emu, newObjectSet(), false); err != nil {
		return err
	}
	if n := len(a.emu.Volumes()); n != 0 {
		return fmt.Errorf("%d volumes are left after destroy", n)
	}
	return nil
}

// rx builds a diagnostic pattern from phrases in order. Terraform wraps long lines, so a space in
// a phrase matches any run of white space.
func rx(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// --- the operations ---

type faultOp string

const (
	opCreateServer faultOp = "create_server"
	opDeleteServer faultOp = "delete_server"
	opAttach       faultOp = "attach"
	opDetach       faultOp = "detach"
)

var faultOps = []faultOp{opCreateServer, opDeleteServer, opAttach, opDetach}

// route is the request the operation sends, kind the asynchronous operation it starts.
func (op faultOp) route() emulator.Route {
	return map[faultOp]emulator.Route{
		opCreateServer: emulator.RouteServerCreate, opDeleteServer: emulator.RouteServerDelete,
		opAttach: emulator.RouteVolumeAttach, opDetach: emulator.RouteVolumeDetach,
	}[op]
}

func (op faultOp) kind() emulator.OpKind {
	return map[faultOp]emulator.OpKind{
		opCreateServer: emulator.OpServerCreate, opDeleteServer: emulator.OpServerDelete,
		opAttach: emulator.OpAttach, opDetach: emulator.OpDetach,
	}[op]
}

// faultLayout says which resources a configuration declares.
type faultLayout struct{ server, volume, attachment bool }

// layouts gives the configuration before the operation (nil when there is nothing to set up) and
// the one whose apply performs it.
func (op faultOp) layouts() (before *faultLayout, after faultLayout) {
	switch op {
	case opCreateServer:
		return nil, faultLayout{server: true}
	case opDeleteServer:
		return &faultLayout{server: true}, faultLayout{}
	case opAttach:
		return &faultLayout{server: true, volume: true}, faultLayout{server: true, volume: true, attachment: true}
	default:
		return &faultLayout{server: true, volume: true, attachment: true}, faultLayout{server: true, volume: true}
	}
}

// faultConfig renders a layout. Every wait is bounded by timeout, so a cell can never hang.
func (a *accTarget) faultConfig(name string, l faultLayout, timeout string) string {
	var b strings.Builder
	if l.server {
		fmt.Fprintf(&b, `
resource "scp_virtual_server" "test" {
  name           = %q
%s
  boot_volume    = { size = 16 }
  timeouts {
    create = %[3]q
    delete = %[3]q
  }
}
`, name, a.serverBase(), timeout)
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
	return a.config(b.String())
}

// --- the faults ---

// faultCell is one operation under one fault.
type faultCell struct {
	t     *testing.T
	acc   *accTarget
	op    faultOp
	fired atomic.Bool // set by faults that act from a goroutine
	wg    sync.WaitGroup
}

// addFault installs a request fault on the cell's route.
func (c *faultCell) addFault(f emulator.Fault) {
	c.t.Helper()
	f.Op = c.op.route()
	if _, err := c.acc.emu.AddFault(f); err != nil {
		c.t.Fatal(err)
	}
}

// serverID is the one server of the cell's configuration.
func (c *faultCell) serverID() string {
	c.t.Helper()
	servers := c.acc.emu.Servers()
	if len(servers) != 1 {
		c.t.Fatalf("want one server in the emulator, found %d", len(servers))
	}
	return servers[0].ID
}

// duringWait runs act once the cell's operation has been accepted and is pending.
func (c *faultCell) duringWait(act func(op emulator.OperationRecord) error) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		deadline := time.Now().Add(90 * time.Second)
		for time.Now().Before(deadline) {
			for _, op := range c.acc.emu.Operations() {
				if op.Kind == c.op.kind() && op.Outcome == emulator.OutcomePending {
					time.Sleep(300 * time.Millisecond) // well inside the provider's wait
					if err := act(op); err != nil {
						c.t.Errorf("out-of-band action: %v", err)
					}
					c.fired.Store(true)
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		c.t.Errorf("the %s operation never started", c.op.kind())
	}()
}

// requestsWith counts the cell's route requests that match.
func (c *faultCell) requestsWith(match func(emulator.RequestRecord) bool) int {
	n := 0
	for _, r := range c.acc.requests(c.op.route()) {
		if match(r) {
			n++
		}
	}
	return n
}

// faultCase is one fault, with what each operation is expected to do under it.
type faultCase struct {
	name string
	// install arms the fault just before the run that performs the operation.
	install func(c *faultCell)
	// hit proves the fault really met the operation (otherwise the cell would pass vacuously).
	hit func(c *faultCell) error
	// fails maps an operation to the diagnostic its run ends with; absent means the run succeeds.
	fails map[faultOp]*regexp.Regexp
	// na lists operations the fault cannot apply to, with the reason.
	na map[faultOp]string
	// slowOp stretches the operation's latency so something can happen during its wait.
	slowOp bool
	// timeout bounds the cell's waits ("60s" when empty).
	timeout string
	// destroyConverges marks cells whose failure leaves SCP in a state only a destroy clears (a
	// volume in "error" cannot be attached again).
	destroyConverges map[faultOp]bool
}

func requestFault(f emulator.Fault) (func(*faultCell), func(*faultCell) error) {
	install := func(c *faultCell) { c.addFault(f) }
	hit := func(c *faultCell) error {
		// A request is logged when its answer ends, and a held one ends after the fault's delay.
		for deadline := time.Now().Add(f.Delay + 5*time.Second); ; time.Sleep(50 * time.Millisecond) {
			if c.requestsWith(func(r emulator.RequestRecord) bool { return r.Fault == f.Kind }) > 0 {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("no %s request met the %s fault", c.op.route(), f.Kind)
			}
		}
	}
	return install, hit
}

func faultCases() []faultCase {
	var cases []faultCase
	add := func(fc faultCase) { cases = append(cases, fc) }
	withRequestFault := func(fc faultCase, faults ...emulator.Fault) faultCase {
		fc.install = func(c *faultCell) {
			for _, f := range faults {
				c.addFault(f)
			}
		}
		_, fc.hit = requestFault(faults[0])
		return fc
	}

	createNone := rx("Cannot create the server", "There is none", "applying again is safe")
	attachNone := rx("Cannot attach the volume", "not attached to the server", "applying again is safe")

	add(withRequestFault(faultCase{
		name:  "5xx_burst",
		fails: map[faultOp]*regexp.Regexp{opCreateServer: createNone, opAttach: attachNone},
	},
		emulator.Fault{Kind: emulator.FaultStatus, Status: 500, Count: 1},
		emulator.Fault{Kind: emulator.FaultStatus, Status: 502, Count: 1, NoBody: true},
		emulator.Fault{Kind: emulator.FaultStatus, Status: 503, Count: 1},
		emulator.Fault{Kind: emulator.FaultStatus, Status: 504, Count: 1},
	))
	add(withRequestFault(faultCase{
		name: "5xx_beyond_retries",
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: createNone, opAttach: attachNone,
			opDeleteServer: rx("Cannot delete the server", "503 Service Unavailable"),
			opDetach:       rx("Cannot detach the volume", "503 Service Unavailable"),
		},
	}, emulator.Fault{Kind: emulator.FaultStatus, Status: 503}))
	add(withRequestFault(faultCase{name: "503_after_taking_effect"},
		emulator.Fault{Kind: emulator.FaultStatus, Status: 503, Count: 1, AfterHandler: true}))
	add(withRequestFault(faultCase{name: "429_retry_after"},
		emulator.Fault{Kind: emulator.FaultRateLimit, RetryAfter: 1, Count: 2}))
	add(withRequestFault(faultCase{
		name:  "connection_reset",
		fails: map[faultOp]*regexp.Regexp{opCreateServer: createNone, opAttach: attachNone},
	}, emulator.Fault{Kind: emulator.FaultReset, Count: 1}))
	add(withRequestFault(faultCase{name: "connection_reset_after_taking_effect"},
		emulator.Fault{Kind: emulator.FaultReset, Count: 1, AfterHandler: true}))
	add(withRequestFault(faultCase{
		name:  "hang_past_client_timeout",
		fails: map[faultOp]*regexp.Regexp{opCreateServer: createNone, opAttach: attachNone},
	}, emulator.Fault{Kind: emulator.FaultHang, Count: 1, Delay: hangDelay}))
	add(withRequestFault(faultCase{name: "hang_after_taking_effect"},
		emulator.Fault{Kind: emulator.FaultHang, Count: 1, AfterHandler: true, Delay: hangDelay}))
	add(withRequestFault(faultCase{name: "slow_answers"},
		emulator.Fault{Kind: emulator.FaultSlow, Delay: time.Second, Count: 2}))
	add(withRequestFault(faultCase{
		name: "malformed_json_200",
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: createNone, opAttach: attachNone,
			opDeleteServer: rx("Cannot delete the server", "cannot use", "may or may not have taken effect"),
			opDetach:       rx("Cannot detach the volume", "cannot use", "may or may not have taken effect"),
		},
	}, emulator.Fault{Kind: emulator.FaultMalformedJSON, Count: 1}))
	add(withRequestFault(faultCase{
		name:  "html_502",
		fails: map[faultOp]*regexp.Regexp{opCreateServer: createNone, opAttach: attachNone},
	}, emulator.Fault{Kind: emulator.FaultHTML, Count: 1}))
	add(withRequestFault(faultCase{
		// A 200 with no body is a valid answer to a DELETE, so the provider waits for a deletion
		// that was never accepted, until the resource's delete timeout.
		name:    "empty_body_200",
		timeout: "8s",
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: createNone, opAttach: attachNone,
			opDeleteServer: rx("Server deletion did not finish", "gave up waiting", "stays in the Terraform state"),
			opDetach:       rx("Detach did not finish", "gave up waiting", "stays in the Terraform state"),
		},
	}, emulator.Fault{Kind: emulator.FaultEmptyBody, Count: 1}))

	add(faultCase{
		name: "operation_ends_in_error",
		install: func(c *faultCell) {
			if err := c.acc.emu.FailNext(c.op.kind(), 1); err != nil {
				c.t.Fatal(err)
			}
		},
		hit: func(c *faultCell) error {
			for _, op := range c.acc.emu.Operations() {
				if op.Kind == c.op.kind() && op.Outcome == emulator.OutcomeFailed {
					return nil
				}
			}
			return fmt.Errorf("no %s operation failed", c.op.kind())
		},
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: rx("Server did not become ACTIVE", "went to ERROR while being created"),
			opDeleteServer: rx("Server deletion did not finish", "went to ERROR while being deleted", "stays in the Terraform state"),
			opAttach:       rx("Attach did not finish", `went to state "error"`),
			opDetach:       rx("Detach did not finish", `went to state "error"`, "stays in the Terraform state"),
		},
		destroyConverges: map[faultOp]bool{opAttach: true},
	})

	add(faultCase{
		name: "409_busy_window",
		install: func(c *faultCell) {
			if err := c.acc.emu.SetServerBusy(c.serverID(), 3*time.Second); err != nil {
				c.t.Fatal(err)
			}
		},
		hit: func(c *faultCell) error {
			if c.requestsWith(func(r emulator.RequestRecord) bool { return r.Status == 409 }) == 0 {
				return fmt.Errorf("no %s request was answered 409 busy", c.op.route())
			}
			return nil
		},
		na: map[faultOp]string{opCreateServer: "a server that does not exist yet cannot be busy"},
	})

	add(faultCase{
		name:   "deleted_out_of_band_during_wait",
		slowOp: true,
		install: func(c *faultCell) {
			emu := c.acc.emu
			c.duringWait(func(op emulator.OperationRecord) error {
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
		hit: func(c *faultCell) error {
			if !c.fired.Load() {
				return fmt.Errorf("the out-of-band deletion did not happen during the wait")
			}
			return nil
		},
		fails: map[faultOp]*regexp.Regexp{
			opCreateServer: rx("Server did not become ACTIVE", "disappeared while it was being created"),
			opAttach:       rx("Attach did not finish", "disappeared while being attached"),
		},
	})
	add(faultCase{
		name:   "server_deleted_out_of_band_during_attach",
		slowOp: true,
		install: func(c *faultCell) {
			c.duringWait(func(op emulator.OperationRecord) error { return c.acc.emu.DeleteServerOutOfBand(op.RelatedID) })
		},
		hit: func(c *faultCell) error {
			if !c.fired.Load() {
				return fmt.Errorf("the server was not deleted during the attach")
			}
			return nil
		},
		fails: map[faultOp]*regexp.Regexp{opAttach: rx("Attach did not finish", "did not take effect", "does not list the server")},
		na: map[faultOp]string{
			opCreateServer: "covered by deleted_out_of_band_during_wait", opDeleteServer: "covered by deleted_out_of_band_during_wait",
			opDetach: "a detach from a deleted server is done",
		},
	})

	add(faultCase{
		// The attach takes effect, its answer is lost, and the reads that would tell fail too: the
		// attachment is kept in the state (tainted) rather than risk losing it.
		name:   "lost_answer_then_reads_fail",
		slowOp: true,
		install: func(c *faultCell) {
			c.addFault(emulator.Fault{Kind: emulator.FaultHang, Count: 1, AfterHandler: true, Delay: hangDelay})
			c.duringWait(func(emulator.OperationRecord) error {
				_, err := c.acc.emu.AddFault(emulator.Fault{Op: emulator.RouteVolumeGet, Kind: emulator.FaultStatus, Status: 503})
				return err
			})
		},
		hit: func(c *faultCell) error {
			if !c.fired.Load() {
				return fmt.Errorf("the read faults were not installed during the attach")
			}
			return nil
		},
		fails: map[faultOp]*regexp.Regexp{opAttach: rx("Attach did not finish", "503 Service Unavailable",
			"could not read whether it took effect", "stays in the Terraform state")},
		na: map[faultOp]string{
			opCreateServer: "a server create is looked up by a list, covered by the 5xx cells",
			opDeleteServer: "deletes and detaches are retried, not looked up", opDetach: "deletes and detaches are retried, not looked up",
		},
	})

	add(faultCase{
		name:    "clock_skew_within_window",
		install: func(c *faultCell) { c.acc.emu.SetClockSkew(2 * time.Minute) },
		hit:     func(*faultCell) error { return nil },
	})
	add(faultCase{
		name:    "clock_skew_beyond_window",
		install: func(c *faultCell) { c.acc.emu.SetClockSkew(10 * time.Minute) },
		hit: func(c *faultCell) error {
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

// TestAccFaultMatrix runs every operation under every fault, one resource.Test per cell.
func TestAccFaultMatrix(t *testing.T) {
	for _, fc := range faultCases() {
		for _, op := range faultOps {
			t.Run(fc.name+"/"+string(op), func(t *testing.T) {
				if reason, ok := fc.na[op]; ok {
					t.Skip("not applicable: " + reason)
				}
				runFaultCell(t, fc, op)
			})
		}
	}
}

func runFaultCell(t *testing.T, fc faultCase, op faultOp) {
	cfg := emulator.Config{LatencyScale: faultLatencyScale}
	if fc.slowOp {
		// 3 s at this scale: long enough to act during the wait.
		cfg.Latencies = map[emulator.OpKind]emulator.Latency{op.kind(): {Base: time.Duration(float64(3*time.Second) / faultLatencyScale)}}
	}
	t.Parallel()
	acc := newAccTarget(t, cfg)
	if !acc.needEmulator(t) {
		t.Skip("fault injection needs the emulator")
	}
	cell := &faultCell{t: t, acc: acc, op: op}
	t.Cleanup(cell.wg.Wait)

	timeout := fc.timeout
	if timeout == "" {
		timeout = "60s"
	}
	name := "fault-" + strings.ReplaceAll(fc.name+"-"+string(op), "_", "-")
	before, after := op.layouts()
	expect := fc.fails[op]

	var steps []resource.TestStep
	if before != nil {
		steps = append(steps, resource.TestStep{
			Config: acc.faultConfig(name, *before, timeout),
			Check:  acc.checkStateMatchesEmulator,
		})
	}
	steps = append(steps, resource.TestStep{
		PreConfig: func() { fc.install(cell) },
		Config:    acc.faultConfig(name, after, timeout),
		Check: resource.ComposeAggregateTestCheckFunc(
			acc.checkStateMatchesEmulator,
			func(*terraform.State) error { return fc.hit(cell) },
		),
		ExpectError: expect,
	})
	if expect != nil && !fc.destroyConverges[op] {
		// The failed run must have left state and emulator in agreement (checked on the refreshed
		// prior state), and the same configuration must now converge.
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				cell.wg.Wait()
				if err := fc.hit(cell); err != nil {
					t.Error(err)
				}
				acc.emu.ClearFaults()
				acc.emu.SetClockSkew(0)
			},
			Config: acc.faultConfig(name, after, timeout),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{priorStateCheck{emu: acc.emu}},
			},
			Check: acc.checkStateMatchesEmulator,
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: faultProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if expect != nil && fc.destroyConverges[op] {
				if err := fc.hit(cell); err != nil {
					return err
				}
			}
			return acc.checkEmulatorEmpty(s)
		},
		Steps: steps,
	})
}

// TestAccFaultVolumeCreateAnswerLost covers the volume create the same way: a create whose answer
// is lost after SCP acted is adopted, one SCP never saw fails with a clear diagnostic, and either
// way the state and the emulator agree.
func TestAccFaultVolumeCreateAnswerLost(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  emulator.Fault
		expect *regexp.Regexp
	}{
		{"503_after_taking_effect", emulator.Fault{Kind: emulator.FaultStatus, Status: 503, AfterHandler: true, Count: 1}, nil},
		{"reset_after_taking_effect", emulator.Fault{Kind: emulator.FaultReset, AfterHandler: true, Count: 1}, nil},
		{"hang_after_taking_effect", emulator.Fault{Kind: emulator.FaultHang, AfterHandler: true, Count: 1, Delay: hangDelay}, nil},
		{"503_before", emulator.Fault{Kind: emulator.FaultStatus, Status: 503, Count: 1}, rx("Cannot create the volume", "There is none", "applying again is safe")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acc := newAccTarget(t, emulator.Config{LatencyScale: faultLatencyScale})
			if !acc.needEmulator(t) {
				t.Skip("fault injection needs the emulator")
			}
			config := acc.faultConfig("fault-volume-"+strings.ReplaceAll(tc.name, "_", "-"), faultLayout{volume: true}, "60s")
			steps := []resource.TestStep{{
				PreConfig: func() {
					tc.fault.Op = emulator.RouteVolumeCreate
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
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{priorStateCheck{emu: acc.emu}}},
					Check:            acc.checkStateMatchesEmulator,
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: faultProviderFactories,
				CheckDestroy:             acc.checkEmulatorEmpty,
				Steps:                    steps,
			})
			if n := len(acc.requests(emulator.RouteVolumeCreate)); n != 1+btoi(tc.expect != nil) {
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
