package openstack

import (
	"net/http"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

const maxBodyBytes = engine.MaxBodyBytes

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
	return engine.DecodeJSON(body, v, bodyWords, badRequest)
}

// decodeRequired is decodeJSON refusing, with missing, a body in which present
// finds no required element.
func decodeRequired(body []byte, v any, present func() bool, missing string) *apiError {
	if err := decodeJSON(body, v); err != nil {
		return err
	}
	if !present() {
		return badRequest("%s", missing)
	}
	return nil
}

var bodyWords = engine.BodyWords{
	Empty:     "The request body is required.",
	WrongType: "Invalid input for field/attribute %s. Value must be a JSON %s.",
	Malformed: "Malformed request body: %v",
}

// writeJSON writes v with status and its length; a nil v writes the status alone
// (the 202s and 204s that have no body).
func writeJSON(w http.ResponseWriter, status int, v any) { engine.WriteJSON(w, status, v, jsonStyle) }

var jsonStyle = engine.JSONStyle{
	EncodingFailed: func(err error) any {
		return errorBody(&apiError{Status: http.StatusInternalServerError, Message: "encoding response: " + err.Error()})
	},
	ContentLength: true,
}

// links are the self and bookmark links of object id of a compute or volume
// collection ("servers", "flavors", "volumes").
func (e *Emulator) links(c *call, collection, id string) []map[string]string {
	base := baseURL(c.r)
	return []map[string]string{
		{"rel": "self", "href": base + "/" + c.p.apiVersion + "/" + e.cfg.ProjectID + "/" + collection + "/" + id},
		{"rel": "bookmark", "href": base + "/" + e.cfg.ProjectID + "/" + collection + "/" + id},
	}
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
