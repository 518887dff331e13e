package openstack

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Image is a Glance image the emulator lists. Nothing is ever booted from it: it is what a
// client looks up by name or id before it creates a server.
type Image struct {
	ID         string
	Name       string
	SizeBytes  int64
	DiskFormat string // default qcow2
	MinDiskGiB int
	MinRAMMiB  int
}

// DefaultImageID is the id of the one default image, fixed so that configurations (the demo,
// the acceptance tests) can name it.
const DefaultImageID = "5b0a8d4e-6c1f-4e2a-9d3b-7f8e9a0b1c2d"

// DefaultImages is one small public image.
func DefaultImages() []Image {
	return []Image{{ID: DefaultImageID, Name: "cirros-0.6.2-x86_64-disk", SizeBytes: 21430272, DiskFormat: "qcow2"}}
}

// imageEpoch stamps the default images: they exist before the emulator starts.
var imageEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func (e *Emulator) findImage(id string) (Image, bool) {
	for _, im := range e.cfg.Images {
		if im.ID == id {
			return im, true
		}
	}
	return Image{}, false
}

// imageJSON is Glance v2's image: an unwrapped object with string times (RFC 3339, Z).
func (e *Emulator) imageJSON(im Image) map[string]any {
	format := im.DiskFormat
	if format == "" {
		format = "qcow2"
	}
	stamp := imageEpoch.Format(time.RFC3339)
	return map[string]any{
		"id": im.ID, "name": im.Name, "status": "active", "visibility": "public", "protected": false,
		"os_hidden": false, "owner": e.cfg.ProjectID, "size": im.SizeBytes,
		"min_disk": im.MinDiskGiB, "min_ram": im.MinRAMMiB, "disk_format": format, "container_format": "bare",
		"checksum": "00000000000000000000000000000000", "os_hash_algo": "sha512", "os_hash_value": strings.Repeat("0", 128),
		"stores": "file", "virtual_size": im.SizeBytes,
		"tags": []string{}, "created_at": stamp, "updated_at": stamp,
		"self": "/v2/images/" + im.ID, "file": "/v2/images/" + im.ID + "/file", "schema": "/v2/schemas/image",
	}
}

// listImages answers GET /v2/images with Glance's paging keys (one page). The name, status
// and visibility filters are Glance's.
func (e *Emulator) listImages(c *call) (*response, *apiError) {
	q := c.r.URL.Query()
	out := []map[string]any{}
	for _, im := range e.cfg.Images {
		if n := q.Get("name"); n != "" && n != im.Name {
			continue
		}
		if s := q.Get("status"); s != "" && s != "active" {
			continue
		}
		out = append(out, e.imageJSON(im))
	}
	return reply(http.StatusOK, map[string]any{"images": out, "first": "/v2/images", "schema": "/v2/schemas/images"})
}

func (e *Emulator) getImage(c *call) (*response, *apiError) {
	im, ok := e.findImage(c.p.objectID)
	if !ok {
		return nil, webobNotFound("No image found with ID %s", c.p.objectID)
	}
	return reply(http.StatusOK, e.imageJSON(im))
}

// volumeImageMetadata is what Cinder copies from Glance into a volume made from an image:
// every value a string. An image the emulator does not know leaves its id alone.
func (e *Emulator) volumeImageMetadata(imageID string) map[string]string {
	out := map[string]string{"image_id": imageID}
	im, ok := e.findImage(imageID)
	if !ok {
		return out
	}
	format := im.DiskFormat
	if format == "" {
		format = "qcow2"
	}
	out["image_name"], out["checksum"], out["container_format"], out["disk_format"] = im.Name, "00000000000000000000000000000000", "bare", format
	out["min_disk"], out["min_ram"], out["size"] = strconv.Itoa(im.MinDiskGiB), strconv.Itoa(im.MinRAMMiB), strconv.FormatInt(im.SizeBytes, 10)
	out["signature_verified"] = "False"
	return out
}

// imageVersions answers Glance's root: 300 and the versions it serves.
func (e *Emulator) imageVersions(c *call) (*response, *apiError) {
	link := baseURL(c.r) + "/image/v2/"
	return reply(http.StatusMultipleChoices, map[string]any{"versions": []map[string]any{
		{"id": "v2.16", "status": "CURRENT", "links": []map[string]string{{"rel": "self", "href": link}}},
	}})
}
