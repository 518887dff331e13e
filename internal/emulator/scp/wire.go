package scp

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// Tag is a key/value label on a server or volume.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

const maxBodyBytes = 1 << 20

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
	if len(b) == 0 {
		return badRequest("request body is required")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return badRequest("%s: must be a JSON %s", typeErr.Field, typeErr.Type)
		}
		return badRequest("request body is not valid JSON: %v", err)
	}
	return nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func copyTags(tags []Tag) []Tag {
	out := make([]Tag, len(tags))
	copy(out, tags)
	return out
}
