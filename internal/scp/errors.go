package scp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

// APIError is an HTTP error answer from SCP. Detail carries the API's own errors[].detail when the
// body was the documented envelope; a body that was not (a proxy's HTML page, nothing at all)
// leaves it empty and FromAPI false. Only the status is decided on: no source documents SCP's
// error codes, so none are read.
type APIError struct {
	StatusCode int
	Detail     string
	// FromAPI is true when the body was SCP's error envelope ({"errors":[{"status", "detail"}]})
	// and its first entry carried the same status as the answer.
	FromAPI bool
	Method  string
	Path    string
	// CredentialSource names where the access key came from; set on 401 so the message can say it.
	CredentialSource string
	// AccessKeyHint is the access key masked for display (never the whole key).
	AccessKeyHint string
}

func (e *APIError) Error() string {
	return safehttp.AnswerLine(e.Method, e.Path, e.StatusCode, e.Detail) + e.advice()
}

// advice says what to check for the answers whose cause is usually on this side: a 404 that is
// not SCP's own, and a refused signature.
func (e *APIError) advice() string {
	switch {
	case e.StatusCode == http.StatusNotFound && !e.FromAPI:
		return ". The answer is not SCP's error format, so this provider does not take it to mean " +
			"that the object is gone: check that the endpoint is the API's base URL (scheme, host and port, no path) " +
			"and that no proxy answers in its place"
	case e.StatusCode == http.StatusUnauthorized:
		from := ""
		if e.CredentialSource != "" {
			from = " taken from " + e.CredentialSource
		}
		return ". SCP rejected the request signature for access key " + e.AccessKeyHint + from +
			"; check that the access key and secret key belong together, and that this machine's clock is right (signatures carry a timestamp)"
	}
	return ""
}

// errorBody is the documented error envelope. detail may be a string or an array of strings.
type errorBody struct {
	Errors []struct {
		Status json.RawMessage `json:"status"`
		Detail json.RawMessage `json:"detail"`
	} `json:"errors"`
}

// newAPIError builds an APIError from a response body that may or may not follow the envelope.
func newAPIError(method, path string, status int, body []byte) *APIError {
	apiErr := &APIError{StatusCode: status, Method: method, Path: path}
	var parsed errorBody
	if json.Unmarshal(body, &parsed) != nil || len(parsed.Errors) == 0 {
		return apiErr
	}
	first := parsed.Errors[0]
	apiErr.Detail = sanitizeText(detailText(first.Detail), 1000)
	// The envelope's status is a number; a quoted one is accepted rather than guessed wrong.
	apiErr.FromAPI = strings.Trim(string(first.Status), `"`) == strconv.Itoa(status)
	return apiErr
}

// detailText flattens a detail that is a string or an array of strings; anything else is dropped.
func detailText(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return strings.Join(many, "; ")
	}
	return ""
}

// sanitizeText keeps an API-provided string printable and bounded, so a hostile or broken answer
// cannot flood or garble the user's terminal.
func sanitizeText(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > limit {
		cut := limit
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.TrimSpace(s)
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// DecodeError means SCP answered with a success status but a body that is not the documented shape.
type DecodeError struct {
	Method      string
	Path        string
	StatusCode  int
	ContentType string
	Reason      string
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	effect := "nothing was changed by reading it"
	if e.Method != "" && e.Method != http.MethodGet && e.Method != http.MethodHead {
		effect = "the request may or may not have taken effect on SCP"
	}
	return fmt.Sprintf("%s %s: the API answered %d (%s) with a body this provider cannot use: %s. "+
		"This usually means a proxy or gateway answered instead of SCP; %s",
		e.Method, e.Path, e.StatusCode, ct, e.Reason, effect)
}

func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports that SCP itself said the object does not exist: a 404 carrying its error
// envelope. A 404 page from anything else (a wrong endpoint path, a proxy) is not proof of absence,
// and a resource must never leave the state on it.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.FromAPI
}

// IsConflict reports a 409 of any kind.
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsBusy reports a 409 whose detail says that another operation is in progress. No source documents
// how SCP words it, so this is only a hint: callers that can read the object's state decide on that
// (see the provider's waits), and a 409 without the hint is treated as a refusal.
func IsBusy(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		return false
	}
	return detailSaysBusy(apiErr.Detail)
}

// detailSaysBusy looks for the usual wordings of "try again later" in an error detail.
func detailSaysBusy(detail string) bool {
	detail = strings.ToLower(detail)
	for _, hint := range []string{"busy", "in progress", "in-progress", "another operation", "try again"} {
		if strings.Contains(detail, hint) {
			return true
		}
	}
	return false
}

// MayHaveTakenEffect reports whether a failed request that changes something may still have
// been carried out by SCP: the connection broke or timed out after the request was sent, the
// caller gave up while waiting for the answer, a gateway answered 5xx, or the answer was a success
// status with a body that is not the documented one. A 4xx answer (other than 408) is a refusal,
// and a connection that was never made sent nothing. Callers of a create that is not retried use
// this to decide whether to look for the object before reporting the failure.
func MayHaveTakenEffect(err error) bool {
	if err == nil {
		return false
	}
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		return true
	}
	var transportErr *TransportError
	if errors.As(err, &transportErr) {
		return !safehttp.NeverSent(transportErr.Err)
	}
	if status := statusOf(err); status != 0 {
		return status >= 500 || status == http.StatusRequestTimeout
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
