package scp

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Tags are not part of server or volume bodies: they are accepted at creation and
// then read and written through the Resource Manager calls GET /v1/tags/{srn} and
// PUT /v1/tags/{srn}/bulk, served on the same listener (the endpoint catalog points
// scp-resourcemanager at the emulator's own base URL).

// tagRequest is a tag as sent: value may be null (kept as "").
type tagRequest struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

func validateTags(field string, tags []tagRequest) *apiError {
	seen := map[string]bool{}
	for i, t := range tags {
		if t.Key == "" {
			return badRequest("%s[%d].key: required", field, i)
		}
		if seen[t.Key] {
			return badRequest("%s[%d].key: %q given twice", field, i, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func tagsOf(in []tagRequest) []Tag {
	out := make([]Tag, 0, len(in))
	for _, t := range in {
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		out = append(out, Tag{Key: t.Key, Value: v})
	}
	slices.SortFunc(out, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// SRN resource types of the objects the emulator has.
const (
	srnServer = "virtual-server"
	srnVolume = "volume"
)

// SRN builds the base64 SRN of a server ("virtual-server") or volume ("volume") the
// way the official provider does: base64(StdEncoding) of
// "srn:{env}::{account_id}:{region}::virtualserver:{type}/{id}". env is the second
// label of the client's auth URL host, which the emulator does not check.
func (e *Emulator) SRN(env, resourceType, id string) string {
	text := fmt.Sprintf("srn:%s::%s:%s::virtualserver:%s/%s", env, e.cfg.AccountID, e.cfg.Region, resourceType, id)
	return base64.StdEncoding.EncodeToString([]byte(text))
}

// resolveSRN decodes an SRN and finds its tags. A malformed SRN is 400; one that
// names another account, region or service, or an object that does not exist, 404.
// Call with e.mu held.
func (e *Emulator) resolveSRN(srn string) (text string, tags *[]Tag, touch func(), err *apiError) {
	raw, decErr := base64.StdEncoding.DecodeString(srn)
	if decErr != nil {
		return "", nil, nil, badRequest("srn: not base64 (standard encoding): %v", decErr)
	}
	text = string(raw)
	parts := strings.Split(text, ":")
	// srn : env : "" : account : region : "" : service : type/id
	if len(parts) != 8 || parts[0] != "srn" || parts[1] == "" || parts[2] != "" || parts[5] != "" {
		return text, nil, nil, badRequest("srn: %q is not srn:{env}::{account_id}:{region}::{service}:{type}/{id}", text)
	}
	kind, id, ok := strings.Cut(parts[7], "/")
	if !ok || kind == "" || id == "" {
		return text, nil, nil, badRequest("srn: %q does not end in {type}/{id}", text)
	}
	switch {
	case parts[3] != e.cfg.AccountID:
		return text, nil, nil, errorf(http.StatusNotFound, CodeNotFound, "no resource %s: account %q is not this account", text, parts[3])
	case parts[4] != e.cfg.Region:
		return text, nil, nil, errorf(http.StatusNotFound, CodeNotFound, "no resource %s: region %q is not %s", text, parts[4], e.cfg.Region)
	case parts[6] != "virtualserver":
		return text, nil, nil, errorf(http.StatusNotFound, CodeNotFound, "no resource %s: service %q has no objects here", text, parts[6])
	}
	now := e.now()
	switch kind {
	case srnServer:
		if s, ok := e.servers[id]; ok {
			return text, &s.tags, func() { s.touch(now) }, nil
		}
	case srnVolume:
		if v, ok := e.volumes[id]; ok {
			return text, &v.tags, func() { v.touch(now) }, nil
		}
	default:
		return text, nil, nil, errorf(http.StatusNotFound, CodeNotFound, "no resource %s: type %q has no objects here", text, kind)
	}
	return text, nil, nil, errorf(http.StatusNotFound, CodeNotFound, "no resource %s", text)
}

type rmTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func rmTags(tags []Tag) []rmTag {
	out := make([]rmTag, 0, len(tags))
	for _, t := range tags {
		out = append(out, rmTag(t))
	}
	return out
}

// getTags answers TagShowListResponse, paged by page (from 0) and size (default 20;
// the official provider asks for MaxInt32), tags sorted by key.
func (e *Emulator) getTags(r *http.Request, p params) (int, any, *apiError) {
	q := r.URL.Query()
	intParam := func(key string, def int) (int, *apiError) {
		s := q.Get(key)
		if s == "" {
			return def, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, badRequest("%s: must be a non-negative integer, got %q", key, s)
		}
		return n, nil
	}
	size, apiErr := intParam("size", 20)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	page, apiErr := intParam("page", 0)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	text, tags, _, apiErr := e.resolveSRN(p.srn)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	all := rmTags(*tags)
	from := min(len(all), page*size)
	if size > 0 && page > len(all)/size { // avoid overflow of page*size
		from = len(all)
	}
	to := min(len(all), from+size)
	return http.StatusOK, map[string]any{
		"content": map[string]any{"srn": text, "tags": all[from:to]},
		"count":   len(all),
		"page":    page,
		"size":    size,
	}, nil
}

// updateTags replaces the object's tags with the request's (TagSetRequest) and
// answers TagBaseResponse: {"content": {<srn>: [tags]}}.
func (e *Emulator) updateTags(r *http.Request, p params) (int, any, *apiError) {
	var req struct {
		Tags *[]tagRequest `json:"tags"`
	}
	if err := decodeRequired(r, &req, "tags", func() bool { return req.Tags != nil }); err != nil {
		return 0, nil, err
	}
	if err := validateTags("tags", *req.Tags); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	text, tags, touch, apiErr := e.resolveSRN(p.srn)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	*tags = tagsOf(*req.Tags)
	touch()
	return http.StatusOK, map[string]any{"content": map[string][]rmTag{text: rmTags(*tags)}}, nil
}
