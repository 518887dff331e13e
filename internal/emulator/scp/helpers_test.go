package scp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/contract"
	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine/enginetest"
)

// quick is a latency short enough for fast tests and long enough that intermediate
// states are seen by a request sent right after the 202.
const quick = 150 * time.Millisecond

// quickLatencies sets every operation to d without jitter.
func quickLatencies(d time.Duration) map[OpKind]Latency {
	m := map[OpKind]Latency{}
	for _, k := range OpKinds {
		m[k] = Latency{Base: d}
	}
	return m
}

// startEmulator runs an emulator on a loopback port for the test. It checks every
// exchange against the contract: a test fails with any violation it did not take
// (TakeContractViolations) itself.
func startEmulator(t *testing.T, cfg Config) (*Emulator, *client) {
	t.Helper()
	if cfg.Latencies == nil {
		cfg.Latencies = quickLatencies(quick)
	}
	cfg.CheckContract = true
	e := New(cfg)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out: Close first (it waits for in-flight exchanges,
	// so each has been checked), then the verdict.
	t.Cleanup(func() { failOnViolations(t, e) })
	t.Cleanup(e.Close)
	c := newClient(t, e.URL(), e.Credentials())
	c.e = e
	return e, c
}

// startParallel runs t in parallel with the other tests, on an emulator of cfg.
func startParallel(t *testing.T, cfg Config) (*Emulator, *client) {
	t.Helper()
	t.Parallel()
	return startEmulator(t, cfg)
}

func failOnViolations(t *testing.T, e *Emulator) {
	t.Helper()
	for _, v := range e.ContractViolations() {
		t.Errorf("contract violation: %s", v)
	}
}

// takeViolations returns the violations so far and fails unless there are some and
// each mentions one of wants (for a test that breaks the contract on purpose).
func takeViolations(t *testing.T, e *Emulator, wants ...string) []contract.Violation {
	t.Helper()
	vs := e.TakeContractViolations()
	if len(vs) == 0 {
		t.Fatalf("no contract violation recorded, want one about %q", wants)
	}
	for _, v := range vs {
		ok := false
		for _, w := range wants {
			ok = ok || strings.Contains(v.Message, w)
		}
		if !ok {
			t.Errorf("violation %s mentions none of %q", v, wants)
		}
	}
	return vs
}

// client signs requests the way SCP's Open API expects; a test-only stand-in for the
// provider's client.
type client struct {
	t       *testing.T
	e       *Emulator // for the error codes in the request log
	base    string
	cred    Credential
	version string
	now     func() time.Time
	hc      *http.Client
}

func newClient(t *testing.T, base string, cred Credential) *client {
	return &client{t: t, base: base, cred: cred, version: "virtualserver 1.3", now: time.Now,
		hc: &http.Client{Timeout: 10 * time.Second}}
}

// request builds a signed request; body may be nil.
func (c *client) request(method, path string, body any) *http.Request {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.sign(req)
	return req
}

func (c *client) sign(req *http.Request) {
	ts := strconv.FormatInt(c.now().UnixMilli(), 10)
	req.Header.Set("Scp-AccessKey", c.cred.AccessKey)
	req.Header.Set("Scp-Timestamp", ts)
	req.Header.Set("Scp-ClientType", ClientType)
	req.Header.Set("Accept-Language", "en-US")
	if c.cred.AccountID != "" {
		req.Header.Set("Scp-AccountId", c.cred.AccountID)
	}
	if c.version != "" {
		req.Header.Set("Scp-Api-Version", c.version)
	}
	url := req.URL.Scheme + "://" + req.URL.Host + req.URL.RequestURI()
	req.Header.Set("Scp-Signature", Sign(c.cred.SecretKey, req.Method, url, ts, c.cred.AccessKey, c.cred.AccountID, ClientType))
}

type response struct {
	status int
	header http.Header
	body   []byte
	code   string // the emulator's error code from the request log, for errors
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// errCode is the emulator's reason for an error answer (the wire has none).
func (r response) errCode() string { return r.code }

// errEntry is the first entry of an SCP error envelope, strictly decoded: only
// status and detail exist.
func (r response) errEntry() (status float64, detail any, ok bool) {
	var b struct {
		Errors []map[string]any `json:"errors"`
	}
	if json.Unmarshal(r.body, &b) != nil || len(b.Errors) == 0 {
		return 0, nil, false
	}
	for k := range b.Errors[0] {
		if k != "status" && k != "detail" {
			return 0, nil, false
		}
	}
	status, _ = b.Errors[0]["status"].(float64)
	return status, b.Errors[0]["detail"], true
}

// errDetail is the detail text; an array detail is joined with "; ".
func (r response) errDetail() string {
	_, detail, _ := r.errEntry()
	switch d := detail.(type) {
	case string:
		return d
	case []any:
		var parts []string
		for _, p := range d {
			s, _ := p.(string)
			parts = append(parts, s)
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

// errDetailIsArray reports whether detail came as an array of strings.
func (r response) errDetailIsArray() bool {
	_, detail, _ := r.errEntry()
	_, ok := detail.([]any)
	return ok
}

func (c *client) send(req *http.Request) response {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("reading body: %v", err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 400 && c.e != nil {
		out.code = c.loggedCode(req, resp.StatusCode)
	}
	return out
}

// loggedCode finds the request's record (logged just after the answer is written).
func (c *client) loggedCode(req *http.Request, status int) string {
	deadline := time.Now().Add(time.Second)
	for {
		recs := c.e.Requests()
		for i := len(recs) - 1; i >= 0; i-- {
			r := recs[i]
			if r.Method == req.Method && r.Path == req.URL.Path && r.RawQuery == req.URL.RawQuery && r.Status == status {
				return r.ErrorCode
			}
		}
		if time.Now().After(deadline) {
			return ""
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	return c.send(c.request(method, path, body))
}

// expect sends a request and fails the test unless the status (and, for errors, the
// code) is as given.
func (c *client) expect(method, path string, body any, status int, code string) response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != status || (code != "" && r.errCode() != code) {
		c.t.Fatalf("%s %s: got %d %s (%s), want %d %s", method, path, r.status, r.body, r.errCode(), status, code)
	}
	if status >= 400 && len(r.body) > 0 {
		if got, _, ok := r.errEntry(); !ok || int(got) != status {
			c.t.Fatalf("%s %s: error body %s is not the SCP envelope with status %d", method, path, r.body, status)
		}
	}
	return r
}

type serverJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	State      string `json:"state"`
	Locked     bool   `json:"locked"`
	ImageID    string `json:"image_id"`
	ServerType struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"server_type"`
	VPCID   string `json:"vpc_id"`
	Volumes []struct {
		ID                  string `json:"id"`
		DeleteOnTermination bool   `json:"delete_on_termination"`
	} `json:"volumes"`
	AccountID      string `json:"account_id"`
	SecurityGroups []struct {
		Name string `json:"name"`
	} `json:"security_groups"`
	CreatedAt  string `json:"created_at"`
	ModifiedAt string `json:"modified_at"`
}

type volumeJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	State       string `json:"state"`
	Size        int    `json:"size"`
	Bootable    bool   `json:"bootable"`
	Multiattach bool   `json:"multiattach"`
	VolumeType  string `json:"volume_type"`
	Servers     []struct {
		ID         string `json:"id"`
		Device     string `json:"device"`
		AttachedAt string `json:"attached_at"`
	} `json:"servers"`
	CreatedAt string `json:"created_at"`
}

func (c *client) getServer(id string) (serverJSON, int) {
	c.t.Helper()
	return getJSON[serverJSON](c, "/v1/servers/"+id)
}

func (c *client) getVolume(id string) (volumeJSON, int) {
	c.t.Helper()
	return getJSON[volumeJSON](c, "/v1/volumes/"+id)
}

// getJSON GETs path and decodes a 200's body; it returns the status too.
func getJSON[T any](c *client, path string) (T, int) {
	c.t.Helper()
	r := c.do("GET", path, nil)
	var out T
	if r.status == http.StatusOK {
		r.decode(c.t, &out)
	}
	return out, r.status
}

// serverRequest is a valid create body; extra data volumes of 16 GiB are appended
// (boot_index -1, as the official provider sends them).
func serverRequest(name string, dataVolumes int) map[string]any {
	vols := []map[string]any{{"boot_index": 0, "size": 32, "type": "SSD", "source_type": "image", "delete_on_termination": true}}
	for i := 0; i < dataVolumes; i++ {
		vols = append(vols, map[string]any{"boot_index": -1, "size": 16, "type": "SSD", "source_type": "blank", "delete_on_termination": false})
	}
	return map[string]any{
		"name": name, "image_id": "img-1", "server_type_id": "s1v2m4", "keypair_name": "kp",
		"networks": []map[string]any{{"subnet_id": "subnet-1"}}, "security_groups": []string{"sg-1"},
		"volumes": vols, "tags": []Tag{{Key: "env", Value: "test"}},
	}
}

// createServer creates a server and returns its id without waiting.
func (c *client) createServer(body map[string]any) string {
	c.t.Helper()
	r := c.expect("POST", "/v1/servers", body, http.StatusAccepted, "")
	var out struct {
		Servers []struct {
			ID string `json:"id"`
		} `json:"servers"`
	}
	r.decode(c.t, &out)
	if len(out.Servers) != 1 || out.Servers[0].ID == "" {
		c.t.Fatalf("create server answer %s", r.body)
	}
	return out.Servers[0].ID
}

// activeServer creates a server and waits until it is ACTIVE.
func (c *client) activeServer(name string, dataVolumes int) serverJSON {
	c.t.Helper()
	id := c.createServer(serverRequest(name, dataVolumes))
	return c.waitServer(id, ServerActive)
}

func (c *client) waitServer(id, state string) serverJSON {
	c.t.Helper()
	return waitState(c.t, "server "+id+" "+state, func() (serverJSON, int) { return c.getServer(id) },
		func(s serverJSON) bool { return s.State == state })
}

func (c *client) waitVolume(id, state string) volumeJSON {
	c.t.Helper()
	return waitState(c.t, "volume "+id+" "+state, func() (volumeJSON, int) { return c.getVolume(id) },
		func(v volumeJSON) bool { return v.State == state })
}

// waitState polls get until the object answers 200 and is in the state inState wants.
func waitState[T any](t *testing.T, what string, get func() (T, int), inState func(T) bool) T {
	t.Helper()
	var o T
	eventually(t, what, func() bool {
		var status int
		o, status = get()
		return status == http.StatusOK && inState(o)
	})
	return o
}

func (c *client) waitGone(path string) {
	c.t.Helper()
	eventually(c.t, path+" gone", func() bool {
		r := c.do("GET", path, nil)
		_, _, envelope := r.errEntry()
		return r.status == http.StatusNotFound && envelope
	})
}

func (c *client) availableVolume(name string, size int) volumeJSON {
	c.t.Helper()
	r := c.expect("POST", "/v1/volumes", map[string]any{"name": name, "size": size, "volume_type": "SSD"}, http.StatusAccepted, "")
	var v volumeJSON
	r.decode(c.t, &v)
	return c.waitVolume(v.ID, VolumeAvailable)
}

// eventually polls cond every 10 ms for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	enginetest.Eventually(t, what, 10*time.Millisecond, cond)
}

type catalogJSON struct {
	Endpoints []struct {
		Region      string `json:"region"`
		ServiceType string `json:"service_type"`
		ServiceName string `json:"service_name"`
		URL         string `json:"url"`
	} `json:"endpoints"`
}
