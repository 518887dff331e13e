package openstack

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Route names one endpoint. It appears in the request log, and fault rules match on it.
type Route string

// The endpoints. Actions (POST .../action) get a route each, named after the action.
const (
	RouteIdentityVersions Route = "identity.versions"
	RouteTokenCreate      Route = "identity.token.create"
	RouteTokenGet         Route = "identity.token.get" // GET and HEAD (validation)
	RouteTokenRevoke      Route = "identity.token.revoke"

	RouteComputeVersions  Route = "compute.versions"
	RouteServerCreate     Route = "server.create"
	RouteServerList       Route = "server.list"
	RouteServerGet        Route = "server.get"
	RouteServerUpdate     Route = "server.update"
	RouteServerDelete     Route = "server.delete"
	RouteServerLock       Route = "server.lock"
	RouteServerUnlock     Route = "server.unlock"
	RouteServerStop       Route = "server.stop"
	RouteServerStart      Route = "server.start"
	RouteServerAction     Route = "server.action" // any other action: refused
	RouteAttachmentList   Route = "attachment.list"
	RouteAttachmentCreate Route = "attachment.create"
	RouteAttachmentGet    Route = "attachment.get"
	RouteAttachmentDelete Route = "attachment.delete"
	RouteServerTags       Route = "server.tags"
	RouteFlavorList       Route = "flavor.list"
	RouteFlavorGet        Route = "flavor.get"

	RouteImageVersions Route = "image.versions"
	RouteImageList     Route = "image.list"
	RouteImageGet      Route = "image.get"

	RouteNetworkVersions Route = "network.versions"
	RouteNetworkList     Route = "network.list"
	RouteNetworkGet      Route = "network.get"
	RouteSubnetList      Route = "subnet.list"
	RouteSubnetGet       Route = "subnet.get"
	RoutePortList        Route = "port.list"
	RoutePortGet         Route = "port.get"

	RouteVolumeVersions            Route = "volume.versions"
	RouteVolumeCreate              Route = "volume.create"
	RouteVolumeList                Route = "volume.list"
	RouteVolumeGet                 Route = "volume.get"
	RouteVolumeUpdate              Route = "volume.update"
	RouteVolumeDelete              Route = "volume.delete"
	RouteVolumeExtend              Route = "volume.extend"
	RouteVolumeDetach              Route = "volume.os-detach"               // deprecated
	RouteVolumeBeginDetaching      Route = "volume.os-begin_detaching"      // deprecated
	RouteVolumeTerminateConnection Route = "volume.os-terminate_connection" // deprecated
	RouteVolumeAction              Route = "volume.action"                  // any other action: refused
)

// Services, as recorded.
const (
	serviceIdentity = "identity"
	serviceCompute  = "compute"
	serviceVolume   = "volume"
	serviceImage    = "image"
	serviceNetwork  = "network"
)

// Path prefixes of the services that share the listener with Keystone, as devstack lays
// them out: Cinder's own version documents need a root of their own.
const (
	volumePrefix  = "/volume"
	imagePrefix   = "/image"
	networkPrefix = "/networking"
)

// params are the ids taken from the path.
type params struct {
	project    string
	serverID   string
	volumeID   string // the volume, or the attachment id (which is the volume id)
	objectID   string // a flavor, image, network, subnet or port
	apiVersion string // the path's version segment: v2, v2.1, v3
}

// call is one request as a handler sees it.
type call struct {
	r     *http.Request
	body  []byte
	p     params
	micro microversion
	rec   *RequestRecord
}

// response is a handler's answer: status, JSON body (nil for none), extra headers.
type response struct {
	status int
	body   any
	header map[string]string
}

func reply(status int, body any) (*response, *apiError) {
	return &response{status: status, body: body}, nil
}

type handlerFunc func(e *Emulator, c *call) (*response, *apiError)

type route struct {
	method  string
	pattern string // segments; see matchPath
	name    Route
	service string
	public  bool // served without a token
	handle  handlerFunc
}

