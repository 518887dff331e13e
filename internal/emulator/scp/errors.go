package scp

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Error codes name why the emulator answered an error. SCP documents no error codes
// (its envelope has only status and detail), so they never go on the wire: they are
// kept in the request log (RequestRecord.ErrorCode) for tests to assert on.
const (
	CodeInvalidRequest         = "INVALID_REQUEST"
	CodeUnauthorized           = "UNAUTHORIZED"
	CodeNotFound               = "NOT_FOUND"
	CodeMethodNotAllowed       = "METHOD_NOT_ALLOWED"
	CodeAPIVersionRequired     = "API_VERSION_REQUIRED"
	CodeAPIVersionUnsupported  = "API_VERSION_UNSUPPORTED"
	CodeTooManyRequests        = "TOO_MANY_REQUESTS"
	CodeInternalError          = "INTERNAL_ERROR"
	CodeServerLocked           = "SERVER_LOCKED"
	CodeFileStorageConnected   = "FILE_STORAGE_CONNECTED"
	CodeLBServerGroupConnected = "LB_SERVER_GROUP_CONNECTED"
	CodeBackupConnected        = "BACKUP_CONNECTED"
	CodeServerBuilding         = "SERVER_BUILDING"
	CodeServerBusy             = "SERVER_BUSY"
	CodeInvalidState           = "INVALID_STATE"
	CodeVolumeInUse            = "VOLUME_IN_USE"
	CodeOSVolume               = "OS_VOLUME"
	CodeNotAttached            = "NOT_ATTACHED"
	CodeVolumeLimit            = "VOLUME_LIMIT"
)

// apiError is an error answer: HTTP status plus one entry of the "errors" list.
type apiError struct {
	Status int
	Code   string // the emulator's reason; logged, not sent
	Detail string
	// Array sends detail as an array of strings (the real API may send either).
	Array bool
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Detail) }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Detail: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, CodeInvalidRequest, format, args...)
}

func notFound(kind, id string) *apiError {
	return errorf(http.StatusNotFound, CodeNotFound, "%s %s not found", kind, id)
}

func conflict(code, format string, args ...any) *apiError {
	return errorf(http.StatusConflict, code, format, args...)
}

// errorBody is the only error envelope any source attests:
// {"errors":[{"status": <number>, "detail": <string | [string, ...]>}]}.
type errorBody struct {
	Errors []errorEntry `json:"errors"`
}

type errorEntry struct {
	Status int `json:"status"`
	Detail any `json:"detail"` // string or []string
}

// detailParts splits a detail at "; " into the array form: each clause one string.
func detailParts(detail string) []string {
	parts := strings.Split(detail, "; ")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{detail}
	}
	return out
}

func newErrorBody(e *apiError, array bool) errorBody {
	var detail any = e.Detail
	if array || e.Array {
		detail = detailParts(e.Detail)
	}
	return errorBody{Errors: []errorEntry{{Status: e.Status, Detail: detail}}}
}

// writeError answers e in the envelope; array sends every detail as an array.
func writeError(w http.ResponseWriter, e *apiError, array bool) {
	writeJSON(w, e.Status, newErrorBody(e, array))
}

// writeJSON writes v as the response body, ended by a newline; a nil v writes the
// status with no body (the 202s of DELETE and the action endpoints have none).
func writeJSON(w http.ResponseWriter, status int, v any) { engine.WriteJSON(w, status, v, jsonStyle) }

var jsonStyle = engine.JSONStyle{
	EncodingFailed: func(err error) any {
		return newErrorBody(errorf(http.StatusInternalServerError, CodeInternalError, "encoding response: %v", err), false)
	},
	Newline: true,
}

// writePlain answers as something that is not SCP would (a gateway, a web server):
// text, no envelope, so a client cannot mistake it for an SCP answer.
func writePlain(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintln(w, text)
}
