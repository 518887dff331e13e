package scp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Service types of the IAM endpoint catalog that the provider looks up.
const (
	ServiceTypeVirtualServer   = "scp-virtualserver"
	ServiceTypeResourceManager = "scp-resourcemanager"
)

// CatalogEntry is one entry of GET {auth-url}/endpoints.
type CatalogEntry struct {
	Region      string `json:"region"`
	ServiceType string `json:"service_type"`
	ServiceName string `json:"service_name"`
	URL         string `json:"url"`
}

// Catalog is the endpoint catalog read from one auth URL.
type Catalog struct {
	AuthURL string
	Entries []CatalogEntry
}

// catalogAnswer is the documented body: {"endpoints": [...]}.
type catalogAnswer struct {
	Endpoints *[]CatalogEntry `json:"endpoints"`
}

func (a *catalogAnswer) validate() error {
	if a.Endpoints == nil {
		return errors.New(`it has no "endpoints" list, so it is not SCP's endpoint catalog`)
	}
	return nil
}

// FetchCatalog reads the endpoint catalog under authURL (e.g. https://iam.e.samsungsdscloud.com/v1),
// signed with cfg's credentials like every call and through the same retry loop, and without
// Scp-Api-Version. cfg.Endpoint and cfg.ResourceManagerEndpoint are not used.
func FetchCatalog(ctx context.Context, authURL string, cfg Config) (*Catalog, error) {
	identity, err := ParseAuthURL(authURL)
	if err != nil {
		return nil, err
	}
	if err := CheckPlainHTTP("auth_url", identity.String(), cfg.AllowInsecureHTTP); err != nil {
		return nil, err
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.identity = identity
	var out catalogAnswer
	err = c.do(ctx, request{service: serviceCatalog, method: http.MethodGet, segments: []string{"endpoints"}, idempotent: true, op: "catalog.list"}, &out)
	if err != nil {
		return nil, fmt.Errorf("reading the SCP endpoint catalog at %s/endpoints: %w", identity, err)
	}
	return &Catalog{AuthURL: identity.String(), Entries: *out.Endpoints}, nil
}

// Find returns the entry of serviceType for region. When region is empty or no entry of the
// type has it, it returns the first entry of the type with exact false, so the caller can say
// that the region did not decide; ok is false when the type is missing altogether.
func (c *Catalog) Find(serviceType, region string) (entry CatalogEntry, exact, ok bool) {
	for _, e := range c.Entries {
		if e.ServiceType == serviceType && e.URL != "" && region != "" && strings.EqualFold(e.Region, region) {
			return e, true, true
		}
	}
	for _, e := range c.Entries {
		if e.ServiceType == serviceType && e.URL != "" {
			return e, false, true
		}
	}
	return CatalogEntry{}, false, false
}
