package provider

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// The acceptance tests run the real Terraform CLI (terraform-plugin-testing, TF_ACC=1) against the
// SCP emulator started in-process. With SCP_ENDPOINT, SCP_ACCESS_KEY and SCP_SECRET_KEY set, and
// SCP_ACC_EMULATOR not "1", they run against that endpoint instead; assertions that need the
// emulator's request log are then skipped, everything else is the same.

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"scp": providerserver.NewProtocol6WithError(New("acctest")()),
}

func TestMain(m *testing.M) {
	// Terraform must not phone home, and this machine's TF_CLI_CONFIG_FILE may name a missing file.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			_ = os.Setenv("TF_CLI_CONFIG_FILE", os.DevNull)
		}
	}
	setAccProviderAddress()
	// Keep the timings the tests teach the provider out of the user's cache directory.
	cleanup := func() {}
	if os.Getenv(envTimingsCache) == "" {
		dir, err := os.MkdirTemp("", "scp-acc-timings")
		if err == nil {
			_ = os.Setenv(envTimingsCache, dir+"/timings.json")
			cleanup = func() { _ = os.RemoveAll(dir) }
		}
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// setAccProviderAddress chooses the address the in-process provider is served under, which
// terraform-plugin-testing reads from TF_ACC_PROVIDER_HOST and TF_ACC_PROVIDER_NAMESPACE. By default
// it registers registry.terraform.io/-/scp (for Terraform 0.12) and registry.terraform.io/hashicorp/scp.
// OpenTofu refuses to start on the first ("Invalid provider namespace": "-" is allowed only with
// registry.opentofu.org), and reads a bare `provider "scp"` as registry.opentofu.org/hashicorp/scp,
// so steps whose configuration lacks the harness's required_providers (imports, the interrupt
// tests) would look for the provider in a registry. Under OpenTofu, serve it where OpenTofu looks.
func setAccProviderAddress() {
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "hashicorp")
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "" && os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output()
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(out), []byte("OpenTofu")) {
			_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
		}
	}
}

// accProviderAddress is the provider address the CLI under test implies for `provider "scp"`.
func accProviderAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/" + os.Getenv("TF_ACC_PROVIDER_NAMESPACE") + "/scp"
}

// accTarget is where one acceptance test sends its requests.
type accTarget struct {
	emu          *scpemu.Emulator // nil against a real endpoint
	providerHCL  string
	imageID      string
	serverTypeID string
	keypairName  string
	subnetID     string
	client       *scp.Client
}

// serverBase is the HCL of the arguments every test server needs: where it boots from, its type,
// its key pair and its network.
func (a *accTarget) serverBase() string {
	return fmt.Sprintf("  image_id       = %q\n  server_type_id = %q\n  keypair_name   = %q\n  networks       = [{ subnet_id = %q }]",
		a.imageID, a.serverTypeID, a.keypairName, a.subnetID)
}

// The account and region the acceptance tests address the emulator's tags with.
const (
	accAccountID = "acc-account"
	accRegion    = "kr-west1"
)

// useRealEndpoint reports whether the environment asks for a real SCP endpoint.
func useRealEndpoint() bool {
	return os.Getenv("SCP_ACC_EMULATOR") != "1" &&
		os.Getenv("SCP_ENDPOINT") != "" && os.Getenv("SCP_ACCESS_KEY") != "" && os.Getenv("SCP_SECRET_KEY") != ""
}

