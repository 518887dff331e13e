package openstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// realAPI answers as the real Keystone, Nova (microversion 2.79) and Cinder (3.42) answered on the
// test cloud (shared/REAL-OPENSTACK.md, "What the real APIs answered"), each service on its own
// listener as there: the catalog has compute at /v2.1 and volumev3 at /v3/<project_id>; Nova shows
// a server's flavor without an id and a volume-booted server's image as ""; POST /servers takes
// only a flavor id; Cinder answers 404 at /v3/<project_id>/ and serves its version documents at /
// and /v3/. Only the requests the tests need are answered; every request is recorded.
type realAPI struct {
	t                      *testing.T
	keystone, nova, cinder *httptest.Server
	cinderPrefix           string // a path prefix before /v3 (devstack's /volume), "" for none
	cinderMaxVersion       string // the version documents' max microversion
	cinderHidesVersions    bool   // no version document anywhere
	mu                     sync.Mutex
	requests               []string
	created                map[string]any // the body of the last POST /servers
	servers                map[string]realServer
	nextIndex              int
}

const (
	realProject = "3f1c0a7e5b8d4c2a9e6f1b2c3d4e5f60"
	realImage   = "c0ffee00-1111-4222-8333-444455556666"
)

// realServer is a server as the fake Nova shows it: booted from its volume.
type realServer struct {
	name, flavorName, bootVolume string
	// ram, when set, is the memory the server's flavor shows instead of the listed flavor's.
	ram int
}

// realFlavors are the flavors the fake Nova lists (Nova's classic ids and sizes).
var realFlavors = []map[string]any{
	{"id": "1", "name": "m1.tiny", "ram": 512, "disk": 1, "vcpus": 1, "swap": 0, "OS-FLV-EXT-DATA:ephemeral": 0},
	{"id": "2", "name": "m1.small", "ram": 2048, "disk": 20, "vcpus": 1, "swap": 0, "OS-FLV-EXT-DATA:ephemeral": 0},
}

func newRealAPI(t *testing.T, adjust ...func(*realAPI)) *realAPI {
	t.Helper()
	a := &realAPI{t: t, cinderMaxVersion: "3.70", servers: map[string]realServer{}}
	for _, f := range adjust {
		f(a)
	}
	a.keystone = httptest.NewServer(a.record(http.HandlerFunc(a.serveKeystone)))
	a.nova = httptest.NewServer(a.record(http.HandlerFunc(a.serveNova)))
	a.cinder = httptest.NewServer(a.record(http.HandlerFunc(a.serveCinder)))
	t.Cleanup(func() { a.keystone.Close(); a.nova.Close(); a.cinder.Close() })
	return a
}

func (a *realAPI) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.requests = append(a.requests, r.Method+" "+r.URL.Path)
		a.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// sent lists the requests whose "METHOD /path" starts with prefix.
func (a *realAPI) sent(prefix string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, r := range a.requests {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func (a *realAPI) addServer(id string, s realServer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.servers[id] = s
}

// cloud configures a Cloud for the fake services, the way the provider does.
func (a *realAPI) cloud() *Cloud {
	a.t.Helper()
	c, err := New(context.Background(), Config{
		AuthURL: a.keystone.URL + "/v3", UserName: "demo", Password: "secret", UserDomainName: "Default",
		ProjectName: "demo", ProjectDomainName: "Default", BusyRetryMax: 50 * time.Millisecond,
	})
	if err != nil {
		a.t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func itemNotFound(w http.ResponseWriter, message string) {
	writeJSON(w, http.StatusNotFound, map[string]any{"itemNotFound": map[string]any{"code": 404, "message": message}})
}

func (a *realAPI) serveKeystone(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v3/auth/tokens" {
		itemNotFound(w, "The resource could not be found.")
		return
	}
	endpoint := func(url string) []map[string]any {
		return []map[string]any{{"id": "e1", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": url}}
	}
	volume := a.cinder.URL + a.cinderPrefix + "/v3/" + realProject
	w.Header().Set("X-Subject-Token", "gAAAAAB-token")
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods": []string{"password"}, "expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"project": map[string]any{"id": realProject, "name": "demo", "domain": map[string]any{"id": "default", "name": "Default"}},
		"user":    map[string]any{"id": "u1", "name": "demo", "domain": map[string]any{"id": "default", "name": "Default"}},
		"catalog": []map[string]any{
			{"type": "compute", "name": "nova", "id": "c1", "endpoints": endpoint(a.nova.URL + "/v2.1")},
			{"type": "volumev3", "name": "cinderv3", "id": "c2", "endpoints": endpoint(volume)},
			{"type": "block-storage", "name": "cinder", "id": "c3", "endpoints": endpoint(volume)},
		},
	}})
}

func (a *realAPI) serveNova(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/v2.1":
		writeJSON(w, http.StatusOK, map[string]any{"version": map[string]any{
			"id": "v2.1", "status": "CURRENT", "version": "2.93", "min_version": "2.1"}})
	case path == "/v2.1/flavors/detail":
		writeJSON(w, http.StatusOK, map[string]any{"flavors": realFlavors})
	case strings.HasPrefix(path, "/v2.1/flavors/"):
		id := strings.TrimPrefix(path, "/v2.1/flavors/")
		for _, f := range realFlavors {
			if f["id"] == id {
				writeJSON(w, http.StatusOK, map[string]any{"flavor": f})
				return
			}
		}
		itemNotFound(w, fmt.Sprintf("Flavor %s could not be found.", id))
	case r.Method == http.MethodPost && path == "/v2.1/servers":
		a.createServer(w, r)
	case path == "/v2.1/servers/detail":
		a.listServers(w, r)
	case strings.HasPrefix(path, "/v2.1/servers/"):
		a.mu.Lock()
		s, ok := a.servers[strings.TrimPrefix(path, "/v2.1/servers/")]
		a.mu.Unlock()
		if !ok {
			itemNotFound(w, "Instance could not be found.")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"server": a.serverBody(strings.TrimPrefix(path, "/v2.1/servers/"), s)})
	default:
		itemNotFound(w, "The resource could not be found.")
	}
}

