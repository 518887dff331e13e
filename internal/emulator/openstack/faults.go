package openstack

import (
	"net/http"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Fault is a rule that spoils matching API requests (the control API is never
// affected). Empty Method, Path and Op match anything. Path is a prefix
// ("/v2.1") or, when it contains "{", a template whose {placeholders} match one
// segment each ("/v2.1/{p}/servers/{s}/os-volume_attachments/{a}"). A FaultStatus
// with Status 409 gives a conflictingRequest body.
type Fault = engine.Fault[Route]

// clearInjectedTasks ends every injected task; ClearFaults runs it under e.mu.
func (e *Emulator) clearInjectedTasks() {
	for _, s := range e.servers {
		s.injectedTask, s.injectedUntil = "", time.Time{}
	}
}

// serveFault applies f with OpenStack's error bodies. It returns true when the
// request should go on to its normal answer (FaultSlow), false when the fault
// answered or dropped it.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	return engine.ServeFault(w, r, f, engine.FaultAnswers{
		Error: func(w http.ResponseWriter, kind FaultKind, code int) {
			if kind == FaultRateLimit {
				writeError(w, errorf(code, "This request was rate-limited (injected)."))
				return
			}
			writeError(w, errorf(code, "injected fault: %s", http.StatusText(code)))
		},
		TruncatedJSON: `{"server": {"id": "5f0c2a1e-8b7d-4c`,
		Closing:       e.Closing(),
	})
}
