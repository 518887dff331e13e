package scp

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var hooked []RequestRecord
	e, c := startEmulator(t, Config{OnRequest: func(r RequestRecord) {
		mu.Lock()
		defer mu.Unlock()
		hooked = append(hooked, r)
	}})
	s := c.activeServer("logged", 1)
	e.ResetRequests()

	c.expect("DELETE", "/v1/volumes/"+s.Volumes[1].ID+"/servers/"+s.ID, nil, http.StatusAccepted, "")
	c.version = "virtualserver 1.2"
	c.expect("GET", "/v1/volumes/"+s.Volumes[1].ID+"?verbose=1", nil, http.StatusOK, "")
	// Not an SCP call: a plain 405 with Allow, no SCP envelope.
	if r := c.do("PATCH", "/v1/servers/"+s.ID, nil); r.status != http.StatusMethodNotAllowed ||
		r.header.Get("Allow") != "GET, PUT, DELETE" || r.code != CodeMethodNotAllowed {
		t.Fatalf("PATCH: %d %q %s", r.status, r.header.Get("Allow"), r.body)
	}
	takeViolations(t, e, "Scp-Api-Version", `"verbose"`, "undocumented method")

	reqs := e.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d records: %+v", len(reqs), reqs)
	}
	d := reqs[0]
	if d.Op != RouteVolumeDetach || d.Method != "DELETE" || d.Status != 202 || d.ServerID != s.ID || d.VolumeID != s.Volumes[1].ID ||
		d.APIVersion != "virtualserver 1.3" || d.AccessKey != DefaultAccessKey || !d.SignatureValid || d.AuthError != "" || d.Seq == 0 {
		t.Fatalf("detach record: %+v", d)
	}
	g := reqs[1]
	if g.Op != RouteVolumeGet || g.RawQuery != "verbose=1" || g.APIVersion != "virtualserver 1.2" || g.Seq != d.Seq+1 {
		t.Fatalf("get record: %+v", g)
	}
	if reqs[2].Op != "" || reqs[2].ServerID != s.ID || reqs[2].Status != 405 {
		t.Fatalf("405 record: %+v", reqs[2])
	}

	mu.Lock()
	n := len(hooked)
	mu.Unlock()
	if n < 3 {
		t.Fatalf("hook saw %d requests", n)
	}
	for _, r := range reqs {
		if strings.Contains(r.AuthError, DefaultSecretKey) {
			t.Fatal("secret in the log")
		}
	}
}
