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
	return engine.NewControl(&e.Core, engine.Control{WriteJSON: writeJSON, Refuse: refuseControl, Decode: decodeControl},
		e.pseudoFaults(), e.controlState, e.controlSettings, e.controlOutOfBand)
}

// controlState serves GET state and the contract check's findings.
func (e *Emulator) controlState(c *engine.Control) {
	engine.ServeState(c, &e.Core, func() map[string]any {
		return map[string]any{
			"servers":            engine.NonNil(e.Servers()),
			"volumes":            engine.NonNil(e.Volumes()),
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
}

// controlSettings serves the switches of how the emulator answers: volume order,
// error detail shape, rate limit and clock skew.
func (e *Emulator) controlSettings(c *engine.Control) {
	postSwitch(c, "volume-order", "os_volume_last", func(req struct {
		On *bool `json:"os_volume_last"`
	}) *bool {
		return req.On
	}, e.SetOSVolumeLast)
	postSwitch(c, "error-detail", "array", func(req struct {
		On *bool `json:"array"`
	}) *bool {
		return req.On
	}, e.SetErrorDetailArray)
	engine.PostJSON(c, "ratelimit", func(req struct {
		RPS   float64 `json:"rps"`
		Burst int     `json:"burst"`
	}) (any, error) {
		return nil, e.SetRateLimit(req.RPS, req.Burst)
	})
	engine.PostJSON(c, "clock-skew", func(req struct {
		Skew engine.Duration `json:"skew"`
	}) (any, error) {
		e.SetClockSkew(time.Duration(req.Skew))
		return nil, nil
	})
}

// postSwitch serves POST path with a body T whose field (read by on) turns a
// setting on or off; the field is required.
func postSwitch[T any](c *engine.Control, path, field string, on func(T) *bool, set func(bool)) {
	engine.PostJSON(c, path, func(req T) (any, error) {
		v := on(req)
		if v == nil {
			return nil, fmt.Errorf("give %q: true or false", field)
		}
		set(*v)
		return nil, nil
	})
}

// controlOutOfBand serves the changes made behind the API's back: a server's
// connections, a detach, a server's or a volume's deletion.
func (e *Emulator) controlOutOfBand(c *engine.Control) {
	engine.PostJSON(c, "connections", func(req struct {
		ServerID string `json:"server_id"`
		Connections
	}) (any, error) {
		return nil, e.SetServerAttachments(req.ServerID, req.Connections)
	})
	engine.PostJSON(c, "detach", func(req struct {
		VolumeID string `json:"volume_id"`
		ServerID string `json:"server_id"`
	}) (any, error) {
		return nil, e.DetachOutOfBand(req.VolumeID, req.ServerID)
	})
	engine.ServeOutOfBandDeletes(c, e.DeleteServerOutOfBand, e.DeleteVolumeOutOfBand)
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
