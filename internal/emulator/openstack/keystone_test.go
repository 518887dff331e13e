package openstack

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

func TestTokenCreateParsesAsGophercloudExpects(t *testing.T) {
	ev := newEnv(t, Config{Region: "eu-de"})
	cfg := ev.e.Config()
	idc, err := gcos.NewIdentityV3(ev.provider, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	res := tokens.Create(ctx, idc, &tokens.AuthOptions{
		Username: cfg.Username, Password: cfg.Password, DomainName: cfg.DomainName,
		Scope: tokens.Scope{ProjectName: cfg.ProjectName, DomainName: cfg.DomainName},
	})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if recs := ev.e.RequestsFor(RouteTokenCreate); recs[len(recs)-1].Status != http.StatusCreated {
		t.Errorf("status %d, want 201", recs[len(recs)-1].Status)
	}
	tok, err := res.ExtractToken()
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID == "" || time.Until(tok.ExpiresAt) < 50*time.Minute {
		t.Errorf("token id %q, expires %v", tok.ID, tok.ExpiresAt)
	}
	cat, err := res.ExtractServiceCatalog()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, entry := range cat.Entries {
		for _, ep := range entry.Endpoints {
			if ep.Interface == "public" {
				types[entry.Type] = ep.URL
			}
			if ep.RegionID != "eu-de" || ep.Region != "eu-de" {
				t.Errorf("%s endpoint region %q/%q", entry.Type, ep.Region, ep.RegionID)
			}
		}
	}
	if got := types["compute"]; got != ev.srv.URL+"/v2.1/"+cfg.ProjectID {
		t.Errorf("compute endpoint %q", got)
	}
	if got := types["volumev3"]; got != ev.srv.URL+"/volume/v3/"+cfg.ProjectID {
		t.Errorf("volumev3 endpoint %q", got)
	}
	if types["image"] != ev.srv.URL+"/image" || types["network"] != ev.srv.URL+"/networking" {
		t.Errorf("image %q, network %q", types["image"], types["network"])
	}
	if types["block-storage"] == "" || types["identity"] == "" {
		t.Errorf("catalog %v", types)
	}
	project, err := res.ExtractProject()
	if err != nil || project.ID != cfg.ProjectID || project.Name != cfg.ProjectName {
		t.Errorf("project %+v, %v", project, err)
	}
	user, err := res.ExtractUser()
	if err != nil || user.ID != cfg.UserID || user.Domain.Name != cfg.DomainName {
		t.Errorf("user %+v, %v", user, err)
	}
	if !strings.HasSuffix(ev.compute.Endpoint, "/v2.1/"+cfg.ProjectID+"/") ||
		!strings.HasSuffix(ev.volume.Endpoint, "/v3/"+cfg.ProjectID+"/") {
		t.Errorf("service endpoints %s, %s", ev.compute.Endpoint, ev.volume.Endpoint)
	}
}

func TestAuthMethods(t *testing.T) {
	ev := newEnv(t, Config{})
	cfg := ev.e.Config()
	authURL := ev.srv.URL + "/v3"
	ok := map[string]gophercloud.AuthOptions{
		"password, names and domain": ev.e.AuthOptions(authURL),
		"password, ids":              {IdentityEndpoint: authURL, UserID: cfg.UserID, Password: cfg.Password, TenantID: cfg.ProjectID},
		"password, domain id": {IdentityEndpoint: authURL, Username: cfg.Username, Password: cfg.Password,
			DomainID: cfg.DomainID, TenantName: cfg.ProjectName},
		"password, versionless auth url (version discovery)": {IdentityEndpoint: ev.srv.URL + "/", Username: cfg.Username,
			Password: cfg.Password, DomainName: cfg.DomainName, TenantName: cfg.ProjectName},
		"token": {IdentityEndpoint: authURL, TokenID: ev.provider.Token(),
			Scope: &gophercloud.AuthScope{ProjectID: cfg.ProjectID}},
		"application credential id": {IdentityEndpoint: authURL, ApplicationCredentialID: cfg.AppCredentialID,
			ApplicationCredentialSecret: cfg.AppCredentialSecret},
		"application credential name": {IdentityEndpoint: authURL, ApplicationCredentialName: cfg.AppCredentialName,
			Username: cfg.Username, DomainName: cfg.DomainName, ApplicationCredentialSecret: cfg.AppCredentialSecret},
	}
	for name, opts := range ok {
		t.Run(name, func(t *testing.T) {
			p, err := gcos.AuthenticatedClient(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			_, vc := ev.clients(p)
			if _, err := volumes.List(vc, nil).AllPages(ctx); err != nil {
				t.Fatalf("a call with the token: %v", err)
			}
		})
	}
	bad := map[string]gophercloud.AuthOptions{
		"wrong password": {IdentityEndpoint: authURL, Username: cfg.Username, Password: "nope", DomainName: cfg.DomainName, TenantName: cfg.ProjectName},
		"wrong domain":   {IdentityEndpoint: authURL, Username: cfg.Username, Password: cfg.Password, DomainName: "Other", TenantName: cfg.ProjectName},
		"other project":  {IdentityEndpoint: authURL, Username: cfg.Username, Password: cfg.Password, DomainName: cfg.DomainName, TenantID: "0123456789abcdef0123456789abcdef"},
		"unknown token":  {IdentityEndpoint: authURL, TokenID: "gAAAAAnot-a-token", Scope: &gophercloud.AuthScope{ProjectID: cfg.ProjectID}},
		"wrong app credential secret": {IdentityEndpoint: authURL, ApplicationCredentialID: cfg.AppCredentialID,
			ApplicationCredentialSecret: "nope"},
	}
	for name, opts := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := gcos.AuthenticatedClient(ctx, opts)
			wantCode(t, err, http.StatusUnauthorized)
		})
	}
}

