package scp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine/enginetest"
)

func controlPost(t *testing.T, base, path string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	return enginetest.Control(t, base, http.MethodPost, path, string(b))
}

func controlGet(t *testing.T, base, path string, v any) {
	t.Helper()
	resp, err := http.Get(base + "/_emulator/" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestControlAPI(t *testing.T) {
	e, c := startParallel(t, Config{})
	base := e.URL()
	s := c.activeServer("ctl", 1)

	if code, _ := controlPost(t, base, "connections", map[string]any{"server_id": s.ID, "backup": true}); code != 200 {
		t.Fatalf("connections: %d", code)
	}
	c.expect("DELETE", "/v1/servers/"+s.ID, nil, http.StatusConflict, CodeBackupConnected)
	controlPost(t, base, "connections", map[string]any{"server_id": s.ID})

	code, out := controlPost(t, base, "faults", map[string]any{"kind": "status", "status": 504, "op": "server.get", "count": 1})
	if code != 200 || out["id"] == "" {
		t.Fatalf("faults: %d %v", code, out)
	}
	c.expect("GET", "/v1/servers/"+s.ID, nil, http.StatusGatewayTimeout, "GATEWAY_TIMEOUT")
	controlPost(t, base, "faults", map[string]any{"kind": "slow", "delay": "100ms", "count": 1})
	start := time.Now()
	c.expect("GET", "/v1/servers/"+s.ID, nil, http.StatusOK, "")
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("slow fault from the control API not applied")
	}
	if code, _ := controlPost(t, base, "faults", map[string]any{"kind": "busy", "server_id": s.ID, "duration": "1m"}); code != 200 {
		t.Fatal("busy window refused")
	}
	// Lock documents neither 409 nor 400: a busy server's lock is refused with 403.
	c.expect("POST", "/v1/servers/"+s.ID+"/lock", nil, http.StatusForbidden, CodeServerBusy)
	req, _ := http.NewRequest("DELETE", base+"/_emulator/faults", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("clearing faults: %v", err)
	}
	if code, _ := controlPost(t, base, "faults", map[string]any{"kind": "fail_operation", "operation": "detach"}); code != 200 {
		t.Fatal("fail_operation refused")
	}
	if code, _ := controlPost(t, base, "faults", map[string]any{"kind": "nonsense"}); code != 400 {
		t.Fatalf("bad fault kind: %d", code)
	}

	if code, _ := controlPost(t, base, "latency", map[string]any{"op": "server_delete", "base": "20ms", "jitter": 0}); code != 200 {
		t.Fatal("latency refused")
	}
	if code, _ := controlPost(t, base, "latency", map[string]any{"op": "warp", "base": "1s"}); code != 400 {
		t.Fatal("unknown op accepted")
	}
	if code, _ := controlPost(t, base, "ratelimit", map[string]any{"rps": 0}); code != 200 {
		t.Fatal("ratelimit refused")
	}

	if code, _ := controlPost(t, base, "detach", map[string]any{"volume_id": s.Volumes[1].ID, "server_id": s.ID}); code != 200 {
		t.Fatal("detach refused")
	}
	var state struct {
		Servers   []Server                  `json:"servers"`
		Volumes   []Volume                  `json:"volumes"`
		Latencies map[OpKind]map[string]any `json:"latencies"`
	}
	controlGet(t, base, "state", &state)
	if len(state.Servers) != 1 || len(state.Servers[0].Volumes) != 1 || len(state.Volumes) != 2 || state.Latencies["server_delete"]["base"] != "20ms" {
		t.Fatalf("state: %+v", state)
	}

	var reqs struct {
		Requests []RequestRecord `json:"requests"`
	}
	controlGet(t, base, "requests", &reqs)
	if len(reqs.Requests) == 0 {
		t.Fatal("no requests")
	}
	controlPost(t, base, "reset-requests", nil)
	controlGet(t, base, "requests", &reqs)
	if len(reqs.Requests) != 0 {
		t.Fatalf("%d requests after reset", len(reqs.Requests))
	}

	if code, _ := controlPost(t, base, "delete-server", map[string]any{"server_id": s.ID}); code != 200 {
		t.Fatal("delete-server refused")
	}
	c.expect("GET", "/v1/servers/"+s.ID, nil, http.StatusNotFound, CodeNotFound)
	if code, _ := controlPost(t, base, "delete-server", map[string]any{"server_id": s.ID}); code != 400 {
		t.Fatal("deleting a missing server succeeded")
	}

	var ops struct {
		Operations []OperationRecord `json:"operations"`
	}
	controlGet(t, base, "operations", &ops)
	if len(ops.Operations) == 0 || ops.Operations[0].Kind != OpServerCreate {
		t.Fatalf("operations: %+v", ops)
	}
}

// TestHandlerOnTLS mounts Handler on a TLS test server: the signature then covers
// https://, and the endpoint catalog names the test server's own URL.
func TestHandlerOnTLS(t *testing.T) {
	t.Parallel()
	e := New(Config{Latencies: quickLatencies(quick), CheckContract: true})
	ts := httptest.NewTLSServer(e.Handler())
	defer e.Close()
	c := newClient(t, ts.URL, e.Credentials())
	c.hc = ts.Client()
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	c.version = ""
	var cat catalogJSON
	c.expect("GET", "/iam/v1/endpoints", nil, http.StatusOK, "").decode(t, &cat)
	if len(cat.Endpoints) != 2 || cat.Endpoints[0].URL != ts.URL || cat.Endpoints[1].URL != ts.URL {
		t.Fatalf("catalog %+v, want both services at %s", cat, ts.URL)
	}
	if e.AuthURL() != "" {
		t.Fatalf("AuthURL %q without Start", e.AuthURL())
	}
	ts.Close() // every exchange is checked once the server is closed
	failOnViolations(t, e)
}

func TestControlSwitches(t *testing.T) {
	e, c := startParallel(t, Config{})
	base := e.URL()
	s := c.activeServer("order", 1)
	osVol := s.Volumes[0].ID

	if code, _ := controlPost(t, base, "volume-order", map[string]any{"os_volume_last": true}); code != 200 {
		t.Fatal("volume-order refused")
	}
	if got, _ := c.getServer(s.ID); got.Volumes[len(got.Volumes)-1].ID != osVol || got.Volumes[0].ID == osVol {
		t.Fatalf("OS volume not last: %+v", got.Volumes)
	}
	if code, _ := controlPost(t, base, "volume-order", map[string]any{}); code != 400 {
		t.Fatal("volume-order without a value accepted")
	}
	e.SetOSVolumeLast(false)
	if got, _ := c.getServer(s.ID); got.Volumes[0].ID != osVol {
		t.Fatalf("OS volume not first again: %+v", got.Volumes)
	}

	r := c.expect("GET", "/v1/servers/nope", nil, http.StatusNotFound, CodeNotFound)
	if r.errDetailIsArray() {
		t.Fatal("array detail without the switch")
	}
	if code, _ := controlPost(t, base, "error-detail", map[string]any{"array": true}); code != 200 {
		t.Fatal("error-detail refused")
	}
	r = c.expect("GET", "/v1/servers/nope", nil, http.StatusNotFound, CodeNotFound)
	if !r.errDetailIsArray() || r.errDetail() != "server nope not found" {
		t.Fatalf("detail %s", r.body)
	}
	e.SetErrorDetailArray(false)

	// A deliberately broken request is caught and shown by the control API.
	c.do("POST", "/v1/volumes/"+s.Volumes[1].ID+"/extend", map[string]any{"size": 24})
	var cv struct {
		Checked    bool `json:"checked"`
		Violations []struct {
			Direction, Method, Path, Message string
		} `json:"violations"`
	}
	eventually(t, "violation recorded", func() bool {
		controlGet(t, base, "contract-violations", &cv)
		return len(cv.Violations) > 0
	})
	if !cv.Checked || cv.Violations[0].Direction != "request" || cv.Violations[0].Method != "POST" ||
		!strings.Contains(cv.Violations[0].Message, "undocumented path") {
		t.Fatalf("contract-violations: %+v", cv)
	}
	req, _ := http.NewRequest("DELETE", base+"/_emulator/contract-violations", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("resetting violations: %v", err)
	}
	if n := len(e.ContractViolations()); n != 0 {
		t.Fatalf("%d violations after reset", n)
	}
}
