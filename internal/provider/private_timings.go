package provider

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// What the poller learned travels with the state: each resource keeps, in its private state, a
// short summary of how long its kinds of operation took on its cloud endpoint. Terraform starts a
// new provider process for every command, and where nothing survives between jobs (CI runners,
// HCP Terraform) the timings cache is always empty; the state is not. Every handler that receives
// private state seeds the poller with it before its first wait, so a destroy or a second apply in
// a fresh job schedules its probes from the state alone. The timings cache stays a second source.
//
// The summary holds durations only (no ids, names or credentials), and the endpoint only as a
// hash, so that a state moved to another cloud or region teaches nothing wrong. It is versioned:
// a state without it (written by an older release) or with another version is simply not used.

const (
	privateTimingsKey     = "wait_timings"
	privateTimingsVersion = 1
	// privateSamplesPerKind is how many waits of a kind a resource keeps: the poller schedules from
	// three; a few hundred bytes per resource at most.
	privateSamplesPerKind = 3
)

// Operation kinds kept in each resource's private state: those its own handlers wait for.
var (
	serverTimingKinds     = []string{kindServerCreate, kindServerDelete, kindServerLock}
	volumeTimingKinds     = []string{kindVolumeCreate, kindVolumeDelete, kindVolumeExtend}
	attachmentTimingKinds = []string{kindAttach, kindDetach}
)

// privateTimings is the summary as stored: per kind, brackets [lo_ms, hi_ms] of the end of
// past waits, with a third element 1 for a bracket from a cold wait (coarse).
type privateTimings struct {
	Version  int                  `json:"v"`
	Endpoint string               `json:"e"`
	Kinds    map[string][][]int64 `json:"k"`
	// Pressure is until when (Unix ms) the API's rate limit is expected to bite (see
	// passedPressure); absent when it did not bite lately.
	Pressure int64 `json:"p,omitempty"`
}

// privateGetter and privateSetter are what the framework's request and response Private offer.
type (
	privateGetter interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	privateSetter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

// endpointHash names the endpoint in the summary without spelling it out.
func endpointHash(endpoint string) string {
	sum := sha256.Sum256([]byte(endpoint))
	return hex.EncodeToString(sum[:6])
}

// seedTimings gives the poller what a resource's private state remembers of this endpoint. Any
// problem (no summary, another version or endpoint, damaged data) leaves the poller as it was.
func (d *providerData) seedTimings(ctx context.Context, from privateGetter) {
	if d == nil || d.poller == nil || from == nil {
		return
	}
	raw, diags := from.GetKey(ctx, privateTimingsKey)
	if diags.HasError() || len(raw) == 0 {
		return
	}
	var pt privateTimings
	if err := json.Unmarshal(raw, &pt); err != nil || pt.Version != privateTimingsVersion ||
		pt.Endpoint != endpointHash(d.cloud.Facts().Endpoint) {
		tflog.Debug(ctx, "the private state's operation timings are not for this provider version or endpoint; not used")
		return
	}
	for kind, brackets := range pt.Kinds {
		samples := make([]wait.Sample, 0, len(brackets))
		for _, b := range brackets {
			if len(b) < 2 {
				continue
			}
			samples = append(samples, wait.Sample{
				Lo: time.Duration(b[0]) * time.Millisecond, Hi: time.Duration(b[1]) * time.Millisecond,
				Cold: len(b) > 2 && b[2] == 1,
			})
		}
		d.poller.Seed(kind, samples)
	}
	d.holdPassedPressure(pt.Pressure)
}

// saveTimings writes the poller's summary of kinds into a resource's private state; kinds the
// poller knows nothing of are left out, and nothing is written when it knows none.
func (d *providerData) saveTimings(ctx context.Context, to privateSetter, kinds []string) {
	if d == nil || d.poller == nil || to == nil {
		return
	}
	pt := privateTimings{Version: privateTimingsVersion, Endpoint: endpointHash(d.cloud.Facts().Endpoint), Kinds: map[string][][]int64{}}
	for _, kind := range kinds {
		if picked := summarizeSamples(d.poller.History(kind)); len(picked) > 0 {
			pt.Kinds[kind] = picked
		}
	}
	pt.Pressure = d.pressureToPass()
	if len(pt.Kinds) == 0 && pt.Pressure == 0 {
		return
	}
	raw, err := json.Marshal(pt)
	if err != nil {
		return
	}
	if diags := to.SetKey(ctx, privateTimingsKey, raw); diags.HasError() {
		tflog.Debug(ctx, "could not keep the operation timings in the private state", map[string]any{"error": diags})
	}
}

// carryTimings seeds the poller from a handler's request (nil: none) and returns what writes the
// summary into its response at the end (nil: none), for one line at the top of a handler:
//
//	defer r.data.carryTimings(ctx, req.Private, resp.Private, serverTimingKinds)()
func (d *providerData) carryTimings(ctx context.Context, from privateGetter, to privateSetter, kinds []string) func() {
	d.seedTimings(ctx, from)
	return func() { d.saveTimings(ctx, to, kinds) }
}

// summarizeSamples picks up to privateSamplesPerKind waits that stand for the kind: the brackets
// of learned waits when there are enough (else all), at the low, middle and high ranks of their
// durations, so that a seeded poller spans the same window.
func summarizeSamples(samples []wait.Sample) [][]int64 {
	learned := slices.DeleteFunc(slices.Clone(samples), func(s wait.Sample) bool { return s.Cold })
	if len(learned) >= privateSamplesPerKind {
		samples = learned
	}
	if len(samples) == 0 {
		return nil
	}
	sorted := slices.Clone(samples)
	slices.SortFunc(sorted, func(a, b wait.Sample) int { return cmp.Compare(a.Lo+a.Hi, b.Lo+b.Hi) })
	var out [][]int64
	for i := range min(privateSamplesPerKind, len(sorted)) {
		idx := 0
		if n := min(privateSamplesPerKind, len(sorted)); n > 1 {
			idx = i * (len(sorted) - 1) / (n - 1)
		}
		s := sorted[idx]
		b := []int64{s.Lo.Milliseconds(), max(s.Hi.Milliseconds(), 1)}
		if s.Cold {
			b = append(b, 1)
		}
		out = append(out, b)
	}
	return out
}
