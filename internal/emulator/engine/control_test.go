package engine

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func newTestControl(t *testing.T) (*Control, *Core[route, testRecord]) {
	t.Helper()
	core, _ := newTestCore(t, nil, nil)
	c := &Control{
		Mux: http.NewServeMux(),
		WriteJSON: func(w http.ResponseWriter, status int, v any) {
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(v)
		},
		Refuse: func(w http.ResponseWriter, status int, err error) { http.Error(w, err.Error(), status) },
		Decode: func(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) },
	}
	ServeCore(c, core)
	return c, core
}

func serveControl(c *Control, method, path, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	c.Mux.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
	return rec
}

func TestServeCoreSetsLatencyAndRemovesFaults(t *testing.T) {
	c, core := newTestControl(t)
	if rec := serveControl(c, "POST", "/_emulator/latency", `{"op":"k","base":"2s","jitter":0.5}`); rec.Code != 200 {
		t.Fatalf("latency: %d %s", rec.Code, rec.Body)
	}
	if lat, _ := core.Latencies(); lat["k"] != (Latency{Base: 2 * time.Second, Jitter: 0.5}) {
		t.Fatalf("latency not set: %+v", lat)
	}
	id, _ := core.AddFault(Fault[route]{Kind: FaultStatus, Status: 500})
	if rec := serveControl(c, "DELETE", "/_emulator/faults/"+id, ""); rec.Code != 200 || len(core.Faults()) != 0 {
		t.Fatalf("remove: %d, rules %+v", rec.Code, core.Faults())
	}
	if rec := serveControl(c, "DELETE", "/_emulator/faults/"+id, ""); rec.Code != 404 {
		t.Fatalf("removing a gone rule answered %d, want 404", rec.Code)
	}
	core.Append(testRecord{})
	if rec := serveControl(c, "POST", "/_emulator/reset-requests", ""); rec.Code != 200 || len(core.Requests()) != 0 {
		t.Fatalf("reset-requests: %d, records %+v", rec.Code, core.Requests())
	}
	if rec := serveControl(c, "GET", "/_emulator/health", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Fatalf("health: %d %s", rec.Code, rec.Body)
	}
}

func TestPostJSONDecodesAndRefuses(t *testing.T) {
	c, _ := newTestControl(t)
	var got string
	PostJSON(c, "echo", func(req struct {
		Name string `json:"name"`
	}) (any, error) {
		if req.Name == "" {
			return nil, errors.New("name is required")
		}
		got = req.Name
		return nil, nil
	})
	if rec := serveControl(c, "POST", "/_emulator/echo", `{"name":"x"}`); rec.Code != 200 || got != "x" {
		t.Fatalf("echo: %d, got %q", rec.Code, got)
	}
	if rec := serveControl(c, "POST", "/_emulator/echo", `{}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), "name is required") {
		t.Fatalf("a refused body answered %d %s", rec.Code, rec.Body)
	}
	if rec := serveControl(c, "POST", "/_emulator/echo", `not json`); rec.Code != 400 {
		t.Fatalf("an undecodable body answered %d", rec.Code)
	}
}

func TestServeOutOfBandDeletesPassesTheIDs(t *testing.T) {
	c, _ := newTestControl(t)
	var deleted []string
	del := func(kind string) func(string) error {
		return func(id string) error {
			if id == "" {
				return errors.New(kind + " id is required")
			}
			deleted = append(deleted, kind+":"+id)
			return nil
		}
	}
	ServeOutOfBandDeletes(c, del("server"), del("volume"))
	serveControl(c, "POST", "/_emulator/delete-server", `{"server_id":"s1"}`)
	serveControl(c, "POST", "/_emulator/delete-volume", `{"volume_id":"v1"}`)
	if rec := serveControl(c, "POST", "/_emulator/delete-volume", `{}`); rec.Code != 400 {
		t.Fatalf("a delete without an id answered %d", rec.Code)
	}
	if strings.Join(deleted, ",") != "server:s1,volume:v1" {
		t.Fatalf("deleted %v", deleted)
	}
}
