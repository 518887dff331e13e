package engine

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Control routes the control API under /_emulator/. Answers go out through the
// personality's JSON writer and refusals in its error shape, so each control API
// sounds like its cloud while the routing and the shared endpoints are one.
type Control struct {
	Mux       *http.ServeMux
	WriteJSON func(w http.ResponseWriter, status int, v any)
	// Refuse answers a request the control API turns down (400, or 404 for an
	// unknown fault).
	Refuse func(w http.ResponseWriter, status int, err error)
	// Decode reads a request body into v.
	Decode func(r *http.Request, v any) error
}

var okBody = map[string]string{"status": "ok"}

// Get serves GET /_emulator/path with f's value.
func (c *Control) Get(path string, f func() any) {
	c.Mux.HandleFunc("GET /_emulator/"+path, func(w http.ResponseWriter, _ *http.Request) {
		c.WriteJSON(w, http.StatusOK, f())
	})
}

// Post serves POST /_emulator/path: f's error is a 400, a nil value {"status":"ok"}.
func (c *Control) Post(path string, f func(r *http.Request) (any, error)) {
	c.Mux.HandleFunc("POST /_emulator/"+path, func(w http.ResponseWriter, r *http.Request) {
		out, err := f(r)
		if err != nil {
			c.Refuse(w, http.StatusBadRequest, err)
			return
		}
		if out == nil {
			out = okBody
		}
		c.WriteJSON(w, http.StatusOK, out)
	})
}

// Delete serves DELETE /_emulator/path by calling f.
func (c *Control) Delete(path string, f func()) {
	c.Mux.HandleFunc("DELETE /_emulator/"+path, func(w http.ResponseWriter, _ *http.Request) {
		f()
		c.WriteJSON(w, http.StatusOK, okBody)
	})
}

// Latency serves POST /_emulator/latency: {"op", "base", "jitter"} and/or {"scale"}.
func (c *Control) Latency(s *Scheduler) {
	c.Post("latency", func(r *http.Request) (any, error) {
		var req struct {
			Op     OpKind   `json:"op"`
			Base   Duration `json:"base"`
			Jitter float64  `json:"jitter"`
			Scale  float64  `json:"scale"`
		}
		if err := c.Decode(r, &req); err != nil {
			return nil, err
		}
		if req.Op == "" && req.Scale == 0 {
			return nil, errors.New(`give "op" with "base" (and "jitter"), or "scale"`)
		}
		if req.Scale != 0 {
			if err := s.SetLatencyScale(req.Scale); err != nil {
				return nil, err
			}
		}
		if req.Op != "" {
			return nil, s.SetLatency(req.Op, time.Duration(req.Base), req.Jitter)
		}
		return nil, nil
	})
}

// FaultRemoval serves DELETE /_emulator/faults (clear) and DELETE
// /_emulator/faults/{id} (remove; 404 when the rule is gone).
func (c *Control) FaultRemoval(clear func(), remove func(id string) bool) {
	c.Delete("faults", clear)
	c.Mux.HandleFunc("DELETE /_emulator/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !remove(r.PathValue("id")) {
			c.Refuse(w, http.StatusNotFound, fmt.Errorf("fault %s not found", r.PathValue("id")))
			return
		}
		c.WriteJSON(w, http.StatusOK, okBody)
	})
}

// PostJSON serves POST /_emulator/path with the body decoded into a T.
func PostJSON[T any](c *Control, path string, f func(req T) (any, error)) {
	c.Post(path, func(r *http.Request) (any, error) {
		var req T
		if err := c.Decode(r, &req); err != nil {
			return nil, err
		}
		return f(req)
	})
}

// ServeCore serves the endpoints every personality has, from its Core: health,
// the request and operation logs, the fault rules and their removal, latencies
// and the request log's reset. Adding a fault stays with the personality, whose
// pseudo-kinds differ.
func ServeCore[R ~string, T any](c *Control, core *Core[R, T]) {
	c.Get("health", func() any { return okBody })
	c.Get("requests", func() any { return map[string]any{"requests": NonNil(core.Requests())} })
	c.Get("operations", func() any { return map[string]any{"operations": NonNil(core.Operations())} })
	c.Get("faults", func() any { return map[string]any{"faults": FaultViews(core.Faults())} })
	c.Latency(&core.Scheduler)
	c.FaultRemoval(core.ClearFaults, core.RemoveFault)
	c.Post("reset-requests", func(*http.Request) (any, error) { core.ResetRequests(); return nil, nil })
}

// ServeState serves GET state: what the personality shows (its servers, volumes
// and settings) with the core's latencies and fault rules.
func ServeState[R ~string, T any](c *Control, core *Core[R, T], shown func() map[string]any) {
	c.Get("state", func() any {
		state := shown()
		lat, scale := core.Latencies()
		state["latencies"], state["latency_scale"], state["faults"] = LatencyViews(lat), scale, FaultViews(core.Faults())
		return state
	})
}

// ServeOutOfBandDeletes serves POST delete-server {server_id} and delete-volume
// {volume_id}: an object removed behind the API's back, as a console user would.
func ServeOutOfBandDeletes(c *Control, deleteServer, deleteVolume func(id string) error) {
	PostJSON(c, "delete-server", func(req struct {
		ServerID string `json:"server_id"`
	}) (any, error) {
		return nil, deleteServer(req.ServerID)
	})
	PostJSON(c, "delete-volume", func(req struct {
		VolumeID string `json:"volume_id"`
	}) (any, error) {
		return nil, deleteVolume(req.VolumeID)
	})
}

// FaultRequest is the body of POST /_emulator/faults: a request fault (the delay
// as a string), or a pseudo-kind that reads the fields it needs.
type FaultRequest[R ~string] struct {
	Fault[R]
	Delay     Duration `json:"delay"`
	Operation OpKind   `json:"operation"`
	ServerID  string   `json:"server_id"`
	TaskState string   `json:"task_state"`
	Duration  Duration `json:"duration"`
}

// PseudoFaults are a personality's kinds of POST /_emulator/faults that are not
// request faults, each with what it does.
type PseudoFaults[R ~string] map[FaultKind]func(FaultRequest[R]) error

// serveAddFault serves POST faults: the pseudo-kind "fail_operation" {operation,
// count}, one of the personality's pseudo-kinds, or else a request fault, answered
// with its id.
func serveAddFault[R ~string, T any](c *Control, core *Core[R, T], pseudo PseudoFaults[R]) {
	PostJSON(c, "faults", func(req FaultRequest[R]) (any, error) {
		if req.Kind == "fail_operation" {
			return nil, core.FailNext(req.Operation, max(req.Count, 1))
		}
		if serve, ok := pseudo[req.Kind]; ok {
			return nil, serve(req)
		}
		f := req.Fault
		f.Delay = time.Duration(req.Delay)
		id, err := core.AddFault(f)
		if err != nil {
			return nil, err
		}
		return map[string]string{"id": id}, nil
	})
}

// NewControl is the control API of a personality: c answers in its shapes, pseudo
// are its pseudo-kinds of POST faults, and own serve its own endpoints.
func NewControl[R ~string, T any](core *Core[R, T], c Control, pseudo PseudoFaults[R], own ...func(*Control)) http.Handler {
	c.Mux = http.NewServeMux()
	ServeCore(&c, core)
	serveAddFault(&c, core, pseudo)
	for _, serve := range own {
		serve(&c)
	}
	return c.Mux
}
