package scp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

// The retry loop is our own rather than go-retryablehttp's: it must re-sign every attempt, hold all
// of a client's requests behind one gate after a 429, read "busy" out of a 409's body, and tell a
// create that never left this machine (safe to resend) from one that may have reached SCP.

// LogSubsystem is the tflog subsystem of API traffic. It logs at the provider's level (TF_LOG_PROVIDER);
// TF_LOG_PROVIDER_SCP_API can make it quieter than the rest.
const LogSubsystem = "scp_api"

// maxBodyBytes bounds how much of any answer is read, so a hostile endpoint cannot exhaust memory.
const maxBodyBytes = 4 << 20

// RetryPolicy bounds the retry loop. Zero fields take the defaults.
type RetryPolicy struct {
	// MaxAttempts bounds attempts for server errors and connection failures.
	MaxAttempts int
	// MaxThrottledAttempts bounds attempts answered 429 or "busy"; these changed nothing, so
	// waiting longer is always safe and a large run slows down rather than fails.
	MaxThrottledAttempts int
	BaseDelay            time.Duration
	MaxDelay             time.Duration
	// AttemptTimeout bounds one attempt, so a hung connection is abandoned and retried.
	AttemptTimeout time.Duration
	// ReadBudget bounds all attempts of a read (GET) that get no answer, so a plan against an
	// endpoint that accepts connections but never answers fails in about this long.
	ReadBudget time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	orDefault(&p.MaxAttempts, 6)
	orDefault(&p.MaxThrottledAttempts, 40)
	orDefault(&p.BaseDelay, 250*time.Millisecond)
	orDefault(&p.MaxDelay, 15*time.Second)
	orDefault(&p.AttemptTimeout, 60*time.Second)
	orDefault(&p.ReadBudget, 60*time.Second)
	return p
}

// orDefault puts def in a policy field left zero (or set negative, which means nothing either).
func orDefault[T int | time.Duration](field *T, def T) {
	if *field <= 0 {
		*field = def
	}
}

// service is the API a request is addressed to. The zero value is the Virtual Server API, so
// existing requests need not say it.
type service int

const (
	serviceVirtualServer service = iota
	// serviceResourceManager is Resource Manager (tags): its own endpoint, and no Scp-Api-Version
	// header, as the official SDK sends none (the service's CURRENT version applies).
	serviceResourceManager
	// serviceCatalog is the IAM endpoint catalog under the auth URL; no Scp-Api-Version either.
	serviceCatalog
)

// ErrNoResourceManager is returned for a Resource Manager request when its endpoint is unknown.
var ErrNoResourceManager = errors.New("the Resource Manager endpoint (needed for tags) is unknown: set resource_manager_endpoint " +
	"(or SCP_RESOURCE_MANAGER_ENDPOINT), or auth_url (or SCP_TF_AUTH_URL, or auth-url in ~/.scpconf/config.json) " +
	"so that the provider finds it in the endpoint catalog")

// base returns the URL a request to svc is built on, or nil when that endpoint is unknown.
func (c *Client) base(svc service) *url.URL {
	switch svc {
	case serviceResourceManager:
		return c.resourceManager
	case serviceCatalog:
		return c.identity
	}
	return c.endpoint
}

// request describes one API call.
type request struct {
	// service selects the endpoint (and whether Scp-Api-Version is sent); zero is Virtual Server.
	service  service
	method   string
	segments []string
	query    url.Values
	body     any
	// idempotent calls may be retried after an ambiguous failure (a reset connection, a 5xx):
	// sending them twice has the same effect as once. Creates are not, so they are retried only
	// when the answer proves nothing was done (429, busy, a connection never made).
	idempotent bool
	// op names the operation in logs, e.g. "server.delete".
	op string
}

