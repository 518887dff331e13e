package openstack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine/enginetest"
)

// testScale makes every default latency a few tens of milliseconds: short, and long enough
// for the intermediate states to be seen on a busy machine (and under -race).
const testScale = 0.05

// env is an emulator on an httptest server with gophercloud clients built the way
// the provider builds them: AuthenticatedClient, then the catalog's endpoints.
type env struct {
	t        *testing.T
	e        *Emulator
	srv      *httptest.Server
	provider *gophercloud.ProviderClient
	compute  *gophercloud.ServiceClient
	volume   *gophercloud.ServiceClient
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	if cfg.LatencyScale == 0 {
		cfg.LatencyScale = testScale
	}
	e := New(cfg)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() { e.Close(); srv.Close() })
	ev := &env{t: t, e: e, srv: srv}
	ev.provider = ev.authenticate(e.AuthOptions(srv.URL + "/v3"))
	ev.compute, ev.volume = ev.clients(ev.provider)
	return ev
}

func (ev *env) authenticate(opts gophercloud.AuthOptions) *gophercloud.ProviderClient {
	ev.t.Helper()
	p, err := gcos.AuthenticatedClient(context.Background(), opts)
	if err != nil {
		ev.t.Fatalf("AuthenticatedClient: %v", err)
	}
	return p
}

func (ev *env) clients(p *gophercloud.ProviderClient) (*gophercloud.ServiceClient, *gophercloud.ServiceClient) {
	ev.t.Helper()
	eo := gophercloud.EndpointOpts{Region: ev.e.Config().Region}
	c, err := gcos.NewComputeV2(p, eo)
	if err != nil {
		ev.t.Fatalf("NewComputeV2: %v", err)
	}
	v, err := gcos.NewBlockStorageV3(p, eo)
	if err != nil {
		ev.t.Fatalf("NewBlockStorageV3: %v", err)
	}
	return c, v
}

var ctx = context.Background()

// eventually polls cond until it holds or a few seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	enginetest.Eventually(t, what, 3*time.Millisecond, cond)
}

func (ev *env) getServer(id string) *servers.Server {
	ev.t.Helper()
	return mustGet(ev.t, "servers.Get "+id, servers.Get(ctx, ev.compute, id).Extract)
}

func (ev *env) getVolume(id string) *volumes.Volume {
	ev.t.Helper()
	return mustGet(ev.t, "volumes.Get "+id, volumes.Get(ctx, ev.volume, id).Extract)
}

// mustGet is what get answers, failing t on an error.
func mustGet[T any](t *testing.T, what string, get func() (T, error)) T {
	t.Helper()
	out, err := get()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return out
}

func (ev *env) waitServer(id, status string) *servers.Server {
	ev.t.Helper()
	return enginetest.Await(ev.t, "server "+id+" "+status, 3*time.Millisecond, func() *servers.Server { return ev.getServer(id) },
		func(s *servers.Server) bool { return s.Status == status && s.TaskState == "" })
}

func (ev *env) waitVolume(id, status string) *volumes.Volume {
	ev.t.Helper()
	return enginetest.Await(ev.t, "volume "+id+" "+status, 3*time.Millisecond, func() *volumes.Volume { return ev.getVolume(id) },
		func(v *volumes.Volume) bool { return v.Status == status })
}

// createServer boots an ACTIVE server from a new 10 GB boot volume.
func (ev *env) createServer(name string) *servers.Server {
	ev.t.Helper()
	s, err := servers.Create(ctx, ev.compute, servers.CreateOpts{
		Name: name, FlavorRef: "2", ImageRef: "img-ubuntu",
		Networks: []servers.Network{{UUID: "6f1c3b8e-2f4e-4c1e-9a55-4a1a6f0e7b10"}},
		BlockDevice: []servers.BlockDevice{{
			SourceType: servers.SourceImage, DestinationType: servers.DestinationVolume, UUID: "img-ubuntu",
			BootIndex: 0, VolumeSize: 10, DeleteOnTermination: true,
		}},
	}, nil).Extract()
	if err != nil {
		ev.t.Fatalf("servers.Create: %v", err)
	}
	return ev.waitServer(s.ID, "ACTIVE")
}

// createVolume makes an available volume.
func (ev *env) createVolume(name string, size int) *volumes.Volume {
	ev.t.Helper()
	v, err := volumes.Create(ctx, ev.volume, volumes.CreateOpts{Name: name, Size: size}, nil).Extract()
	if err != nil {
		ev.t.Fatalf("volumes.Create: %v", err)
	}
	return ev.waitVolume(v.ID, "available")
}

// attach attaches and waits until Cinder shows the volume in-use.
func (ev *env) attach(serverID, volumeID string) *volumeattach.VolumeAttachment {
	ev.t.Helper()
	a, err := volumeattach.Create(ctx, ev.compute, serverID, volumeattach.CreateOpts{VolumeID: volumeID}).Extract()
	if err != nil {
		ev.t.Fatalf("volumeattach.Create: %v", err)
	}
	ev.waitVolume(volumeID, "in-use")
	return a
}

// wantCode fails unless err is gophercloud's unexpected-status error with code, and
// its body mentions each of msgs.
func wantCode(t *testing.T, err error, code int, msgs ...string) {
	t.Helper()
	if !gophercloud.ResponseCodeIs(err, code) {
		t.Fatalf("want HTTP %d, got %v", code, err)
	}
	for _, m := range msgs {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not mention %q", err, m)
		}
	}
}

// rawRequest sends one request with an optional token, for what gophercloud will
// not send (a wrong token, invalid base64).
func (ev *env) rawRequest(method, path, token, body string) *http.Response {
	ev.t.Helper()
	req, err := http.NewRequest(method, ev.srv.URL+path, strings.NewReader(body))
	if err != nil {
		ev.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ev.t.Fatal(err)
	}
	ev.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// count is how many logged requests hit op.
func (ev *env) count(op Route) int { return len(ev.e.RequestsFor(op)) }
