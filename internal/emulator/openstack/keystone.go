package openstack

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Keystone method names (the "methods" list of a token request).
const (
	methodPassword = "password"
	methodToken    = "token"
	methodAppCred  = "application_credential"
)

// token is an issued token; the id is the map key and is never stored elsewhere.
type token struct {
	methods   []string
	issuedAt  time.Time
	expiresAt time.Time
	auditID   string
	appCred   bool
}

// tokenStore has its own lock: every API request looks a token up.
type tokenStore struct {
	mu   sync.Mutex
	ttl  time.Duration
	byID map[string]*token
}

func (ts *tokenStore) init(ttl time.Duration) {
	ts.ttl = ttl
	ts.byID = make(map[string]*token)
}

func (ts *tokenStore) issue(now time.Time, methods []string, auditID string, appCred bool) (string, *token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	id := newTokenID()
	t := &token{methods: methods, issuedAt: now, expiresAt: now.Add(ts.ttl), auditID: auditID, appCred: appCred}
	ts.byID[id] = t
	return id, t
}

// valid returns the live token named id (not expired, not revoked).
func (ts *tokenStore) valid(id string, now time.Time) (*token, bool) {
	if id == "" {
		return nil, false
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.byID[id]
	if !ok || !now.Before(t.expiresAt) {
		return nil, false
	}
	return t, true
}

func (ts *tokenStore) revoke(id string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	_, ok := ts.byID[id]
	delete(ts.byID, id)
	return ok
}

// ExpireTokens makes every token issued so far expire now: the next request with
// one answers 401, and a client with AllowReauth authenticates again.
func (e *Emulator) ExpireTokens() {
	now := e.now()
	e.tokens.mu.Lock()
	defer e.tokens.mu.Unlock()
	for _, t := range e.tokens.byID {
		t.expiresAt = now
	}
}

// SetTokenTTL changes the lifetime of tokens issued from now on.
func (e *Emulator) SetTokenTTL(ttl time.Duration) {
	e.tokens.mu.Lock()
	defer e.tokens.mu.Unlock()
	e.tokens.ttl = ttl
}

// LiveTokens is the number of tokens that are neither expired nor revoked.
func (e *Emulator) LiveTokens() int {
	now := e.now()
	e.tokens.mu.Lock()
	defer e.tokens.mu.Unlock()
	n := 0
	for _, t := range e.tokens.byID {
		if now.Before(t.expiresAt) {
			n++
		}
	}
	return n
}

// The token request, as gophercloud's AuthOptions.ToTokenV3CreateMap builds it.
type authRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User userRef `json:"user"`
			} `json:"password"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
			ApplicationCredential *struct {
				ID     string   `json:"id"`
				Name   string   `json:"name"`
				Secret string   `json:"secret"`
				User   *userRef `json:"user"`
			} `json:"application_credential"`
		} `json:"identity"`
		Scope json.RawMessage `json:"scope"`
	} `json:"auth"`
}

type userRef struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Password string     `json:"password"`
	Domain   *domainRef `json:"domain"`
}

type domainRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type scopeRequest struct {
	Project *struct {
		ID     string     `json:"id"`
		Name   string     `json:"name"`
		Domain *domainRef `json:"domain"`
	} `json:"project"`
	Domain *domainRef      `json:"domain"`
	System json.RawMessage `json:"system"`
	Trust  json.RawMessage `json:"OS-TRUST:trust"`
}

func (e *Emulator) domainMatches(d *domainRef) bool {
	return d != nil && ((d.ID != "" && d.ID == e.cfg.DomainID) || (d.ID == "" && d.Name == e.cfg.DomainName))
}

func (e *Emulator) userMatches(u *userRef) bool {
	if u == nil {
		return false
	}
	if u.ID != "" {
		return u.ID == e.cfg.UserID
	}
	return u.Name == e.cfg.Username && e.domainMatches(u.Domain)
}

// createToken answers POST /v3/auth/tokens. The record gets the method and, on
// failure, why (never the secret).
func (e *Emulator) createToken(c *call) (*response, *apiError) {
	var req authRequest
	if err := decodeJSON(c.body, &req); err != nil {
		err.keystone = true
		return nil, err
	}
	id := req.Auth.Identity
	fail := func(why string) (*response, *apiError) {
		c.rec.AuthError = why
		return nil, unauthorized()
	}
	if len(id.Methods) != 1 {
		c.rec.AuthError = "methods must name exactly one of password, token, application_credential"
		return nil, keystoneError(http.StatusBadRequest, "%s", c.rec.AuthError)
	}
	c.rec.AuthMethod = id.Methods[0]
	appCred := false
	switch id.Methods[0] {
	case methodPassword:
		if id.Password == nil || !e.userMatches(&id.Password.User) || id.Password.User.Password != e.cfg.Password {
			return fail("password: unknown user or wrong password")
		}
	case methodToken:
		if id.Token == nil {
			return fail("token: no token id")
		}
		if _, ok := e.tokens.valid(id.Token.ID, e.now()); !ok {
			return fail("token: unknown or expired token")
		}
	case methodAppCred:
		ac := id.ApplicationCredential
		switch {
		case ac == nil:
			return fail("application_credential: missing")
		case ac.ID != "" && ac.ID != e.cfg.AppCredentialID,
			ac.ID == "" && (ac.Name != e.cfg.AppCredentialName || !e.userMatches(ac.User)),
			ac.Secret != e.cfg.AppCredentialSecret:
			return fail("application_credential: unknown credential or wrong secret")
		}
		appCred = true
	default:
		return fail("unsupported method " + id.Methods[0])
	}
	// An application credential is bound to its project; the other methods scope to
	// the one project (by id, or by name and domain), or to it by default when unscoped.
	if !appCred && len(req.Auth.Scope) > 0 && string(req.Auth.Scope) != "null" {
		if apiErr := e.checkScope(req.Auth.Scope); apiErr != nil {
			c.rec.AuthError = "scope: " + apiErr.Message
			return nil, apiErr
		}
	}
	tokenID, t := e.tokens.issue(e.now(), id.Methods, e.lockedHexID(), appCred)
	return &response{status: http.StatusCreated, body: e.tokenBody(c.r, t), header: map[string]string{"X-Subject-Token": tokenID}}, nil
}

func (e *Emulator) checkScope(raw json.RawMessage) *apiError {
	var s scopeRequest
	if err := json.Unmarshal(raw, &s); err != nil {
		return keystoneError(http.StatusBadRequest, "scope is not valid JSON")
	}
	switch {
	case s.Project == nil && (s.Domain != nil || len(s.System) > 0 || len(s.Trust) > 0):
		return keystoneError(http.StatusBadRequest, "the emulator issues project-scoped tokens only")
	case s.Project == nil:
		return nil
	case s.Project.ID != "":
		if s.Project.ID != e.cfg.ProjectID {
			return keystoneError(http.StatusUnauthorized, "User has no access to project %s", s.Project.ID)
		}
	case s.Project.Name != e.cfg.ProjectName || !e.domainMatches(s.Project.Domain):
		return keystoneError(http.StatusUnauthorized, "User has no access to project %s", s.Project.Name)
	}
	return nil
}

// lockedHexID draws an id under e.mu (the rng is not safe on its own).
func (e *Emulator) lockedHexID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.newHexID()
}

// getToken answers GET and HEAD /v3/auth/tokens (validation of X-Subject-Token) and
// DELETE (revocation). The caller's own X-Auth-Token was checked by the pipeline.
func (e *Emulator) getToken(c *call) (*response, *apiError) {
	subject := c.r.Header.Get("X-Subject-Token")
	t, ok := e.tokens.valid(subject, e.now())
	if !ok {
		return nil, keystoneError(http.StatusNotFound, "Could not find token.")
	}
	switch c.r.Method {
	case http.MethodDelete:
		e.tokens.revoke(subject)
		return reply(http.StatusNoContent, nil)
	case http.MethodHead:
		return &response{status: http.StatusOK, header: map[string]string{"X-Subject-Token": subject}}, nil
	}
	return &response{status: http.StatusOK, body: e.tokenBody(c.r, t), header: map[string]string{"X-Subject-Token": subject}}, nil
}

// tokenBody is the shape gophercloud's tokens.CreateResult parses: ExtractToken reads
// expires_at, ExtractServiceCatalog the catalog, ExtractUser/ExtractProject the rest.
func (e *Emulator) tokenBody(r *http.Request, t *token) map[string]any {
	domain := map[string]string{"id": e.cfg.DomainID, "name": e.cfg.DomainName}
	body := map[string]any{
		"methods":    t.methods,
		"audit_ids":  []string{t.auditID},
		"issued_at":  formatKeystone(t.issuedAt),
		"expires_at": formatKeystone(t.expiresAt),
		"is_domain":  false,
		"user": map[string]any{
			"id": e.cfg.UserID, "name": e.cfg.Username, "domain": domain, "password_expires_at": nil,
		},
		"project": map[string]any{"id": e.cfg.ProjectID, "name": e.cfg.ProjectName, "domain": domain},
		"roles":   []map[string]string{{"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"}, {"id": "3c7b1a8a4c1d4d2e9b5f6e7d8c9b0a1f", "name": "reader"}},
		"catalog": e.catalog(baseURL(r)),
	}
	if t.appCred {
		body["application_credential"] = map[string]any{"id": e.cfg.AppCredentialID, "name": e.cfg.AppCredentialName, "restricted": true}
	}
	return map[string]any{"token": body}
}

// catalog lists identity, compute (at Config.ComputePrefix), block storage, image and
// network on this listener (Cinder, Glance and Neutron under their own prefixes), each with public, internal and admin endpoints in the one region.
func (e *Emulator) catalog(base string) []map[string]any {
	entry := func(id, typ, name, url string) map[string]any {
		var eps []map[string]string
		for i, iface := range []string{"public", "internal", "admin"} {
			eps = append(eps, map[string]string{
				"id": id + string(rune('0'+i)), "interface": iface,
				"region": e.cfg.Region, "region_id": e.cfg.Region, "url": url,
			})
		}
		return map[string]any{"id": id, "type": typ, "name": name, "endpoints": eps}
	}
	pid := e.cfg.ProjectID
	return []map[string]any{
		entry("0a1b2c3d4e5f40718293a4b5c6d7e8f0", "identity", "keystone", base+"/v3"),
		entry("1a1b2c3d4e5f40718293a4b5c6d7e8f1", "compute", "nova", base+e.cfg.ComputePrefix+"/"+pid),
		entry("2a1b2c3d4e5f40718293a4b5c6d7e8f2", "volumev3", "cinderv3", base+volumePrefix+"/v3/"+pid),
		entry("3a1b2c3d4e5f40718293a4b5c6d7e8f3", "block-storage", "cinder", base+volumePrefix+"/v3/"+pid),
		entry("4a1b2c3d4e5f40718293a4b5c6d7e8f4", "image", "glance", base+imagePrefix),
		entry("5a1b2c3d4e5f40718293a4b5c6d7e8f5", "network", "neutron", base+networkPrefix),
	}
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// identityVersionsDoc answers GET / (300, Keystone's multiple-choice document, which
// gophercloud's ChooseVersion reads when the auth URL has no version) and GET /v3.
func identityVersionsDoc(r *http.Request) (*response, *apiError) {
	v3 := map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links":       []map[string]string{{"rel": "self", "href": baseURL(r) + "/v3/"}},
		"media-types": []map[string]string{{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}},
	}
	if r.URL.Path == "/" {
		return reply(http.StatusMultipleChoices, map[string]any{"versions": map[string]any{"values": []any{v3}}})
	}
	return reply(http.StatusOK, map[string]any{"version": v3})
}

// versionDoc is one service version with its microversion range, for clients that
// negotiate microversions (gophercloud's utils.GetSupportedMicroversions).
func versionDoc(r *http.Request, id, status, maxMicro, minMicro string) (*response, *apiError) {
	return reply(http.StatusOK, map[string]any{"version": map[string]any{
		"id": id, "status": status, "version": maxMicro, "min_version": minMicro,
		"updated": "2013-07-23T11:33:21Z",
		"links":   []map[string]string{{"rel": "self", "href": baseURL(r) + r.URL.Path}},
	}})
}
