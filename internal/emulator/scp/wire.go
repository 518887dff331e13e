package scp

import (
	"io"
	"net/http"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Tag is a key/value label on a server or volume.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

const maxBodyBytes = engine.MaxBodyBytes

// decodeBody reads a JSON request body into v. Unknown fields are ignored, as a
// tolerant API would.
func decodeBody(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return badRequest("reading request body: %v", err)
	}
	if len(b) > maxBodyBytes {
		return badRequest("request body larger than %d bytes", maxBodyBytes)
	}
	return engine.DecodeJSON(b, v, bodyWords, badRequest)
}

// decodeRequired is decodeBody refusing a body in which present finds no value of
// the required field.
func decodeRequired(r *http.Request, v any, field string, present func() bool) *apiError {
	if err := decodeBody(r, v); err != nil || present() {
		return err // refused, or decoded with the field
	}
	return badRequest("%s: required", field)
}

var bodyWords = engine.BodyWords{
	Empty:     "request body is required",
	WrongType: "%s: must be a JSON %s",
	Malformed: "request body is not valid JSON: %v",
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func copyTags(tags []Tag) []Tag {
	out := make([]Tag, len(tags))
	copy(out, tags)
	return out
}
