package emulator

import (
	"fmt"
	"net/http"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// controlHandler serves the control API under /_emulator/. It needs no signature:
// the process binds loopback unless told otherwise. Bodies mirror the Go API;
// durations are strings such as "500ms" (a bare number means seconds).
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
				writeError(w, badRequest("%v", err), false)
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
	get("operations", func() any { return map[string]any{"operations": engine.NonNil(e.Operations())} })
	get("faults", func() any { return map[string]any{"faults": engine.FaultViews(e.Faults())} })
	get("state", func() any {
		lat, scale := e.Latencies()
		return map[string]any{
			"servers":            engine.NonNil(e.Servers()),
			"volumes":            engine.NonNil(e.Volumes()),
			"latencies":          engine.LatencyViews(lat),
			"latency_scale":      scale,
			"faults":             engine.FaultViews(e.Faults()),
			"account_id":         e.AccountID(),
			"region":             e.Region(),
			"os_volume_last":     e.osLast.Load(),
			"error_detail_array": e.arrayDetail.Load(),
		}
	})
	get("contract-violations", func() any {
		return map[string]any{"checked": e.ContractChecked(), "violations": engine.NonNil(e.ContractViolations())}
	})
	mux.HandleFunc("DELETE /_emulator/contract-violations", func(w http.ResponseWriter, _ *http.Request) {
		e.ResetContractViolations()
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	post("volume-order", func(r *http.Request) (any, error) {
		var req struct {
			OSVolumeLast *bool `json:"os_volume_last"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		if req.OSVolumeLast == nil {
			return nil, fmt.Errorf(`give "os_volume_last": true or false`)
		}
		e.SetOSVolumeLast(*req.OSVolumeLast)
		return nil, nil
	})
	post("error-detail", func(r *http.Request) (any, error) {
		var req struct {
			Array *bool `json:"array"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		if req.Array == nil {
			return nil, fmt.Errorf(`give "array": true or false`)
		}
		e.SetErrorDetailArray(*req.Array)
		return nil, nil
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
			writeError(w, notFound("fault", r.PathValue("id")), false)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	post("ratelimit", func(r *http.Request) (any, error) {
		var req struct {
			RPS   float64 `json:"rps"`
			Burst int     `json:"burst"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetRateLimit(req.RPS, req.Burst)
	})
	post("connections", func(r *http.Request) (any, error) {
		var req struct {
			ServerID string `json:"server_id"`
			Connections
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetServerAttachments(req.ServerID, req.Connections)
	})
	post("reset-requests", func(*http.Request) (any, error) {
		e.ResetRequests()
		return nil, nil
	})
	post("detach", func(r *http.Request) (any, error) {
		var req struct {
			VolumeID string `json:"volume_id"`
			ServerID string `json:"server_id"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DetachOutOfBand(req.VolumeID, req.ServerID)
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
	post("clock-skew", func(r *http.Request) (any, error) {
		var req struct {
			Skew engine.Duration `json:"skew"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		e.SetClockSkew(time.Duration(req.Skew))
		return nil, nil
	})
	return mux
}

// controlAddFault takes a request fault (a Fault, delay as a string), or one of two
// pseudo-kinds: "fail_operation" {operation, count} and "busy" {server_id, duration}.
func (e *Emulator) controlAddFault(r *http.Request) (any, error) {
	var req struct {
		Fault
		Delay     engine.Duration `json:"delay"`
		Operation OpKind          `json:"operation"`
		ServerID  string          `json:"server_id"`
		Duration  engine.Duration `json:"duration"`
	}
	if err := decodeControl(r, &req); err != nil {
		return nil, err
	}
	switch req.Kind {
	case "fail_operation":
		n := req.Count
		if n <= 0 {
			n = 1
		}
		return nil, e.FailNext(req.Operation, n)
	case "busy":
		return nil, e.SetServerBusy(req.ServerID, time.Duration(req.Duration))
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
	if apiErr := decodeBody(r, v); apiErr != nil {
		return fmt.Errorf("%s", apiErr.Detail)
	}
	return nil
}
