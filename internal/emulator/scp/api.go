package scp

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/contract"
	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Route names one API endpoint. It appears in the request log and fault rules match on it.
type Route string

// The API endpoints.
const (
	RouteServerCreate       Route = "server.create"
	RouteServerList         Route = "server.list"
	RouteServerGet          Route = "server.get"
	RouteServerUpdate       Route = "server.update"
	RouteServerDelete       Route = "server.delete"
	RouteServerLock         Route = "server.lock"
	RouteServerUnlock       Route = "server.unlock"
	RouteServerStop         Route = "server.stop"
	RouteServerStart        Route = "server.start"
	RouteServerVolumes      Route = "server.volumes"
	RouteServerVolumeUpdate Route = "server.volume_update"
	RouteVolumeCreate       Route = "volume.create"
	RouteVolumeList         Route = "volume.list"
	RouteVolumeGet          Route = "volume.get"
	RouteVolumeUpdate       Route = "volume.update"
	RouteVolumeDelete       Route = "volume.delete"
	RouteVolumeExtend       Route = "volume.extend" // PUT /v1/volumes/{volume_id}/size
	RouteVolumeAttach       Route = "volume.attach"
	RouteVolumeDetach       Route = "volume.detach"
	RouteVolumeTypeDefault  Route = "volume_type.default"
	RouteTagsGet            Route = "tags.get"    // Resource Manager GET /v1/tags/{srn}
	RouteTagsUpdate         Route = "tags.update" // Resource Manager PUT /v1/tags/{srn}/bulk
	RouteEndpoints          Route = "iam.endpoints"
)

// service is the SCP service an endpoint belongs to; they differ in headers.
type service int

const (
	virtualServer   service = iota // needs Scp-Api-Version (or takes the latest)
	resourceManager                // no Scp-Api-Version; 403 for a refused signature
	iam                            // the endpoint catalog; no Scp-Api-Version
)

// params are the ids taken from the path.
type params struct {
	serverID string
	volumeID string
	srn      string // as in the path, unescaped (still base64)
}

// handlerFunc answers one endpoint: a status with a JSON body (nil for none), or an error.
type handlerFunc func(e *Emulator, r *http.Request, p params) (int, any, *apiError)

type route struct {
	method  string
	pattern string // segments; {server_id}, {volume_id} and {srn} capture
	name    Route
	svc     service
	handle  handlerFunc
}

var apiRoutes = []route{
	{http.MethodPost, "/v1/servers", RouteServerCreate, virtualServer, (*Emulator).createServer},
	{http.MethodGet, "/v1/servers", RouteServerList, virtualServer, (*Emulator).listServers},
	{http.MethodGet, "/v1/servers/{server_id}", RouteServerGet, virtualServer, (*Emulator).getServer},
	{http.MethodPut, "/v1/servers/{server_id}", RouteServerUpdate, virtualServer, (*Emulator).updateServer},
	{http.MethodDelete, "/v1/servers/{server_id}", RouteServerDelete, virtualServer, (*Emulator).deleteServer},
	{http.MethodPost, "/v1/servers/{server_id}/lock", RouteServerLock, virtualServer, (*Emulator).lockServer},
	{http.MethodPost, "/v1/servers/{server_id}/unlock", RouteServerUnlock, virtualServer, (*Emulator).unlockServer},
	{http.MethodPost, "/v1/servers/{server_id}/stop", RouteServerStop, virtualServer, (*Emulator).stopServer},
	{http.MethodPost, "/v1/servers/{server_id}/start", RouteServerStart, virtualServer, (*Emulator).startServer},
	{http.MethodGet, "/v1/servers/{server_id}/volumes", RouteServerVolumes, virtualServer, (*Emulator).listServerVolumes},
	{http.MethodPut, "/v1/servers/{server_id}/volumes/{volume_id}", RouteServerVolumeUpdate, virtualServer, (*Emulator).updateServerVolume},
	{http.MethodPost, "/v1/volumes", RouteVolumeCreate, virtualServer, (*Emulator).createVolume},
	{http.MethodGet, "/v1/volumes", RouteVolumeList, virtualServer, (*Emulator).listVolumes},
	{http.MethodGet, "/v1/volumes/{volume_id}", RouteVolumeGet, virtualServer, (*Emulator).getVolume},
	{http.MethodPut, "/v1/volumes/{volume_id}", RouteVolumeUpdate, virtualServer, (*Emulator).updateVolume},
	{http.MethodDelete, "/v1/volumes/{volume_id}", RouteVolumeDelete, virtualServer, (*Emulator).deleteVolume},
	{http.MethodPut, "/v1/volumes/{volume_id}/size", RouteVolumeExtend, virtualServer, (*Emulator).extendVolume},
	{http.MethodPost, "/v1/volumes/{volume_id}/servers", RouteVolumeAttach, virtualServer, (*Emulator).attachVolume},
	{http.MethodDelete, "/v1/volumes/{volume_id}/servers/{server_id}", RouteVolumeDetach, virtualServer, (*Emulator).detachVolume},
	{http.MethodGet, "/v1/volume-types/default", RouteVolumeTypeDefault, virtualServer, (*Emulator).defaultVolumeType},
	{http.MethodGet, "/v1/tags/{srn}", RouteTagsGet, resourceManager, (*Emulator).getTags},
	{http.MethodPut, "/v1/tags/{srn}/bulk", RouteTagsUpdate, resourceManager, (*Emulator).updateTags},
	{http.MethodGet, contract.DefaultIAMPrefix + "/endpoints", RouteEndpoints, iam, (*Emulator).listEndpoints},
}