// Patterns: {compute} is v2 or v2.1 (both occur, see otc-ecs-detach-disk.md),
// {volume} is v3 or v2 (OTC EVS documents its actions under /v2), {p} the project,
// {s} a server, {v} a volume or attachment id, {o} any other object. Cinder is served
// both under /volume (where the catalog points) and at the root (/v3, /v2). A POST .../action is recorded under
// the route its body's action names (serverActions, volumeActions).
var apiRoutes = []route{
	{http.MethodGet, "/", RouteIdentityVersions, serviceIdentity, true, (*Emulator).identityVersions},
	{http.MethodGet, "/v3", RouteIdentityVersions, serviceIdentity, true, (*Emulator).identityVersions},
	{http.MethodPost, "/v3/auth/tokens", RouteTokenCreate, serviceIdentity, true, (*Emulator).createToken},
	{http.MethodGet, "/v3/auth/tokens", RouteTokenGet, serviceIdentity, false, (*Emulator).getToken},
	{http.MethodHead, "/v3/auth/tokens", RouteTokenGet, serviceIdentity, false, (*Emulator).getToken},
	{http.MethodDelete, "/v3/auth/tokens", RouteTokenRevoke, serviceIdentity, false, (*Emulator).getToken},

	{http.MethodGet, "/{compute}", RouteComputeVersions, serviceCompute, true, (*Emulator).computeVersion},
	{http.MethodGet, "/{compute}/{p}", RouteComputeVersions, serviceCompute, false, (*Emulator).computeVersion},
	{http.MethodPost, "/{compute}/{p}/servers", RouteServerCreate, serviceCompute, false, (*Emulator).createServer},
	{http.MethodGet, "/{compute}/{p}/servers", RouteServerList, serviceCompute, false, (*Emulator).listServers},
	{http.MethodGet, "/{compute}/{p}/servers/detail", RouteServerList, serviceCompute, false, (*Emulator).listServers},
	{http.MethodGet, "/{compute}/{p}/servers/{s}", RouteServerGet, serviceCompute, false, (*Emulator).getServer},
	{http.MethodPut, "/{compute}/{p}/servers/{s}", RouteServerUpdate, serviceCompute, false, (*Emulator).updateServer},
	{http.MethodDelete, "/{compute}/{p}/servers/{s}", RouteServerDelete, serviceCompute, false, (*Emulator).deleteServer},
	{http.MethodPost, "/{compute}/{p}/servers/{s}/action", RouteServerAction, serviceCompute, false, (*Emulator).serverAction},
	{http.MethodGet, "/{compute}/{p}/servers/{s}/os-volume_attachments", RouteAttachmentList, serviceCompute, false, (*Emulator).listAttachments},
	{http.MethodPost, "/{compute}/{p}/servers/{s}/os-volume_attachments", RouteAttachmentCreate, serviceCompute, false, (*Emulator).createAttachment},
	{http.MethodGet, "/{compute}/{p}/servers/{s}/os-volume_attachments/{v}", RouteAttachmentGet, serviceCompute, false, (*Emulator).getAttachment},
	{http.MethodDelete, "/{compute}/{p}/servers/{s}/os-volume_attachments/{v}", RouteAttachmentDelete, serviceCompute, false, (*Emulator).deleteAttachment},
	{http.MethodGet, "/{compute}/{p}/servers/{s}/tags", RouteServerTags, serviceCompute, false, (*Emulator).serverTags},
	{http.MethodGet, "/{compute}/{p}/flavors", RouteFlavorList, serviceCompute, false, (*Emulator).listFlavors},
	{http.MethodGet, "/{compute}/{p}/flavors/detail", RouteFlavorList, serviceCompute, false, (*Emulator).listFlavors},
	{http.MethodGet, "/{compute}/{p}/flavors/{o}", RouteFlavorGet, serviceCompute, false, (*Emulator).getFlavor},
	{http.MethodGet, "/{compute}/{p}/flavors/{o}/os-extra_specs", RouteFlavorGet, serviceCompute, false, (*Emulator).getFlavorExtraSpecs},

	{http.MethodGet, volumePrefix, RouteVolumeVersions, serviceVolume, true, (*Emulator).volumeVersions},
	{http.MethodGet, volumePrefix + "/v3", RouteVolumeVersions, serviceVolume, true, (*Emulator).volumeVersions},
	{http.MethodPost, "/{volume}/{p}/volumes", RouteVolumeCreate, serviceVolume, false, (*Emulator).createVolume},
	{http.MethodGet, "/{volume}/{p}/volumes", RouteVolumeList, serviceVolume, false, (*Emulator).listVolumes},
	{http.MethodGet, "/{volume}/{p}/volumes/detail", RouteVolumeList, serviceVolume, false, (*Emulator).listVolumes},
	{http.MethodGet, "/{volume}/{p}/volumes/{v}", RouteVolumeGet, serviceVolume, false, (*Emulator).getVolume},
	{http.MethodPut, "/{volume}/{p}/volumes/{v}", RouteVolumeUpdate, serviceVolume, false, (*Emulator).updateVolume},
	{http.MethodDelete, "/{volume}/{p}/volumes/{v}", RouteVolumeDelete, serviceVolume, false, (*Emulator).deleteVolume},
	{http.MethodPost, "/{volume}/{p}/volumes/{v}/action", RouteVolumeAction, serviceVolume, false, (*Emulator).volumeAction},

	{http.MethodGet, imagePrefix, RouteImageVersions, serviceImage, true, (*Emulator).imageVersions},
	{http.MethodGet, imagePrefix + "/v2/images", RouteImageList, serviceImage, false, (*Emulator).listImages},
	{http.MethodGet, imagePrefix + "/v2/images/{o}", RouteImageGet, serviceImage, false, (*Emulator).getImage},

	{http.MethodGet, networkPrefix, RouteNetworkVersions, serviceNetwork, true, (*Emulator).networkVersions},
	{http.MethodGet, networkPrefix + "/v2.0/networks", RouteNetworkList, serviceNetwork, false, networkList.list},
	{http.MethodGet, networkPrefix + "/v2.0/networks/{o}", RouteNetworkGet, serviceNetwork, false, networkList.get},
	{http.MethodGet, networkPrefix + "/v2.0/subnets", RouteSubnetList, serviceNetwork, false, subnetList.list},
	{http.MethodGet, networkPrefix + "/v2.0/subnets/{o}", RouteSubnetGet, serviceNetwork, false, subnetList.get},
	{http.MethodGet, networkPrefix + "/v2.0/ports", RoutePortList, serviceNetwork, false, (*Emulator).listPorts},
	{http.MethodGet, networkPrefix + "/v2.0/ports/{o}", RoutePortGet, serviceNetwork, false, (*Emulator).getPort},
}

