package scp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustParseEndpoint(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := ParseEndpoint(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// recordingServer answers with the scripted statuses in order and records what it received.
type recordingServer struct {
	mu       sync.Mutex
	requests []*http.Request
	answers  []func(w http.ResponseWriter)
}

func (s *recordingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, r.Clone(context.Background()))
	s.mu.Unlock()
	if n < len(s.answers) {
		s.answers[n](w)
		return
	}
	w.WriteHeader(http.StatusTeapot)
}

func answer(status int, body string, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func newTestClient(t *testing.T, answers ...func(http.ResponseWriter)) (*Client, *recordingServer) {
	t.Helper()
	rec := &recordingServer{answers: answers}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	tick := time.UnixMilli(1763800000000)
	var mu sync.Mutex
	c, err := New(Config{
		Endpoint:         srv.URL,
		AccessKey:        "AKTESTACCESSKEY1",
		SecretKey:        "super-secret-value",
		CredentialSource: "the environment variable SCP_ACCESS_KEY",
		Retry:            RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxAttempts: 4, MaxThrottledAttempts: 4},
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			tick = tick.Add(time.Millisecond)
			return tick
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

const serverJSON = `{"id":"s-1","name":"web","state":"ACTIVE","locked":false,"volumes":[{"id":"v-os","delete_on_termination":true},{"id":"v-data"}]}`

func TestRetriesServerErrorsAndSignsEachAttemptAfresh(t *testing.T) {
	c, rec := newTestClient(t, answer(503, ""), answer(502, "<html>bad gateway</html>"), answer(200, serverJSON))
	s, err := c.GetServer(context.Background(), "s-1")
	if err != nil {
		t.Fatal(err)
	}
	if !s.HasVolume("v-os") || s.State != ServerStateActive {
		t.Fatalf("server = %+v", s)
	}
	if len(rec.requests) != 3 {
		t.Fatalf("requests = %d, want 3", len(rec.requests))
	}
	seen := map[string]bool{}
	for _, r := range rec.requests {
		if got := r.Header.Get("Scp-Api-Version"); got != "virtualserver 1.3" {
			t.Errorf("version header = %q", got)
		}
		wire := "http://" + r.Host + r.URL.RequestURI()
		want := Signature("super-secret-value", r.Method, wire, r.Header.Get("Scp-Timestamp"), "AKTESTACCESSKEY1", "", ClientType)
		if r.Header.Get("Scp-Signature") != want {
			t.Errorf("attempt signature does not verify against the wire URL %s", wire)
		}
		if seen[r.Header.Get("Scp-Timestamp")] {
			t.Errorf("timestamp %s reused across attempts", r.Header.Get("Scp-Timestamp"))
		}
		seen[r.Header.Get("Scp-Timestamp")] = true
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "terraform-provider-scp") {
			t.Errorf("user agent = %q", ua)
		}
	}
}

func TestCreateIsNotRetriedAfterAmbiguousServerError(t *testing.T) {
	c, rec := newTestClient(t, answer(500, `{"errors":[{"status":500,"code":"INTERNAL","detail":"boom"}]}`), answer(202, `{"servers":[{"id":"x"}]}`))
	_, err := c.CreateServer(context.Background(), CreateServerRequest{Name: "web"})
	if err == nil || statusOf(err) != 500 {
		t.Fatalf("err = %v, want the 500", err)
	}
	if len(rec.requests) != 1 {
		t.Fatalf("a create was sent %d times after a 500; a second send could create a duplicate", len(rec.requests))
	}
}

func TestThrottledAndBusyAnswersAreRetriedEvenForCreates(t *testing.T) {
	c, rec := newTestClient(t,
		answer(429, "", "Retry-After", "0"),
		answer(409, `{"errors":[{"status":409,"code":"SERVER_BUSY","detail":"server s-1 is busy with another volume operation"}]}`),
		answer(202, `{"server_id":"s-1","volume_id":"v-1","device":"/dev/vdb"}`))
	att, err := c.AttachVolume(context.Background(), "v-1", "s-1", false)
	if err != nil {
		t.Fatal(err)
	}
	if att.Device != "/dev/vdb" || len(rec.requests) != 3 {
		t.Fatalf("device %q after %d requests", att.Device, len(rec.requests))
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	c, rec := newTestClient(t, answer(503, ""), answer(503, ""), answer(503, ""), answer(503, ""), answer(200, serverJSON))
	_, err := c.GetServer(context.Background(), "s-1")
	if statusOf(err) != 503 || len(rec.requests) != 4 {
		t.Fatalf("err = %v after %d requests, want 503 after 4", err, len(rec.requests))
	}
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		name   string
		answer func(http.ResponseWriter)
		check  func(error) bool
		text   []string
	}{
		{"not found", answer(404, `{"errors":[{"status":404,"detail":"server s-1 not found"}]}`), IsNotFound, []string{"404", "server s-1 not found"}},
		{"404 page that is not SCP's", answer(404, "<html>Not Found</html>", "Content-Type", "text/html"), func(err error) bool { return statusOf(err) == 404 && !IsNotFound(err) }, []string{"404", "not SCP's error format", "no path"}},
		{"404 with an empty body", answer(404, ""), func(err error) bool { return statusOf(err) == 404 && !IsNotFound(err) }, []string{"not SCP's error format"}},
		{"404 envelope with another status", answer(404, `{"errors":[{"status":500,"detail":"x"}]}`), func(err error) bool { return !IsNotFound(err) }, []string{"404"}},
		{"locked", answer(409, `{"errors":[{"status":409,"detail":"unlock it first"}]}`), func(err error) bool { return IsConflict(err) && !IsBusy(err) }, []string{"unlock it first"}},
		{"refusal, detail as an array", answer(409, `{"errors":[{"status":409,"detail":["Volume is attached","detach it first"]}]}`), func(err error) bool { return IsConflict(err) && !IsBusy(err) }, []string{"Volume is attached; detach it first"}},
		{"bad request", answer(400, `{"errors":[{"status":400,"detail":"cannot detach"}]}`), IsBadRequest, []string{"cannot detach"}},
		{"conflict without body", answer(409, ""), IsConflict, []string{"409 Conflict"}},
		{"html error", answer(403, "<html><body>denied</body></html>", "Content-Type", "text/html"), func(err error) bool { return statusOf(err) == 403 }, []string{"403 Forbidden"}},
		{"hostile detail", answer(400, `{"errors":[{"detail":"line1\nline2\u001b[31m`+strings.Repeat("x", 5000)+`"}]}`), IsBadRequest, []string{"line1 line2[31m"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, tc.answer)
			err := c.DeleteServer(context.Background(), "s-1")
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %v", err)
			}
			for _, want := range tc.text {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if len(err.Error()) > 1500 {
				t.Errorf("error is %d bytes long; API text must be bounded", len(err.Error()))
			}
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("error carries a terminal escape")
			}
		})
	}
}

func TestUnauthorizedNamesTheSourceAndNeverTheSecret(t *testing.T) {
	c, _ := newTestClient(t, answer(401, `{"errors":[{"status":401,"code":"UNAUTHORIZED","detail":"signature mismatch"}]}`))
	_, err := c.GetServer(context.Background(), "s-1")
	if !IsUnauthorized(err) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"SCP_ACCESS_KEY", "AKTE********KEY1", "signature mismatch", "clock"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	for _, secret := range []string{"super-secret-value", "AKTESTACCESSKEY1"} {
		if strings.Contains(msg, secret) {
			t.Errorf("message leaks %q", secret)
		}
	}
}

func TestMalformedSuccessBodiesAreDecodeErrors(t *testing.T) {
	for name, a := range map[string]func(http.ResponseWriter){
		"empty":       answer(200, ""),
		"html":        answer(200, "<html>maintenance</html>", "Content-Type", "text/html"),
		"truncated":   answer(200, `{"id":"s-1","sta`),
		"wrong shape": answer(200, `{"servers":[]}`),
		"wrong types": answer(200, `{"id":7,"state":["ACTIVE"]}`),
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, a)
			_, err := c.GetServer(context.Background(), "s-1")
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("err = %v, want a DecodeError", err)
			}
		})
	}
}

