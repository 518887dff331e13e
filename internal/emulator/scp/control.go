package scp

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
	c := &engine.Control{Mux: http.NewServeMux(), WriteJSON: writeJSON, Refuse: refuseControl, Decode: decodeControl}

	c.Get("health", func() any { return map[string]string{"status": "ok"} })
	c.Get("requests", func() any { return map[string]any{"requests": engine.NonNil(e.Requests())} })
	c.Get("operations", func() any { return map[string]any{"operations": engine.NonNil(e.Operations())} })
	c.Get("faults", func() any { return map[string]any{"faults": engine.FaultViews(e.Faults())} })
	c.Get("state", func() any {
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
	c.Get("contract-violations", func() any {
		return map[string]any{"checked": e.ContractChecked(), "violations": engine.NonNil(e.ContractViolations())}
	})
	c.Delete("contract-violations", e.ResetContractViolations)
	c.Post("volume-order", func(r *http.Request) (any, error) {
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
	c.Post("error-detail", func(r *http.Request) (any, error) {
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

	c.Latency(&e.Scheduler)
	c.Post("faults", e.controlAddFault)
	c.FaultRemoval(e.ClearFaults, e.RemoveFault)
	c.Post("ratelimit", func(r *http.Request) (any, error) {
		var req struct {
			RPS   float64 `json:"rps"`
			Burst int     `json:"burst"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetRateLimit(req.RPS, req.Burst)
	})
	c.Post("connections", func(r *http.Request) (any, error) {
		var req struct {
			ServerID string `json:"server_id"`
			Connections
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.SetServerAttachments(req.ServerID, req.Connections)
	})
	c.Post("reset-requests", func(*http.Request) (any, error) {
		e.ResetRequests()
		return nil, nil
	})
	c.Post("detach", func(r *http.Request) (any, error) {
		var req struct {
			VolumeID string `json:"volume_id"`
			ServerID string `json:"server_id"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DetachOutOfBand(req.VolumeID, req.ServerID)
	})
	c.Post("delete-server", func(r *http.Request) (any, error) {
		var req struct {
			ServerID string `json:"server_id"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DeleteServerOutOfBand(req.ServerID)
	})
	c.Post("delete-volume", func(r *http.Request) (any, error) {
		var req struct {
			VolumeID string `json:"volume_id"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		return nil, e.DeleteVolumeOutOfBand(req.VolumeID)
	})
	c.Post("clock-skew", func(r *http.Request) (any, error) {
		var req struct {
			Skew engine.Duration `json:"skew"`
		}
		if err := decodeControl(r, &req); err != nil {
			return nil, err
		}
		e.SetClockSkew(time.Duration(req.Skew))
		return nil, nil
	})
	return c.Mux
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

// refuseControl answers a refused control request in SCP's error shape.
func refuseControl(w http.ResponseWriter, status int, err error) {
	code := CodeInvalidRequest
	if status == http.StatusNotFound {
		code = CodeNotFound
	}
	writeError(w, errorf(status, code, "%v", err), false)
}

func decodeControl(r *http.Request, v any) error {
	if apiErr := decodeBody(r, v); apiErr != nil {
		return fmt.Errorf("%s", apiErr.Detail)
	}
	return nil
}