// serverActions and volumeActions name the route of each action the emulator knows.
var serverActions = map[string]Route{
	"lock": RouteServerLock, "unlock": RouteServerUnlock, "os-stop": RouteServerStop, "os-start": RouteServerStart,
}

var volumeActions = map[string]Route{
	"os-extend": RouteVolumeExtend, "os-detach": RouteVolumeDetach,
	"os-begin_detaching": RouteVolumeBeginDetaching, "os-terminate_connection": RouteVolumeTerminateConnection,
}

func matchPath(pattern, path string) (params, bool) {
	var p params
	if pattern == "/" || path == "/" {
		return p, pattern == path
	}
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return p, false
	}
	for i, seg := range ps {
		x := xs[i]
		switch seg {
		case "{compute}":
			if x != "v2" && x != "v2.1" {
				return p, false
			}
			p.apiVersion = x
		case "{volume}":
			if x != "v3" && x != "v2" {
				return p, false
			}
			p.apiVersion = x
		case "{p}", "{s}", "{v}", "{o}":
			if x == "" {
				return p, false
			}
			switch seg {
			case "{p}":
				p.project = x
			case "{s}":
				p.serverID = x
			case "{o}":
				p.objectID = x
			default:
				p.volumeID = x
			}
		default:
			if seg != x {
				return p, false
			}
		}
	}
	return p, true
}

