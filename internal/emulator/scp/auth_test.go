package scp

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/sigvectors"
)

func TestSignMatchesVectors(t *testing.T) {
	t.Parallel()
	for _, v := range sigvectors.Load(t) {
		got := Sign(v.SecretKey, v.Method, v.URL, v.Timestamp, v.AccessKey, v.AccountID, v.ClientType)
		if got != v.Signature {
			t.Errorf("%s %s: Sign = %s, want %s", v.Method, v.URL, got, v.Signature)
		}
	}
}

// TestVerifyAcceptsVectors runs each vector through the emulator's own check, with
// the emulator's clock set to the vector's timestamp, and a flipped one through it too.
func TestVerifyAcceptsVectors(t *testing.T) {
	t.Parallel()
	for _, v := range sigvectors.Load(t) {
		ms, _ := strconv.ParseInt(v.Timestamp, 10, 64)
		e := New(Config{
			Credentials: []Credential{{AccessKey: v.AccessKey, SecretKey: v.SecretKey, AccountID: v.AccountID}},
			Clock:       func() time.Time { return time.UnixMilli(ms) },
		})
		req := httptest.NewRequest(v.Method, v.URL, nil)
		req.Header.Set("Scp-Accesskey", v.AccessKey)
		req.Header.Set("Scp-Timestamp", v.Timestamp)
		req.Header.Set("Scp-ClientType", v.ClientType)
		req.Header.Set("Scp-Signature", v.Signature)
		if v.AccountID != "" {
			req.Header.Set("Scp-AccountId", v.AccountID)
		}
		if res := e.authenticate(req); res.err != nil || !res.signatureValid {
			t.Errorf("%s %s: rejected: %v", v.Method, v.URL, res.err)
		}
		req.Header.Set("Scp-Signature", strings.ToLower(v.Signature))
		if res := e.authenticate(req); res.err == nil || res.signatureValid {
			t.Errorf("%s %s: accepted a wrong signature", v.Method, v.URL)
		}
		e.Close()
	}
}

func TestAuthFailures(t *testing.T) {
	e, c := startParallel(t, Config{})
	secret := e.Credentials().SecretKey

	cases := []struct {
		name   string
		mutate func(r *http.Request)
		detail string
	}{
		{"bad signature", func(r *http.Request) { r.Header.Set("Scp-Signature", "AAAA"+r.Header.Get("Scp-Signature")[4:]) }, "signature mismatch"},
		{"unknown key", func(r *http.Request) { r.Header.Set("Scp-AccessKey", "nobody") }, "unknown access key"},
		{"missing signature", func(r *http.Request) { r.Header.Del("Scp-Signature") }, "missing header Scp-Signature"},
		{"missing timestamp", func(r *http.Request) { r.Header.Del("Scp-Timestamp") }, "missing header Scp-Timestamp"},
		{"wrong client type", func(r *http.Request) { r.Header.Set("Scp-ClientType", "Browser") }, "Openapi"},
		{"timestamp in seconds", func(r *http.Request) { r.Header.Set("Scp-Timestamp", "abc") }, "milliseconds"},
		{"signed another path", func(r *http.Request) { r.URL.Path = "/v1/volumes" }, "signature mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := c.request("GET", "/v1/servers", nil)
			tc.mutate(req)
			r := c.send(req)
			if r.status != http.StatusUnauthorized || r.errCode() != CodeUnauthorized {
				t.Fatalf("got %d %s", r.status, r.body)
			}
			if !strings.Contains(r.errDetail(), tc.detail) {
				t.Errorf("detail %q does not mention %q", r.errDetail(), tc.detail)
			}
			if strings.Contains(string(r.body), secret) {
				t.Errorf("response leaks the secret: %s", r.body)
			}
		})
	}

	// The wrong client type and the timestamp in another format break the contract's
	// header schemas as well; the check must have seen both.
	takeViolations(t, e, "Scp-ClientType", "Scp-Timestamp")

	t.Run("expected signature never echoed", func(t *testing.T) {
		req := c.request("GET", "/v1/servers", nil)
		good := req.Header.Get("Scp-Signature")
		req.Header.Set("Scp-Signature", "x"+good)
		r := c.send(req)
		if strings.Contains(string(r.body), good) {
			t.Fatalf("401 body contains the valid signature: %s", r.body)
		}
		last := e.Requests()[len(e.Requests())-1]
		if last.SignatureValid || !strings.Contains(last.AuthError, "signature mismatch") {
			t.Fatalf("request log: %+v", last)
		}
	})

	t.Run("stale timestamp", func(t *testing.T) {
		old := c.now
		defer func() { c.now = old }()
		c.now = func() time.Time { return time.Now().Add(-6 * time.Minute) }
		r := c.expect("GET", "/v1/servers", nil, http.StatusUnauthorized, CodeUnauthorized)
		if !strings.Contains(r.errDetail(), "timestamp outside") {
			t.Fatalf("detail %q", r.errDetail())
		}
		// The signature itself was fine; the log says so.
		last := e.Requests()[len(e.Requests())-1]
		if !last.SignatureValid || !strings.Contains(last.AuthError, "timestamp") {
			t.Fatalf("request log: %+v", last)
		}
		c.now = func() time.Time { return time.Now().Add(4 * time.Minute) }
		c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	})

	t.Run("clock skew", func(t *testing.T) {
		e.SetClockSkew(10 * time.Minute)
		c.expect("GET", "/v1/servers", nil, http.StatusUnauthorized, CodeUnauthorized)
		e.SetClockSkew(-2 * time.Minute)
		c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
		e.SetClockSkew(0)
	})
}

