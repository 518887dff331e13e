package openstack

import (
	"maps"
	"net/http"
	"strings"
)

// Flavor is a Nova flavor the emulator offers. Servers may only be created with one of them,
// named by id (or its URL), as Nova takes flavorRef.
type Flavor struct {
	ID           string
	Name         string
	VCPUs        int
	RAMMiB       int
	DiskGiB      int
	EphemeralGiB int
	SwapMiB      int
	ExtraSpecs   map[string]string
}

// DefaultFlavors are Nova's classic m1 flavors, with their classic ids.
func DefaultFlavors() []Flavor {
	return []Flavor{
		{ID: "1", Name: "m1.tiny", VCPUs: 1, RAMMiB: 512, DiskGiB: 1},
		{ID: "2", Name: "m1.small", VCPUs: 1, RAMMiB: 2048, DiskGiB: 20},
		{ID: "3", Name: "m1.medium", VCPUs: 2, RAMMiB: 4096, DiskGiB: 40},
		{ID: "4", Name: "m1.large", VCPUs: 4, RAMMiB: 8192, DiskGiB: 80},
		{ID: "5", Name: "m1.xlarge", VCPUs: 8, RAMMiB: 16384, DiskGiB: 160},
	}
}

// findFlavor resolves a flavorRef: the id, or a URL whose last segment is the id. A name is
// not a flavorRef (Nova answers 400 "Flavor m1.tiny could not be found.").
func (e *Emulator) findFlavor(ref string) (Flavor, bool) {
	id := ref
	if strings.Contains(ref, "/") {
		id = ref[strings.LastIndex(ref, "/")+1:]
	}
	for _, f := range e.cfg.Flavors {
		if f.ID == id {
			return f, true
		}
	}
	return Flavor{}, false
}

// flavorJSON is GET /flavors/{id}'s flavor: swap is "" for none before 2.75 and 0 from it,
// description from 2.55, extra_specs from 2.61, as in Nova's flavor view.
func (e *Emulator) flavorJSON(c *call, f Flavor, detail bool) map[string]any {
	out := map[string]any{"id": f.ID, "name": f.Name, "links": e.links(c, "flavors", f.ID)}
	if c.micro.atLeast(2, 55) {
		out["description"] = nil
	}
	if !detail {
		return out
	}
	var swap any = f.SwapMiB
	if f.SwapMiB == 0 && !c.micro.atLeast(2, 75) {
		swap = ""
	}
	out["ram"], out["disk"], out["vcpus"], out["swap"] = f.RAMMiB, f.DiskGiB, f.VCPUs, swap
	out["OS-FLV-EXT-DATA:ephemeral"], out["OS-FLV-DISABLED:disabled"] = f.EphemeralGiB, false
	out["os-flavor-access:is_public"], out["rxtx_factor"] = true, 1.0
	if c.micro.atLeast(2, 61) {
		out["extra_specs"] = extraSpecs(f)
	}
	return out
}

// serverFlavorJSON is the flavor embedded in a server: a link by id before 2.47, and from 2.47
// a copy of the flavor's details without its id, as Nova shows it.
func (e *Emulator) serverFlavorJSON(c *call, f Flavor) map[string]any {
	if !c.micro.atLeast(2, 47) {
		return map[string]any{"id": f.ID, "links": []map[string]string{{"rel": "bookmark", "href": baseURL(c.r) + "/" + e.cfg.ProjectID + "/flavors/" + f.ID}}}
	}
	return map[string]any{
		"vcpus": f.VCPUs, "ram": f.RAMMiB, "disk": f.DiskGiB, "ephemeral": f.EphemeralGiB, "swap": f.SwapMiB,
		"original_name": f.Name, "extra_specs": extraSpecs(f),
	}
}

func extraSpecs(f Flavor) map[string]string {
	out := map[string]string{}
	maps.Copy(out, f.ExtraSpecs)
	return out
}

// listFlavors answers /flavors (id, name, links) and /flavors/detail.
func (e *Emulator) listFlavors(c *call) (*response, *apiError) {
	detail := strings.HasSuffix(c.r.URL.Path, "/detail")
	out := make([]map[string]any, 0, len(e.cfg.Flavors))
	for _, f := range e.cfg.Flavors {
		out = append(out, e.flavorJSON(c, f, detail))
	}
	return reply(http.StatusOK, map[string]any{"flavors": out})
}

func (e *Emulator) getFlavor(c *call) (*response, *apiError) {
	f, ok := e.findFlavor(c.p.objectID)
	if !ok || strings.Contains(c.p.objectID, "/") {
		return nil, notFound("Flavor %s could not be found.", c.p.objectID)
	}
	return reply(http.StatusOK, map[string]any{"flavor": e.flavorJSON(c, f, true)})
}

// getFlavorExtraSpecs answers GET /flavors/{id}/os-extra_specs, which clients read for a
// flavor's properties.
func (e *Emulator) getFlavorExtraSpecs(c *call) (*response, *apiError) {
	f, ok := e.findFlavor(c.p.objectID)
	if !ok {
		return nil, notFound("Flavor %s could not be found.", c.p.objectID)
	}
	return reply(http.StatusOK, map[string]any{"extra_specs": extraSpecs(f)})
}
