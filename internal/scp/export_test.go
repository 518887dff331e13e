package scp

import (
	"net/http"
	"net/url"
)

// Helpers only the tests use.

// IsUnauthorized reports a 401: the credentials or the signature were refused.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// buildURL is joinURL on the client's own endpoint.
func (c *Client) buildURL(segments []string, query url.Values) *url.URL {
	return joinURL(c.endpoint, segments, query)
}

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool { return statusOf(err) == http.StatusBadRequest }
