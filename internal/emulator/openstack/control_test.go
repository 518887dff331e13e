package openstack

import (
	"net/http"
	"strings"
	"testing"
	"time"

	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine/enginetest"
)

// controlEnv is an emulator started on a loopback port, driven by gophercloud
// through AuthURL and by the control API over HTTP.
func controlEnv(t *testing.T) *env {
	t.Helper()
	e := New(Config{LatencyScale: testScale})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	if !strings.HasPrefix(e.URL(), "http://127.0.0.1:") || e.AuthURL() != e.URL()+"/v3" {
		t.Fatalf("URL %q AuthURL %q", e.URL(), e.AuthURL())
	}
	ev := &env{t: t, e: e}
	env := e.Env()
	p, err := gcos.AuthenticatedClient(ctx, e.AuthOptions(env["OS_AUTH_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	ev.provider = p
	ev.compute, ev.volume = ev.clients(p)
	return ev
}

func control(t *testing.T, e *Emulator, method, path, body string) (int, map[string]any) {
	t.Helper()
	return enginetest.Control(t, e.URL(), method, path, body)
}

func mustControl(t *testing.T, e *Emulator, method, path, body string) map[string]any {
	t.Helper()
	code, out := control(t, e, method, path, body)
	if code != http.StatusOK {
		t.Fatalf("%s %s: %d %v", method, path, code, out)
	}
	return out
}

func TestControlAPI(t *testing.T) {
	ev := controlEnv(t)
	e := ev.e
	mustControl(t, e, "GET", "health", "")
	mustControl(t, e, "POST", "latency", `{"scale":0.02}`)
	mustControl(t, e, "POST", "latency", `{"op":"detach","base":"100ms","jitter":0}`)
	if lat, scale := e.Latencies(); scale != 0.02 || lat[OpDetach].Base != 100*time.Millisecond {
		t.Errorf("latencies %v at %v", lat[OpDetach], scale)
	}
	for _, bad := range []string{`{}`, `{"op":"warp","base":"1s"}`, `{"scale":-1}`} {
		if code, _ := control(t, e, "POST", "latency", bad); code != http.StatusBadRequest {
			t.Errorf("latency %s: %d", bad, code)
		}
	}

	s := ev.createServer("ctl")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)

	state := mustControl(t, e, "GET", "state", "")
	if len(state["servers"].([]any)) != 1 || len(state["volumes"].([]any)) != 2 || state["flavour"] != "nova" {
		t.Errorf("state %v", state)
	}

	mustControl(t, e, "POST", "task", `{"server_id":"`+s.ID+`","task_state":"rebooting","duration":"1m"}`)
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusConflict, "task_state rebooting")
	mustControl(t, e, "DELETE", "faults", "")
	mustControl(t, e, "POST", "faults", `{"kind":"task","server_id":"`+s.ID+`","task_state":"migrating","duration":"1m"}`)
	if got := ev.getServer(s.ID); got.Status != "MIGRATING" {
		t.Errorf("status while migrating: %s", got.Status)
	}
	mustControl(t, e, "DELETE", "faults", "")

	mustControl(t, e, "POST", "vm-state", `{"server_id":"`+s.ID+`","vm_state":"paused"}`)
	if got := ev.getServer(s.ID); got.Status != "PAUSED" {
		t.Errorf("status %s", got.Status)
	}
	mustControl(t, e, "POST", "vm-state", `{"server_id":"`+s.ID+`","vm_state":"active"}`)
	if code, _ := control(t, e, "POST", "vm-state", `{"server_id":"`+s.ID+`","vm_state":"dancing"}`); code != http.StatusBadRequest {
		t.Errorf("unknown vm_state: %d", code)
	}
	mustControl(t, e, "POST", "hotplug", `{"server_id":"`+s.ID+`","supported":false}`)

	out := mustControl(t, e, "POST", "faults", `{"kind":"status","status":503,"op":"attachment.delete","count":1}`)
	id, _ := out["id"].(string)
	if faults := mustControl(t, e, "GET", "faults", "")["faults"].([]any); len(faults) != 1 || id == "" {
		t.Errorf("faults %v", faults)
	}
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusServiceUnavailable)
	if code, _ := control(t, e, "DELETE", "faults/"+id, ""); code != http.StatusNotFound {
		t.Errorf("a used-up fault removed: %d", code)
	}
	mustControl(t, e, "POST", "faults", `{"kind":"fail_operation","operation":"detach"}`)
	if code, _ := control(t, e, "POST", "faults", `{"kind":"warp"}`); code != http.StatusBadRequest {
		t.Errorf("unknown fault kind: %d", code)
	}
	mustControl(t, e, "DELETE", "faults", "")

	mustControl(t, e, "POST", "detach", `{"volume_id":"`+v.ID+`","server_id":"`+s.ID+`","cinder_only":true}`)
	wantCode(t, volumeattach.Delete(ctx, ev.compute, s.ID, v.ID).ExtractErr(), http.StatusBadRequest, "already detached")
	mustControl(t, e, "POST", "detach", `{"volume_id":"`+v.ID+`"}`+"")
	if code, _ := control(t, e, "POST", "detach", `{"volume_id":"`+v.ID+`","server_id":"`+s.ID+`"}`); code != http.StatusBadRequest {
		t.Errorf("detach of a detached volume: %d", code)
	}
	mustControl(t, e, "POST", "delete-volume", `{"volume_id":"`+v.ID+`"}`)

	reqs := mustControl(t, e, "GET", "requests", "")["requests"].([]any)
	if len(reqs) == 0 {
		t.Error("no requests listed")
	}
	if ops := mustControl(t, e, "GET", "operations", "")["operations"].([]any); len(ops) == 0 {
		t.Error("no operations listed")
	}
	if uses := mustControl(t, e, "GET", "deprecated-actions", "")["requests"].([]any); len(uses) != 0 {
		t.Errorf("deprecated uses %v", uses)
	}

	mustControl(t, e, "POST", "token-ttl", `{"ttl":"1h"}`)
	mustControl(t, e, "POST", "expire-tokens", "{}")
	if _, err := servers.Get(ctx, ev.compute, s.ID).Extract(); err != nil {
		t.Errorf("after expire-tokens (reauth): %v", err)
	}
	mustControl(t, e, "POST", "delete-server", `{"server_id":"`+s.ID+`"}`)
	wantCode(t, servers.Get(ctx, ev.compute, s.ID).Err, http.StatusNotFound)

	mustControl(t, e, "POST", "reset-requests", "{}")
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d requests after reset-requests", n)
	}
	ev.createVolume("again", 1)
	mustControl(t, e, "POST", "reset", "{}")
	if len(e.Volumes()) != 0 || len(e.Operations()) != 0 || len(e.Requests()) != 0 {
		t.Errorf("after reset: %v %v", e.Volumes(), e.Operations())
	}
	if _, err := servers.List(ev.compute, nil).AllPages(ctx); err != nil {
		t.Errorf("tokens survive a reset: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, bad := range []Config{
		{Flavour: "aws"}, {ComputePrefix: "/v3"}, {RootDetachStatus: 409}, {DeletedStatus: "GONE"},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
		if err := New(bad).Start(); err == nil {
			t.Errorf("Start with %+v", bad)
		}
	}
	e := New(Config{})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Start(); err == nil {
		t.Error("second Start")
	}
	e.Close()
	e.Close()
}
