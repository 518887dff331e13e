package scp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

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
	if safehttp.IsLoopbackHost(host) {
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
