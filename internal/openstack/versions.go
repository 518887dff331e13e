package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"
)

// A service's microversions are in its version documents, which the service serves beside the
// catalog's endpoint, not under it: Cinder's endpoint is ".../v3/<project_id>", and real Cinder
// answers 404 there; its documents are at ".../v3/" and at its root.

// versionSegment is a path segment that names an API version: v2, v2.1, v3.
var versionSegment = regexp.MustCompile(`^v[0-9]+(\.[0-9]+)?$`)

// versionDocumentURLs are where the service of endpoint serves its version documents: the
// version's own (".../v3/") and the service's root, under whatever prefix the endpoint has
// ("https://host/volume/v3/<project>" gives "https://host/volume/v3/" and "https://host/volume/").
// version is the endpoint's version segment ("v3"), "" when its path names none.
func versionDocumentURLs(endpoint string) (urls []string, version string) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return []string{endpoint}, ""
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := len(segments) - 1; i >= 0; i-- {
		if !versionSegment.MatchString(segments[i]) {
			continue
		}
		prefix := strings.Join(segments[:i], "/")
		at := func(path string) string {
			v := *u
			v.Path, v.RawPath, v.RawQuery, v.Fragment = path, "", "", ""
			return v.String()
		}
		root := "/"
		if prefix != "" {
			root = "/" + prefix + "/"
		}
		return []string{at(root + segments[i] + "/"), at(root)}, segments[i]
	}
	return []string{endpoint}, ""
}

// versionEntry is one version of a version document.
type versionEntry struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Version    string `json:"version"`
	MaxVersion string `json:"max_version"`
	MinVersion string `json:"min_version"`
}

// versionDocument is either shape a service answers: one version ({"version": {...}}, Nova at
// /v2.1/) or a list ({"versions": [...]}, Cinder at / and at /v3/).
type versionDocument struct {
	Version  *versionEntry  `json:"version"`
	Versions []versionEntry `json:"versions"`
}

// microversions is what a service's version document says of the endpoint's version.
type microversions struct {
	// Found is false when no document could be read, or none describes the endpoint's version.
	Found bool
	// Min and Max are "" when the version publishes no microversions (a legacy /v2).
	Min, Max string
	// Tried says, for messages, where the documents were looked for and what each answered.
	Tried []string
}

// readMicroversions reads the microversions of endpoint's version from the first document that
// describes it.
func readMicroversions(ctx context.Context, pc *gophercloud.ProviderClient, endpoint string) microversions {
	urls, version := versionDocumentURLs(endpoint)
	var out microversions
	for _, u := range urls {
		var doc versionDocument
		resp, err := pc.Request(ctx, "GET", u, &gophercloud.RequestOpts{JSONResponse: &doc, OkCodes: []int{200, 300}})
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close() // read already; closing again is harmless
		}
		if err != nil {
			out.Tried = append(out.Tried, fmt.Sprintf("%s (%s)", u, answerOf(err)))
			continue
		}
		entry, ok := doc.describing(version)
		if !ok {
			out.Tried = append(out.Tried, fmt.Sprintf("%s (no %s in its version document)", u, coalesce(version, "version")))
			continue
		}
		out.Found, out.Min, out.Max = true, entry.MinVersion, coalesce(entry.Version, entry.MaxVersion)
		return out
	}
	return out
}

// describing is the document's entry for version ("v3" is "v3.0"); with no version, its only one.
func (d versionDocument) describing(version string) (versionEntry, bool) {
	entries := d.Versions
	if d.Version != nil {
		entries = append(entries, *d.Version)
	}
	if version == "" {
		if len(entries) != 1 {
			return versionEntry{}, false
		}
		return entries[0], true
	}
	wantMajor, wantMinor, err := utils.ParseVersion(version)
	if err != nil {
		return versionEntry{}, false
	}
	for _, e := range entries {
		if major, minor, err := utils.ParseVersion(e.ID); err == nil && major == wantMajor && minor == wantMinor {
			return e, true
		}
	}
	return versionEntry{}, false
}

// answerOf is a failed request's answer for a message: its status, or the error.
func answerOf(err error) string {
	if code, ok := statusError(err); ok {
		return fmt.Sprintf("%d", code.Actual)
	}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typeErr) {
		return "not a version document"
	}
	return err.Error()
}

// What a service offering less than the wanted microversion costs, for the notice that says so.
const (
	computeShortfall = "without 2.9 no lock is shown, without 2.79 no delete_on_termination of an attachment"
	volumeShortfall  = "extending an attached (in-use) volume needs 3.42, so the provider refuses it, before anything " +
		"is sent, until the volume is detached; everything else works"
)

// negotiate returns want, or the service's highest microversion when that is lower: an older Nova
// or Cinder then still answers, with fewer fields or features, and a notice says which. A service
// whose version documents cannot be found gets want, with a notice; one that publishes no
// microversions (a legacy /v2) gets want, which it ignores.
func (c *Cloud) negotiate(ctx context.Context, service, endpoint, want, shortfall string) string {
	mv := readMicroversions(ctx, c.provider, endpoint)
	if !mv.Found {
		c.notices = append(c.notices, fmt.Sprintf("%s's version documents could not be read (tried %s), so the microversions "+
			"it offers are unknown: the provider sends %s, which an older %s refuses with 406 Not Acceptable",
			service, strings.Join(mv.Tried, ", "), want, service))
		return want
	}
	if mv.Max == "" || !microversionLess(mv.Max, want) {
		return want
	}
	c.notices = append(c.notices, fmt.Sprintf("%s at %s offers microversions up to %s, older than the %s this provider "+
		"asks for: it uses %s, and %s", service, endpoint, mv.Max, want, mv.Max, shortfall))
	return mv.Max
}

// microversionLess reports a < b for microversions such as "3.27" and "3.42"; false when either
// cannot be read.
func microversionLess(a, b string) bool {
	aMajor, aMinor, errA := utils.ParseMicroversion(a)
	bMajor, bMinor, errB := utils.ParseMicroversion(b)
	if errA != nil || errB != nil {
		return false
	}
	return aMajor < bMajor || (aMajor == bMajor && aMinor < bMinor)
}

// Notices are what the provider should tell the user about this cloud: a service older than the
// provider asks for, or one whose version could not be read.
func (c *Cloud) Notices() []string { return append([]string(nil), c.notices...) }
