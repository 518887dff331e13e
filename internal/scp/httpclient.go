package scp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// HTTPClientOptions configures NewNoRedirectHTTPClient.
type HTTPClientOptions struct {
	// CAFiles are PEM bundles whose certificates are trusted in addition to the system roots
	// (a corporate proxy that re-signs TLS, a private endpoint's CA). Empty entries are skipped.
	CAFiles []string
}

// NewNoRedirectHTTPClient returns the one kind of *http.Client the provider uses, for every service
// it talks to (Virtual Server, the endpoint catalog, Resource Manager, and OpenStack-family clouds
// through gophercloud's ProviderClient.HTTPClient):
//   - it never follows a redirect: a 3xx comes back as the answer, because Go would resend custom
//     headers such as Scp-AccessKey, Scp-Signature or X-Auth-Token to whatever host the Location names;
//   - TLS 1.2 or newer, verified against the system roots plus opts.CAFiles; verification cannot be
//     turned off;
//   - the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (never for loopback addresses).
func NewNoRedirectHTTPClient(opts HTTPClientOptions) (*http.Client, error) {
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

// refuseRedirect makes the client hand a 3xx back to the caller instead of following it.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects returns a shallow copy of hc that never follows redirects, so an *http.Client
// handed to Config by a caller cannot bring redirect-following back.
func withoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = refuseRedirect
	return &c
}

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

// CheckPlainHTTP refuses an http:// URL whose host is not loopback unless allowInsecureHTTP is set:
// the access key and every request signature would cross the network in clear text. what names
// the setting in the message (e.g. "endpoint").
func CheckPlainHTTP(what, raw string, allowInsecureHTTP bool) error {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || !strings.EqualFold(scheme, "http") || allowInsecureHTTP {
		return nil
	}
	hostport, _, _ := strings.Cut(rest, "/")
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if IsLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("%s %q uses plain http:// to %s, which is not this machine, so the access key and "+
		"request signatures would cross the network in clear text, readable and replayable by anyone on the path. "+
		"Use https://%s, or, only on a network you trust (an emulator on another machine), set allow_insecure_http = true "+
		"in the provider block (or SCP_ALLOW_INSECURE_HTTP=true)", what, raw, host, rest)
}

// RedirectError is a 3xx answer. The provider never follows one: nothing was sent to Location,
// and SCP did not carry out the request.
type RedirectError struct {
	Op         string
	Method     string
	Path       string
	StatusCode int
	// Location is the redirect target resolved against the request URL, "" when absent or unreadable.
	Location string
	// Setting names the configuration that chose the endpoint, e.g. "endpoint".
	Setting string
}

func (e *RedirectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: the endpoint answered %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Location != "" {
		fmt.Fprintf(&b, " to %s", e.Location)
	} else {
		b.WriteString(" without a readable Location")
	}
	b.WriteString(". The provider never follows redirects, so the request, with its access key and signature, was not sent there")
	switch {
	case strings.HasSuffix(e.Op, ".create"):
		b.WriteString("; the create was not carried out, nothing was created")
	case e.Method != http.MethodGet && e.Method != http.MethodHead:
		b.WriteString("; the request was not carried out, nothing was changed")
	}
	fmt.Fprintf(&b, ". Set %s to the API's own base URL so that no redirect is needed", e.Setting)
	if origin := originOf(e.Location); origin != "" {
		fmt.Fprintf(&b, " (the redirect points at %s: use it only if you know it to be SCP's API)", origin)
	}
	return b.String()
}

// redirectError builds the error for a 3xx answer to a request sent to u.
func (c *Client) redirectError(req request, u *url.URL, status int, header http.Header) *RedirectError {
	e := &RedirectError{Op: req.op, Method: req.method, Path: u.EscapedPath(), StatusCode: status, Setting: settingOf(req.service)}
	if loc := header.Get("Location"); loc != "" {
		if target, err := u.Parse(loc); err == nil {
			target.User = nil
			e.Location = target.String()
			if len(c.creds.accessKey) >= 8 {
				e.Location = strings.ReplaceAll(e.Location, c.creds.accessKey, MaskKey(c.creds.accessKey))
			}
			if len(e.Location) > 300 {
				e.Location = e.Location[:300] + "..."
			}
		}
	}
	return e
}

// settingOf names the provider setting that decides a service's endpoint, for messages.
func settingOf(svc service) string {
	switch svc {
	case serviceResourceManager:
		return "resource_manager_endpoint"
	case serviceCatalog:
		return "auth_url"
	}
	return "endpoint"
}

func originOf(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// untrustedCertificate reports a TLS certificate that failed verification.
func untrustedCertificate(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

func tlsError(req request, u *url.URL, err error) error {
	msg := fmt.Sprintf("%s %s: the TLS certificate of %s is not trusted, so nothing was sent: %v. If a corporate proxy or a "+
		"private CA signs it, give that CA's PEM bundle in ca_file (or SSL_CERT_FILE); if the host name does not match, "+
		"check %s", req.method, u.EscapedPath(), u.Host, err, settingOf(req.service))
	return &TransportError{Op: req.op, Message: msg, Err: err}
}