// matchRoute finds the endpoint. When only the method is wrong, rt is nil and
// allowed lists the methods the path takes.
func matchRoute(method, path string) (rt *route, p params, allowed []string) {
	if path != volumePrefix && path != volumePrefix+"/" && path != volumePrefix+"/v3" && path != volumePrefix+"/v3/" {
		if rest, ok := strings.CutPrefix(path, volumePrefix+"/"); ok {
			return matchVolumeRoute(method, "/"+rest)
		}
	}
	for i := range apiRoutes {
		c := &apiRoutes[i]
		cp, ok := matchPath(c.pattern, path)
		if !ok {
			continue
		}
		if c.method == method {
			return c, cp, nil
		}
		if p == (params{}) {
			p = cp
		}
		allowed = append(allowed, c.method)
	}
	return nil, p, allowed
}

// matchVolumeRoute matches a path under /volume against Cinder's routes only.
func matchVolumeRoute(method, path string) (rt *route, p params, allowed []string) {
	for i := range apiRoutes {
		c := &apiRoutes[i]
		if c.service != serviceVolume || !strings.HasPrefix(c.pattern, "/{volume}") {
			continue
		}
		cp, ok := matchPath(c.pattern, path)
		if !ok {
			continue
		}
		if c.method == method {
			return c, cp, nil
		}
		p = cp
		allowed = append(allowed, c.method)
	}
	return nil, p, allowed
}

// actionName is the single key of an action body ({"os-stop": null}).
func actionName(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || len(m) != 1 {
		return ""
	}
	for k := range m {
		return k
	}
	return ""
}

// serveAPI runs one request: record → faults → token → project → microversion →
// endpoint. The token is looked up first, so the log shows it even for requests a
// fault answered.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	rt, p, allowed := matchRoute(r.Method, r.URL.Path)
	rec := RequestRecord{
		Time: e.now(), Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		ServerID: p.serverID, VolumeID: p.volumeID,
		HasToken: r.Header.Get("X-Auth-Token") != "",
	}
	if rt != nil {
		rec.Service, rec.Op = rt.service, rt.name
		switch rt.name {
		case RouteServerAction:
			if name, ok := serverActions[actionName(body)]; ok {
				rec.Op = name
			}
		case RouteVolumeAction:
			if name, ok := volumeActions[actionName(body)]; ok {
				rec.Op = name
			}
		}
		rec.Deprecated = rec.Op == RouteVolumeDetach || rec.Op == RouteVolumeBeginDetaching || rec.Op == RouteVolumeTerminateConnection
	}
	sw := &statusWriter{StatusWriter: engine.StatusWriter{ResponseWriter: w}, authURL: baseURL(r) + "/v3"}
	defer func() {
		rec.Status = sw.Status
		rec.Duration = time.Since(started)
		e.Append(rec)
	}()
	_, rec.TokenValid = e.tokens.valid(r.Header.Get("X-Auth-Token"), e.now())

	fault := e.MatchFault(r.Method, r.URL.Path, rec.Op)
	if fault != nil {
		rec.Fault = fault.Kind
		if !fault.AfterHandler && !e.serveFault(sw, r, fault) {
			return
		}
	}
	var resp *response
	var apiErr *apiError
	if readErr != nil || len(body) > maxBodyBytes {
		apiErr = errorf(http.StatusRequestEntityTooLarge, "Request is too large.")
	} else {
		resp, apiErr = e.dispatch(&call{r: r, body: body, p: p, rec: &rec}, rt, allowed)
	}
	if fault != nil && fault.AfterHandler && !e.serveFault(sw, r, fault) {
		return
	}
	if apiErr != nil {
		apiErr.acceptsJSON = strings.Contains(r.Header.Get("Accept"), "json")
		if apiErr.Status == http.StatusUnauthorized && rec.AuthError == "" && rt != nil && !rt.public {
			rec.AuthError = tokenProblem(rec)
		}
		writeError(sw, apiErr)
		return
	}
	for k, v := range resp.header {
		sw.Header().Set(k, v)
	}
	writeJSON(sw, resp.status, resp.body)
}