// do runs req with retries and decodes a success body into out (when out is non-nil).
func (c *Client) do(ctx context.Context, req request, out any) error {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_SCP_API"))
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, c.creds.secretKey, c.creds.accessKey)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, c.creds.secretKey, c.creds.accessKey)

	var payload []byte
	if req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("encoding %s request: %w", req.op, err)
		}
	}
	base := c.base(req.service)
	if base == nil {
		if req.service == serviceResourceManager {
			return fmt.Errorf("%s: %w", req.op, ErrNoResourceManager)
		}
		return fmt.Errorf("%s: the client has no endpoint for this service; this is a bug in the provider, please report it", req.op)
	}
	u := joinURL(base, req.segments, req.query)
	path := u.EscapedPath()

	started := time.Now()
	failures, throttled := 0, 0
	for attempt := 1; ; attempt++ {
		if err := c.waitForThrottle(ctx); err != nil {
			return interrupted(req, err)
		}
		timeout := c.retry.AttemptTimeout
		if req.method == http.MethodGet {
			timeout = min(timeout, max(c.retry.ReadBudget-time.Since(started), time.Second))
		}
		status, body, header, err := c.attempt(ctx, req, u, payload, attempt, timeout)
		if err != nil {
			if ctx.Err() != nil {
				return interrupted(req, ctx.Err())
			}
			if untrustedCertificate(err) {
				// Trying again cannot change a certificate; say how to trust it instead.
				return tlsError(req, u, err)
			}
			failures++
			outOfBudget := req.method == http.MethodGet && time.Since(started) >= c.retry.ReadBudget
			if !(req.idempotent || safehttp.NeverSent(err)) || failures >= c.retry.MaxAttempts || outOfBudget {
				return connectionError(req, base, path, attempt, time.Since(started), err)
			}
			c.sleep(ctx, c.backoff(failures))
			continue
		}
		switch {
		case status >= 200 && status < 300:
			return decodeSuccess(req, path, status, header, body, out)
		case status >= 300 && status < 400:
			// Never followed and never retried: the signed request stays with the configured endpoint.
			return c.redirectError(req, u, status, header)
		case status == http.StatusTooManyRequests:
			throttled++
			if throttled >= c.retry.MaxThrottledAttempts {
				return c.apiError(req, path, status, body)
			}
			c.throttle(retryAfter(header, c.backoff(throttled)))
			continue
		case status == http.StatusConflict && isBusyBody(body):
			throttled++
			if throttled >= c.retry.MaxThrottledAttempts {
				return c.apiError(req, path, status, body)
			}
			c.sleep(ctx, c.backoff(throttled))
			continue
		case retryableStatus(status) && req.idempotent:
			failures++
			if failures >= c.retry.MaxAttempts {
				return c.apiError(req, path, status, body)
			}
			c.sleep(ctx, retryAfter(header, c.backoff(failures)))
			continue
		}
		return c.apiError(req, path, status, body)
	}
}

// apiError builds the error for an error answer: credentials masked, and on 401 where they came from.
func (c *Client) apiError(req request, path string, status int, body []byte) *APIError {
	apiErr := newAPIError(req.method, path, status, body)
	c.maskCredentials(apiErr)
	if status == http.StatusUnauthorized {
		apiErr.CredentialSource = c.credSource
		apiErr.AccessKeyHint = MaskKey(c.creds.accessKey)
	}
	return apiErr
}

// attempt sends one signed request and reads its answer.
func (c *Client) attempt(ctx context.Context, req request, u *url.URL, payload []byte, attempt int, timeout time.Duration) (int, []byte, http.Header, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	httpReq, err := http.NewRequestWithContext(attemptCtx, req.method, u.String(), body)
	if err != nil {
		return 0, nil, nil, err
	}
	httpReq.Header.Set("Accept", "application/json")
	if payload != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	httpReq.Header.Set("User-Agent", c.userAgent)
	httpReq.Header.Set("Accept-Language", c.acceptLanguage)
	fields := map[string]any{
		"op": req.op, "method": req.method, "url": u.String(), "attempt": attempt, "access_key": MaskKey(c.creds.accessKey),
	}
	if req.service == serviceVirtualServer {
		httpReq.Header.Set(headerAPIVersion, "virtualserver "+c.apiVersion)
		fields["api_version"] = c.apiVersion
	}
	c.creds.sign(httpReq, c.now())

	tflog.SubsystemDebug(ctx, LogSubsystem, "sending SCP API request", fields)
	if len(payload) > 0 {
		tflog.SubsystemTrace(ctx, LogSubsystem, "SCP API request body", map[string]any{"op": req.op, "body": redactBody(payload)})
	}

	started := time.Now()
	resp, err := c.httpClient.Do(httpReq)
	if err != nil {
		fields["error"] = err.Error()
		fields["duration_ms"] = time.Since(started).Milliseconds()
		tflog.SubsystemWarn(ctx, LogSubsystem, "SCP API request failed", fields)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemWarn(ctx, LogSubsystem, "reading SCP API answer failed", fields)
		return 0, nil, nil, err
	}
	fields["status"] = resp.StatusCode
	fields["duration_ms"] = time.Since(started).Milliseconds()
	tflog.SubsystemDebug(ctx, LogSubsystem, "received SCP API answer", fields)
	if len(respBody) > 0 {
		tflog.SubsystemTrace(ctx, LogSubsystem, "SCP API answer body", map[string]any{"op": req.op, "body": sanitizeText(string(respBody), 2048)})
	}
	return resp.StatusCode, respBody, resp.Header, nil
}

// redactBody keeps request bodies useful in TRACE logs without user_data, which may hold secrets.
func redactBody(payload []byte) string {
	var fields map[string]any
	if json.Unmarshal(payload, &fields) != nil {
		return "(unparsed body omitted)"
	}
	if _, ok := fields["user_data"]; ok {
		fields["user_data"] = "(redacted)"
	}
	out, _ := json.Marshal(fields)
	return string(out)
}

