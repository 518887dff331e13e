package scp

import (
	"net/http"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// FaultKind is what an injected fault does to a matching request.
type FaultKind = engine.FaultKind

// The fault kinds; FaultStatus and FaultRateLimit answer with an SCP error body.
const (
	FaultStatus        = engine.FaultStatus
	FaultRateLimit     = engine.FaultRateLimit
	FaultReset         = engine.FaultReset
	FaultHang          = engine.FaultHang
	FaultSlow          = engine.FaultSlow
	FaultMalformedJSON = engine.FaultMalformedJSON
	FaultHTML          = engine.FaultHTML
	FaultEmptyBody     = engine.FaultEmptyBody
)

// Fault is a rule that spoils matching /v1 requests. Empty Method, Path and Op match
// anything. Path is a prefix ("/v1/servers") or, when it contains "{", a template
// whose {placeholders} match one segment each ("/v1/volumes/{id}/servers/{id}").
type Fault = engine.Fault[Route]

// clearBusyWindows closes every busy window; ClearFaults runs it under e.mu.
func (e *Emulator) clearBusyWindows() {
	for _, s := range e.servers {
		s.busyUntil = time.Time{}
	}
}

// SetServerBusy opens a busy window: for d, attach, detach, delete, lock/unlock and
// stop/start on the server answer 409 SERVER_BUSY.
func (e *Emulator) SetServerBusy(serverID string, d time.Duration) error {
	return changeLocked(e, e.servers, "server", serverID, func(s *server) error {
		s.busyUntil = e.now().Add(d)
		return nil
	})
}

// pseudoFaults adds "busy" {server_id, duration} to the kinds POST /_emulator/faults
// takes: it opens a busy window.
func (e *Emulator) pseudoFaults() engine.PseudoFaults[Route] {
	return engine.PseudoFaults[Route]{"busy": func(req engine.FaultRequest[Route]) error {
		return e.SetServerBusy(req.ServerID, time.Duration(req.Duration))
	}}
}

// inBusyWindow: call with e.mu held.
func (e *Emulator) inBusyWindow(s *server) bool { return e.now().Before(s.busyUntil) }

// serveFault applies f with SCP's error bodies. It returns true when the request
// should go on to its normal answer (FaultSlow), false when the fault answered or
// dropped it.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	return engine.ServeFault(w, r, f, engine.FaultAnswers{
		Error: func(w http.ResponseWriter, kind FaultKind, code int) {
			err := errorf(code, faultCode(code), "injected fault: %s", http.StatusText(code))
			if kind == FaultRateLimit {
				err = errorf(code, CodeTooManyRequests, "request rate limit exceeded (injected); retry later")
			}
			writeError(w, err, e.arrayDetail.Load())
		},
		TruncatedJSON: `{"id":"5f0c2a1e-8b7d-4c`,
		Closing:       e.Closing(),
	})
}

func faultCode(status int) string {
	switch status {
	case http.StatusInternalServerError:
		return CodeInternalError
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "GATEWAY_TIMEOUT"
	case http.StatusTooManyRequests:
		return CodeTooManyRequests
	}
	return "INJECTED_FAULT"
}
