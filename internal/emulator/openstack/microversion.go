package openstack

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// microversion is a "major.minor" API microversion.
type microversion struct{ major, minor int }

func (m microversion) String() string { return fmt.Sprintf("%d.%d", m.major, m.minor) }

func (m microversion) atLeast(major, minor int) bool {
	return m.major > major || (m.major == major && m.minor >= minor)
}

func (m microversion) less(o microversion) bool { return !m.atLeast(o.major, o.minor) }

// The ranges served: Nova 2.1 to 2.96, Cinder 3.0 to 3.70 (what a current cloud
// advertises). The response shapes do not change with the microversion, except
// where a handler says so (an in-use extend needs 3.42).
var (
	computeMinMicro = microversion{2, 1}
	computeMaxMicro = microversion{2, 96}
	volumeMinMicro  = microversion{3, 0}
	volumeMaxMicro  = microversion{3, 70}
)

// parseMicroversion reads OpenStack-API-Version ("compute 2.79") or the older
// per-service header gophercloud also sends; absent means the minimum, "latest" the
// maximum; outside the range is 406, as Nova and Cinder answer.
func parseMicroversion(r *http.Request, service string) (microversion, *apiError) {
	lo, hi, legacy := computeMinMicro, computeMaxMicro, "X-OpenStack-Nova-API-Version"
	if service == serviceVolume {
		lo, hi, legacy = volumeMinMicro, volumeMaxMicro, "X-OpenStack-Volume-API-Version"
	}
	raw := ""
	for _, h := range r.Header.Values("OpenStack-API-Version") {
		if svc, v, ok := strings.Cut(strings.TrimSpace(h), " "); ok && svc == service {
			raw = strings.TrimSpace(v)
		}
	}
	if raw == "" {
		raw = strings.TrimSpace(r.Header.Get(legacy))
	}
	switch raw {
	case "":
		return lo, nil
	case "latest":
		return hi, nil
	}
	majText, minText, ok := strings.Cut(raw, ".")
	a, errA := strconv.Atoi(majText)
	b, errB := strconv.Atoi(minText)
	if !ok || errA != nil || errB != nil {
		return lo, badRequest("Invalid API version request: %q", raw)
	}
	mv := microversion{a, b}
	if mv.less(lo) || hi.less(mv) {
		return lo, errorf(http.StatusNotAcceptable, "Version %s is not supported by the API. Minimum is %s and maximum is %s.", mv, lo, hi)
	}
	return mv, nil
}

// setMicroversionHeaders echoes the version used, as the services do.
func (resp *response) setMicroversionHeaders(service string, mv microversion) {
	if resp.header == nil {
		resp.header = map[string]string{}
	}
	resp.header["OpenStack-API-Version"] = service + " " + mv.String()
	if service == serviceCompute {
		resp.header["X-OpenStack-Nova-API-Version"] = mv.String()
	}
	resp.header["Vary"] = "OpenStack-API-Version"
}
