package scp

import (
	"net/http"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/sigvectors"
)

func TestSignatureMatchesSharedVectors(t *testing.T) {
	for _, v := range sigvectors.Load(t) {
		t.Run(v.Method+" "+v.URL, func(t *testing.T) {
			got := Signature(v.SecretKey, v.Method, v.URL, v.Timestamp, v.AccessKey, v.AccountID, v.ClientType)
			if got != v.Signature {
				t.Fatalf("signature = %q, want %q", got, v.Signature)
			}
		})
	}
}

// TestSignedRequestMatchesVectors builds each vector's request the way the client does and checks that
// the headers it would send carry the expected signature: the URL signed is the URL on the wire.
func TestSignedRequestMatchesVectors(t *testing.T) {
	for _, v := range sigvectors.Load(t) {
		t.Run(v.Method+" "+v.URL, func(t *testing.T) {
			req, err := http.NewRequest(v.Method, v.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := time.ParseDuration(v.Timestamp + "ms")
			if err != nil {
				t.Fatal(err)
			}
			creds := credentials{accessKey: v.AccessKey, secretKey: v.SecretKey, accountID: v.AccountID}
			creds.sign(req, time.UnixMilli(ms.Milliseconds()))
			if got := req.Header.Get(headerSignature); got != v.Signature {
				t.Fatalf("signature header = %q, want %q", got, v.Signature)
			}
			if got := req.Header.Get(headerTimestamp); got != v.Timestamp {
				t.Fatalf("timestamp header = %q, want %q", got, v.Timestamp)
			}
			if got := req.Header.Get(headerAccountID); got != v.AccountID {
				t.Fatalf("account header = %q, want %q", got, v.AccountID)
			}
		})
	}
}

func TestBuildURLEscapesOnceAndSortsQuery(t *testing.T) {
	c := &Client{endpoint: mustParseEndpoint(t, "http://127.0.0.1:8443")}
	got := c.buildURL([]string{"v1", "volumes"}, map[string][]string{"size": {"16"}, "name": {"data disk"}, "bootable": {"true"}})
	want := "http://127.0.0.1:8443/v1/volumes?bootable=true&name=data+disk&size=16"
	if got.String() != want {
		t.Fatalf("url = %q, want %q", got.String(), want)
	}
	got = c.buildURL([]string{"v1", "servers", "a/b%c"}, nil)
	if want := "http://127.0.0.1:8443/v1/servers/a%2Fb%25c"; got.String() != want {
		t.Fatalf("url = %q, want %q", got.String(), want)
	}
	req, _ := http.NewRequest(http.MethodGet, got.String(), nil)
	if wire := req.URL.Scheme + "://" + req.URL.Host + req.URL.RequestURI(); wire != got.String() {
		t.Fatalf("wire url %q differs from the built url %q: an escape was applied twice or lost", wire, got.String())
	}
}
