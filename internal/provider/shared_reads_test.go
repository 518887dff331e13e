package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
)

// slowVolumes holds every Volume read until released, so that reads overlap for certain.
type slowVolumes struct {
	*cloudtest.Fake
	release chan struct{}
}

func (s slowVolumes) Volume(ctx context.Context, id string) (*cloud.Volume, error) {
	<-s.release
	return s.Fake.Volume(ctx, id)
}

func TestSharedReadsAnswerReadersAtTheSameMomentWithOneRequest(t *testing.T) {
	fake := cloudtest.New()
	id := fake.PutVolume(cloud.Volume{Name: "v", Size: 8, Phase: cloud.PhaseAvailable, State: "available"})
	slow := slowVolumes{Fake: fake, release: make(chan struct{})}
	c := newSharedReads(slow)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i%2 == 0 {
				ctx = freshRead(ctx) // a probe may join a read in flight
			}
			if v, err := c.Volume(ctx, id); err != nil || v.ID != id {
				t.Errorf("read %d: %v, %v", i, v, err)
			}
		}()
	}
	for c.inFlight(id) != 1 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others join
	close(slow.release)
	wg.Wait()
	if n := fake.Reads("Volume"); n != 1 {
		t.Errorf("5 readers at once sent %d reads, want 1", n)
	}
}

func TestSharedReadsNeverServeAProbeOrAReadAfterAChangeFromBefore(t *testing.T) {
	fake := cloudtest.New()
	serverID := fake.PutServer(cloud.Server{Name: "s", Phase: cloud.PhaseActive, State: "ACTIVE"})
	id := fake.PutVolume(cloud.Volume{Name: "v", Size: 8, Phase: cloud.PhaseAvailable, State: "available"})
	c := withSharedReads(fake)
	ctx := context.Background()
	read := func(ctx context.Context) {
		if _, err := c.Volume(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	read(ctx)
	read(ctx) // a refresh of the attachment right after the volume's: shared
	if n := fake.Reads("Volume"); n != 1 {
		t.Fatalf("two reads in a row sent %d, want 1", n)
	}
	read(freshRead(ctx)) // a wait's probe: always its own read
	if n := fake.Reads("Volume"); n != 2 {
		t.Fatalf("a probe after a finished read sent %d reads in all, want 2", n)
	}
	if _, err := c.Attach(ctx, serverID, id, false); err != nil {
		t.Fatal(err)
	}
	read(ctx) // after a change: a new read
	if n := fake.Reads("Volume"); n != 3 {
		t.Fatalf("a read after an attach sent %d reads in all, want 3", n)
	}
}

type listingFake struct{ *cloudtest.Fake }

func (listingFake) ListServers(context.Context, cloud.ServerFilter) ([]cloud.Server, error) {
	return nil, nil
}
func (listingFake) ListVolumes(context.Context, cloud.VolumeFilter) ([]cloud.Volume, error) {
	return nil, nil
}

// untaggedLister lists but has no tag calls.
type untaggedLister struct {
	cloud.Cloud
	cloud.Lister
}

func TestSharedReadsKeepTheCloudsOptionalCapabilities(t *testing.T) {
	lister := listingFake{cloudtest.New()}
	for _, tc := range []struct {
		name             string
		c                cloud.Cloud
		wantList, wantTa bool
	}{
		{"tags only", cloudtest.New(), false, true},
		{"lists and tags", lister, true, true},
		{"lists only", untaggedLister{cloudtest.New().WithoutTags("no tags here"), lister}, true, false},
		{"neither", cloudtest.New().WithoutTags("no tags here"), false, false},
	} {
		wrapped := withSharedReads(tc.c)
		if _, ok := cloud.Capability[cloud.Lister](wrapped); ok != tc.wantList {
			t.Errorf("%s: Lister = %v behind the shared reads, want %v", tc.name, ok, tc.wantList)
		}
		if _, ok := cloud.Capability[cloud.Tagger](wrapped); ok != tc.wantTa {
			t.Errorf("%s: Tagger = %v behind the shared reads, want %v", tc.name, ok, tc.wantTa)
		}
	}
}

// inFlight reports how many reads of volume id are in flight (0 or 1), for the tests.
func (s *sharedReads) inFlight(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.volumes[id]; ok {
		select {
		case <-c.done:
		default:
			return 1
		}
	}
	return 0
}
