package openstack

import (
	"fmt"
	"net/http"
)

// apiError is an error answer. Nova and Cinder wrap it in an envelope named by the
// status ({"itemNotFound":{"code":404,"message":...}}); Keystone, and the token
// middleware in front of Nova and Cinder, answer {"error":{"code","title","message"}}.
type apiError struct {
	Status   int
	Message  string
	keystone bool
	// neutronType, when set, gives Neutron's envelope {"NeutronError":{"type",...}}.
	neutronType string
	// glance gives Glance's plain-text answer (webob's status line, then the message).
	glance bool
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Message) }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{Status: status, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return errorf(http.StatusNotFound, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return errorf(http.StatusConflict, format, args...)
}

// unauthorized is what keystonemiddleware and Keystone say for a missing, unknown
// or expired token and for wrong credentials: nothing about which one it was.
func unauthorized() *apiError {
	return &apiError{Status: http.StatusUnauthorized, Message: "The request you have made requires authentication.", keystone: true}
}

func keystoneError(status int, format string, args ...any) *apiError {
	return &apiError{Status: status, Message: fmt.Sprintf(format, args...), keystone: true}
}

// neutronNotFound is Neutron's 404, typed (NetworkNotFound, PortNotFound, ...).
func neutronNotFound(typ, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...), neutronType: typ}
}

// glanceNotFound is Glance's 404, which is text, not JSON.
func glanceNotFound(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...), glance: true}
}

// envelopeName is the key Nova's and Cinder's fault wrapper uses for a status.
func envelopeName(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "badRequest"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "itemNotFound"
	case http.StatusMethodNotAllowed:
		return "badMethod"
	case http.StatusConflict:
		return "conflictingRequest"
	case http.StatusRequestEntityTooLarge, http.StatusTooManyRequests:
		return "overLimit"
	case http.StatusNotImplemented:
		return "notImplemented"
	case http.StatusServiceUnavailable:
		return "serviceUnavailable"
	}
	return "computeFault"
}

func errorBody(e *apiError) map[string]any {
	if e.neutronType != "" {
		return map[string]any{"NeutronError": map[string]any{"type": e.neutronType, "message": e.Message, "detail": ""}}
	}
	if e.keystone {
		return map[string]any{"error": map[string]any{
			"code": e.Status, "title": http.StatusText(e.Status), "message": e.Message,
		}}
	}
	return map[string]any{envelopeName(e.Status): map[string]any{"code": e.Status, "message": e.Message}}
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+keystoneURI(w)+`"`)
	}
	if e.glance {
		body := fmt.Sprintf("%d %s\n\n%s\n\n   ", e.Status, http.StatusText(e.Status), e.Message)
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(e.Status)
		_, _ = w.Write([]byte(body))
		return
	}
	writeJSON(w, e.Status, errorBody(e))
}

// keystoneURI is filled in by the pipeline (it knows the request's host); the
// header only tells a client where to authenticate.
func keystoneURI(w http.ResponseWriter) string {
	if sw, ok := w.(*statusWriter); ok {
		return sw.authURL
	}
	return ""
}
