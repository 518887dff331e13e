package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli/emuclitest"
	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-flavour", "otc", "-latency", "detach=2s:0.1,attach=1s", "-compute-prefix", "/v2", "-root-detach-status", "400", "-coldplug-images", "img-a, img-b"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.Flavour != openstack.FlavourOTC || o.cfg.ComputePrefix != "/v2" || o.cfg.RootDetachStatus != 400 || o.Listen != personality.DefaultListen {
		t.Errorf("options %+v", o.cfg)
	}
	if len(o.cfg.ColdplugImages) != 2 || o.cfg.ColdplugImages[1] != "img-b" {
		t.Errorf("coldplug images %q", o.cfg.ColdplugImages)
	}
	if got := o.Latencies.Values[openstack.OpDetach]; got.Base != 2*time.Second || got.Jitter != 0.1 {
		t.Errorf("detach latency %+v", got)
	}
	// By default the process answers as Nova does: 400 for a root detach, and references
	// checked against its Glance and Neutron.
	if d, err := parseFlags(nil, io.Discard); err != nil || d.cfg.RootDetachStatus != 400 || !d.cfg.StrictReferences {
		t.Errorf("defaults %+v, %v", d, err)
	}
	if d, err := parseFlags([]string{"-strict-references=false", "-root-detach-status", "403"}, io.Discard); err != nil || d.cfg.StrictReferences || d.cfg.RootDetachStatus != 403 {
		t.Errorf("-strict-references=false -root-detach-status 403: %+v, %v", d, err)
	}
	for _, bad := range [][]string{
		{"-flavour", "aws"},
		{"-compute-prefix", "/v3"},
		{"-root-detach-status", "409"},
		{"-deleted-status", "GONE"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestEnvFallback(t *testing.T) {
	t.Setenv("OPENSTACK_EMULATOR_PASSWORD", "from-env")
	t.Setenv("OPENSTACK_EMULATOR_REGION", "ignored")
	o, err := parseFlags([]string{"-region", "eu-de"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.Password != "from-env" || o.cfg.Region != "eu-de" {
		t.Fatalf("options %+v", o.cfg)
	}
}

// TestRunServesAndStops: the env file is all a gophercloud client needs,
// the log names requests without a token or password, and cancelling stops it.
func TestRunServesAndStops(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "os.env")
	running := emuclitest.Start(run, "-listen", "127.0.0.1:0", "-env-file", envFile, "-latency-scale", "0.01", "-region", "eu-de")
	ctx, stdout, stderr := running.Ctx, &running.Stdout, &running.Stderr
	var content []byte
	deadline := time.Now().Add(5 * time.Second)
	for len(content) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no env file; stdout %q stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
		content, _ = os.ReadFile(envFile)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(content)), "\n") {
		kv := strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("env line %q", line)
		}
		t.Setenv(k, strings.Trim(v, "'"))
	}
	for _, k := range []string{"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME", "OS_REGION_NAME"} {
		if os.Getenv(k) == "" {
			t.Errorf("%s missing from the env file", k)
		}
	}
	// Built from the variables by hand, as the provider does: gophercloud's
	// AuthOptionsFromEnv reads OS_DOMAIN_NAME, not OS_USER_DOMAIN_NAME.
	opts := gophercloud.AuthOptions{
		IdentityEndpoint: os.Getenv("OS_AUTH_URL"), Username: os.Getenv("OS_USERNAME"), Password: os.Getenv("OS_PASSWORD"),
		DomainName: os.Getenv("OS_USER_DOMAIN_NAME"), AllowReauth: true,
		Scope: &gophercloud.AuthScope{ProjectName: os.Getenv("OS_PROJECT_NAME"), DomainName: os.Getenv("OS_PROJECT_DOMAIN_NAME")},
	}
	p, err := gcos.AuthenticatedClient(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	eo := gophercloud.EndpointOpts{Region: os.Getenv("OS_REGION_NAME")}
	compute, err := gcos.NewComputeV2(p, eo)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gcos.NewBlockStorageV3(p, eo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := servers.List(compute, nil).AllPages(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := volumes.Create(ctx, block, volumes.CreateOpts{Size: 1}, nil).Extract(); err != nil {
		t.Fatal(err)
	}

	running.Stop(t)
	log := stderr.String()
	if !strings.Contains(log, "POST /v3/auth/tokens 201 identity.token.create token=none") ||
		!strings.Contains(log, "volume.create token=valid") || !strings.Contains(log, "stopped") {
		t.Errorf("log:\n%s", log)
	}
	if strings.Contains(log, os.Getenv("OS_PASSWORD")) || strings.Contains(log, p.Token()) {
		t.Error("the log holds a secret")
	}
	if !strings.Contains(stdout.String(), "export OS_AUTH_URL=http://127.0.0.1:") {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestRequestLineMarksDeprecatedActions(t *testing.T) {
	line := requestLine(openstack.RequestRecord{Method: "POST", Path: "/v3/p/volumes/v/action", Status: 202,
		Op: openstack.RouteVolumeDetach, HasToken: true, TokenValid: true, Deprecated: true})
	if !strings.Contains(line, "DEPRECATED-CINDER-ACTION") || !strings.Contains(line, "token=valid") {
		t.Errorf("line %q", line)
	}
}