func TestTokenValidateAndRevoke(t *testing.T) {
	ev := newEnv(t, Config{})
	idc, err := gcos.NewIdentityV3(ev.provider, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	other := ev.authenticate(ev.e.AuthOptions(ev.srv.URL + "/v3"))
	res := tokens.Get(ctx, idc, other.Token())
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if tok, err := res.ExtractToken(); err != nil || tok.ID != other.Token() {
		t.Errorf("validated token %+v, %v", tok, err)
	}
	if ok, err := tokens.Validate(ctx, idc, other.Token()); err != nil || !ok {
		t.Errorf("Validate: %v, %v", ok, err)
	}
	if err := tokens.Revoke(ctx, idc, other.Token()).Err; err != nil {
		t.Fatal(err)
	}
	if ok, err := tokens.Validate(ctx, idc, other.Token()); err != nil || ok {
		t.Errorf("Validate after revoke: %v, %v", ok, err)
	}
	wantCode(t, tokens.Get(ctx, idc, other.Token()).Err, http.StatusNotFound)
}

func TestComputePrefixV2InCatalog(t *testing.T) {
	ev := newEnv(t, Config{ComputePrefix: "/v2", Region: "eu-de"})
	if !strings.HasSuffix(ev.compute.Endpoint, "/v2/"+ev.e.Config().ProjectID+"/") {
		t.Fatalf("compute endpoint %s", ev.compute.Endpoint)
	}
	if _, err := servers.List(ev.compute, nil).AllPages(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := gcos.NewComputeV2(ev.provider, gophercloud.EndpointOpts{Region: "RegionOne"})
	if err == nil {
		t.Error("an endpoint in a region the catalog does not have")
	}
}

// TestReauthAfterExpiry: an expired token answers 401 and gophercloud, allowed to,
// authenticates again once and repeats the call.
func TestReauthAfterExpiry(t *testing.T) {
	ev := newEnv(t, Config{})
	before := ev.provider.Token()
	ev.e.ExpireTokens()
	ev.e.ResetRequests()
	if _, err := volumes.List(ev.volume, nil).AllPages(ctx); err != nil {
		t.Fatalf("call after expiry: %v", err)
	}
	if ev.provider.Token() == before {
		t.Error("token not renewed")
	}
	var seen []string
	for _, r := range ev.e.Requests() {
		seen = append(seen, string(r.Op)+" "+http.StatusText(r.Status))
	}
	want := []string{"volume.list Unauthorized", "identity.token.create Created", "volume.list OK"}
	if strings.Join(seen, ", ") != strings.Join(want, ", ") {
		t.Errorf("requests %v, want %v", seen, want)
	}
	if r := ev.e.Requests()[0]; !r.HasToken || r.TokenValid || r.AuthError == "" {
		t.Errorf("the 401 record %+v", r)
	}

	// Without AllowReauth the 401 reaches the caller.
	opts := ev.e.AuthOptions(ev.srv.URL + "/v3")
	opts.AllowReauth = false
	p := ev.authenticate(opts)
	_, vc := ev.clients(p)
	ev.e.ExpireTokens()
	_, err := volumes.List(vc, nil).AllPages(ctx)
	wantCode(t, err, http.StatusUnauthorized)
}

func TestTokenTTL(t *testing.T) {
	// Long enough for the token a re-authentication brings to outlive one request on a
	// busy machine.
	ev := newEnv(t, Config{TokenTTL: 400 * time.Millisecond})
	creates := ev.count(RouteTokenCreate)
	time.Sleep(500 * time.Millisecond)
	if _, err := servers.List(ev.compute, nil).AllPages(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ev.count(RouteTokenCreate); got != creates+1 {
		t.Errorf("token requests %d, want %d", got, creates+1)
	}
}

func TestMissingOrUnknownToken401(t *testing.T) {
	ev := newEnv(t, Config{})
	pid := ev.e.Config().ProjectID
	for _, tok := range []string{"", "gAAAAAbogus"} {
		resp := ev.rawRequest(http.MethodGet, "/v3/"+pid+"/volumes/detail", tok, "")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "/v3") {
			t.Errorf("token %q: %d %v", tok, resp.StatusCode, resp.Header)
		}
		var body struct {
			Error struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Code != 401 {
			t.Errorf("body: %+v, %v", body, err)
		}
	}
	reqs := ev.e.Requests()
	last := reqs[len(reqs)-1]
	if !last.HasToken || last.TokenValid || last.Status != 401 || last.Service != "volume" {
		t.Errorf("record %+v", last)
	}
	if reqs[len(reqs)-2].HasToken {
		t.Errorf("record of the request without a token: %+v", reqs[len(reqs)-2])
	}
}

func TestProjectMismatch400(t *testing.T) {
	ev := newEnv(t, Config{})
	resp := ev.rawRequest(http.MethodGet, "/v2.1/b7a7b63e92174a95a999c95da856f143/servers/detail", ev.provider.Token(), "")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "doesn't match Context's project_id") {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}

// TestSecretsNeverRecorded: neither the request log nor the process's log hook sees
// a password, a secret or a token.
func TestSecretsNeverRecorded(t *testing.T) {
	var hooked []RequestRecord
	ev := newEnv(t, Config{OnRequest: func(r RequestRecord) { hooked = append(hooked, r) }})
	cfg := ev.e.Config()
	_, _ = gcos.AuthenticatedClient(ctx, gophercloud.AuthOptions{IdentityEndpoint: ev.srv.URL + "/v3",
		ApplicationCredentialID: cfg.AppCredentialID, ApplicationCredentialSecret: cfg.AppCredentialSecret})
	_, _ = gcos.AuthenticatedClient(ctx, gophercloud.AuthOptions{IdentityEndpoint: ev.srv.URL + "/v3",
		Username: cfg.Username, Password: "a-wrong-password", DomainName: cfg.DomainName})
	ev.createVolume("v", 1)
	log, err := json.Marshal(ev.e.Requests())
	if err != nil {
		t.Fatal(err)
	}
	hook, _ := json.Marshal(hooked)
	for _, secret := range []string{cfg.Password, cfg.AppCredentialSecret, "a-wrong-password", ev.provider.Token()} {
		if strings.Contains(string(log), secret) || strings.Contains(string(hook), secret) {
			t.Errorf("a secret (%d chars) is in the request log", len(secret))
		}
	}
	if !strings.Contains(string(log), `"auth_method":"application_credential"`) {
		t.Errorf("the auth method is not recorded: %s", log)
	}
}