func TestAccountID(t *testing.T) {
	t.Parallel()
	cred := Credential{AccessKey: "ak", SecretKey: "sk", AccountID: "acc-42"}
	e, c := startEmulator(t, Config{Credentials: []Credential{cred}})
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "")
	if e.AccountID() != "acc-42" {
		t.Fatalf("account id %q, want the credential's", e.AccountID())
	}

	other := newClient(t, c.base, Credential{AccessKey: "ak", SecretKey: "sk", AccountID: "acc-7"})
	other.e = e
	r := other.expect("GET", "/v1/servers", nil, http.StatusUnauthorized, CodeUnauthorized)
	if !strings.Contains(r.errDetail(), "Scp-AccountId") {
		t.Fatalf("detail %q", r.errDetail())
	}
}

// TestSignatureCoversQueryAndEscapes: the URL is compared exactly as sent.
func TestSignatureCoversQueryAndEscapes(t *testing.T) {
	_, c := startParallel(t, Config{})
	c.expect("GET", "/v1/volumes?name=data+disk&state=available", nil, http.StatusOK, "")
	c.expect("GET", "/v1/servers/a%2Fb", nil, http.StatusNotFound, CodeNotFound)

	req := c.request("GET", "/v1/volumes?name=a", nil)
	req.URL.RawQuery = "name=b"
	if r := c.send(req); r.status != http.StatusUnauthorized {
		t.Fatalf("altered query accepted: %d", r.status)
	}
}

func TestAPIVersion(t *testing.T) {
	e, c := startParallel(t, Config{})
	cases := []struct {
		header string
		status int
		code   string
	}{
		// Without the header SCP uses its latest current version (DOC-COMMON).
		{"", http.StatusOK, ""},
		{"1.3", http.StatusBadRequest, CodeAPIVersionRequired},
		{"compute 1.3", http.StatusBadRequest, CodeAPIVersionRequired},
		{"virtualserver 1.0", http.StatusBadRequest, CodeAPIVersionUnsupported},
		{"virtualserver 1.1", http.StatusBadRequest, CodeAPIVersionUnsupported},
		{"virtualserver 9.9", http.StatusBadRequest, CodeAPIVersionUnsupported},
		{"virtualserver 1.2", http.StatusOK, ""},
		{"virtualserver 1.3", http.StatusOK, ""},
	}
	for _, tc := range cases {
		c.version = tc.header
		r := c.expect("GET", "/v1/servers", nil, tc.status, tc.code)
		if tc.header == "virtualserver 1.1" && !strings.Contains(r.errDetail(), "2026-05-31") {
			t.Errorf("1.1 detail %q does not name its Not Before date", r.errDetail())
		}
	}
	// The contract is for 1.3: every other header value is a request violation, 1.2
	// (which the emulator still serves) included.
	if vs := takeViolations(t, e, "Scp-Api-Version"); len(vs) != 6 {
		t.Errorf("%d violations, want 6 (one per header other than 1.3 and none)", len(vs))
	}

	// A bad version header is 400 on every route, also where the call documents no 400 (DELETE
	// server, lock) or documents a 401 that would read as refused credentials (the default volume type).
	c.version = "virtualserver 9.9"
	c.expect("DELETE", "/v1/servers/x", nil, http.StatusBadRequest, CodeAPIVersionUnsupported)
	c.expect("POST", "/v1/servers/x/lock", nil, http.StatusBadRequest, CodeAPIVersionUnsupported)
	c.version = "virtualserver 1.0"
	c.expect("GET", "/v1/volume-types/default", nil, http.StatusBadRequest, CodeAPIVersionUnsupported)
	takeViolations(t, e, "Scp-Api-Version")
}
