package openstack

import (
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
)

// TestParallelDestroy: the bench's shape. Several servers with attachments, every
// detach and delete sent at once from goroutines sharing one gophercloud client.
func TestParallelDestroy(t *testing.T) {
	ev := newEnv(t, Config{})
	const n = 4
	type pair struct{ server, vol1, vol2 string }
	pairs := make([]pair, n)
	for i := range pairs {
		s := ev.createServer("p")
		v1, v2 := ev.createVolume("a", 1), ev.createVolume("b", 1)
		ev.attach(s.ID, v1.ID)
		ev.attach(s.ID, v2.ID)
		pairs[i] = pair{s.ID, v1.ID, v2.ID}
	}
	ev.e.ResetRequests()
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for _, p := range pairs {
		for _, v := range []string{p.vol1, p.vol2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- volumeattach.Delete(ctx, ev.compute, p.server, v).ExtractErr()
			}()
		}
	}
	wg.Wait()
	for _, p := range pairs {
		for _, v := range []string{p.vol1, p.vol2} {
			ev.waitVolume(v, "available")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- servers.Delete(ctx, ev.compute, p.server).ExtractErr()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	eventually(t, "all servers gone", func() bool { return len(ev.e.Servers()) == 0 })
	if got := ev.count(RouteAttachmentDelete); got != 2*n {
		t.Errorf("%d detach DELETEs, want %d", got, 2*n)
	}
	for _, r := range ev.e.RequestsFor(RouteAttachmentDelete) {
		if r.ServerID == "" || r.VolumeID == "" || r.Status != 202 {
			t.Errorf("record %+v", r)
		}
	}
	if len(ev.e.Volumes()) != 2*n { // the boot volumes went with their servers
		t.Errorf("volumes left %+v", ev.e.Volumes())
	}
}
