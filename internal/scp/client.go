// Package scp is a typed client for the Samsung Cloud Platform Virtual Server API.
//
// Every request is signed (see sign.go), carries the API version header, and goes through one
// retry loop (transport.go) that re-signs each attempt. Errors come back as *APIError or
// *DecodeError so callers can tell "not found" from "conflict" from "the gateway answered HTML".
package scp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

// DefaultAPIVersion is the Virtual Server API version this client speaks unless told otherwise.
const DefaultAPIVersion = "1.3"

// Config is everything a Client needs. Endpoint, AccessKey and SecretKey are required.
type Config struct {
	// Endpoint is the Virtual Server base URL, e.g. https://virtualserver.kr-west1.e.samsungsdscloud.com:
	// scheme, host and port, no path.
	Endpoint string
	// ResourceManagerEndpoint is the Resource Manager base URL (tags), same form as Endpoint.
	// Empty means unknown: requests to Resource Manager then fail with ErrNoResourceManager.
	ResourceManagerEndpoint string
	// Region and Environment ("s", "g" or "e") are what the endpoints serve, when known (for SRNs);
	// empty when the configuration does not say.
	Region      string
	Environment string
	// AllowInsecureHTTP permits http:// endpoints on other machines; loopback needs no permission.
	AllowInsecureHTTP bool
	AccessKey         string
	SecretKey         string
	AccountID         string
	// APIVersion is sent as "Scp-Api-Version: virtualserver <APIVersion>".
	APIVersion string
	// CredentialSource says where the credentials were found, for error messages (never the secret).
	CredentialSource string
	UserAgent        string
	AcceptLanguage   string
	// HTTPClient defaults to safehttp.NewClient's; a client given here is copied with
	// redirect-following turned off, whatever it had.
	HTTPClient *http.Client
	Retry      RetryPolicy
	// Now is the clock used for signature timestamps; tests replace it.
	Now func() time.Time
}

