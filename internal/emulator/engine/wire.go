package engine

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// MaxBodyBytes bounds a request body both personalities read.
const MaxBodyBytes = 1 << 20

// BodyWords are a personality's words for a request body it refuses, as fmt
// formats: Empty alone, WrongType with the field and the JSON type it must be,
// Malformed with the decoder's error.
type BodyWords struct {
	Empty, WrongType, Malformed string
}

// DecodeJSON reads body into v, ignoring unknown fields as the clouds do. A body
// it refuses comes back as refuse's answer to the words; a decoded one as E's zero.
func DecodeJSON[E any](body []byte, v any, words BodyWords, refuse func(format string, args ...any) E) E {
	if len(body) == 0 {
		return refuse(words.Empty)
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return refuse(words.WrongType, typeErr.Field, typeErr.Type)
		}
		return refuse(words.Malformed, err)
	}
	var decoded E
	return decoded
}

// JSONStyle is how a personality writes a JSON answer.
type JSONStyle struct {
	// EncodingFailed is the body of the 500 sent when v cannot be encoded.
	EncodingFailed func(err error) any
	// ContentLength sends the body's length; Newline ends the body with one.
	ContentLength, Newline bool
}

// WriteJSON writes v with status in style; a nil v writes the status alone (the
// 202s and 204s that have no body).
func WriteJSON(w http.ResponseWriter, status int, v any, style JSONStyle) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(style.EncodingFailed(err))
	}
	if style.Newline {
		b = append(b, '\n')
	}
	w.Header().Set("Content-Type", "application/json")
	if style.ContentLength {
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
