package provider

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// The transport promises of issue 13: no redirect is followed, plain http only to this machine, a
// custom CA trusted only when given, and credentials files others can read are warned about. The
// TestAcc ones run Terraform (make testacc); the others speak the plugin protocol directly.

// countingHandler counts requests and keeps the headers of the first one.
type countingHandler struct {
	mu      sync.Mutex
	hits    int
	headers http.Header
	next    http.Handler
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.hits++
	if h.headers == nil {
		h.headers = r.Header.Clone()
	}
	h.mu.Unlock()
	if h.next != nil {
		h.next.ServeHTTP(w, r)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *countingHandler) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits
}

// redirectTo answers every request with a 307 to the same path on base.
func redirectTo(t *testing.T, base func(r *http.Request) string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", base(r)+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func providerBlock(endpoint string, extra ...string) string {
	return fmt.Sprintf("provider \"scp\" {\n  endpoint   = %q\n  access_key = \"AKREDIRECTTEST01\"\n  secret_key = \"sk-redirect-test\"\n%s}\n",
		endpoint, strings.Join(append(extra, ""), "\n"))
}

const oneVolume = `
resource "scp_volume" "x" {
  name = "redirect-test"
  size = 8
}
`

func TestAccProvider_redirectOfACreateReachesNothing(t *testing.T) {
	target := &countingHandler{}
	portB := httptest.NewServer(target)
	defer portB.Close()
	portA := redirectTo(t, func(*http.Request) string { return portB.URL })
	// The same host: the redirect names another path on the endpoint itself.
	sameHost := &countingHandler{}
	var self *httptest.Server
	self = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/moved/") {
			sameHost.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Location", self.URL+"/moved"+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer self.Close()

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(portA.URL) + oneVolume,
				ExpectError: rx("307 Temporary Redirect to "+portB.URL+"/v1/volumes", "never follows redirects", "the create was not carried out", "Set endpoint"),
			},
			{
				Config:      providerBlock(self.URL) + oneVolume,
				ExpectError: rx("307 Temporary Redirect to "+self.URL+"/moved/v1/volumes", "the create was not carried out"),
			},
		},
	})
	if target.count() != 0 || sameHost.count() != 0 {
		t.Fatalf("the redirect targets received %d and %d requests (headers %v); they must receive none", target.count(), sameHost.count(), target.headers)
	}
}

func TestAccProvider_redirectToTheAPIReachesNothingAndKeepsTheState(t *testing.T) {
	emu := scpemu.New(scpemu.Config{LatencyScale: 0.05})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	cred := emu.Credentials()
	block := func(endpoint string) string {
		return fmt.Sprintf("provider \"scp\" {\n  endpoint   = %q\n  access_key = %q\n  secret_key = %q\n}\n", endpoint, cred.AccessKey, cred.SecretKey)
	}
	// The redirect points at the real API, so a followed redirect would be answered there.
	redirector := redirectTo(t, func(*http.Request) string { return emu.URL() })
	var seen int
	var volumeID string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: block(emu.URL()) + oneVolume,
				Check: func(s *terraform.State) error {
					volumeID = s.RootModule().Resources["scp_volume.x"].Primary.ID
					return nil
				},
			},
			{
				PreConfig:   func() { seen = len(emu.Requests()) },
				Config:      block(redirector.URL) + oneVolume,
				ExpectError: rx("307 Temporary Redirect to "+emu.URL()+"/v1/volumes/", "never follows redirects"),
			},
			{
				// The state still holds the volume, unchanged: nothing to plan against the API.
				PreConfig: func() {
					if n := len(emu.Requests()); n != seen {
						t.Errorf("the API received %d requests through the redirect; it must receive none", n-seen)
					}
				},
				Config:   block(emu.URL()) + oneVolume,
				PlanOnly: true,
				Check: func(s *terraform.State) error {
					if r := s.RootModule().Resources["scp_volume.x"]; r == nil || r.Primary.ID != volumeID {
						return fmt.Errorf("the volume %s is no longer in the state", volumeID)
					}
					return nil
				},
			},
		},
	})
}

func TestAccProvider_plainHTTPAndPathsRefusedAtValidate(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock("http://10.1.2.3:8443") + oneVolume,
				ExpectError: rx("Invalid SCP endpoint", "http://10.1.2.3:8443", "clear text", "allow_insecure_http = true"),
			},
			{
				Config:      providerBlock("http://127.0.0.1:8443/v1") + oneVolume,
				ExpectError: rx("Invalid SCP endpoint", `write "http://127.0.0.1:8443"`),
			},
			{
				Config:      providerBlock("https://vs.example", `  resource_manager_endpoint = "http://rm.example"`) + oneVolume,
				ExpectError: rx("Invalid SCP resource_manager_endpoint", "clear text"),
			},
			{
				// The explicit opt-in: validation passes (nothing is planned, so nothing is sent).
				Config:   providerBlock("http://10.1.2.3:8443", "  allow_insecure_http = true"),
				PlanOnly: true,
			},
		},
	})
}

func TestProviderPlainHTTPRefusedAtValidate(t *testing.T) {
	// The refusal is a ValidateProviderConfig diagnostic, before any Configure.
	diags := callProvider(t, New("test")(), map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, "http://emulator.lan:8443"),
	}, true)
	if !hasDiagnostic(diags, tfprotov6.DiagnosticSeverityError, "clear text") {
		t.Fatalf("validate diagnostics %v", diags)
	}
	t.Setenv("SCP_ALLOW_INSECURE_HTTP", "true")
	if diags := callProvider(t, New("test")(), map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, "http://emulator.lan:8443"),
	}, true); len(diags) != 0 {
		t.Fatalf("refused despite SCP_ALLOW_INSECURE_HTTP=true: %v", diags)
	}
}

