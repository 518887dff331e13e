package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
	"github.com/scp-community/terraform-provider-scp/internal/wait/waittest"
)

// memPrivate stands for a resource's private state (the framework's own type cannot be made
// outside it): what one handler's response writes, the next one's request reads.
type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}
func (m memPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	m[key] = value
	return nil
}

// newProcess is a provider process as Terraform starts one per command: a new poller with the
// cloud's priors, an empty timings cache, on its own fake clock.
func newProcess(t *testing.T) (*providerData, *waittest.Clock) {
	t.Helper()
	fake := cloudtest.New()
	clk := waittest.NewAutoClock(time.Time{})
	return &providerData{
		cloud:  fake,
		poller: wait.New(wait.WithClock(clk), wait.WithSeed(7), wait.WithPriors(WaitPriors(fake.Facts().Name))),
		locks:  newKeyedMutex(),
	}, clk
}

// operation waits for one operation of kind lasting d on the process's clock (reads taking 20 ms)
// and returns the wait's result and how late its end was seen.
func operation(t *testing.T, d *providerData, clk *waittest.Clock, kind string, dur time.Duration) (wait.Result, time.Duration) {
	t.Helper()
	end := clk.Now().Add(dur)
	var seen time.Time
	res, err := d.poller.Wait(context.Background(), kind, func(context.Context) (bool, error) {
		clk.Advance(10 * time.Millisecond)
		done := !clk.Now().Before(end)
		if done && seen.IsZero() {
			seen = clk.Now()
		}
		clk.Advance(10 * time.Millisecond)
		return done, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res, seen.Sub(end)
}

// TestDestroyInANewProcessSchedulesFromTheState: an apply writes what it learned into each
// resource's private state; a destroy in a new process, with no timings cache, reads it back before
// its first wait. A kind the state holds is scheduled from its history at once (the first probe
// jumps to just before the learned end); a kind it does not hold (deletes, after an apply) is
// scheduled from its prior scaled by the pace the state shows, here an emulator 20 times faster
// than the priors. Without the state the same delete is noticed far later.
func TestDestroyInANewProcessSchedulesFromTheState(t *testing.T) {
	apply, clk := newProcess(t)
	serverPrivate, attachmentPrivate := memPrivate{}, memPrivate{}
	for _, dur := range []time.Duration{6 * time.Second, 6500 * time.Millisecond, 5800 * time.Millisecond} {
		operation(t, apply, clk, kindServerCreate, dur)
		apply.saveTimings(context.Background(), serverPrivate, serverTimingKinds)
	}
	for _, dur := range []time.Duration{1500 * time.Millisecond, 1400 * time.Millisecond, 1600 * time.Millisecond} {
		operation(t, apply, clk, kindAttach, dur)
		apply.saveTimings(context.Background(), attachmentPrivate, attachmentTimingKinds)
	}
	for name, p := range map[string]memPrivate{"server": serverPrivate, "attachment": attachmentPrivate} {
		raw := p[privateTimingsKey]
		if len(raw) == 0 || len(raw) > 300 {
			t.Fatalf("%s private state: %d bytes (%s), want a summary of at most 300", name, len(raw), raw)
		}
		if strings.Contains(string(raw), "fake://") {
			t.Errorf("%s private state names the endpoint: %s", name, raw)
		}
	}

	destroy, clk := newProcess(t)
	destroy.seedTimings(context.Background(), attachmentPrivate)
	destroy.seedTimings(context.Background(), serverPrivate)
	if res, _ := operation(t, destroy, clk, kindAttach, 1500*time.Millisecond); !res.Learned || res.Probes > 6 {
		t.Errorf("a kind the state holds: %+v, want its first probe placed by the state's history", res)
	}
	res, late := operation(t, destroy, clk, kindServerDelete, 3*time.Second)
	if late > 3*time.Second*17/100 {
		t.Errorf("a delete after a seeded apply: noticed %v late (%+v), want within ColdFraction of its 3s", late, res)
	}

	unseeded, clk := newProcess(t)
	_, lateUnseeded := operation(t, unseeded, clk, kindServerDelete, 3*time.Second)
	if lateUnseeded <= late {
		t.Errorf("without the state the delete was noticed %v late, with it %v: the state made no difference", lateUnseeded, late)
	}
}

// TestPrivateTimingsFromAnotherReleaseOrCloudAreIgnored: a state written by an older release (no
// summary), a future version, another endpoint or damaged data seeds nothing and breaks nothing.
func TestPrivateTimingsFromAnotherReleaseOrCloudAreIgnored(t *testing.T) {
	d, _ := newProcess(t)
	other := privateTimings{Version: privateTimingsVersion, Endpoint: endpointHash("https://elsewhere"),
		Kinds: map[string][][]int64{kindServerCreate: {{1000, 2000}}}}
	otherRaw, _ := json.Marshal(other)
	future := other
	future.Version, future.Endpoint = privateTimingsVersion+1, endpointHash(d.cloud.Facts().Endpoint)
	futureRaw, _ := json.Marshal(future)
	for name, p := range map[string]memPrivate{
		"older release": {}, "another endpoint": {privateTimingsKey: otherRaw}, "a newer version": {privateTimingsKey: futureRaw},
		"damaged": {privateTimingsKey: []byte(`{"v":1,"k":`)}, "nil": nil,
	} {
		d.seedTimings(context.Background(), p)
		if h := d.poller.History(kindServerCreate); len(h) != 0 {
			t.Errorf("%s: seeded %v", name, h)
		}
	}
	// Nothing learned: nothing written, whatever the response holds.
	out := memPrivate{}
	d.saveTimings(context.Background(), out, serverTimingKinds)
	if len(out) != 0 {
		t.Errorf("wrote %s with nothing learned", out[privateTimingsKey])
	}
	var unconfigured *providerData
	defer unconfigured.carryTimings(context.Background(), memPrivate{}, memPrivate{}, serverTimingKinds)()
}

// TestPrivateTimingsStaySmall: the longest brackets and every kind of the largest resource stay
// within about 300 bytes.
func TestPrivateTimingsStaySmall(t *testing.T) {
	d, _ := newProcess(t)
	for _, kind := range serverTimingKinds {
		var samples []wait.Sample
		for i := range 40 {
			samples = append(samples, wait.Sample{Lo: time.Duration(1000+i) * time.Minute, Hi: time.Duration(1001+i) * time.Minute, Cold: i%2 == 0})
		}
		d.poller.Seed(kind, samples)
	}
	out := memPrivate{}
	d.saveTimings(context.Background(), out, serverTimingKinds)
	if n := len(out[privateTimingsKey]); n == 0 || n > 300 {
		t.Errorf("summary of %d bytes: %s", n, out[privateTimingsKey])
	}
}
