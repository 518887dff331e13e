package scp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// The fuzz targets' seed corpora run as ordinary tests (go test, make test); to explore further:
//
//	go test -run='^$' -fuzz=FuzzDecodeServer -fuzztime=30s ./internal/scp/

// decodeSeeds are answers seen or feared: documented bodies, a gateway's pages, truncations,
// wrong types and shapes, odd encodings.
var decodeSeeds = []string{
	serverJSON,
	`{"id":"v-1","name":"data","state":"in-use","size":8,"servers":[{"id":"s-1","device":"/dev/vdb"}]}`,
	`{"servers":[{"id":"s-1","name":"web","state":"ACTIVE","created_at":"2026-11-22T10:00:00Z"}],"count":1}`,
	`{"volumes":[{"id":"v-1","state":"available"}],"count":1}`,
	`{"server_id":"s-1","volume_id":"v-1","device":"/dev/vdb","delete_on_termination":false}`,
	`{"errors":[{"status":409,"code":"SERVER_BUSY","title":"Conflict","detail":"server s-1 is busy"}]}`,
	`{"errors":[{"status":"401","code":["x"],"detail":null}]}`,
	`{"errors":[{"status":409,"detail":["in progress",7,{"x":1}]}]}`,
	`{"errors":[{"status":409,"detail":{"nested":["x"]}}]}`,
	`{"id":"5f0c2a1e-8b7d-4c`,
	"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
	"",
	"   \n\t",
	"null",
	"[]",
	`{}`,
	`{"id":7,"state":["ACTIVE"]}`,
	`{"id":"s-1","state":"ACTIVE","volumes":{"id":"v"}}`,
	`{"id":"s-1","state":"ACTIVE","volumes":[null,{"id":null}]}`,
	`{"id":"\u0000\u001b[31m","state":"\ud800"}`,
	"\xff\xfe{\x00\"\x00i\x00d\x00\"\x00}",
	`{"id":"s-1","state":"ACTIVE","size":1e400}`,
	strings.Repeat(`{"a":`, 2000) + strings.Repeat(`}`, 2000),
	strings.Repeat(`[`, 100000),
}

// checkDecode feeds body through the client's decode path into out: it must not panic, every
// failure is a *DecodeError, and a success satisfies the type's own rules.
func checkDecode(t *testing.T, body []byte, out any) {
	t.Helper()
	header := http.Header{"Content-Type": {"application/json"}}
	err := decodeSuccess(request{method: http.MethodGet, op: "fuzz"}, "/v1/fuzz", http.StatusOK, header, body, out)
	if err != nil {
		var decodeErr *DecodeError
		if !errors.As(err, &decodeErr) {
			t.Fatalf("decoding %q: %T %v, want a *DecodeError", body, err, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "cannot use") {
			t.Fatalf("decode error without the explanation: %s", msg)
		}
		return
	}
	if v, ok := out.(validator); ok {
		if verr := v.validate(); verr != nil {
			t.Fatalf("decoding %q succeeded with an answer that fails its own rules: %v", body, verr)
		}
	}
}

// checkErrorBody builds an error from body as for a failed request: no panic, and the API's texts
// come out bounded and free of control characters.
func checkErrorBody(t *testing.T, body []byte) {
	t.Helper()
	for _, status := range []int{400, 401, 409, 503} {
		e := newAPIError(http.MethodDelete, "/v1/fuzz", status, body)
		for _, field := range []struct {
			name  string
			value string
			limit int
		}{{"detail", e.Detail, 1000}} {
			if len(field.value) > field.limit+len("…") {
				t.Fatalf("%s is %d bytes, over its bound %d", field.name, len(field.value), field.limit)
			}
			if strings.ContainsFunc(field.value, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("%s carries control characters: %q", field.name, field.value)
			}
		}
		_ = e.Error()
		_ = IsBusy(e)
		_ = MayHaveTakenEffect(e)
	}
}

// fuzzAnswers feeds the seeds and their mutations to decode, then to the error path, since any
// body can come back with any status.
func fuzzAnswers(f *testing.F, decode func(t *testing.T, body []byte)) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		decode(t, body)
		checkErrorBody(t, body)
	})
}

func FuzzDecodeServer(f *testing.F) {
	fuzzAnswers(f, func(t *testing.T, body []byte) {
		var server Server
		checkDecode(t, body, &server)
		_ = server.HasVolume("v")
		checkDecode(t, body, &listServersResponse{})
		checkDecode(t, body, &createServerResponse{})
		var attachments serverVolumesResponse
		checkDecode(t, body, &attachments)
		_, _ = OSDisk(attachments.Volumes)
	})
}

func FuzzDecodeVolume(f *testing.F) {
	fuzzAnswers(f, func(t *testing.T, body []byte) {
		var volume Volume
		checkDecode(t, body, &volume)
		_, _ = volume.AttachedTo("s-1")
		checkDecode(t, body, &listVolumesResponse{})
		checkDecode(t, body, &Attachment{})
	})
}

// wireCapture is a server that records the request as it arrived and answers 204.
type wireCapture struct {
	mu         sync.Mutex
	requestURI string
	host       string
	header     http.Header
	method     string
}

