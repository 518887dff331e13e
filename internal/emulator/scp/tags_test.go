package scp

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type tagListJSON struct {
	Content struct {
		SRN  string `json:"srn"`
		Tags []Tag  `json:"tags"`
	} `json:"content"`
	Count int `json:"count"`
	Page  int `json:"page"`
	Size  int `json:"size"`
}

// tagsPath is the Resource Manager path for an SRN, escaped as the SDK does (the
// base64 may hold "/").
func tagsPath(srn string) string { return "/v1/tags/" + url.PathEscape(srn) }

func TestResourceManagerTags(t *testing.T) {
	e, c := startParallel(t, Config{})
	s := c.activeServer("tagged", 0) // created with env=test
	v := c.availableVolume("plain", 8)
	c.version = "" // the SDK sends no Scp-Api-Version to Resource Manager

	// Tags given at creation are in Resource Manager, not in the GET body.
	var got tagListJSON
	c.expect("GET", tagsPath(e.SRN("e", "virtual-server", s.ID))+"?size=2147483647", nil, http.StatusOK, "").decode(t, &got)
	if got.Count != 1 || got.Content.Tags[0] != (Tag{Key: "env", Value: "test"}) ||
		got.Content.SRN != fmt.Sprintf("srn:e::%s:%s::virtualserver:virtual-server/%s", e.AccountID(), e.Region(), s.ID) {
		t.Fatalf("server tags: %+v", got)
	}

	// Bulk PUT replaces the set; GET pages it.
	srn := e.SRN("e", "volume", v.ID)
	var put struct {
		Content map[string][]Tag `json:"content"`
	}
	c.expect("PUT", tagsPath(srn)+"/bulk", map[string]any{"tags": []map[string]any{
		{"key": "b", "value": "2"}, {"key": "a", "value": "1"}, {"key": "c", "value": nil},
	}}, http.StatusOK, "").decode(t, &put)
	if len(put.Content) != 1 {
		t.Fatalf("bulk answer: %+v", put)
	}
	for _, tags := range put.Content {
		if len(tags) != 3 || tags[0].Key != "a" || tags[2] != (Tag{Key: "c"}) {
			t.Fatalf("bulk answer tags: %+v", tags)
		}
	}
	c.expect("GET", tagsPath(srn)+"?size=2&page=1", nil, http.StatusOK, "").decode(t, &got)
	if got.Count != 3 || len(got.Content.Tags) != 1 || got.Content.Tags[0].Key != "c" || got.Page != 1 || got.Size != 2 {
		t.Fatalf("second page: %+v", got)
	}
	if snap, _ := e.Volume(v.ID); len(snap.Tags) != 3 {
		t.Fatalf("snapshot tags: %+v", snap.Tags)
	}
	c.expect("PUT", tagsPath(srn)+"/bulk", map[string]any{"tags": []any{}}, http.StatusOK, "")
	c.expect("GET", tagsPath(srn), nil, http.StatusOK, "").decode(t, &got)
	if got.Count != 0 || got.Content.Tags == nil {
		t.Fatalf("after clearing: %+v", got)
	}

	// Unknown objects are 404 in the envelope; malformed SRNs 400.
	for _, bad := range []string{
		e.SRN("e", "volume", "no-such-volume"),
		e.SRN("e", "gpu-server", s.ID),
		base64.StdEncoding.EncodeToString([]byte("srn:e::other-account:" + e.Region() + "::virtualserver:volume/" + v.ID)),
		base64.StdEncoding.EncodeToString([]byte("srn:e::" + e.AccountID() + ":kr-east1::virtualserver:volume/" + v.ID)),
	} {
		c.expect("GET", tagsPath(bad), nil, http.StatusNotFound, CodeNotFound)
	}
	c.expect("PUT", tagsPath(e.SRN("e", "virtual-server", "gone"))+"/bulk", map[string]any{"tags": []any{}}, http.StatusNotFound, CodeNotFound)
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("volume/" + v.ID))} {
		c.expect("GET", tagsPath(bad), nil, http.StatusBadRequest, CodeInvalidRequest)
	}
	c.expect("PUT", tagsPath(srn)+"/bulk", map[string]any{"tags": []map[string]any{{"key": "", "value": "x"}}}, http.StatusBadRequest, CodeInvalidRequest)

	// Resource Manager documents 403, not 401, for a refused signature.
	req := c.request("GET", tagsPath(srn), nil)
	req.Header.Set("Scp-Signature", "forged")
	if r := c.send(req); r.status != http.StatusForbidden || r.code != CodeUnauthorized {
		t.Fatalf("forged signature: %d %s", r.status, r.body)
	}
}

// An SRN whose base64 holds "/" (sent as %2F), even "//", stays one path segment.
func TestTagsSRNWithSlashes(t *testing.T) {
	e, c := startParallel(t, Config{})
	v := c.availableVolume("slashes", 8)
	c.version = ""
	// 24 one-bits in a row base64-encode to at least "//" at any alignment.
	srn := e.SRN("e\xff\xff\xff", "volume", v.ID)
	if !strings.Contains(srn, "//") {
		t.Fatalf("SRN %s has no //", srn)
	}
	var got tagListJSON
	c.expect("GET", tagsPath(srn), nil, http.StatusOK, "").decode(t, &got)
	if !strings.HasSuffix(got.Content.SRN, "volume/"+v.ID) {
		t.Fatalf("srn %q", got.Content.SRN)
	}
	c.expect("PUT", tagsPath(srn)+"/bulk", map[string]any{"tags": []map[string]any{{"key": "k", "value": "v"}}}, http.StatusOK, "")
}
