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
	return engine.NewControl(&e.Core, engine.Control{WriteJSON: writeJSON, Refuse: refuseControl, Decode: decodeControl},
		e.pseudoFaults(), e.controlState, e.controlIdentity, e.controlServers, e.controlOutOfBand)
}

// controlState serves GET state, the deprecated actions' uses and the reset.
func (e *Emulator) controlState(c *engine.Control) {
	c.Get("deprecated-actions", func() any { return map[string]any{"requests": engine.NonNil(e.DeprecatedActionUses())} })
	engine.ServeState(c, &e.Core, func() map[string]any {
		return map[string]any{
			"servers": engine.NonNil(e.Servers()), "volumes": engine.NonNil(e.Volumes()),
			"flavour": e.cfg.Flavour, "region": e.cfg.Region, "project_id": e.cfg.ProjectID,
			"compute_prefix": e.cfg.ComputePrefix, "root_detach_status": e.cfg.RootDetachStatus,
			"live_tokens": e.LiveTokens(),
		}
	})
	c.Post("reset", func(*http.Request) (any, error) { e.Reset(); return nil, nil })
}

// controlIdentity serves the token switches: expire every token, set the TTL.
func (e *Emulator) controlIdentity(c *engine.Control) {
	c.Post("expire-tokens", func(*http.Request) (any, error) { e.ExpireTokens(); return nil, nil })
	engine.PostJSON(c, "token-ttl", func(req struct {
		TTL engine.Duration `json:"ttl"`
	}) (any, error) {
		if req.TTL <= 0 {
			return nil, fmt.Errorf(`"ttl" must be > 0`)
		}
		e.SetTokenTTL(time.Duration(req.TTL))
		return nil, nil
	})
}

// controlServers serves what a server shows: a task, a vm_state, hot-plug support.
func (e *Emulator) controlServers(c *engine.Control) {
	engine.PostJSON(c, "task", func(req struct {
		ServerID  string          `json:"server_id"`
		TaskState string          `json:"task_state"`
		Duration  engine.Duration `json:"duration"`
	}) (any, error) {
		return nil, e.SetServerTask(req.ServerID, req.TaskState, time.Duration(req.Duration))
	})
	engine.PostJSON(c, "vm-state", func(req struct {
		ServerID string `json:"server_id"`
		VMState  string `json:"vm_state"`
	}) (any, error) {
		return nil, e.SetServerVMState(req.ServerID, req.VMState)
	})
	engine.PostJSON(c, "hotplug", func(req struct {
		ServerID  string `json:"server_id"`
		Supported bool   `json:"supported"`
	}) (any, error) {
		return nil, e.SetHotplug(req.ServerID, req.Supported)
	})
}

// controlOutOfBand serves the changes made behind the API's back: a detach (also
// in Cinder's records only), a server's or a volume's deletion.
func (e *Emulator) controlOutOfBand(c *engine.Control) {
	engine.PostJSON(c, "detach", func(req struct {
		VolumeID   string `json:"volume_id"`
		ServerID   string `json:"server_id"`
		CinderOnly bool   `json:"cinder_only"`
	}) (any, error) {
		return nil, e.DetachOutOfBand(req.VolumeID, req.ServerID, req.CinderOnly)
	})
	engine.ServeOutOfBandDeletes(c, e.DeleteServerOutOfBand, e.DeleteVolumeOutOfBand)
}

// refuseControl answers a refused control request as {"error": "..."}.
func refuseControl(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
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
