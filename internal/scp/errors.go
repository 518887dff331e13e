package scp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an HTTP error answer from SCP. Detail carries the API's own errors[].detail when
// the body parsed; a body that did not parse (a proxy's HTML page, nothing at all) leaves it empty.
type APIError struct {
	StatusCode int
	Code       string
	Title      string
	Detail     string
	Method     string
	Path       string
	// CredentialSource names where the access key came from; set on 401 so the message can say it.
	CredentialSource string
	// AccessKeyHint is the access key masked for display (never the whole key).
	AccessKeyHint string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	} else if e.Title != "" && e.Title != http.StatusText(e.StatusCode) {
		fmt.Fprintf(&b, ": %s", e.Title)
	}
	if e.StatusCode == http.StatusUnauthorized {
		fmt.Fprintf(&b, ". SCP rejected the request signature for access key %s", e.AccessKeyHint)
		if e.CredentialSource != "" {
			fmt.Fprintf(&b, " taken from %s", e.CredentialSource)
		}
		b.WriteString("; check that the access key and secret key belong together, and that this machine's clock is right (signatures carry a timestamp)")
	}
	return b.String()
}

// errorBody is the documented error envelope.
type errorBody struct {
	Errors []struct {
		Status json.RawMessage `json:"status"`
		Code   string          `json:"code"`
		Title  string          `json:"title"`
		Detail string          `json:"detail"`
	} `json:"errors"`
}

// newAPIError builds an APIError from a response body that may or may not follow the envelope.
func newAPIError(method, path string, status int, body []byte) *APIError {
	apiErr := &APIError{StatusCode: status, Method: method, Path: path}
	var parsed errorBody
	if json.Unmarshal(body, &parsed) == nil && len(parsed.Errors) > 0 {
		first := parsed.Errors[0]
		apiErr.Code = sanitizeText(first.Code, 100)
		apiErr.Title = sanitizeText(first.Title, 200)
		apiErr.Detail = sanitizeText(first.Detail, 1000)
	}
	return apiErr
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

// IsNotFound reports a 404: the object does not exist (any more).
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports a 401: the credentials or the signature were refused.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsConflict reports a 409 of any kind.
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool { return statusOf(err) == http.StatusBadRequest }

// IsBusy reports a 409 that only means "another operation on this object is in progress; try later".
// Such an answer changed nothing, so retrying it is always safe.
func IsBusy(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		return false
	}
	return isBusyAnswer(apiErr.Code, apiErr.Detail)
}

func isBusyAnswer(code, detail string) bool {
	code = strings.ToUpper(code)
	if strings.Contains(code, "BUSY") || strings.Contains(code, "IN_PROGRESS") {
		return true
	}
	detail = strings.ToLower(detail)
	return strings.Contains(detail, "busy") || strings.Contains(detail, "in progress")
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
		return !neverSent(transportErr.Err)
	}
	if status := statusOf(err); status != 0 {
		return status >= 500 || status == http.StatusRequestTimeout
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Code reports the API's error code of err, upper case ("" when err is not an APIError or the body had none).
func Code(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return strings.ToUpper(apiErr.Code)
	}
	return ""
}
