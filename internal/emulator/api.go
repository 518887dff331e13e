package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Route names one API endpoint. It appears in the request log and fault rules match on it.
type Route string

// The API endpoints.
const (
	RouteServerCreate  Route = "server.create"
	RouteServerList    Route = "server.list"
	RouteServerGet     Route = "server.get"
	RouteServerDelete  Route = "server.delete"
	RouteServerLock    Route = "server.lock"
	RouteServerUnlock  Route = "server.unlock"
	RouteServerStop    Route = "server.stop"
	RouteServerStart   Route = "server.start"
	RouteServerVolumes Route = "server.volumes"
	RouteVolumeCreate  Route = "volume.create"
	RouteVolumeList    Route = "volume.list"
	RouteVolumeGet     Route = "volume.get"
	RouteVolumeUpdate  Route = "volume.update"
	RouteVolumeDelete  Route = "volume.delete"
	RouteVolumeExtend  Route = "volume.extend"
	RouteVolumeAttach  Route = "volume.attach"
	RouteVolumeDetach  Route = "volume.detach"
)

// params are the ids taken from the path.
type params struct {
	serverID string
	volumeID string
}

// handlerFunc answers one endpoint: a status with a JSON body (nil for none), or an error.
type handlerFunc func(e *Emulator, r *http.Request, p params) (int, any, *apiError)

type route struct {
	method  string
	pattern string // segments; {server_id} and {volume_id} capture
	name    Route
	handle  handlerFunc
}

var apiRoutes = []route{
	{http.MethodPost, "/v1/servers", RouteServerCreate, (*Emulator).createServer},
	{http.MethodGet, "/v1/servers", RouteServerList, (*Emulator).listServers},
	{http.MethodGet, "/v1/servers/{server_id}", RouteServerGet, (*Emulator).getServer},
	{http.MethodDelete, "/v1/servers/{server_id}", RouteServerDelete, (*Emulator).deleteServer},
	{http.MethodPost, "/v1/servers/{server_id}/lock", RouteServerLock, (*Emulator).lockServer},
	{http.MethodPost, "/v1/servers/{server_id}/unlock", RouteServerUnlock, (*Emulator).unlockServer},
	{http.MethodPost, "/v1/servers/{server_id}/stop", RouteServerStop, (*Emulator).stopServer},
	{http.MethodPost, "/v1/servers/{server_id}/start", RouteServerStart, (*Emulator).startServer},
	{http.MethodGet, "/v1/servers/{server_id}/volumes", RouteServerVolumes, (*Emulator).listServerVolumes},
	{http.MethodPost, "/v1/volumes", RouteVolumeCreate, (*Emulator).createVolume},
	{http.MethodGet, "/v1/volumes", RouteVolumeList, (*Emulator).listVolumes},
	{http.MethodGet, "/v1/volumes/{volume_id}", RouteVolumeGet, (*Emulator).getVolume},
	{http.MethodPut, "/v1/volumes/{volume_id}", RouteVolumeUpdate, (*Emulator).updateVolume},
	{http.MethodDelete, "/v1/volumes/{volume_id}", RouteVolumeDelete, (*Emulator).deleteVolume},
	{http.MethodPost, "/v1/volumes/{volume_id}/extend", RouteVolumeExtend, (*Emulator).extendVolume},
	{http.MethodPost, "/v1/volumes/{volume_id}/servers", RouteVolumeAttach, (*Emulator).attachVolume},
	{http.MethodDelete, "/v1/volumes/{volume_id}/servers/{server_id}", RouteVolumeDetach, (*Emulator).detachVolume},
}

// matchPath matches path against a pattern of segments, capturing {server_id} and {volume_id}.
func matchPath(pattern, path string) (params, bool) {
	var p params
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return p, false
	}
	for i, seg := range ps {
		switch {
		case seg == "{server_id}" && xs[i] != "":
			p.serverID = xs[i]
		case seg == "{volume_id}" && xs[i] != "":
			p.volumeID = xs[i]
		case seg != xs[i]:
			return p, false
		}
	}
	return p, true
}

// matchRoute finds the endpoint for method and path. When only the method is wrong,
// rt is nil and allowed lists the methods the path takes.
func matchRoute(method, path string) (rt *route, p params, allowed []string) {
	for i := range apiRoutes {
		candidate := &apiRoutes[i]
		cp, ok := matchPath(candidate.pattern, path)
		if !ok {
			continue
		}
		if candidate.method == method {
			return candidate, cp, nil
		}
		p = cp // keep the ids for the request log even on 405
		allowed = append(allowed, candidate.method)
	}
	return nil, p, allowed
}

// serveAPI runs one /v1 request through the pipeline: record → rate limit → faults →
// authentication → API version → endpoint. Authentication is computed first so the
// request log shows signature validity even for requests a fault or the limiter answered.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	rt, p, allowed := matchRoute(r.Method, r.URL.Path)
	rec := RequestRecord{
		Time:       e.now(),
		Method:     r.Method,
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		ServerID:   p.serverID,
		VolumeID:   p.volumeID,
		APIVersion: r.Header.Get(HeaderAPIVersion),
	}
	if rt != nil {
		rec.Op = rt.name
	}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		rec.Status = sw.status
		rec.Duration = time.Since(started)
		e.reqlog.add(rec, e.cfg.OnRequest)
	}()

	auth := e.authenticate(r)
	rec.AccessKey, rec.SignatureValid = auth.accessKey, auth.signatureValid
	if auth.err != nil {
		rec.AuthError = auth.err.Detail
	}

	if wait, ok := e.limiter.take(time.Now()); !ok {
		secs := int((wait + time.Second - 1) / time.Second)
		if secs < 1 {
			secs = 1
		}
		sw.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(sw, errorf(http.StatusTooManyRequests, CodeTooManyRequests,
			"request rate limit exceeded; retry after %d second(s)", secs))
		return
	}

	// A fault that fires before the endpoint answers instead of it (the mutation never
	// happens); an AfterHandler fault lets the endpoint act, then spoils its answer.
	fault := e.faults.match(r.Method, r.URL.Path, rec.Op)
	if fault != nil {
		rec.Fault = fault.Kind
		if !fault.AfterHandler && !e.serveFault(sw, r, fault) {
			return
		}
	}
	status, body, apiErr := e.dispatch(r, rt, p, allowed, auth)
	if fault != nil && fault.AfterHandler && !e.serveFault(sw, r, fault) {
		return
	}
	if apiErr != nil {
		writeError(sw, apiErr)
		return
	}
	writeJSON(sw, status, body)
}

func (e *Emulator) dispatch(r *http.Request, rt *route, p params, allowed []string, auth authResult) (int, any, *apiError) {
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		return 0, nil, errorf(http.StatusNotFound, CodeNotFound, "no endpoint %s %s", r.Method, r.URL.Path)
	}
	if auth.err != nil {
		return 0, nil, auth.err
	}
	if err := e.checkVersion(r); err != nil {
		return 0, nil, err
	}
	if rt == nil {
		if len(allowed) > 0 {
			return 0, nil, errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				"%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allowed, ", "))
		}
		return 0, nil, errorf(http.StatusNotFound, CodeNotFound, "no endpoint %s %s", r.Method, r.URL.Path)
	}
	return rt.handle(e, r, p)
}

// statusWriter remembers the status for the request log. Unwrap lets
// http.ResponseController reach the connection (the reset fault hijacks it).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routes is the top-level handler: the control API beside the SCP API.
func (e *Emulator) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/_emulator/", e.controlHandler())
	mux.HandleFunc("/", e.serveAPI)
	return mux
}
