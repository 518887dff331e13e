package contract

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecorderHandler(t *testing.T) {
	c := checker(t)
	var logged []Violation
	rec := NewRecorder(c, func(v Violation) { logged = append(logged, v) })
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/volumes/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.PathValue("id") {
		case "good":
			_, _ = io.WriteString(w, goodVolume)
		case "fault":
			SkipResponse(r.Context()) // a simulated gateway page: not SCP's answer
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>bad gateway</html>")
		default: // a deliberately broken answer
			_, _ = io.WriteString(w, strings.Replace(goodVolume, `"user_id":"u-1",`, `"tags":[],`, 1))
		}
	})
	mux.HandleFunc("POST /v1/volumes", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body) // the handler still sees the whole body
		if !strings.Contains(string(b), "multiattach") {
			t.Errorf("body not handed on: %q", b)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, goodVolume)
	})
	mux.HandleFunc("/_emulator/", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "anything") })
	srv := httptest.NewServer(rec.Handler(mux))
	defer srv.Close()

	get := func(path string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	get("/v1/volumes/good")
	get("/_emulator/state")
	get("/v1/volumes/fault")
	if vs := rec.Violations(); len(vs) != 0 {
		t.Fatalf("clean traffic recorded %v", vs)
	}
	get("/v1/volumes/broken")
	resp, err := http.Post(srv.URL+"/v1/volumes", "application/json", strings.NewReader(`{"name":"x","size":8,"multiattach":true}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	vs := rec.Violations()
	wantViolation(t, vs, Response, "tags")
	wantViolation(t, vs, Response, "user_id")
	wantViolation(t, vs, Request, "multiattach")
	for _, v := range vs {
		if v.Method == "" || v.Path == "" || v.Status == 0 || v.Operation == "" {
			t.Errorf("incomplete record %+v", v)
		}
	}
	if len(logged) != len(vs) {
		t.Errorf("callback saw %d, recorded %d", len(logged), len(vs))
	}
	if got := rec.Take(); len(got) != len(vs) || len(rec.Violations()) != 0 {
		t.Fatalf("Take: %d then %d left", len(got), len(rec.Violations()))
	}
	for _, v := range vs {
		t.Log(v)
	}
}