// catalogTLSServer is an HTTPS IAM with a catalog whose Virtual Server entry is itself.
func catalogTLSServer(t *testing.T) (*httptest.Server, *countingHandler) {
	t.Helper()
	counter := &countingHandler{}
	var srv *httptest.Server
	counter.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/iam/v1/endpoints" {
			http.Error(w, `{"errors":[{"status":404,"detail":"not here"}]}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"endpoints":[{"region":"kr-west1","service_type":"scp-virtualserver","service_name":"virtualserver","url":%q},`+
			`{"region":"kr-west1","service_type":"scp-resourcemanager","service_name":"resourcemanager","url":%q}]}`, srv.URL, srv.URL)
	})
	srv = httptest.NewUnstartedServer(counter)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, counter
}

func TestAccProvider_customCATrustedOnlyWhenGiven(t *testing.T) {
	srv, counter := catalogTLSServer(t)
	caFile := filepath.Join(t.TempDir(), "corp-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	block := func(extra string) string {
		return fmt.Sprintf("provider \"scp\" {\n  auth_url   = %q\n  region     = \"kr-west1\"\n  access_key = \"AKCATEST00000001\"\n  secret_key = \"sk-ca-test\"\n%s\n}\n",
			srv.URL+"/iam/v1", extra)
	}
	t.Setenv("SSL_CERT_FILE", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      block("") + oneVolume,
				ExpectError: rx("Cannot find the SCP endpoints in the endpoint catalog", "not trusted", "ca_file"),
			},
			{
				Config:             block(fmt.Sprintf("  ca_file = %q", caFile)) + oneVolume,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if counter.count() == 0 {
		t.Fatal("the catalog was never read over the trusted connection")
	}
}

func TestProviderWarnsAboutACredentialsFileOthersCanRead(t *testing.T) {
	home := t.TempDir()
	file := writeSCPFile(t, home, "credentials.json", `{"access-key":"AKFILEKEY0000001","secret-key":"sk-file"}`, 0o644)
	p := New("test")().(*scpProvider)
	p.sources = sourcesWith(map[string]string{}, home)
	diags := callProvider(t, p, map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, "http://127.0.0.1:1"),
	}, false)
	if !hasDiagnostic(diags, tfprotov6.DiagnosticSeverityWarning, "chmod 600 "+file) {
		t.Fatalf("no warning naming %s and its chmod; diagnostics %v", file, diags)
	}
	if hasDiagnostic(diags, tfprotov6.DiagnosticSeverityError, "") {
		t.Fatalf("the file's keys should still be used: %v", diags)
	}

	if err := os.Chmod(file, 0o600); err != nil {
		t.Fatal(err)
	}
	if diags := callProvider(t, p, map[string]tftypes.Value{"endpoint": tftypes.NewValue(tftypes.String, "http://127.0.0.1:1")}, false); len(diags) != 0 {
		t.Fatalf("a 0600 file is warned about: %v", diags)
	}
}

// callProvider sends the provider block attrs (the others null) to ValidateProviderConfig, or to
// ConfigureProvider, over the plugin protocol, and returns the diagnostics.
func callProvider(t *testing.T, p provider.Provider, attrs map[string]tftypes.Value, validate bool) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	config, err := tfprotov6.NewDynamicValue(objType, configObject(objType, attrs))
	if err != nil {
		t.Fatal(err)
	}
	server, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	if validate {
		resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &config})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.9.0", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func hasDiagnostic(diags []*tfprotov6.Diagnostic, severity tfprotov6.DiagnosticSeverity, text string) bool {
	for _, d := range diags {
		if d.Severity == severity && strings.Contains(d.Summary+" "+d.Detail, text) {
			return true
		}
	}
	return false
}

// TestAccProvider_endpointsFromTheCatalog configures only auth_url, as a user of Samsung's official
// provider does: the emulator's catalog gives the Virtual Server and Resource Manager endpoints,
// the catalog request is signed and carries no Scp-Api-Version, and tags go to Resource Manager.
func TestAccProvider_endpointsFromTheCatalog(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	emu := scpemu.New(scpemu.Config{LatencyScale: 0.05, CheckContract: true})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	cred := emu.Credentials()
	config := fmt.Sprintf(`provider "scp" {
  auth_url   = %q
  account_id = %q
  access_key = %q
  secret_key = %q
}

resource "scp_volume" "x" {
  name = "from-the-catalog"
  size = 8
  tags = { team = "storage" }
}
`, emu.URL()+"/iam/v1", emu.AccountID(), cred.AccessKey, cred.SecretKey)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("scp_volume.x", "tags.team", "storage"),
				func(*terraform.State) error {
					routes := map[scpemu.Route]int{}
					for _, r := range emu.Requests() {
						routes[r.Op]++
						if !r.SignatureValid {
							return fmt.Errorf("%s %s was not validly signed", r.Method, r.Path)
						}
						if r.Op == scpemu.RouteEndpoints && r.APIVersion != "" {
							return fmt.Errorf("the catalog request carries Scp-Api-Version %q", r.APIVersion)
						}
					}
					if routes[scpemu.RouteEndpoints] == 0 {
						return fmt.Errorf("the catalog was never read; requests by route: %v", routes)
					}
					return nil
				},
			),
		}},
	})
	if v := emu.ContractViolations(); len(v) != 0 {
		t.Fatalf("contract violations: %v", v)
	}
}
