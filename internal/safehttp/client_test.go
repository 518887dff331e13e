package safehttp

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClientRefusesRedirectsAndOldTLS(t *testing.T) {
	hc, err := NewClient(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if hc.CheckRedirect == nil || !errors.Is(hc.CheckRedirect(nil, nil), http.ErrUseLastResponse) {
		t.Fatal("the client would follow redirects")
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion < tls.VersionTLS12 || tr.TLSClientConfig.InsecureSkipVerify {
		t.Fatalf("transport TLS config %+v", tr.TLSClientConfig)
	}
	if tr.Proxy == nil {
		t.Fatal("the transport ignores HTTPS_PROXY")
	}
}

func TestWithoutRedirectsOverridesTheCallersPolicy(t *testing.T) {
	follows := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	got := WithoutRedirects(follows)
	if !errors.Is(got.CheckRedirect(nil, nil), http.ErrUseLastResponse) {
		t.Fatal("the copy still follows redirects")
	}
	if follows.CheckRedirect(nil, nil) != nil {
		t.Fatal("the caller's client was changed")
	}
}

func TestCustomCAIsTrustedOnlyWhenGiven(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	// The refused handshake is the point of the test; keep the server from logging it.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, block, 0o600); err != nil {
		t.Fatal(err)
	}

	withCA, err := NewClient(Options{CAFiles: []string{"", caFile}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := withCA.Get(srv.URL)
	if err != nil {
		t.Fatalf("with the CA bundle: %v", err)
	}
	_ = resp.Body.Close()

	without, err := NewClient(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := without.Get(srv.URL); err == nil {
		_ = resp.Body.Close()
		t.Fatal("without the CA bundle the connection was trusted")
	}
}

func TestBadCABundlesAreErrorsNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "key.der")
	if err := os.WriteFile(notPEM, []byte{0x30, 0x82, 0x01}, 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{filepath.Join(dir, "missing.pem"): "readable PEM file", notPEM: "holds no PEM certificate"} {
		_, err := NewClient(Options{CAFiles: []string{file}})
		if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to name the file and say %q", file, err, want)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "[::1]": true, "::1": true, "localhost": true, "LOCALHOST.": true,
		"10.0.0.5": false, "emulator.internal": false, "2001:db8::1": false, "127.0.0.1.example.com": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
