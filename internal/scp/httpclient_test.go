package scp

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hitCounter answers 200 {} and counts the requests it received, keeping the headers of the first.
type hitCounter struct {
	hits    atomic.Int64
	first   sync.Once
	headers http.Header
}

func (h *hitCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.hits.Add(1)
	h.first.Do(func() { h.headers = r.Header.Clone() })
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{}`))
}

func (h *hitCounter) count() int { return int(h.hits.Load()) }

func redirectingServer(t *testing.T, status int, location func(r *http.Request) string, next http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next != nil && strings.HasPrefix(r.URL.Path, "/target") {
			next.ServeHTTP(w, r)
			return
		}
		http.Redirect(w, r, location(r), status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func clientFor(t *testing.T, endpoint string, hc *http.Client) *Client {
	t.Helper()
	c, err := New(Config{
		Endpoint: endpoint, AccessKey: "AKREDIRECTTEST01", SecretKey: "redirect-secret", HTTPClient: hc,
		Retry: RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxAttempts: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func createVolumeRequest() request {
	return request{method: http.MethodPost, segments: []string{"v1", "volumes"}, body: map[string]any{"name": "x", "size": 8}, op: "volume.create"}
}

func TestRedirectToAnotherPortIsNeverFollowed(t *testing.T) {
	target := &hitCounter{}
	b := httptest.NewServer(target)
	defer b.Close()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		a := redirectingServer(t, status, func(r *http.Request) string { return b.URL + r.URL.Path }, nil)
		// A caller's client that would follow redirects is made not to.
		c := clientFor(t, a.URL, &http.Client{})
		err := c.do(context.Background(), createVolumeRequest(), &struct{}{})
		var redirect *RedirectError
		if !errors.As(err, &redirect) {
			t.Fatalf("%d: err = %v, want a RedirectError", status, err)
		}
		for _, want := range []string{b.URL + "/v1/volumes", "never follows redirects", "the create was not carried out", "Set endpoint"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%d: error %q does not say %q", status, err, want)
			}
		}
		if strings.Contains(err.Error(), "AKREDIRECTTEST01") {
			t.Errorf("error shows the whole access key: %v", err)
		}
	}
	if n := target.count(); n != 0 {
		t.Fatalf("the redirect target received %d requests (headers %v); it must receive none", n, target.headers)
	}
}

func TestRedirectOnTheSameHostIsNeverFollowedNorRetried(t *testing.T) {
	target := &hitCounter{}
	var mu sync.Mutex
	redirects := 0
	a := redirectingServer(t, http.StatusTemporaryRedirect, func(r *http.Request) string {
		mu.Lock()
		redirects++
		mu.Unlock()
		return "/target" + r.URL.Path
	}, target)
	c := clientFor(t, a.URL, nil)
	// An idempotent read is not retried either: a redirect is an answer, not a failure.
	err := c.do(context.Background(), request{method: http.MethodGet, segments: []string{"v1", "volumes", "v-1"}, idempotent: true, op: "volume.get"}, &struct{}{})
	var redirect *RedirectError
	if !errors.As(err, &redirect) || redirect.Location != a.URL+"/target/v1/volumes/v-1" {
		t.Fatalf("err = %v, want a RedirectError naming the Location", err)
	}
	if strings.Contains(err.Error(), "not carried out") {
		t.Errorf("a read's error speaks of carrying out: %v", err)
	}
	if target.count() != 0 || redirects != 1 {
		t.Fatalf("target hits %d, redirects answered %d; want 0 and 1", target.count(), redirects)
	}
}

func TestResourceManagerRedirectNamesItsSetting(t *testing.T) {
	a := redirectingServer(t, http.StatusFound, func(*http.Request) string { return "https://elsewhere.example/x" }, nil)
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", ResourceManagerEndpoint: a.URL, AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.do(context.Background(), request{service: serviceResourceManager, method: http.MethodPut, segments: []string{"v1", "tags", "srn", "bulk"}, idempotent: true, op: "tags.update"}, nil)
	for _, want := range []string{"https://elsewhere.example/x", "resource_manager_endpoint", "nothing was changed"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
}

// Trusting a CA bundle is safehttp's to test; here, what SCP's client says when a certificate is not trusted.
func TestUntrustedCertificateIsRefusedNamingCAFile(t *testing.T) {
	target := &hitCounter{}
	srv := httptest.NewUnstartedServer(target)
	// The refused handshake is the point of the test; keep the server from logging it.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()

	get := request{method: http.MethodGet, segments: []string{"v1", "volumes", "v-1"}, idempotent: true, op: "volume.get"}
	err := clientFor(t, srv.URL, nil).do(context.Background(), get, &struct{}{})
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || !strings.Contains(err.Error(), "not trusted") || !strings.Contains(err.Error(), "ca_file") {
		t.Fatalf("err = %v, want an untrusted-certificate error naming ca_file", err)
	}
	if target.count() != 0 {
		t.Fatalf("a request reached the server over an unverified connection")
	}
}

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	for raw, wantOK := range map[string]bool{
		"http://127.0.0.1:8443":        true,
		"http://127.8.9.10":            true,
		"http://[::1]:8443":            true,
		"http://localhost:8443":        true,
		"http://LOCALHOST.":            true,
		"https://10.0.0.5":             true,
		"http://10.0.0.5:8443":         false,
		"http://emulator.internal":     false,
		"http://[2001:db8::1]:80":      false,
		"http://127.0.0.1.example.com": false,
	} {
		err := CheckPlainHTTP("endpoint", raw, false)
		if (err == nil) != wantOK {
			t.Errorf("CheckPlainHTTP(%q) = %v, want ok=%v", raw, err, wantOK)
		}
		if err != nil && !strings.Contains(err.Error(), "clear text") || err != nil && !strings.Contains(err.Error(), "allow_insecure_http") {
			t.Errorf("message %q does not say why and how to opt in", err)
		}
		if CheckPlainHTTP("endpoint", raw, true) != nil {
			t.Errorf("%q refused despite the opt-in", raw)
		}
	}
	if _, err := New(Config{Endpoint: "http://10.0.0.5:8443", AccessKey: "a", SecretKey: "b"}); err == nil || !strings.Contains(err.Error(), "clear text") {
		t.Errorf("New accepted a plain-http endpoint on another machine: %v", err)
	}
	if _, err := New(Config{Endpoint: "https://vs.example", ResourceManagerEndpoint: "http://rm.example", AccessKey: "a", SecretKey: "b"}); err == nil || !strings.Contains(err.Error(), "resource_manager_endpoint") {
		t.Errorf("New accepted a plain-http Resource Manager endpoint: %v", err)
	}
}

func TestEndpointWithPathQueryOrFragmentIsRefusedWithTheFix(t *testing.T) {
	for raw, fix := range map[string]string{
		"https://host:8443/v1":        `"https://host:8443"`,
		"https://host/v1/servers":     `"https://host"`,
		"http://127.0.0.1:9/?debug=1": `"http://127.0.0.1:9"`,
		"https://host#frag":           `"https://host"`,
		"https://user:pw@host":        `"https://host"`,
	} {
		_, err := ParseEndpoint(raw)
		if err == nil || !strings.Contains(err.Error(), "write "+fix) {
			t.Errorf("ParseEndpoint(%q) = %v, want the fix %s", raw, err, fix)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("the message repeats the URL's password: %v", err)
		}
	}
	for _, raw := range []string{"https://host", "https://host/", "HTTP://127.0.0.1:8443"} {
		u, err := ParseEndpoint(raw)
		if err != nil || u.Path != "" {
			t.Errorf("ParseEndpoint(%q) = %v, %v", raw, u, err)
		}
	}
	u, err := ParseAuthURL("https://iam.e.samsungsdscloud.com/v1/")
	if err != nil || u.String() != "https://iam.e.samsungsdscloud.com/v1" {
		t.Errorf("ParseAuthURL kept %v, %v; want the /v1 path", u, err)
	}
	if _, err := ParseAuthURL("https://iam.example/v1?x=1"); err == nil || !strings.Contains(err.Error(), `write "https://iam.example/v1"`) {
		t.Errorf("ParseAuthURL with a query: %v", err)
	}
}

func TestResourceManagerRequestsUseTheirEndpointWithoutAPIVersion(t *testing.T) {
	vs, rm := &hitCounter{}, &hitCounter{}
	vsSrv, rmSrv := httptest.NewServer(vs), httptest.NewServer(rm)
	defer vsSrv.Close()
	defer rmSrv.Close()

	c, err := New(Config{Endpoint: vsSrv.URL, AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	rmGet := request{service: serviceResourceManager, method: http.MethodGet, segments: []string{"v1", "tags", "c3Ju"}, idempotent: true, op: "tags.list"}
	if c.HasResourceManager() || !errors.Is(c.do(context.Background(), rmGet, &struct{}{}), ErrNoResourceManager) {
		t.Fatal("a client without a Resource Manager endpoint must say so")
	}
	if vs.count() != 0 {
		t.Fatal("a Resource Manager request went to the Virtual Server endpoint")
	}

	c, err = New(Config{Endpoint: vsSrv.URL, ResourceManagerEndpoint: rmSrv.URL + "/", AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasResourceManager() || c.ResourceManagerEndpoint() != rmSrv.URL {
		t.Fatalf("Resource Manager endpoint %q", c.ResourceManagerEndpoint())
	}
	if err := c.do(context.Background(), rmGet, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if rm.count() != 1 || vs.count() != 0 {
		t.Fatalf("hits: resource manager %d, virtual server %d", rm.count(), vs.count())
	}
	if v := rm.headers.Get("Scp-Api-Version"); v != "" {
		t.Errorf("Resource Manager request carries Scp-Api-Version %q", v)
	}
	if rm.headers.Get("Scp-Signature") == "" || rm.headers.Get("Scp-AccessKey") != "a" {
		t.Errorf("Resource Manager request is not signed: %v", rm.headers)
	}
}
