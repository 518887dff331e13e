package scp

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentClients hammers one emulator from many goroutines; run with -race.
func TestConcurrentClients(t *testing.T) {
	e, c := startParallel(t, Config{Latencies: quickLatencies(5 * time.Millisecond)})
	_, _ = e.AddFault(Fault{Op: RouteVolumeGet, Kind: FaultStatus, Status: 503, Probability: 0.1})

	servers := make([]string, 4)
	for i := range servers {
		servers[i] = c.activeServer("host", 0).ID
	}

	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			wc := newClient(t, c.base, c.cred)
			srv := servers[w%len(servers)]
			for i := 0; i < 5; i++ {
				r := wc.do("POST", "/v1/volumes", map[string]any{"name": "v", "size": 8})
				if r.status != http.StatusAccepted {
					t.Errorf("create volume: %d %s", r.status, r.body)
					return
				}
				var v volumeJSON
				r.decode(t, &v)
				for wc.do("GET", "/v1/volumes/"+v.ID, nil).status != http.StatusOK || e.mustVolumeState(v.ID) != VolumeAvailable {
					time.Sleep(time.Millisecond)
				}
				// Attach, retrying while the server is busy with another worker's operation.
				for {
					r = wc.do("POST", "/v1/volumes/"+v.ID+"/servers", map[string]any{"server_id": srv})
					if r.status == http.StatusAccepted {
						break
					}
					if r.status != http.StatusConflict || !r.errDetailIsArray() { // busy: 409, detail an array
						t.Errorf("attach: %d %s", r.status, r.body)
						return
					}
					time.Sleep(time.Millisecond)
				}
				wc.do("GET", "/v1/servers/"+srv, nil)
				wc.do("GET", "/v1/servers", nil)
			}
		}(w)
	}
	go func() { // the control side reads concurrently too
		for i := 0; i < 50; i++ {
			_ = e.Servers()
			_ = e.Volumes()
			_ = e.Requests()
			_ = e.Operations()
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, id := range servers {
		s, _ := e.Server(id)
		total += len(s.Volumes) - 1
		seen := map[string]bool{}
		for _, a := range s.Volumes {
			if seen[a.Device] {
				t.Fatalf("device %s used twice on %s", a.Device, id)
			}
			seen[a.Device] = true
		}
	}
	if total != 40 {
		t.Fatalf("%d data volumes attached, want 40", total)
	}
}

func (e *Emulator) mustVolumeState(id string) string {
	v, _ := e.Volume(id)
	return v.State
}

// TestCloseStopsOperations: nothing fires after Close, and the records say cancelled.
func TestCloseStopsOperations(t *testing.T) {
	e, c := startParallel(t, Config{Latencies: quickLatencies(time.Minute)})
	c.createServer(serverRequest("never", 0))
	e.Close()
	e.Close() // idempotent
	ops := e.Operations()
	if len(ops) != 1 || ops[0].Outcome != OutcomeCancelled {
		t.Fatalf("ops after Close: %+v", ops)
	}
	if e.PendingOperations() != 0 {
		t.Fatal("pending after Close")
	}
}
