package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes carried in the "code" field of error bodies. Tests and the provider
// match on these, so they are part of the wire contract.
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
	Code   string
	Detail string
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

// errorBody is the SCP error envelope.
type errorBody struct {
	Errors []errorEntry `json:"errors"`
}

type errorEntry struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func newErrorBody(e *apiError) errorBody {
	return errorBody{Errors: []errorEntry{{
		Status: e.Status,
		Code:   e.Code,
		Title:  http.StatusText(e.Status),
		Detail: e.Detail,
	}}}
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, newErrorBody(e))
}

// writeJSON writes v as the response body; a nil v writes the status with no body
// (the 202s of DELETE and the action endpoints have none).
func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(newErrorBody(errorf(status, CodeInternalError, "encoding response: %v", err)))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
