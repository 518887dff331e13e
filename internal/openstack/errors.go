package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

// APIError is an error answer of Nova, Cinder or Keystone, with the message of its envelope
// ({"itemNotFound": {"code": 404, "message": "..."}}, Keystone's {"error": {...}}).
type APIError struct {
	Method string
	// Path is the request path (no host, no query: never a token).
	Path    string
	Status  int
	Kind    string // the envelope's name: itemNotFound, badRequest, conflictingRequest, ...
	Message string
	// Hint is this provider's explanation, appended to the message.
	Hint string
}

func (e *APIError) Error() string {
	msg := safehttp.AnswerLine(e.Method, e.Path, e.Status, e.Message)
	if e.Hint != "" {
		msg += ". " + e.Hint
	}
	return msg
}

// statusError returns gophercloud's answer error inside err, by value or by pointer.
func statusError(err error) (gophercloud.ErrUnexpectedResponseCode, bool) {
	var v gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &v) {
		return v, true
	}
	var p *gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &p) && p != nil {
		return *p, true
	}
	return v, false
}

// apiErrorOf reads an answer error into an APIError; nil when err carries no HTTP answer.
func apiErrorOf(err error) *APIError {
	code, ok := statusError(err)
	if !ok {
		return nil
	}
	out := &APIError{Method: code.Method, Status: code.Actual}
	if u, perr := url.Parse(code.URL); perr == nil {
		out.Path = u.EscapedPath()
	}
	var envelope map[string]json.RawMessage
	if json.Unmarshal(code.Body, &envelope) == nil && len(envelope) == 1 {
		for kind, raw := range envelope {
			var inner struct {
				Message string `json:"message"`
				Title   string `json:"title"`
			}
			if json.Unmarshal(raw, &inner) == nil {
				out.Kind, out.Message = kind, inner.Message
				if out.Message == "" {
					out.Message = inner.Title
				}
			}
		}
	}
	if out.Message == "" {
		body := strings.TrimSpace(string(code.Body))
		if len(body) > 300 {
			body = body[:300] + "..."
		}
		out.Message = body
	}
	return out
}

// statusOf is the HTTP status of an answer error, 0 when there was no answer.
func statusOf(err error) int {
	if code, ok := statusError(err); ok {
		return code.Actual
	}
	return 0
}

// cleanError is err with gophercloud's answer errors rewritten as APIError (shorter, and with the
// envelope's message rather than the raw body).
func cleanError(err error) error {
	if apiErr := apiErrorOf(err); apiErr != nil {
		var reauth *gophercloud.ErrErrorAfterReauthentication
		if errors.As(err, &reauth) {
			apiErr.Hint = "(after renewing the Keystone token)"
		}
		return apiErr
	}
	return err
}

// mayHaveTakenEffect: the mutation was sent and no answer says whether it was carried out (a
// reset or timed-out connection, a 5xx, a 408, the caller gave up while waiting). A connection
// never made, and every 4xx, changed nothing.
func mayHaveTakenEffect(err error) bool {
	if err == nil {
		return false
	}
	if status := statusOf(err); status != 0 {
		// A success status other than the documented one, a 5xx, a 408: the request arrived.
		return status < 300 || status >= 500 || status == http.StatusRequestTimeout
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true // answered, but not readably
	}
	var reauth *gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &reauth) {
		return false // the 401 came first: the request was not carried out
	}
	if safehttp.NeverSent(err) {
		return false
	}
	var urlErr *url.Error
	return errors.As(err, &urlErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "EOF")
}

// classify maps a failed call to an outcome; mutation says whether an unanswered failure leaves
// open that it was carried out.
func classify(err error, mutation bool) error {
	if err == nil {
		return nil
	}
	return classifyWith(err, mutation, cleanError(err))
}

// classifyWith classifies err but shows shown.
func classifyWith(err error, mutation bool, shown error) error {
	var reauth *gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &reauth) {
		return cloud.NewError(cloud.OutcomeDenied, false, shown)
	}
	status := statusOf(err)
	switch {
	case status == http.StatusNotFound && isAPINotFound(err):
		return cloud.NewError(cloud.OutcomeGone, false, shown)
	case status == http.StatusNotFound:
		// A 404 page of a proxy or a wrong path says nothing of the object: never "gone".
		return cloud.NewError(cloud.OutcomeFailed, false, fmt.Errorf("%w (a 404 without Nova's or Cinder's "+
			"itemNotFound body: not the API's own answer, so the object is not taken as gone; check the catalog's endpoints)", shown))
	case status == http.StatusConflict && isTaskStateConflict(err):
		return cloud.NewError(cloud.OutcomeBusy, false, shown)
	}
	if outcome, refused := cloud.RefusalOutcome(status); refused {
		return cloud.NewError(outcome, false, shown)
	}
	return cloud.NewError(cloud.OutcomeFailed, mutation && mayHaveTakenEffect(err), shown)
}

// isAPINotFound reports Nova's and Cinder's own 404 body, {"itemNotFound": {...}}: the only
// answer that proves an object does not exist (REAL-OPENSTACK.md records it for servers,
// volumes and attachments).
func isAPINotFound(err error) bool {
	apiErr := apiErrorOf(err)
	return apiErr != nil && apiErr.Status == http.StatusNotFound && apiErr.Kind == "itemNotFound"
}

// isTaskStateConflict is Nova's "Cannot 'X' instance Y while it is in task_state Z": another task
// runs on the server and nothing was done.
func isTaskStateConflict(err error) bool {
	apiErr := apiErrorOf(err)
	return apiErr != nil && apiErr.Status == http.StatusConflict && strings.Contains(apiErr.Message, "task_state")
}

// isVMStateConflict is Nova's "Cannot 'X' instance Y while it is in vm_state Z".
func isVMStateConflict(err error) bool {
	apiErr := apiErrorOf(err)
	return apiErr != nil && apiErr.Status == http.StatusConflict && strings.Contains(apiErr.Message, "vm_state")
}

// rateLimitBackoff is gophercloud's hook for 429 (and 498): a throttled request changed nothing,
// so it is sent again after Retry-After (or a short growing pause), while the context allows.
func rateLimitBackoff(ctx context.Context, respErr *gophercloud.ErrUnexpectedResponseCode, _ error, retries uint) error {
	d := time.Duration(0)
	if respErr != nil {
		d, _ = safehttp.RetryAfter(respErr.ResponseHeader)
	}
	if d <= 0 {
		d = safehttp.Backoff(int(retries), 250*time.Millisecond, 15*time.Second)
	}
	d = min(d, 2*time.Minute)
	return sleep(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