func tokenProblem(rec RequestRecord) string {
	if !rec.HasToken {
		return "no X-Auth-Token"
	}
	return "X-Auth-Token unknown, revoked or expired"
}

func (e *Emulator) dispatch(c *call, rt *route, allowed []string) (*response, *apiError) {
	if rt == nil {
		if len(allowed) > 0 {
			return nil, errorf(http.StatusMethodNotAllowed, "The method %s is not allowed for this resource; allowed: %s.", c.r.Method, strings.Join(allowed, ", "))
		}
		if strings.HasPrefix(c.r.URL.Path, volumePrefix+"/") {
			return nil, webobNotFound("The resource could not be found.")
		}
		return nil, notFound("The resource could not be found.")
	}
	if !rt.public && !c.rec.TokenValid {
		return nil, unauthorized()
	}
	if c.p.project != "" && c.p.project != e.cfg.ProjectID {
		// The api-doc's own error example for a project id that is not the token's.
		return nil, badRequest("Malformed request URL: URL's project_id '%s' doesn't match Context's project_id '%s'", c.p.project, e.cfg.ProjectID)
	}
	if rt.service == serviceCompute || (rt.service == serviceVolume && rt.name != RouteVolumeVersions) {
		mv, apiErr := parseMicroversion(c.r, rt.service)
		if apiErr != nil {
			return nil, apiErr
		}
		c.micro = mv
		c.rec.Microversion = mv.String()
		resp, apiErr := rt.handle(e, c)
		if resp != nil {
			resp.setMicroversionHeaders(rt.service, mv)
		}
		return resp, apiErr
	}
	return rt.handle(e, c)
}

// statusWriter is the engine's, with the Keystone URL the 401 header names.
type statusWriter struct {
	engine.StatusWriter
	authURL string
}

// routes is the top-level handler: the control API beside the cloud's APIs.
func (e *Emulator) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/_emulator/", e.controlHandler())
	mux.HandleFunc("/", e.serveAPI)
	return mux
}

// The identity handlers, in the handler shape.

func (e *Emulator) identityVersions(c *call) (*response, *apiError) {
	return identityVersionsDoc(c.r)
}

func (e *Emulator) computeVersion(c *call) (*response, *apiError) {
	id, status, maxMicro, minMicro := "v2.1", "CURRENT", computeMaxMicro.String(), computeMinMicro.String()
	if c.p.apiVersion == "v2" {
		id, status, maxMicro, minMicro = "v2.0", "SUPPORTED", "", ""
	}
	resp, apiErr := versionDoc(c.r, id, status, maxMicro, minMicro)
	doc := resp.body.(map[string]any)["version"].(map[string]any)
	doc["links"] = append(doc["links"].([]map[string]string), map[string]string{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"})
	doc["media-types"] = []map[string]string{{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}}
	return resp, apiErr
}

// volumeVersions answers Cinder's version documents where Cinder serves them: its root
// (300, every version) and /v3/ (200). Its endpoint, /v3/{project_id}, has none (404).
func (e *Emulator) volumeVersions(c *call) (*response, *apiError) {
	v3 := map[string]any{
		"id": "v3.0", "status": "CURRENT", "version": volumeMaxMicro.String(), "min_version": volumeMinMicro.String(),
		"updated": "2023-08-31T00:00:00Z",
		"links": []map[string]string{
			{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
			{"rel": "self", "href": baseURL(c.r) + volumePrefix + "/v3/"},
		},
		"media-types": []map[string]string{{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"}},
	}
	status := http.StatusOK
	if strings.TrimSuffix(c.r.URL.Path, "/") == volumePrefix {
		status = http.StatusMultipleChoices
	}
	return reply(status, map[string]any{"versions": []any{v3}})
}