// matchPath matches an escaped path against a pattern of segments. Matching on the
// escaped form keeps an SRN whose base64 holds "/" (sent as %2F) in one segment.
func matchPath(pattern, escapedPath string) (params, bool) {
	var p params
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(escapedPath, "/"), "/")
	if len(ps) != len(xs) {
		return p, false
	}
	for i, seg := range ps {
		x, err := url.PathUnescape(xs[i])
		if err != nil {
			return p, false
		}
		switch {
		case seg == "{server_id}" && x != "":
			p.serverID = x
		case seg == "{volume_id}" && x != "":
			p.volumeID = x
		case seg == "{srn}" && x != "":
			p.srn = x
		case seg != x:
			return p, false
		}
	}
	return p, true
}

// matchRoute finds the endpoint for method and path. When only the method is wrong,
// rt is nil and allowed lists the methods the path takes.
func matchRoute(method, escapedPath string) (rt *route, p params, allowed []string) {
	for i := range apiRoutes {
		candidate := &apiRoutes[i]
		cp, ok := matchPath(candidate.pattern, escapedPath)
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

// serveAPI runs one request through the pipeline: record → rate limit → faults →
// route → authentication → API version → endpoint. Authentication is computed first
// so the request log shows signature validity even for requests a fault or the
// limiter answered.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	rt, p, allowed := matchRoute(r.Method, r.URL.EscapedPath())
	rec := e.newRequestRecord(r, rt, p)
	sw := &engine.StatusWriter{ResponseWriter: w}
	defer func() {
		rec.Status = sw.Status
		rec.Duration = time.Since(started)
		e.Append(*rec)
	}()

	auth := e.authenticate(r)
	rec.AccessKey, rec.SignatureValid = auth.accessKey, auth.signatureValid
	if auth.err != nil {
		rec.AuthError = auth.err.Detail
	}
	if e.rateLimited(sw, r, rec) {
		return
	}
	fault, answered := e.faultBefore(sw, r, rec)
	if answered {
		return
	}
	if rt == nil {
		e.answerUnknownPath(sw, r, rec, fault, allowed)
		return
	}
	e.answerRoute(sw, r, rec, fault, rt, p, auth)
}

// newRequestRecord starts the log record of r.
func (e *Emulator) newRequestRecord(r *http.Request, rt *route, p params) *RequestRecord {
	rec := &RequestRecord{
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
	return rec
}

// rateLimited answers 429 when the limiter refuses r. The limiter plays the API
// gateway: SCP documents no 429, so the answer is not checked against the contract
// (the request still is).
func (e *Emulator) rateLimited(sw http.ResponseWriter, r *http.Request, rec *RequestRecord) bool {
	wait, ok := e.limiter.take(time.Now())
	if ok {
		return false
	}
	contract.SkipResponse(r.Context())
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	sw.Header().Set("Retry-After", strconv.Itoa(secs))
	rec.ErrorCode = CodeTooManyRequests
	writeError(sw, errorf(http.StatusTooManyRequests, CodeTooManyRequests,
		"request rate limit exceeded; retry after %d second(s)", secs), e.arrayDetail.Load())
	return true
}

// faultBefore finds the fault that fires for r and, unless it is an AfterHandler
// one, serves it; answered is true when the fault answered instead of the endpoint
// (the mutation never happens). An AfterHandler fault lets the endpoint act, then
// spoils its answer. Either way the answer is deliberately not SCP's, so it is not
// checked (a slow fault delays a genuine answer, which is).
func (e *Emulator) faultBefore(sw http.ResponseWriter, r *http.Request, rec *RequestRecord) (fault *Fault, answered bool) {
	fault = e.MatchFault(r.Method, r.URL.Path, rec.Op)
	if fault == nil {
		return nil, false
	}
	rec.Fault = fault.Kind
	switch fault.Kind {
	case FaultStatus:
		rec.ErrorCode = faultCode(cmp.Or(fault.Status, http.StatusInternalServerError))
	case FaultRateLimit:
		rec.ErrorCode = CodeTooManyRequests
	}
	if fault.Kind != FaultSlow {
		contract.SkipResponse(r.Context())
	}
	return fault, !fault.AfterHandler && !e.serveFault(sw, r, fault)
}

// faultAfter serves an AfterHandler fault; it reports whether the fault answered.
func (e *Emulator) faultAfter(sw http.ResponseWriter, r *http.Request, fault *Fault) bool {
	return fault != nil && fault.AfterHandler && !e.serveFault(sw, r, fault)
}

// answerUnknownPath answers a path that is no SCP endpoint as a gateway or web
// server would, without the SCP envelope, so that a client pointed at a wrong path
// cannot read it as SCP's "this object does not exist".
func (e *Emulator) answerUnknownPath(sw http.ResponseWriter, r *http.Request, rec *RequestRecord, fault *Fault, allowed []string) {
	if e.faultAfter(sw, r, fault) {
		return
	}
	if len(allowed) > 0 {
		rec.ErrorCode = CodeMethodNotAllowed
		sw.Header().Set("Allow", strings.Join(allowed, ", "))
		writePlain(sw, http.StatusMethodNotAllowed, "405 method not allowed")
		return
	}
	rec.ErrorCode = CodeNotFound
	writePlain(sw, http.StatusNotFound, "404 page not found")
}

// answerRoute runs the endpoint and writes its answer (or an AfterHandler fault's).
func (e *Emulator) answerRoute(sw http.ResponseWriter, r *http.Request, rec *RequestRecord, fault *Fault, rt *route, p params, auth authResult) {
	status, body, apiErr := e.dispatch(r, rt, p, auth)
	if apiErr != nil {
		rec.ErrorCode = apiErr.Code
		if isVersionError(apiErr) {
			// No source says how SCP answers a retired or malformed Scp-Api-Version; a 400 on
			// every route says what happened, where a call's other documented statuses (401 on
			// GET /v1/volume-types/default) would read as something else.
			contract.SkipResponse(r.Context())
		} else {
			apiErr.Status = fitStatus(rt.name, apiErr.Status)
		}
	}
	if e.faultAfter(sw, r, fault) {
		return
	}
	if apiErr != nil {
		writeError(sw, apiErr, e.arrayDetail.Load())
		return
	}
	writeJSON(sw, status, body)
}

func (e *Emulator) dispatch(r *http.Request, rt *route, p params, auth authResult) (int, any, *apiError) {
	if auth.err != nil {
		return 0, nil, auth.err
	}
	if rt.svc == virtualServer {
		if err := e.checkVersion(r); err != nil {
			return 0, nil, err
		}
	}
	return rt.handle(e, r, p)
}

// routes is the top-level handler: the control API beside the SCP API. It does not
// use a ServeMux for the API, which would redirect paths it considers unclean (an
// SRN's base64 may hold "//" once unescaped).
func (e *Emulator) routes() http.Handler {
	control := e.controlHandler()
	var api http.Handler = http.HandlerFunc(e.serveAPI)
	if e.contract != nil {
		api = e.contract.Handler(api)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_emulator/") {
			control.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}
