package cloudtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// Fixtures is what RunConformance needs to know about one target: what it can create, and what
// the test can observe or inject there. A nil func means the target cannot do it; the checks that
// need it skip and say why.
type Fixtures struct {
	// Prefix starts the name of every object the suite creates, so that a sweeper can find what a
	// failed run left behind.
	Prefix string
	// Server is a server this cloud can create (image, type, key pair, network, boot volume); the
	// suite sets its name.
	Server cloud.ServerSpec
	// VolumeSize is a size this cloud takes for a new data volume; ExtendedSize a larger one.
	VolumeSize, ExtendedSize int64
	// Timeout bounds each wait (default 3 minutes); Poll is the pause between reads (default 200 ms).
	Timeout, Poll time.Duration

	// Sent counts the requests of a mutation (a Cloud method name: CreateVolume, Detach, ...) that
	// reached the API, for the object id (for Create*: every create since newCloud).
	Sent func(method, id string) int
	// MakeBusy makes the server's mutations answered "busy, nothing done" for d.
	MakeBusy func(serverID string, d time.Duration) error
	// ForeignNotFound makes the next read of the volume answer 404 without the API's own error
	// body (as a proxy or a wrong path would).
	ForeignNotFound func(volumeID string) error
	// ListPageSize is the page size the cloud's lists are served in during the run (0: unknown, or
	// too large for the suite's few objects to fill a page).
	ListPageSize int
	// Deviations names checks (subtest paths below RunConformance, e.g. "AttachDetach/NotAttachedIsRejected")
	// this target is known to fail, with the reason; they are skipped with it, so the list is the
	// record of what remains to be fixed.
	Deviations map[string]string
}

func (fx *Fixtures) defaults() {
	if fx.Timeout == 0 {
		fx.Timeout = 3 * time.Minute
	}
	if fx.Poll == 0 {
		fx.Poll = 200 * time.Millisecond
	}
	if fx.VolumeSize == 0 {
		fx.VolumeSize = 8
	}
	if fx.ExtendedSize == 0 {
		fx.ExtendedSize = fx.VolumeSize + 8
	}
}

// RunPrefix is a name prefix unique to this process: "<base>-<6 hex digits>-".
func RunPrefix(base string) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return base + "-" + hex.EncodeToString(b) + "-"
}

// RunConformance holds a cloud.Cloud implementation to the promises of package cloud: operations
// pass through their phases to the final state, Gone only on the API's own 404, each mutation
// sent once, "not attached" reported as Rejected, the system disk marked and never detached, lists
// complete, busy answers classified as busy, the facts complete. newCloud is called once per check, with that check's t;
// every object a check creates is deleted when it ends.
func RunConformance(t *testing.T, newCloud func(t *testing.T) (cloud.Cloud, Fixtures)) {
	checks := []struct {
		name string
		run  func(*conformance)
	}{
		{"VolumeLifecycle", (*conformance).volumeLifecycle},
		{"VolumeExtend", (*conformance).volumeExtend},
		{"UnknownIDsAreGone", (*conformance).unknownIDsAreGone},
		{"ForeignNotFoundIsNotGone", (*conformance).foreignNotFoundIsNotGone},
		{"ServerLifecycle", (*conformance).serverLifecycle},
		{"AttachDetach", (*conformance).attachDetach},
		{"SystemDiskIsMarkedAndKept", (*conformance).systemDisk},
		{"ListsAreComplete", (*conformance).listsAreComplete},
		{"BusyIsBusy", (*conformance).busyIsBusy},
		{"FactsAreComplete", (*conformance).factsAreComplete},
	}
	for _, check := range checks {
		t.Run(check.name, func(t *testing.T) {
			c, fx := newCloud(t)
			fx.defaults()
			run := &conformance{t: t, c: c, fx: fx}
			run.skipIfDeviation(check.name)
			check.run(run)
		})
	}
}

// conformance is one check's cloud and fixtures.
type conformance struct {
	t  *testing.T
	c  cloud.Cloud
	fx Fixtures
	n  int
}

func (r *conformance) skipIfDeviation(name string) {
	if why, ok := r.fx.Deviations[name]; ok {
		r.t.Skipf("known deviation of this target: %s", why)
	}
}

// sub runs a nested check that Deviations can name as "<check>/<name>".
func (r *conformance) sub(name string, f func(t *testing.T)) {
	r.t.Run(name, func(t *testing.T) {
		for key, why := range r.fx.Deviations {
			if strings.HasSuffix(t.Name(), "/"+key) {
				t.Skipf("known deviation of this target: %s", why)
			}
		}
		f(t)
	})
}

func (r *conformance) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.fx.Timeout)
}

func (r *conformance) name(what string) string {
	r.n++
	return fmt.Sprintf("%sconf-%s-%d", r.fx.Prefix, what, r.n)
}

// sentWant is how many times a mutation of an object is to have reached the API.
type sentWant struct {
	method, id string
	n          int
}

// once is a mutation that is to have reached the API exactly once.
func once(method, id string) sentWant { return sentWant{method, id, 1} }

// sentAsWanted checks, where the target counts requests, how often each mutation reached the API.
func (r *conformance) sentAsWanted(wants ...sentWant) {
	r.sub("SentOnce", func(t *testing.T) {
		if r.fx.Sent == nil {
			t.Skip("this target cannot count the requests that reach its API")
		}
		for _, w := range wants {
			if n := r.fx.Sent(w.method, w.id); n != w.n {
				t.Errorf("%s(%s) reached the API %d times, want %d", w.method, w.id, n, w.n)
			}
		}
	})
}