// createServer takes flavorRef as an id only, as Nova does.
func (a *realAPI) createServer(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Server map[string]any `json:"server"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"badRequest": map[string]any{"code": 400, "message": err.Error()}})
		return
	}
	ref, _ := body.Server["flavorRef"].(string)
	name := ""
	for _, f := range realFlavors {
		if f["id"] == ref {
			name = f["name"].(string)
		}
	}
	if name == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"badRequest": map[string]any{
			"code": 400, "message": fmt.Sprintf("Flavor %s could not be found.", ref)}})
		return
	}
	a.mu.Lock()
	a.created = body.Server
	a.nextIndex++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", a.nextIndex)
	server, _ := body.Server["name"].(string)
	a.servers[id] = realServer{name: server, flavorName: name, bootVolume: "b0070000-0000-4000-8000-000000000001"}
	a.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{"server": map[string]any{
		"id": id, "links": []any{}, "OS-DCF:diskConfig": "MANUAL", "security_groups": []any{map[string]any{"name": "default"}},
		"adminPass": "x"}})
}

func (a *realAPI) listServers(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []any{}
	for id, s := range a.servers {
		if name := r.URL.Query().Get("name"); name == "" || name == "^"+s.name+"$" {
			out = append(out, a.serverBody(id, s))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"servers": out})
}

// serverBody is a server at 2.79, booted from a volume: no flavor id, no image.
func (a *realAPI) serverBody(id string, s realServer) map[string]any {
	flavor := map[string]any{"original_name": s.flavorName, "extra_specs": map[string]any{}}
	for _, f := range realFlavors {
		if f["name"] == s.flavorName {
			flavor["vcpus"], flavor["ram"], flavor["disk"] = f["vcpus"], f["ram"], f["disk"]
			flavor["ephemeral"], flavor["swap"] = f["OS-FLV-EXT-DATA:ephemeral"], f["swap"]
		}
	}
	if s.ram != 0 {
		flavor["ram"] = s.ram
	}
	return map[string]any{
		"id": id, "name": s.name, "status": "ACTIVE", "OS-EXT-STS:task_state": nil, "OS-EXT-STS:vm_state": "active",
		"locked": false, "key_name": "demo-key", "image": "", "flavor": flavor,
		"created": "2026-12-07T16:00:00Z", "updated": "2026-12-07T16:00:05Z", "tenant_id": realProject,
		"addresses":                            map[string]any{"demo-net": []any{map[string]any{"addr": "10.0.0.5", "version": 4}}},
		"os-extended-volumes:volumes_attached": []any{map[string]any{"id": s.bootVolume, "delete_on_termination": true}},
	}
}

func (a *realAPI) serveCinder(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, a.cinderPrefix)
	versions := map[string]any{"versions": []any{map[string]any{
		"id": "v3.0", "status": "CURRENT", "version": a.cinderMaxVersion, "min_version": "3.0", "updated": "2023-08-31T00:00:00Z"}}}
	volumes := "/v3/" + realProject + "/volumes/"
	switch {
	case !strings.HasPrefix(r.URL.Path, a.cinderPrefix):
		itemNotFound(w, "The resource could not be found.")
	case (path == "/" || path == "") && !a.cinderHidesVersions:
		writeJSON(w, http.StatusMultipleChoices, versions)
	case path == "/v3/" && !a.cinderHidesVersions:
		writeJSON(w, http.StatusOK, versions)
	case r.Method == http.MethodGet && strings.HasPrefix(path, volumes):
		id := strings.TrimPrefix(path, volumes)
		writeJSON(w, http.StatusOK, map[string]any{"volume": map[string]any{
			"id": id, "name": "", "status": "in-use", "size": 10, "volume_type": "__DEFAULT__", "bootable": "true",
			"multiattach": false, "created_at": "2026-12-07T16:00:00.000000",
			"volume_image_metadata": map[string]any{"image_id": realImage, "image_name": "cirros"},
			"attachments":           a.attachmentsOf(id),
		}})
	case r.Method == http.MethodPost && strings.HasPrefix(path, volumes):
		w.WriteHeader(http.StatusAccepted)
	default:
		itemNotFound(w, "The resource could not be found.")
	}
}

// attachmentsOf is the boot volume's attachment to its server, on /dev/sda as with the fake driver.
func (a *realAPI) attachmentsOf(volumeID string) []any {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []any{}
	for id, s := range a.servers {
		if s.bootVolume == volumeID {
			out = append(out, map[string]any{"server_id": id, "volume_id": volumeID, "device": "/dev/sda",
				"attachment_id": "a1", "id": volumeID})
		}
	}
	return out
}
