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
	// webob gives the answer of the WSGI framework under Glance and Cinder's router:
	// {"code": "404 Not Found", "title", "message"} to a client that accepts JSON, else
	// text; acceptsJSON is set from the request before it is written.
	webob, acceptsJSON bool
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

// webobNotFound is the 404 of Glance, and of Cinder for a path it does not route.
func webobNotFound(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...), webob: true}
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
	if e.webob {
		writeWebob(w, e)
		return
	}
	writeJSON(w, e.Status, errorBody(e))
}

// writeWebob writes webob's error page: JSON (the message ends in its HTML line breaks)
// or text.
func writeWebob(w http.ResponseWriter, e *apiError) {
	status := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if e.acceptsJSON {
		writeJSON(w, e.Status, map[string]string{"code": status, "title": http.StatusText(e.Status), "message": e.Message + "<br /><br />\n\n\n"})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(e.Status)
	_, _ = w.Write([]byte(status + "\n\n" + e.Message + "\n\n   "))
}

// keystoneURI is filled in by the pipeline (it knows the request's host); the
// header only tells a client where to authenticate.
func keystoneURI(w http.ResponseWriter) string {
	if sw, ok := w.(*statusWriter); ok {
		return sw.authURL
	}
	return ""
}
