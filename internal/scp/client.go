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
)

// DefaultAPIVersion is the Virtual Server API version this client speaks unless told otherwise.
const DefaultAPIVersion = "1.3"

// Config is everything a Client needs. AccessKey and SecretKey are required.
type Config struct {
	// Endpoint is the base URL, e.g. https://virtualserver.kr-west1.e.samsungsdscloud.com.
	Endpoint  string
	AccessKey string
	SecretKey string
	AccountID string
	// APIVersion is sent as "Scp-Api-Version: virtualserver <APIVersion>".
	APIVersion string
	// CredentialSource says where the credentials were found, for error messages (never the secret).
	CredentialSource string
	UserAgent        string
	AcceptLanguage   string
	HTTPClient       *http.Client
	Retry            RetryPolicy
	// Now is the clock used for signature timestamps; tests replace it.
	Now func() time.Time
}

// Client talks to one SCP endpoint with one set of credentials. It is safe for concurrent use.
type Client struct {
	endpoint       *url.URL
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
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	endpoint, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("an access key and a secret key are both required")
	}
	c := &Client{
		endpoint:       endpoint,
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
		c.httpClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// ParseEndpoint checks that raw is an absolute http(s) URL with a host and nothing after the path.
func ParseEndpoint(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the endpoint is empty")
	}
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("endpoint %q has no scheme; write it as https://%s", raw, raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q is not a valid URL: %v", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("endpoint %q must use https:// (or http:// for a local emulator), not %s://", raw, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q must be a plain base URL, without credentials, query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// Endpoint returns the base URL the client talks to.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// APIVersion returns the API version the client sends.
func (c *Client) APIVersion() string { return c.apiVersion }

// buildURL joins escaped path segments onto the endpoint. Each segment is escaped exactly once and
// the query keys are sorted (url.Values.Encode sorts), which is the form the signature is computed over.
func (c *Client) buildURL(segments []string, query url.Values) *url.URL {
	u := *c.endpoint
	escaped := make([]string, len(segments))
	for i, s := range segments {
		escaped[i] = url.PathEscape(s)
	}
	rawPath := c.endpoint.EscapedPath() + "/" + strings.Join(escaped, "/")
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
