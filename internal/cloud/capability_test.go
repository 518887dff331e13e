package cloud_test

import (
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
)

// wrapper stands for any cloud.Cloud that wraps another and adds nothing of its own.
type wrapper struct{ cloud.Cloud }

func (w wrapper) Unwrap() cloud.Cloud { return w.Cloud }

// opaque wraps a cloud without saying what it wraps.
type opaque struct{ cloud.Cloud }

func TestCapabilityLooksThroughWrappers(t *testing.T) {
	t.Parallel()
	fake := cloudtest.New()
	if _, ok := cloud.Capability[cloud.Tagger](fake); !ok {
		t.Fatal("the fake tags, but Capability did not find its Tagger")
	}
	twice := wrapper{wrapper{fake}}
	tagger, ok := cloud.Capability[cloud.Tagger](twice)
	if !ok || tagger != cloud.Tagger(fake) {
		t.Fatalf("through two wrappers: got %v, %v; want the fake's Tagger", tagger, ok)
	}
	if _, ok := cloud.Capability[cloud.Tagger](opaque{fake}); ok {
		t.Fatal("a wrapper without Unwrap hides what it wraps, but Capability found a Tagger")
	}
	if _, ok := cloud.Capability[cloud.Tagger](nil); ok {
		t.Fatal("a nil cloud has no capability")
	}
}
