package scp

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// Tags are not part of the server and volume bodies: as the official provider does, they are read
// from Resource Manager (GET /v1/tags/{srn}) and set there (PUT /v1/tags/{srn}/bulk). Creation
// bodies still carry the initial tags.

// Resource types in an SRN.
const (
	ResourceTypeServer = "virtual-server"
	ResourceTypeVolume = "volume"
)

// tagPageSize is what one tag listing asks for; the official provider asks for all in one page.
const tagPageSize = 1000

// SRN is the Samsung Resource Name of a Virtual Server object, as Resource Manager addresses it:
// base64 of srn:{environment}::{account_id}:{region}::virtualserver:{type}/{id}.
func SRN(environment, accountID, region, resourceType, id string) string {
	raw := fmt.Sprintf("srn:%s::%s:%s::virtualserver:%s/%s", environment, accountID, region, resourceType, id)
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// ErrTagScopeUnknown means an SRN cannot be built because the account, region or environment is not known.
var ErrTagScopeUnknown = errors.New("tags are kept in Resource Manager, which addresses an object by account, region " +
	"and environment: set account_id, and region (or default_region) and environment in the provider configuration")

// srnOf builds the SRN of one of this client's objects.
func (c *Client) srnOf(resourceType, id string) (string, error) {
	if c.creds.accountID == "" || c.region == "" || c.environment == "" {
		return "", ErrTagScopeUnknown
	}
	return SRN(c.environment, c.creds.accountID, c.region, resourceType, id), nil
}

type rmTag struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

type tagListResponse struct {
	Content struct {
		Tags []rmTag `json:"tags"`
	} `json:"content"`
	Count *int `json:"count"`
}

func (r *tagListResponse) validate() error {
	if r.Count == nil {
		return errors.New(`it lacks "count"`)
	}
	return nil
}

// Tags reads an object's tags from Resource Manager, every page of them, sorted by key.
func (c *Client) Tags(ctx context.Context, resourceType, id string) ([]Tag, error) {
	srn, err := c.srnOf(resourceType, id)
	if err != nil {
		return nil, err
	}
	var tags []Tag
	for page := 0; page < maxPages; page++ {
		query := url.Values{"size": {strconv.Itoa(tagPageSize)}, "page": {strconv.Itoa(page)}}
		var out tagListResponse
		err := c.do(ctx, request{service: serviceResourceManager, method: http.MethodGet,
			segments: []string{"v1", "tags", srn}, query: query, idempotent: true, op: "tags.get"}, &out)
		if err != nil {
			return nil, err
		}
		for _, t := range out.Content.Tags {
			tags = append(tags, Tag{Key: t.Key, Value: valueOf(t.Value)})
		}
		if len(out.Content.Tags) < tagPageSize || len(tags) >= *out.Count {
			break
		}
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags, nil
}

// SetTags makes tags the object's whole tag set (PUT /v1/tags/{srn}/bulk).
func (c *Client) SetTags(ctx context.Context, resourceType, id string, tags []Tag) error {
	srn, err := c.srnOf(resourceType, id)
	if err != nil {
		return err
	}
	body := struct {
		Tags []rmTag `json:"tags"`
	}{Tags: make([]rmTag, 0, len(tags))}
	for _, t := range tags {
		value := t.Value
		body.Tags = append(body.Tags, rmTag{Key: t.Key, Value: &value})
	}
	return c.do(ctx, request{service: serviceResourceManager, method: http.MethodPut,
		segments: []string{"v1", "tags", srn, "bulk"}, body: body, idempotent: true, op: "tags.set"}, nil)
}

func valueOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
