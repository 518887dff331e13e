package scp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of SCP's request signing. net/http canonicalises header keys, so
// lookups are case-insensitive (the docs spell it Scp-Accesskey, the SDK Scp-AccessKey).
const (
	HeaderAccessKey  = "Scp-AccessKey"
	HeaderSignature  = "Scp-Signature"
	HeaderTimestamp  = "Scp-Timestamp"
	HeaderClientType = "Scp-ClientType"
	HeaderAccountID  = "Scp-AccountId"
	HeaderAPIVersion = "Scp-Api-Version"

	// ClientType is the only client type the Open API accepts.
	ClientType = "Openapi"
)

// Sign computes Scp-Signature: base64(HMAC-SHA256(secret, METHOD+URL+TIMESTAMP+ACCESS_KEY+ACCOUNT_ID+CLIENT_TYPE)).
// url is the full URL exactly as sent (scheme, host, escaped path, query).
func Sign(secretKey, method, url, timestamp, accessKey, accountID, clientType string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	for _, part := range []string{method, url, timestamp, accessKey, accountID, clientType} {
		mac.Write([]byte(part))
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// authResult is what the signature check found. It is computed for every request so the
// request log can say whether the signature was valid even when another check answered first.
type authResult struct {
	accessKey      string
	signatureValid bool
	err            *apiError // nil when the request is authenticated
}

// requestURL rebuilds the URL the client signed: the request target exactly as it came
// on the wire, so an escaped path or a query is compared byte for byte.
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") { // absolute-form or empty (handler called directly)
		target = r.URL.RequestURI()
	}
	return scheme + "://" + r.Host + target
}

func (e *Emulator) authenticate(r *http.Request) authResult {
	h := r.Header
	res := authResult{accessKey: h.Get(HeaderAccessKey)}
	unauthorized := func(format string, args ...any) authResult {
		res.err = errorf(http.StatusUnauthorized, CodeUnauthorized, format, args...)
		return res
	}

	for _, name := range []string{HeaderAccessKey, HeaderSignature, HeaderTimestamp, HeaderClientType} {
		if h.Get(name) == "" {
			return unauthorized("missing header %s", name)
		}
	}
	if ct := h.Get(HeaderClientType); ct != ClientType {
		return unauthorized("header %s must be %q, got %q", HeaderClientType, ClientType, ct)
	}
	tsText := h.Get(HeaderTimestamp)
	tsMillis, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return unauthorized("header %s must be Unix time in milliseconds as decimal text, got %q", HeaderTimestamp, tsText)
	}
	cred, ok := e.creds[res.accessKey]
	if !ok {
		return unauthorized("unknown access key %q", res.accessKey)
	}
	accountID := h.Get(HeaderAccountID)
	want := Sign(cred.SecretKey, r.Method, requestURL(r), tsText, res.accessKey, accountID, h.Get(HeaderClientType))
	res.signatureValid = hmac.Equal([]byte(want), []byte(h.Get(HeaderSignature)))
	if !res.signatureValid {
		// Never say what was expected: that would hand out a valid signature.
		return unauthorized("signature mismatch for access key %q: sign METHOD+URL+TIMESTAMP+ACCESS_KEY+ACCOUNT_ID+CLIENT_TYPE with the secret key, URL as sent (%s %s)",
			res.accessKey, r.Method, requestURL(r))
	}
	if cred.AccountID != "" && accountID != cred.AccountID {
		return unauthorized("header %s %q does not match the account of access key %q", HeaderAccountID, accountID, res.accessKey)
	}
	now := e.authClock()
	ts := time.UnixMilli(tsMillis)
	if diff := now.Sub(ts); diff > e.cfg.TimestampWindow || diff < -e.cfg.TimestampWindow {
		return unauthorized("timestamp outside ±%s of the server clock: %s is %s away from server time %s",
			e.cfg.TimestampWindow, tsText, diff.Round(time.Millisecond), now.UTC().Format(time.RFC3339Nano))
	}
	return res
}

// notBefore lists the retired API versions with the date they stopped being accepted.
var notBefore = map[string]string{
	"1.0": "2025-12-31",
	"1.1": "2026-05-31",
}

const apiVersionProduct = "virtualserver"

// isVersionError reports an answer to the Scp-Api-Version header itself.
func isVersionError(err *apiError) bool {
	return err.Code == CodeAPIVersionRequired || err.Code == CodeAPIVersionUnsupported
}

// checkVersion validates "Scp-Api-Version: virtualserver <v>". Without the header
// SCP calls "the latest current version supported by the product" (DOC-COMMON), so
// a missing header is no error: the request log shows whether a client sent it.
func (e *Emulator) checkVersion(r *http.Request) *apiError {
	raw := r.Header.Get(HeaderAPIVersion)
	if raw == "" {
		return nil
	}
	fields := strings.Fields(raw)
	if len(fields) != 2 || !strings.EqualFold(fields[0], apiVersionProduct) {
		return errorf(http.StatusBadRequest, CodeAPIVersionRequired,
			"malformed header %s %q; expected %q", HeaderAPIVersion, raw, apiVersionProduct+" <version>")
	}
	v := fields[1]
	for _, ok := range e.cfg.SupportedVersions {
		if v == ok {
			return nil
		}
	}
	supported := strings.Join(e.cfg.SupportedVersions, ", ")
	if date, retired := notBefore[v]; retired {
		return errorf(http.StatusBadRequest, CodeAPIVersionUnsupported,
			"API version %s %s is no longer supported (its Not Before date %s has passed); use one of: %s",
			apiVersionProduct, v, date, supported)
	}
	return errorf(http.StatusBadRequest, CodeAPIVersionUnsupported,
		"API version %s %s is not supported; use one of: %s", apiVersionProduct, v, supported)
}
