package scp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const catalogJSON = `{"endpoints":[
 {"region":"kr-east1","service_type":"scp-virtualserver","service_name":"virtualserver","url":"https://virtualserver.kr-east1.e.samsungsdscloud.com"},
 {"region":"kr-west1","service_type":"scp-virtualserver","service_name":"virtualserver","url":"https://virtualserver.kr-west1.e.samsungsdscloud.com"},
 {"region":"kr-west1","service_type":"scp-resourcemanager","service_name":"resourcemanager","url":"https://resourcemanager.kr-west1.e.samsungsdscloud.com"}
]}`

func catalogServer(t *testing.T, answers ...func(http.ResponseWriter)) (*httptest.Server, *recordingServer) {
	t.Helper()
	rec := &recordingServer{answers: answers}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv, rec
}

func catalogConfig() Config {
	return Config{AccessKey: "AKCATALOGTEST001", SecretKey: "catalog-secret", AccountID: "acc-1",
		Retry: RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxAttempts: 3}}
}

func TestFetchCatalogIsSignedWithoutAPIVersionUnderTheAuthURL(t *testing.T) {
	srv, rec := catalogServer(t, answer(503, ""), answer(200, catalogJSON))
	cat, err := FetchCatalog(context.Background(), srv.URL+"/iam/v1/", catalogConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.requests) != 2 {
		t.Fatalf("requests = %d, want a retry after the 503", len(rec.requests))
	}
	r := rec.requests[1]
	if r.Method != http.MethodGet || r.URL.Path != "/iam/v1/endpoints" {
		t.Fatalf("request %s %s, want GET /iam/v1/endpoints", r.Method, r.URL.Path)
	}
	if v := r.Header.Get("Scp-Api-Version"); v != "" {
		t.Errorf("the catalog request carries Scp-Api-Version %q", v)
	}
	wire := "http://" + r.Host + r.URL.RequestURI()
	if r.Header.Get("Scp-Signature") != Signature("catalog-secret", "GET", wire, r.Header.Get("Scp-Timestamp"), "AKCATALOGTEST001", "acc-1", ClientType) {
		t.Errorf("the catalog request's signature does not verify against %s", wire)
	}

	for _, tc := range []struct {
		serviceType, region, wantURL string
		wantExact                    bool
	}{
		{ServiceTypeVirtualServer, "kr-west1", "https://virtualserver.kr-west1.e.samsungsdscloud.com", true},
		{ServiceTypeVirtualServer, "KR-EAST1", "https://virtualserver.kr-east1.e.samsungsdscloud.com", true},
		{ServiceTypeVirtualServer, "", "https://virtualserver.kr-east1.e.samsungsdscloud.com", false},
		{ServiceTypeResourceManager, "kr-east1", "https://resourcemanager.kr-west1.e.samsungsdscloud.com", false},
	} {
		e, exact, ok := cat.Find(tc.serviceType, tc.region)
		if !ok || e.URL != tc.wantURL || exact != tc.wantExact {
			t.Errorf("Find(%s, %q) = %+v exact=%v ok=%v, want %s exact=%v", tc.serviceType, tc.region, e, exact, ok, tc.wantURL, tc.wantExact)
		}
	}
	if _, _, ok := cat.Find("scp-objectstorage", "kr-west1"); ok {
		t.Error("found a service type the catalog does not have")
	}
}

func TestFetchCatalogRefusesWhatIsNotTheCatalog(t *testing.T) {
	for name, tc := range map[string]struct {
		answer func(http.ResponseWriter)
		want   string
	}{
		"html page":   {answer(200, "<html>login</html>", "Content-Type", "text/html"), "HTML"},
		"other shape": {answer(200, `{"items":[]}`), `no "endpoints" list`},
		"redirect":    {answer(307, "", "Location", "https://evil.example/v1/endpoints"), "Set auth_url"},
		"401":         {answer(401, `{"errors":[{"status":401,"detail":"bad signature"}]}`), "401"},
	} {
		t.Run(name, func(t *testing.T) {
			srv, rec := catalogServer(t, tc.answer)
			_, err := FetchCatalog(context.Background(), srv.URL+"/iam/v1", catalogConfig())
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), srv.URL+"/iam/v1/endpoints") {
				t.Fatalf("err = %v, want it to name the catalog URL and say %q", err, tc.want)
			}
			if len(rec.requests) != 1 {
				t.Fatalf("requests = %d", len(rec.requests))
			}
		})
	}
	var redirect *RedirectError
	srv, _ := catalogServer(t, answer(302, "", "Location", "/elsewhere"))
	if _, err := FetchCatalog(context.Background(), srv.URL+"/v1", catalogConfig()); !errors.As(err, &redirect) {
		t.Fatalf("err = %v, want a RedirectError", err)
	}
	if _, err := FetchCatalog(context.Background(), "http://iam.example/v1", catalogConfig()); err == nil || !strings.Contains(err.Error(), "clear text") {
		t.Fatalf("a plain-http auth URL on another machine: %v", err)
	}
}
