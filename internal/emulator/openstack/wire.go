package openstack

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

const maxBodyBytes = 1 << 20

// Time formats: Nova stamps servers in RFC 3339 with a Z; Cinder and the
// OS-SRV-USG fields use microseconds without a zone (gophercloud's
// JSONRFC3339MilliNoZ); Keystone's expires_at is RFC 3339 with microseconds and a Z.
const (
	novaTime     = "2006-01-02T15:04:05Z"
	cinderTime   = "2006-01-02T15:04:05.000000"
	keystoneTime = "2006-01-02T15:04:05.000000Z"
)

func formatNova(t time.Time) string     { return t.UTC().Format(novaTime) }
func formatCinder(t time.Time) string   { return t.UTC().Format(cinderTime) }
func formatKeystone(t time.Time) string { return t.UTC().Format(keystoneTime) }

// decodeJSON reads the (already buffered) body into v. Unknown fields are ignored,
// as the real services do.
func decodeJSON(body []byte, v any) *apiError {
	if len(body) == 0 {
		return badRequest("The request body is required.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return badRequest("Invalid input for field/attribute %s. Value must be a JSON %s.", typeErr.Field, typeErr.Type)
		}
		return badRequest("Malformed request body: %v", err)
	}
	return nil
}

// writeJSON writes v with status; a nil v writes the status alone (the 202s and
// 204s that have no body).
func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody(&apiError{Status: status, Message: "encoding response: " + err.Error()}))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
