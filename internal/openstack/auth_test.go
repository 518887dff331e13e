package openstack

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	emu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// startEmulator starts the emulator on a real listener, fast unless the test sets a latency scale.
func startEmulator(t *testing.T, cfg emu.Config) *emu.Emulator {
	t.Helper()
	if cfg.LatencyScale == 0 {
		cfg.LatencyScale = 0.01
	}
	e := emu.New(cfg)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// Every way of signing in to Keystone the provider accepts gets a client that can read, and a
// token given as is cannot be renewed once it expires.
func TestAuthMethods(t *testing.T) {
	e := startEmulator(t, emu.Config{})
	ec := e.Config()
	ctx := context.Background()
	base := Config{AuthURL: e.AuthURL(), Region: ec.Region}
	cases := map[string]func(*Config){
		"password by names": func(c *Config) {
			c.UserName, c.Password, c.UserDomainName, c.ProjectName, c.ProjectDomainName = ec.Username, ec.Password, ec.DomainName, ec.ProjectName, ec.DomainName
		},
		"password by ids": func(c *Config) { c.UserID, c.Password, c.ProjectID = ec.UserID, ec.Password, ec.ProjectID },
		"password with domain ids": func(c *Config) {
			c.UserName, c.Password, c.UserDomainID, c.ProjectName, c.ProjectDomainID = ec.Username, ec.Password, ec.DomainID, ec.ProjectName, ec.DomainID
		},
		"application credential by id": func(c *Config) {
			c.ApplicationCredentialID, c.ApplicationCredentialSecret = ec.AppCredentialID, ec.AppCredentialSecret
		},
		"application credential by name": func(c *Config) {
			c.ApplicationCredentialName, c.ApplicationCredentialSecret = ec.AppCredentialName, ec.AppCredentialSecret
			c.UserName, c.UserDomainName = ec.Username, ec.DomainName
		},
		"auth_url without /v3": func(c *Config) {
			c.AuthURL = e.URL()
			c.UserID, c.Password, c.ProjectID = ec.UserID, ec.Password, ec.ProjectID
		},
	}
	for name, set := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := base
			set(&cfg)
			c, err := New(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.VolumesNamed(ctx, "x"); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("token", func(t *testing.T) {
		pw, err := New(ctx, passwordConfig(e))
		if err != nil {
			t.Fatal(err)
		}
		c, err := New(ctx, Config{AuthURL: e.AuthURL(), Region: ec.Region, Token: pw.provider.Token(), Source: "OS_* environment"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.VolumesNamed(ctx, "x"); err != nil {
			t.Fatal(err)
		}
		// Once it expires there is nothing to renew it with: denied, and the message says why.
		e.ExpireTokens()
		_, err = c.VolumesNamed(ctx, "x")
		wantOutcome(t, err, cloud.OutcomeDenied, "expired token")
		if !strings.Contains(err.Error(), "cannot be renewed") || !strings.Contains(err.Error(), "OS_* environment") {
			t.Fatalf("message %v", err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		cfg := passwordConfig(e)
		cfg.Password = "wrong"
		_, err := New(ctx, cfg)
		wantOutcome(t, err, cloud.OutcomeDenied, "wrong password")
		if strings.Contains(err.Error(), "wrong") {
			t.Fatalf("the password is in the message: %v", err)
		}
	})
}

func TestTokenExpiryMidWait(t *testing.T) {
	f := newFixture(t, emu.Config{Latencies: map[emu.OpKind]emu.Latency{emu.OpDetach: {Base: 30 * time.Second}}})
	ctx := f.ctx()
	srv, vol := f.attachedPair()
	f.e.ResetRequests()
	if err := f.c.Detach(ctx, srv, vol); err != nil {
		t.Fatal(err)
	}
	// The token expires while the detach runs; the polls go on with a new one, and the DELETE is
	// not sent again.
	for i := 0; i < 5; i++ {
		if i == 2 {
			f.e.ExpireTokens()
		}
		v, err := f.c.Volume(ctx, vol)
		if err != nil {
			t.Fatalf("poll %d: %v", i, err)
		}
		if v.Phase == cloud.PhaseAvailable {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.idle()
	if v, _ := f.c.Volume(ctx, vol); v.Phase != cloud.PhaseAvailable {
		t.Fatalf("volume %+v", v)
	}
	f.wantSent(emu.RouteTokenCreate, 1, "token requests after the expiry")
	f.wantSent(emu.RouteAttachmentDelete, 1, "the detach after the expiry")
	f.noDeprecated()
}

func TestTokenExpiryBeforeDetachDoesNotResend(t *testing.T) {
	f := newFixture(t, emu.Config{})
	srv, vol := f.attachedPair()
	f.e.ExpireTokens()
	f.e.ResetRequests()
	if err := f.c.Detach(f.ctx(), srv, vol); err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, r := range f.e.RequestsFor(emu.RouteAttachmentDelete) {
		statuses = append(statuses, r.Status)
	}
	// The 401 did nothing; the one DELETE carried out is the one after the new token.
	if len(statuses) != 2 || statuses[0] != http.StatusUnauthorized || statuses[1] != http.StatusAccepted {
		t.Fatalf("DELETE statuses %v", statuses)
	}
}

func TestConfigFromEnv(t *testing.T) {
	e := startEmulator(t, emu.Config{})
	env := e.Env()
	cfg := ConfigFromEnv(func(k string) string { return env[k] })
	if cfg.UserDomainName == "" || cfg.ProjectDomainName == "" || cfg.ProjectName == "" || cfg.Method() != "password" {
		t.Fatalf("from env: %+v", cfg)
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.VolumesNamed(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	alt := ConfigFromEnv(func(k string) string {
		return map[string]string{"OS_TENANT_ID": "p", "OS_AUTH_TOKEN": "t", "OS_DOMAIN_NAME": "d"}[k]
	})
	if alt.ProjectID != "p" || alt.Token != "t" || alt.UserDomainName != "d" || alt.ProjectDomainName != "d" || alt.Method() != "token" {
		t.Fatalf("aliases: %+v", alt)
	}
}

func TestCloudsYAML(t *testing.T) {
	e := startEmulator(t, emu.Config{Flavour: emu.FlavourOTC})
	ec := e.Config()
	dir := t.TempDir()
	file := filepath.Join(dir, "clouds.yaml")
	yaml := "clouds:\n  emu:\n    auth:\n      auth_url: " + e.AuthURL() + "\n      username: " + ec.Username +
		"\n      password: " + ec.Password + "\n      project_name: " + ec.ProjectName +
		"\n      user_domain_name: " + ec.DomainName + "\n      project_domain_name: " + ec.DomainName +
		"\n    region_name: " + ec.Region + "\n  insecure:\n    auth:\n      auth_url: " + e.AuthURL() +
		"\n      username: u\n      password: p\n    verify: false\n  nocreds:\n    auth:\n      auth_url: " + e.AuthURL() + "\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := New(ctx, Config{Cloud: "emu", CloudsFile: file, Flavour: FlavourOTC})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.VolumesNamed(ctx, "x"); err != nil || c.Name() != "Open Telekom Cloud" {
		t.Fatal(err, c.Name())
	}
	if _, err := New(ctx, Config{Cloud: "insecure", CloudsFile: file}); err == nil || !strings.Contains(err.Error(), "verif") {
		t.Fatalf("verify: false was accepted: %v", err)
	}
	if _, err := New(ctx, Config{Cloud: "nocreds", CloudsFile: file}); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("no credentials: %v", err)
	}
	if _, err := New(ctx, Config{Cloud: "missing", CloudsFile: file}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("unknown cloud: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := map[string]struct {
		cfg  Config
		want string
	}{
		"nothing":           {Config{}, "no credentials"},
		"no auth_url":       {Config{Token: "t"}, "auth_url"},
		"password only":     {Config{AuthURL: "https://k/v3", Password: "p"}, "user_name or user_id"},
		"no user domain":    {Config{AuthURL: "https://k/v3", UserName: "u", Password: "p", ProjectID: "x"}, "user_domain"},
		"no project":        {Config{AuthURL: "https://k/v3", UserID: "u", Password: "p"}, "project_name or project_id"},
		"no project domain": {Config{AuthURL: "https://k/v3", UserID: "u", Password: "p", ProjectName: "x"}, "project_domain"},
		"secret only":       {Config{AuthURL: "https://k/v3", ApplicationCredentialSecret: "s"}, "application_credential_id"},
		"appcred no secret": {Config{AuthURL: "https://k/v3", ApplicationCredentialID: "i"}, "application_credential_secret"},
		"flavour":           {Config{Token: "t", AuthURL: "https://k", Flavour: "aws"}, "flavour"},
	}
	for name, tc := range cases {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	ok := Config{AuthURL: "https://k/v3", Token: "t"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Config{AuthURL: "http://keystone.example.com/v3", Token: "t"})
	if err == nil || !strings.Contains(err.Error(), "clear text") {
		t.Fatalf("plain http to another host: %v", err)
	}
}

func TestNoRedirectFollowed(t *testing.T) {
	e := startEmulator(t, emu.Config{})
	// A redirecting front: Keystone's answer would send the password elsewhere.
	front := &http.Server{Handler: http.RedirectHandler(e.AuthURL(), http.StatusTemporaryRedirect)}
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = front.Serve(ln) }()
	t.Cleanup(func() { _ = front.Close() })
	cfg := passwordConfig(e)
	cfg.AuthURL = "http://" + ln.Addr().String() + "/v3"
	e.ResetRequests()
	_, err = New(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "never follows redirects") {
		t.Fatalf("redirect: %v", err)
	}
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("the redirect was followed: %d requests reached the emulator", n)
	}
}

func TestMicroversionNegotiated(t *testing.T) {
	f := newFixture(t, emu.Config{}, func(c *Config) { c.ComputeMicroversion = "2.99"; c.VolumeMicroversion = "3.42" })
	if f.c.compute.Microversion != "2.96" || f.c.block.Microversion != "3.42" {
		t.Fatalf("compute %s, volume %s", f.c.compute.Microversion, f.c.block.Microversion)
	}
	if _, err := f.c.VolumesNamed(f.ctx(), "x"); err != nil {
		t.Fatal(err)
	}
	srv := f.server("s")
	if s, err := f.c.Server(f.ctx(), srv); err != nil || s.Phase != cloud.PhaseActive {
		t.Fatalf("%+v %v", s, err)
	}
	// A legacy /v2 endpoint publishes no microversions: the wanted one is sent (and ignored there).
	g := newFixture(t, emu.Config{ComputePrefix: "/v2"})
	if g.c.compute.Microversion != DefaultComputeMicroversion {
		t.Fatalf("/v2: %s", g.c.compute.Microversion)
	}
}