// Client talks to one SCP endpoint with one set of credentials. It is safe for concurrent use.
type Client struct {
	endpoint *url.URL
	// resourceManager is nil when its endpoint is unknown.
	resourceManager *url.URL
	// identity is the auth URL, set only on the short-lived client that reads the endpoint catalog.
	identity       *url.URL
	region         string
	environment    string
	creds          credentials
	apiVersion     string
	userAgent      string
	acceptLanguage string
	credSource     string
	httpClient     *http.Client
	retry          RetryPolicy
	now            func() time.Time

	// throttle holds back every request of this client after a 429 until the server's Retry-After
	// has passed, so a large destroy slows down together instead of hammering the limit.
	throttleMu    sync.Mutex
	throttleUntil time.Time
	lastThrottled time.Time // when the API last answered 429
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	endpoint, err := parseServiceEndpoint("endpoint", cfg.Endpoint, cfg.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.endpoint = endpoint
	if cfg.ResourceManagerEndpoint != "" {
		if c.resourceManager, err = parseServiceEndpoint("resource_manager_endpoint", cfg.ResourceManagerEndpoint, cfg.AllowInsecureHTTP); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// newClient builds a Client without any endpoint; New and FetchCatalog add theirs.
func newClient(cfg Config) (*Client, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("an access key and a secret key are both required")
	}
	c := &Client{
		region:         cfg.Region,
		environment:    cfg.Environment,
		creds:          credentials{accessKey: cfg.AccessKey, secretKey: cfg.SecretKey, accountID: cfg.AccountID},
		apiVersion:     cfg.APIVersion,
		userAgent:      cfg.UserAgent,
		acceptLanguage: cfg.AcceptLanguage,
		credSource:     cfg.CredentialSource,
		httpClient:     cfg.HTTPClient,
		retry:          cfg.Retry.withDefaults(),
		now:            cfg.Now,
	}
	if c.apiVersion == "" {
		c.apiVersion = DefaultAPIVersion
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-scp"
	}
	if c.acceptLanguage == "" {
		c.acceptLanguage = "en-US"
	}
	if c.httpClient == nil {
		hc, err := safehttp.NewClient(safehttp.Options{})
		if err != nil {
			return nil, err
		}
		c.httpClient = hc
	} else {
		c.httpClient = safehttp.WithoutRedirects(c.httpClient)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// ParseEndpoint checks that raw is a base URL: http(s), a host, optionally a port, and nothing
// else. A path is refused rather than kept: SCP's paths start at /v1 on the bare host, so with a
// path every call would miss, and a 404 from a wrong path must never read as "the object is gone".
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := parseURL("endpoint", raw)
	if err != nil {
		return nil, err
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q must be a plain base URL (scheme, host and port) without a path, query, fragment or "+
			"credentials: write %q; the provider adds /v1/... itself", u.Redacted(), u.Scheme+"://"+u.Host)
	}
	u.Path, u.RawPath = "", ""
	return u, nil
}

// ParseAuthURL checks an IAM auth URL such as https://iam.e.samsungsdscloud.com/v1. Unlike an
// endpoint it keeps its path, under which the catalog is read ({auth-url}/endpoints).
func ParseAuthURL(raw string) (*url.URL, error) {
	u, err := parseURL("auth_url", raw)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil {
		clean := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
		return nil, fmt.Errorf("auth_url %q must not carry a query, fragment or credentials: write %q", u.Redacted(), clean.String())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// parseURL does the checks every configured URL shares; what names the setting in messages.
func parseURL(what, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("the %s is empty", what)
	}
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("%s %q has no scheme; write it as https://%s", what, raw, raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a valid URL: %v", what, raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%s %q must use https:// (or http:// for a local emulator), not %s://", what, raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%s %q has no host; write it as https://<host>[:port]", what, raw)
	}
	return u, nil
}

// parseServiceEndpoint is ParseEndpoint plus the plain-http rule, for one named setting.
func parseServiceEndpoint(what, raw string, allowInsecureHTTP bool) (*url.URL, error) {
	u, err := ParseEndpoint(raw)
	if err != nil {
		if what != "endpoint" {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return nil, err
	}
	if err := CheckPlainHTTP(what, u.String(), allowInsecureHTTP); err != nil {
		return nil, err
	}
	return u, nil
}

// Endpoint returns the base URL the client talks to.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// APIVersion returns the API version the client sends.
func (c *Client) APIVersion() string { return c.apiVersion }

// HasResourceManager reports whether the Resource Manager endpoint is known, i.e. whether
// requests with service serviceResourceManager can be sent.
func (c *Client) HasResourceManager() bool { return c.resourceManager != nil }

// ResourceManagerEndpoint returns Resource Manager's base URL, or "" when it is unknown.
func (c *Client) ResourceManagerEndpoint() string {
	if c.resourceManager == nil {
		return ""
	}
	return c.resourceManager.String()
}

// Region returns the region the endpoints serve, or "" when the configuration did not say.
func (c *Client) Region() string { return c.region }

// Environment returns the SCP environment ("s", "g" or "e"), or "" when the configuration did not say.
func (c *Client) Environment() string { return c.environment }

// AccountID returns the account id requests are signed with ("" when none is configured).
func (c *Client) AccountID() string { return c.creds.accountID }

// joinURL joins escaped path segments onto base (a service endpoint, or the auth URL with its
// path). Each segment is escaped exactly once and the query keys are sorted (url.Values.Encode
// sorts), which is the form the signature is computed over.
func joinURL(base *url.URL, segments []string, query url.Values) *url.URL {
	u := *base
	escaped := make([]string, len(segments))
	for i, s := range segments {
		escaped[i] = url.PathEscape(s)
	}
	rawPath := base.EscapedPath() + "/" + strings.Join(escaped, "/")
	u.Path, _ = url.PathUnescape(rawPath)
	u.RawPath = rawPath
	u.RawQuery = query.Encode()
	return &u
}

// MaskKey shows enough of an access key to recognise it, and no more.
func MaskKey(key string) string {
	if len(key) <= 8 {
		return strings.Repeat("*", len(key))
	}
	return key[:4] + strings.Repeat("*", len(key)-8) + key[len(key)-4:]
}
