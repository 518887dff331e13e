package openstack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// controlHandler serves the control API under /_emulator/, the same shape as the SCP
// personality's. It needs no token: the process binds loopback unless told
// otherwise. Durations are strings such as "500ms" (a bare number means seconds).
func (e *Emulator) controlHandler() http.Handler {
	mux := http.NewServeMux()
	get := func(path string, f func() any) {
		mux.HandleFunc("GET /_emulator/"+path, func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, f())
		})
	}
	post := func(path string, f func(r *http.Request) (any, error)) {
		mux.HandleFunc("POST /_emulator/"+path, func(w http.ResponseWriter, r *http.Request) {
			out, err := f(r)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			if out == nil {
				out = map[string]string{"status": "ok"}
			}
			writeJSON(w, http.StatusOK, out)
		})
	}

	get("health", func() any { return map[string]string{"status": "ok"} })
	get("requests", func() any { return map[string]any{"requests": engine.NonNil(e.Requests())} })
	get("deprecated-actions", func() any { return map[string]any{"requests": engine.NonNil(e.DeprecatedActionUses())} })
	get("operations", func() any { return map[string]any{"operations": engine.NonNil(e.Operations())} })
	get("faults", func() any { return map[string]any{"faults": engine.FaultViews(e.Faults())} })
	get("state", func() any {
		lat, scale := e.Latencies()
		return map[string]any{
			"servers": engine.NonNil(e.Servers()), "volumes": engine.NonNil(e.Volumes()),
			"latencies": engine.LatencyViews(lat), "latency_scale": scale, "faults": engine.FaultViews(e.Faults()),
			"flavour": e.cfg.Flavour, "region": e.cfg.Region, "project_id": e.cfg.ProjectID,
			"compute_prefix": e.cfg.ComputePrefix, "root_detach_status": e.cfg.RootDetachStatus,
			"live_tokens": e.LiveTokens(),
		}
	})

	post("latency", func(r *http.Request) (any, error) {
		var req struct {
			Op     OpKind          `json:"op"`
			Base   engine.Duration `json:"base"`
			Jitter float64         `json:"jitter"`
			Scale  float64         `json:"scale"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		if req.Op == "" && req.Scale == 0 {
			return nil, fmt.Errorf(`give "op" with "base" (and "jitter"), or "scale"`)
		}
		if req.Scale != 0 {
			if err := e.SetLatencyScale(req.Scale); err != nil {
				return nil, err
			}
		}
		if req.Op != "" {
			return nil, e.SetLatency(req.Op, time.Duration(req.Base), req.Jitter)
		}
		return nil, nil
	})
	post("faults", e.controlAddFault)
	mux.HandleFunc("DELETE /_emulator/faults", func(w http.ResponseWriter, _ *http.Request) {
		e.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("DELETE /_emulator/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !e.RemoveFault(r.PathValue("id")) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "fault " + r.PathValue("id") + " not found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	post("reset-requests", func(*http.Request) (any, error) { e.ResetRequests(); return nil, nil })
	post("reset", func(*http.Request) (any, error) { e.Reset(); return nil, nil })
	post("expire-tokens", func(*http.Request) (any, error) { e.ExpireTokens(); return nil, nil })
	post("token-ttl", func(r *http.Request) (any, error) {
		var req struct {
			TTL engine.Duration `json:"ttl"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		if req.TTL <= 0 {
			return nil, fmt.Errorf(`"ttl" must be > 0`)
		}
		e.SetTokenTTL(time.Duration(req.TTL))
		return nil, nil
	})
	post("task", func(r *http.Request) (any, error) {
		var req struct {
			ServerID  string          `json:"server_id"`
			TaskState string          `json:"task_state"`
			Duration  engine.Duration `json:"duration"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetServerTask(req.ServerID, req.TaskState, time.Duration(req.Duration))
	})
	post("vm-state", func(r *http.Request) (any, error) {
		var req struct {
			ServerID string `json:"server_id"`
			VMState  string `json:"vm_state"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetServerVMState(req.ServerID, req.VMState)
	})
	post("hotplug", func(r *http.Request) (any, error) {
		var req struct {
			ServerID  string `json:"server_id"`
			Supported bool   `json:"supported"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetHotplug(req.ServerID, req.Supported)
	})
	post("detach", func(r *http.Request) (any, error) {
		var req struct {
			VolumeID   string `json:"volume_id"`
			ServerID   string `json:"server_id"`
			CinderOnly bool   `json:"cinder_only"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DetachOutOfBand(req.VolumeID, req.ServerID, req.CinderOnly)
	})
	post("delete-server", func(r *http.Request) (any, error) {
		var req struct {
			ServerID string `json:"server_id"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DeleteServerOutOfBand(req.ServerID)
	})
	post("delete-volume", func(r *http.Request) (any, error) {
		var req struct {
			VolumeID string `json:"volume_id"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DeleteVolumeOutOfBand(req.VolumeID)
	})
	return mux
}

// controlAddFault takes a request fault (a Fault, delay as a string), or the
// pseudo-kind "fail_operation" {operation, count}; {"kind":"task",...} is the same
// as POST /_emulator/task.
func (e *Emulator) controlAddFault(r *http.Request) (any, error) {
	var req struct {
		Fault
		Delay     engine.Duration `json:"delay"`
		Operation OpKind          `json:"operation"`
		ServerID  string          `json:"server_id"`
		TaskState string          `json:"task_state"`
		Duration  engine.Duration `json:"duration"`
	}
	if err := decodeControl(r, &req); err != nil {
		return nil, err
	}
	switch req.Kind {
	case "fail_operation":
		return nil, e.FailNext(req.Operation, max(req.Count, 1))
	case "task":
		return nil, e.SetServerTask(req.ServerID, req.TaskState, time.Duration(req.Duration))
	}
	f := req.Fault
	f.Delay = time.Duration(req.Delay)
	id, err := e.AddFault(f)
	if err != nil {
		return nil, err
	}
	return map[string]string{"id": id}, nil
}

func decodeControl(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return fmt.Errorf("a JSON body is required")
	}
	return json.Unmarshal(b, v)
}