func decodeSuccess(req request, path string, status int, header http.Header, body []byte, out any) error {
	fail := func(reason string) error {
		return &DecodeError{Method: req.method, Path: path, StatusCode: status, ContentType: header.Get("Content-Type"), Reason: reason}
	}
	if out == nil {
		// No body is documented (a 202 to a DELETE, say): nothing, or JSON the provider ignores,
		// is fine. Anything else is not SCP's answer, and must not pass for "accepted".
		trimmed := bytes.TrimSpace(body)
		switch {
		case len(trimmed) == 0 || json.Valid(trimmed):
			return nil
		case bytes.HasPrefix(trimmed, []byte("<")):
			return fail("it is HTML, not JSON")
		}
		return fail("it is not JSON")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fail("the body is empty")
	}
	if err := json.Unmarshal(body, out); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
			return fail("it is HTML, not JSON")
		}
		return fail("it is not the documented JSON: " + err.Error())
	}
	if v, ok := out.(validator); ok {
		if err := v.validate(); err != nil {
			return fail(err.Error())
		}
	}
	return nil
}

// maskCredentials replaces the access key (and, should an endpoint ever echo it, the secret key)
// in the texts an error answer carries, so diagnostics and logs never show them whole.
func (c *Client) maskCredentials(e *APIError) {
	for _, field := range []*string{&e.Detail} {
		if c.creds.secretKey != "" {
			*field = strings.ReplaceAll(*field, c.creds.secretKey, "(secret key)")
		}
		if c.creds.accessKey != "" {
			*field = strings.ReplaceAll(*field, c.creds.accessKey, MaskKey(c.creds.accessKey))
		}
	}
}

// validator is implemented by answer types that have required fields.
type validator interface{ validate() error }

func isBusyBody(body []byte) bool {
	return detailSaysBusy(newAPIError("", "", http.StatusConflict, body).Detail)
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter is the wait Retry-After asks for, capped and spread a little, or fallback without one.
func retryAfter(header http.Header, fallback time.Duration) time.Duration {
	wait, ok := safehttp.RetryAfter(header)
	if !ok {
		return fallback
	}
	return min(max(wait, 0), 5*time.Minute) + safehttp.Jitter(250*time.Millisecond)
}

// backoff is the pause before retry n with this client's retry policy.
func (c *Client) backoff(n int) time.Duration {
	return safehttp.Backoff(n, c.retry.BaseDelay, c.retry.MaxDelay)
}

func (c *Client) throttle(d time.Duration) {
	c.throttleMu.Lock()
	defer c.throttleMu.Unlock()
	c.lastThrottled = time.Now()
	if until := time.Now().Add(d); until.After(c.throttleUntil) {
		c.throttleUntil = until
	}
}

// LastThrottled is when the API last answered this client 429 (zero: never), so that the
// provider's waits can probe less while it is rate limited.
func (c *Client) LastThrottled() time.Time {
	c.throttleMu.Lock()
	defer c.throttleMu.Unlock()
	return c.lastThrottled
}

func (c *Client) waitForThrottle(ctx context.Context) error {
	c.throttleMu.Lock()
	until := c.throttleUntil
	c.throttleMu.Unlock()
	if d := time.Until(until); d > 0 {
		// Spread the waiting requests over a short window instead of releasing them all at once.
		c.sleep(ctx, d+safehttp.Jitter(d/2))
	}
	return ctx.Err()
}

func (c *Client) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func interrupted(req request, err error) error {
	return fmt.Errorf("%s request interrupted before an answer arrived: %w", req.op, err)
}

// connectionError says what is known after no answer came: whether the request left this machine,
// and whether anything can have changed.
func connectionError(req request, base *url.URL, path string, attempts int, elapsed time.Duration, err error) error {
	msg := fmt.Sprintf("%s %s: no answer from %s after %d attempt(s) in %s: %v",
		req.method, path, base.Host, attempts, elapsed.Round(time.Second), err)
	switch {
	case safehttp.NeverSent(err):
		msg += ". No connection could be made, so the request was never sent and nothing was changed; " +
			"check the endpoint and that the API is reachable from this machine"
	case req.method == http.MethodGet:
		msg += ". This was a read: nothing was changed. The endpoint accepts connections but does not answer; " +
			"check that it is the API's base URL and that no proxy holds the requests"
	case !req.idempotent:
		msg += ". The request was sent, so it may or may not have reached the API"
	}
	return &TransportError{Op: req.op, Message: msg, Err: err}
}

// TransportError is a failure to get any HTTP answer (refused, reset, timed out).
type TransportError struct {
	Op      string
	Message string
	Err     error
}

func (e *TransportError) Error() string { return e.Message }
func (e *TransportError) Unwrap() error { return e.Err }
