package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// What the two fault matrices share: fault_matrix_test.go runs on the SCP personality of the
// emulator, openstack_fault_matrix_test.go on the OpenStack one. Both check the same invariant,
// perform the same operations with the same configurations, and drive one cell through the same
// terraform runs; only injecting a fault and listing the emulator's objects differ.

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

// settle lets the emulator's in-flight transitions end, so a comparison sees where each object
// ends up.
func settle(waitIdle func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = waitIdle(ctx)
}

// compareObjects checks the invariant: nothing in the emulator is unknown to the state, and with
// strict (after a successful run) nothing in the state is missing from the emulator.
func compareObjects(inEmu, state objectSet, strict bool) error {
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

// stateInvariant is the invariant against one emulator (see compareObjects).
type stateInvariant func(state objectSet, strict bool) error

// priorStateCheck is the invariant as a plan check: it sees the refreshed state a failed run left,
// before the step applies anything.
type priorStateCheck struct{ matches stateInvariant }

func (c priorStateCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.matches(planStateObjects(req.Plan.PriorState), false)
}

// emptyAfterDestroy is the fault tests' CheckDestroy: nothing at all is left, not even a volume
// that no resource declares.
func emptyAfterDestroy(matches stateInvariant, volumesLeft func() int) error {
	if err := matches(newObjectSet(), false); err != nil {
		return err
	}
	if n := volumesLeft(); n != 0 {
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
	opCreateVolume faultOp = "create_volume"
	opDeleteVolume faultOp = "delete_volume"
)

// faultCalls gives, per operation, the asynchronous operation it starts (both personalities name
// their kinds alike) and the request it sends to each personality.
var faultCalls = map[faultOp]struct {
	kind    scpemu.OpKind
	route   scpemu.Route
	osRoute osemu.Route
}{
	opCreateServer: {scpemu.OpServerCreate, scpemu.RouteServerCreate, osemu.RouteServerCreate},
	opDeleteServer: {scpemu.OpServerDelete, scpemu.RouteServerDelete, osemu.RouteServerDelete},
	opAttach:       {scpemu.OpAttach, scpemu.RouteVolumeAttach, osemu.RouteAttachmentCreate},
	opDetach:       {scpemu.OpDetach, scpemu.RouteVolumeDetach, osemu.RouteAttachmentDelete},
	opCreateVolume: {scpemu.OpVolumeCreate, scpemu.RouteVolumeCreate, osemu.RouteVolumeCreate},
	opDeleteVolume: {scpemu.OpVolumeDelete, scpemu.RouteVolumeDelete, osemu.RouteVolumeDelete},
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
	case opDetach:
		return &faultLayout{server: true, volume: true, attachment: true}, faultLayout{server: true, volume: true}
	case opCreateVolume:
		return nil, faultLayout{volume: true}
	default:
		return &faultLayout{volume: true}, faultLayout{}
	}
}

// faultResources renders a layout. serverArgs are the lines of the arguments a server needs on the
// target besides its name and boot volume. Every wait is bounded by timeout, so a cell can never
// hang.
func faultResources(name, serverArgs string, l faultLayout, timeout string) string {
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
`, name, serverArgs, timeout)
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
	return b.String()
}

// faultCellName is the name a cell gives its objects, so that a leak names its cell.
func faultCellName(prefix, fault string, op faultOp) string {
	return prefix + "-" + strings.ReplaceAll(fault+"-"+string(op), "_", "-")
}

// --- the faults ---

// cellBase is what every cell of either matrix has: its test and operation, and the out-of-band
// action some faults run while the provider waits for the operation.
type cellBase struct {
	t  *testing.T
	op faultOp
	// operations is the emulator's operation log.
	operations func() []scpemu.OperationRecord
	fired      atomic.Bool // set once the out-of-band action has run
	wg         sync.WaitGroup
}

// kind is the asynchronous operation the cell's operation starts.
func (c *cellBase) kind() scpemu.OpKind { return faultCalls[c.op].kind }

// waitOutOfBand waits for the cell's out-of-band action to end.
func (c *cellBase) waitOutOfBand() { c.wg.Wait() }

// ran is nil once the out-of-band action has run, and failure otherwise.
func (c *cellBase) ran(failure string) error {
	if !c.fired.Load() {
		return errors.New(failure)
	}
	return nil
}

// duringWait runs act, from a goroutine, once the cell's operation has been accepted and is
// pending.
func (c *cellBase) duringWait(act func(op scpemu.OperationRecord) error) {
	kind := c.kind()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, op := range c.operations() {
				if op.Kind == kind && op.Outcome == scpemu.OutcomePending {
					time.Sleep(300 * time.Millisecond) // well inside the provider's wait
					if err := act(op); err != nil {
						c.t.Errorf("out-of-band action: %v", err)
					}
					c.fired.Store(true)
					return
				}
			}
		}
		c.t.Errorf("the %s operation never started", kind)
	}()
}

// awaitFaultedRequest polls until met sees a request of route that the fault of kind met. A
// request is logged when its answer ends, and a held one ends after the fault's delay.
func awaitFaultedRequest[R ~string](route R, kind scpemu.FaultKind, delay time.Duration, met func() bool) error {
	for deadline := time.Now().Add(delay + 5*time.Second); ; time.Sleep(50 * time.Millisecond) {
		if met() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no %s request met the %s fault", route, kind)
		}
	}
}

// countWhere counts the records that match.
func countWhere[R any](records []R, match func(R) bool) int {
	n := 0
	for _, r := range records {
		if match(r) {
			n++
		}
	}
	return n
}

// theOnly is the one record a cell's configuration allows, such as its server.
func theOnly[R any](t *testing.T, what string, records []R) R {
	t.Helper()
	if len(records) != 1 {
		t.Fatalf("want one %s in the emulator, found %d", what, len(records))
	}
	return records[0]
}

// faultCase is one fault, with what each operation is expected to do under it; C is the
// personality's cell.
type faultCase[C faultCell] struct {
	name string
	// install arms the fault just before the run that performs the operation.
	install func(c C)
	// hit proves the fault really met the operation (otherwise the cell would pass vacuously).
	hit func(c C) error
	// fails maps an operation to the diagnostic its run ends with; absent means the run succeeds.
	fails map[faultOp]*regexp.Regexp
	// na lists operations the fault cannot apply to, with the reason.
	na map[faultOp]string
	// slowOp stretches the operation to 3 s so that something can happen during its wait.
	slowOp bool
	// timeout bounds the cell's waits ("60s" when empty).
	timeout string
	// destroyConverges marks cells whose failure leaves the cloud in a state only a destroy clears
	// (a volume in "error" cannot be attached again), so no converging run follows it.
	destroyConverges map[faultOp]bool
}

// latencies are the emulator latencies the cell needs at scale: none, or its operation stretched.
func (fc faultCase[C]) latencies(op faultOp, scale float64) map[scpemu.OpKind]scpemu.Latency {
	if !fc.slowOp {
		return nil
	}
	return map[scpemu.OpKind]scpemu.Latency{faultCalls[op].kind: {Base: time.Duration(float64(3*time.Second) / scale)}}
}

// faultTarget is what one cell's runs need of the emulator personality behind them.
type faultTarget struct {
	factories map[string]func() (tfprotov6.ProviderServer, error)
	// config renders a layout for the target.
	config  func(l faultLayout) string
	matches stateInvariant
	// clearFaults restores the right answers before the converging run.
	clearFaults func()
	volumesLeft func() int
}

// faultCell is what the matrix runner needs of a personality's cell.
type faultCell interface{ waitOutOfBand() }

// runFaultMatrix runs every operation under every fault, one resource.Test per cell, cells in
// parallel; start gives each cell its own emulator.
func runFaultMatrix[C faultCell](t *testing.T, cases []faultCase[C], ops []faultOp, start func(*testing.T, faultCase[C], faultOp) (C, faultTarget)) {
	for _, fc := range cases {
		for _, op := range ops {
			t.Run(fc.name+"/"+string(op), func(t *testing.T) {
				if reason, ok := fc.na[op]; ok {
					t.Skip("not applicable: " + reason)
				}
				t.Parallel()
				cell, target := start(t, fc, op)
				t.Cleanup(cell.waitOutOfBand)
				fc.run(t, op, cell, target)
			})
		}
	}
}

// run is one cell as Terraform runs it: the configuration before the operation is applied, the
// fault is armed, and the configuration that performs the operation either applies or fails with
// the expected diagnostic; after a failure the state it left is checked and the same configuration
// applied again, to converge.
func (fc faultCase[C]) run(t *testing.T, op faultOp, cell C, target faultTarget) {
	before, after := op.layouts()
	expect := fc.fails[op]
	check := func(s *terraform.State) error { return target.matches(stateObjects(s), true) }
	hit := func(*terraform.State) error { return fc.hit(cell) }

	var steps []resource.TestStep
	if before != nil {
		steps = append(steps, resource.TestStep{Config: target.config(*before), Check: check})
	}
	steps = append(steps, resource.TestStep{
		PreConfig:   func() { fc.install(cell) },
		Config:      target.config(after),
		Check:       resource.ComposeAggregateTestCheckFunc(check, hit),
		ExpectError: expect,
	})
	if expect != nil && !fc.destroyConverges[op] {
		// The failed run must have left state and emulator in agreement (checked on the refreshed
		// prior state), and the same configuration must now converge.
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				cell.waitOutOfBand()
				if err := fc.hit(cell); err != nil {
					t.Error(err)
				}
				target.clearFaults()
			},
			Config:           target.config(after),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{priorStateCheck{matches: target.matches}}},
			Check:            check,
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: target.factories,
		CheckDestroy: func(s *terraform.State) error {
			if expect != nil && fc.destroyConverges[op] {
				if err := hit(s); err != nil {
					return err
				}
			}
			return emptyAfterDestroy(target.matches, target.volumesLeft)
		},
		Steps: steps,
	})
}