func (w *wireCapture) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	w.requestURI, w.host, w.header, w.method = r.RequestURI, r.Host, r.Header.Clone(), r.Method
	w.mu.Unlock()
	rw.WriteHeader(http.StatusNoContent)
}

func FuzzBuildURLAndSign(f *testing.F) {
	for _, seed := range [][4]string{
		{"2a9be312-5d4b-4bc8-b2ae-35100fa9241f", "volumes", "name", "data disk"},
		{"a/b%c", "servers", "", ""},
		{"%2F", "%25", "name", "%"},
		{"..", ".", "a b", "c&d=e"},
		{"", "", "=", "?#"},
		{"héllo wörld", "日本", "ключ", "значение"},
		{"\x00\x7f\xff", "\r\n", "k;v", "v;k"},
		{"+", " ", "+", " "},
		{"a?b#c", "@:!$&'()*+,;=", "[]", "{}|\\^`"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	capture := &wireCapture{}
	srv := httptest.NewServer(capture)
	f.Cleanup(srv.Close)
	const (
		accessKey = "AKFUZZACCESSKEY1"
		secretKey = "fuzz-secret-key"
		accountID = "acct-1"
	)
	c, err := New(Config{
		Endpoint: srv.URL, AccessKey: accessKey, SecretKey: secretKey, AccountID: accountID,
		Retry: RetryPolicy{MaxAttempts: 1, AttemptTimeout: 10 * time.Second},
	})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, seg1, seg2, key, value string) {
		segments := []string{"v1", "servers", seg1, seg2}
		var query url.Values
		if key != "" || value != "" {
			query = url.Values{key: {value}}
		}
		u := c.buildURL(segments, query)
		built := u.String()

		// The built URL parses, and printing it again changes nothing: no escape is lost or doubled.
		parsed, err := url.Parse(built)
		if err != nil {
			t.Fatalf("built URL %q does not parse: %v", built, err)
		}
		if again := parsed.String(); again != built {
			t.Fatalf("re-escaping is not stable: %q became %q", built, again)
		}
		if parsed.EscapedPath() != u.EscapedPath() {
			t.Fatalf("escaped path %q became %q", u.EscapedPath(), parsed.EscapedPath())
		}
		// Each segment is escaped exactly once: splitting the path and unescaping gives it back.
		parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
		if len(parts) != len(segments) {
			t.Fatalf("path %q has %d segments, want %d", u.EscapedPath(), len(parts), len(segments))
		}
		for i, p := range parts {
			if got, err := url.PathUnescape(p); err != nil || got != segments[i] {
				t.Fatalf("segment %d: %q unescapes to %q (%v), want %q", i, p, got, err, segments[i])
			}
		}
		if query != nil {
			if got, err := url.ParseQuery(parsed.RawQuery); err != nil || !reflect.DeepEqual(got, query) {
				t.Fatalf("query %q reads back as %v (%v), want %v", parsed.RawQuery, got, err, query)
			}
		}

		// Over the wire: what arrives is what was built, and the emulator's independent Sign
		// over the URL as received gives the signature that was sent.
		if err := c.do(context.Background(), request{method: http.MethodGet, segments: segments, query: query, op: "fuzz"}, nil); err != nil {
			t.Fatalf("request to %q: %v", built, err)
		}
		capture.mu.Lock()
		requestURI, host, header, method := capture.requestURI, capture.host, capture.header, capture.method
		capture.mu.Unlock()
		if requestURI != u.RequestURI() {
			t.Fatalf("sent %q, the server received %q", u.RequestURI(), requestURI)
		}
		wire := "http://" + host + requestURI
		want := scpemu.Sign(secretKey, method, wire, header.Get(scpemu.HeaderTimestamp), accessKey, accountID, scpemu.ClientType)
		if got := header.Get(scpemu.HeaderSignature); got != want {
			t.Fatalf("the signature of %s does not verify against the wire URL %q", method, wire)
		}
		if header.Get(scpemu.HeaderAccessKey) != accessKey || header.Get(scpemu.HeaderAccountID) != accountID {
			t.Fatalf("access key or account id header missing: %v", header)
		}
		if !utf8.ValidString(wire) {
			t.Fatalf("the wire URL is not ASCII: %q", wire)
		}
	})
}

// TestFuzzSeedsAreExercised keeps the fuzz seeds honest: the undecodable ones are decode errors
// and the documented ones decode.
func TestFuzzSeedsAreExercised(t *testing.T) {
	var server Server
	if err := decodeSuccess(request{method: http.MethodGet}, "/v1/servers/s-1", 200, http.Header{}, []byte(serverJSON), &server); err != nil {
		t.Fatalf("documented server answer: %v", err)
	}
	for _, bad := range []string{"", "null", `{"id":"5f0c2a1e-8b7d-4c`, "<html></html>", strings.Repeat(`[`, 100000)} {
		var s Server
		err := decodeSuccess(request{method: http.MethodGet}, "/v1/servers/s-1", 200, http.Header{}, []byte(bad), &s)
		var decodeErr *DecodeError
		if !errors.As(err, &decodeErr) {
			t.Errorf("%s: err = %v, want a DecodeError", fmt.Sprintf("%.20q", bad), err)
		}
	}
}
