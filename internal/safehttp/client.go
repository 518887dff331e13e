// Package safehttp builds the one kind of HTTP client the provider uses for every cloud it talks
// to, and holds the checks on where credentials may be sent, the arithmetic of retries (backoff,
// Retry-After, whether a failed request ever left) and the first line of an error answer. Both the
// SCP and the OpenStack-family clients import it, and neither imports the other.
package safehttp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

// Options configures NewClient.
type Options struct {
	// CAFiles are PEM bundles whose certificates are trusted in addition to the system roots
	// (a corporate proxy that re-signs TLS, a private endpoint's CA). Empty entries are skipped.
	CAFiles []string
}

// NewClient returns the provider's HTTP client:
//   - it never follows a redirect: a 3xx comes back as the answer, because Go would resend custom
//     headers such as Scp-AccessKey, Scp-Signature or X-Auth-Token to whatever host the Location names;
//   - TLS 1.2 or newer, verified against the system roots plus opts.CAFiles; verification cannot be
//     turned off;
//   - the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (never for loopback addresses).
func NewClient(opts Options) (*http.Client, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if files := nonEmpty(opts.CAFiles); len(files) > 0 {
		pool, err := systemRootsPlus(files)
		if err != nil {
			return nil, err
		}
		tlsConfig.RootCAs = pool
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = http.ProxyFromEnvironment
	transport.TLSClientConfig = tlsConfig
	return &http.Client{Transport: transport, CheckRedirect: refuseRedirect}, nil
}

// WithoutRedirects returns a shallow copy of hc that never follows redirects, so that a client
// handed in by a caller cannot bring redirect-following back.
func WithoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = refuseRedirect
	return &c
}

// refuseRedirect makes the client hand a 3xx back to the caller instead of following it.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// systemRootsPlus returns the system roots with every certificate of files added.
func systemRootsPlus(files []string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// Only on platforms without a readable system store; the given bundles then stand alone.
		pool = x509.NewCertPool()
	}
	for _, file := range files {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading the CA bundle %s: %w; give the path of a readable PEM file", file, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the CA bundle %s holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\"); give a PEM file, not DER or a key", file)
		}
	}
	return pool, nil
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// IsLoopbackHost reports whether host (without port) names this machine: localhost, 127.0.0.0/8
// or ::1. Only these may be reached over plain http.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