func TestCancellationStopsRetryingPromptly(t *testing.T) {
	rec := &recordingServer{}
	for i := 0; i < 100; i++ {
		rec.answers = append(rec.answers, answer(429, "", "Retry-After", "30"))
	}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL, AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	err = c.DeleteServer(ctx, "s-1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("returned %v after cancellation", waited)
	}
}

func TestParseEndpoint(t *testing.T) {
	for raw, wantErr := range map[string]string{
		"https://virtualserver.kr-west1.e.samsungsdscloud.com": "",
		"http://127.0.0.1:8443/":                               "",
		"virtualserver.kr-west1.e.samsungsdscloud.com":         "has no scheme",
		"ftp://host":     "must use https://",
		"https://":       "has no host",
		"https://h/?x=1": "plain base URL",
		"":               "empty",
	} {
		_, err := ParseEndpoint(raw)
		if wantErr == "" && err != nil || wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("ParseEndpoint(%q) = %v, want %q", raw, err, wantErr)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	h := http.Header{}
	if got := retryAfter(h, 3*time.Second); got != 3*time.Second {
		t.Errorf("no header: %v", got)
	}
	h.Set("Retry-After", "2")
	if got := retryAfter(h, 0); got < 2*time.Second || got > 2250*time.Millisecond {
		t.Errorf("2 seconds: %v", got)
	}
	h.Set("Retry-After", "999999")
	if got := retryAfter(h, 0); got > 6*time.Minute {
		t.Errorf("absurd Retry-After not capped: %v", got)
	}
	h.Set("Retry-After", "soon")
	if got := retryAfter(h, time.Second); got != time.Second {
		t.Errorf("garbage: %v", got)
	}
}

func TestBusyWithAnArrayDetailIsRetried(t *testing.T) {
	busy := answer(409, `{"errors":[{"status":409,"detail":["Another operation is in progress on the server","try again later"]}]}`)
	c, rec := newTestClient(t, busy, busy, answer(202, ""))
	if err := c.DetachVolume(context.Background(), "v-1", "s-1"); err != nil {
		t.Fatalf("err = %v, want success after the busy answers", err)
	}
	if len(rec.requests) != 3 {
		t.Fatalf("%d requests, want 3", len(rec.requests))
	}
	err := newAPIError(http.MethodDelete, "/v1/volumes/v-1/servers/s-1", 409, []byte(`{"errors":[{"status":409,"detail":["Another operation is in progress","try again later"]}]}`))
	if !IsBusy(err) || !strings.Contains(err.Error(), "Another operation is in progress; try again later") {
		t.Fatalf("err = %v", err)
	}
}
