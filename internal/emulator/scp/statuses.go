package scp

import "slices"

// documentedStatuses are the statuses the contract lists for each call (a test keeps
// this table equal to internal/contract). The emulator answers no other.
var documentedStatuses = map[Route][]int{
	RouteServerCreate:       {202, 400, 401, 403, 404, 409},
	RouteServerList:         {200, 400, 401, 403},
	RouteServerGet:          {200, 400, 401, 403, 404},
	RouteServerUpdate:       {200, 400, 401, 403, 404},
	RouteServerDelete:       {202, 401, 403, 404, 409},
	RouteServerLock:         {202, 401, 403, 404},
	RouteServerUnlock:       {202, 400, 401, 403, 404},
	RouteServerStop:         {202, 400, 401, 403, 404, 409},
	RouteServerStart:        {202, 400, 401, 403, 404, 409},
	RouteServerVolumes:      {200, 400, 401, 403, 404},
	RouteServerVolumeUpdate: {200, 400, 401, 403, 404},
	RouteVolumeCreate:       {202, 400, 401},
	RouteVolumeList:         {200, 400, 401},
	RouteVolumeGet:          {200, 400, 401, 404}, // 404 assumed by the contract (x-unknown)
	RouteVolumeUpdate:       {200, 400, 401},
	RouteVolumeDelete:       {202, 400, 401, 409},
	RouteVolumeExtend:       {202, 400, 401, 409},
	RouteVolumeAttach:       {202, 400, 401, 409},
	RouteVolumeDetach:       {202, 400, 401, 409},
	RouteVolumeTypeDefault:  {200, 401, 500},
	RouteTagsGet:            {200, 400, 403, 404},
	RouteTagsUpdate:         {200, 400, 403, 404},
	RouteEndpoints:          {200, 401},
}

// statusFallbacks say what an error answers on a call that does not document its
// natural status: the first of these the call documents.
//   - 404: the volume calls other than GET document no 404 (rename, delete, extend,
//     attach, detach of an unknown volume or server): the request names something
//     that does not exist, so 400.
//   - 409: lock documents neither 409 nor 400 (lock of a server still building, or
//     busy): 403, the call is refused; unlock, rename and the volume calls without
//     409 answer 400.
//   - 400: DELETE server and lock document no 400 (a malformed Scp-Api-Version): 403.
//   - 401: the Resource Manager tag calls document 403, not 401, for a refused signature.
var statusFallbacks = map[int][]int{
	404: {400},
	409: {400, 403},
	400: {403, 409},
	401: {403},
}

// fitStatus returns status when rt documents it, else the fallback that rt documents,
// else rt's first documented error status.
func fitStatus(rt Route, status int) int {
	doc, ok := documentedStatuses[rt]
	if !ok || slices.Contains(doc, status) {
		return status
	}
	for _, alt := range statusFallbacks[status] {
		if slices.Contains(doc, alt) {
			return alt
		}
	}
	for _, s := range doc {
		if s >= 400 {
			return s
		}
	}
	return status
}