// newAccTarget starts a fresh emulator for the test (so its request log is the test's alone), or
// describes the real endpoint.
func newAccTarget(t *testing.T, cfg scpemu.Config) *accTarget {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	if useRealEndpoint() {
		client, err := scp.New(scp.Config{Endpoint: os.Getenv("SCP_ENDPOINT"), AccessKey: os.Getenv("SCP_ACCESS_KEY"), SecretKey: os.Getenv("SCP_SECRET_KEY"), AccountID: os.Getenv("SCP_ACCOUNT_ID")})
		if err != nil {
			t.Fatal(err)
		}
		return &accTarget{
			providerHCL:  `provider "scp" {}`,
			imageID:      requireEnv(t, "SCP_ACC_IMAGE_ID"),
			serverTypeID: requireEnv(t, "SCP_ACC_SERVER_TYPE_ID"),
			keypairName:  requireEnv(t, "SCP_ACC_KEYPAIR_NAME"),
			subnetID:     requireEnv(t, "SCP_ACC_SUBNET_ID"),
			client:       client,
		}
	}
	if cfg.LatencyScale == 0 {
		cfg.LatencyScale = 0.3
	}
	if cfg.AccountID == "" {
		cfg.AccountID = accAccountID
	}
	// Every request the provider sends and every answer the emulator gives is held to the
	// contract; any violation fails the test.
	cfg.CheckContract = true
	emu := scpemu.New(cfg)
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		emu.Close() // exchanges are checked as they end: read the violations after Close
		for _, v := range emu.ContractViolations() {
			t.Errorf("contract violation: %s", v)
		}
	})
	cred := emu.Credentials()
	client, err := scp.New(scp.Config{Endpoint: emu.URL(), AccessKey: cred.AccessKey, SecretKey: cred.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return &accTarget{
		emu: emu,
		providerHCL: fmt.Sprintf("provider \"scp\" {\n  endpoint   = %q\n  access_key = %q\n  secret_key = %q\n"+
			"  resource_manager_endpoint = %q\n  account_id = %q\n  default_region = %q\n}\n",
			emu.URL(), cred.AccessKey, cred.SecretKey, emu.URL(), accAccountID, accRegion),
		imageID:      "ubuntu-22.04",
		serverTypeID: "s1v2m4",
		keypairName:  "acc-key",
		subnetID:     "acc-subnet",
		client:       client,
	}
}

func requireEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("running against a real endpoint needs %s", name)
	}
	return v
}

// needEmulator skips checks that read the emulator's own records.
func (a *accTarget) needEmulator(t *testing.T) bool {
	if a.emu == nil {
		t.Log("real endpoint: skipping the emulator request-log assertions")
		return false
	}
	return true
}

// config prefixes the provider block to a test configuration.
func (a *accTarget) config(body string) string { return a.providerHCL + "\n" + body }

// requests returns the emulator's request log entries for one route.
func (a *accTarget) requests(route scpemu.Route) []scpemu.RequestRecord {
	var out []scpemu.RequestRecord
	for _, r := range a.emu.Requests() {
		if r.Op == route {
			out = append(out, r)
		}
	}
	return out
}

// checkEveryRequestSigned asserts that every request the emulator received carried a valid
// signature and the current API version header.
func (a *accTarget) checkEveryRequestSigned() error {
	if a.emu == nil {
		return nil
	}
	records := a.emu.Requests()
	if len(records) == 0 {
		return fmt.Errorf("the emulator received no request")
	}
	for _, r := range records {
		if !r.SignatureValid {
			return fmt.Errorf("request %d %s %s had an invalid signature: %s", r.Seq, r.Method, r.Path, r.AuthError)
		}
		if strings.HasPrefix(r.Path, "/v1/tags/") {
			// Resource Manager: the official SDK sends it no version header, so neither does the provider.
			if r.APIVersion != "" {
				return fmt.Errorf("request %d %s %s to Resource Manager carried Scp-Api-Version %q", r.Seq, r.Method, r.Path, r.APIVersion)
			}
			continue
		}
		if r.APIVersion != "virtualserver 1.3" {
			return fmt.Errorf("request %d %s %s carried Scp-Api-Version %q", r.Seq, r.Method, r.Path, r.APIVersion)
		}
	}
	return nil
}

// resourceAttr reads one attribute of a resource from a Terraform state.
func resourceAttr(s *terraform.State, address, attr string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return "", fmt.Errorf("%s is not in the state", address)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok {
		return "", fmt.Errorf("%s has no attribute %s", address, attr)
	}
	return v, nil
}

// captureAttr is a Check that keeps one attribute of a resource for the steps after it.
func captureAttr(address, attr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) (err error) {
		*into, err = resourceAttr(s, address, attr)
		return err
	}
}

// captureIDs is a Check that keeps the ids of the resources of type typ with the given names, by
// name, for the steps after it.
func captureIDs(into map[string]string, typ string, names ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, name := range names {
			id, err := resourceAttr(s, typ+"."+name, "id")
			if err != nil {
				return err
			}
			into[name] = id
		}
		return nil
	}
}

// checkAttrs checks that every one of addresses has the attribute values of want.
func checkAttrs(addresses []string, want map[string]string) []resource.TestCheckFunc {
	var checks []resource.TestCheckFunc
	for _, address := range addresses {
		for _, attr := range slices.Sorted(maps.Keys(want)) {
			checks = append(checks, resource.TestCheckResourceAttr(address, attr, want[attr]))
		}
	}
	return checks
}

// destroyedIDs returns the ids of every resource of type typ in the final state, for CheckDestroy.
func destroyedIDs(s *terraform.State, typ string) []string {
	var ids []string
	for _, rs := range s.RootModule().Resources {
		if rs.Type == typ {
			ids = append(ids, rs.Primary.ID)
		}
	}
	return ids
}
