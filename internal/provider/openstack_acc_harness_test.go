package provider

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// The OpenStack-family acceptance tests: the same resources through the real Terraform CLI,
// against the OpenStack personality of the emulator (Keystone v3, Nova, Cinder v3), configured
// with the provider's openstack block, or against a real cloud (see useRealOpenStack).

const (
	osAccImage   = "5b0a8d4e-6c1f-4e2a-9d3b-7f8e9a0b1c2d"
	osAccNetwork = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
)

// osAccPrefix starts the name of every object the OpenStack acceptance tests of this process
// create: unique per run, so that a run's leftovers can be told apart and swept (make openstack-sweep
// OS_SWEEP_PREFIX=...). OS_ACC_PREFIX chooses it (a CI job that sweeps its own run after a failure).
var osAccPrefix = cmp.Or(os.Getenv("OS_ACC_PREFIX"), cloudtest.RunPrefix("acc"))

// osAcc is one test's cloud (the emulator, or a real cloud) and provider configuration.
type osAcc struct {
	emu *osemu.Emulator // nil against a real cloud
	api *osRealAPI      // nil against the emulator
	// onRequest, when set, sees every API request after its answer (the emulator's OnRequest).
	onRequest atomic.Pointer[func(osemu.RequestRecord)]
	provider  string
	// What servers are created with: the emulator's, or the real cloud's OS_TEST_*.
	image, flavor, keypair, network string
}

// skipOnRealOpenStack skips a test that needs the emulator's control API or request log.
func skipOnRealOpenStack(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("TF_ACC") != "" && useRealOpenStack() {
		t.Skipf("real OpenStack: %s (only the emulator can)", why)
	}
}

func newOSAcc(t *testing.T, cfg osemu.Config) *osAcc {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	if useRealOpenStack() {
		return newRealOSAcc(t)
	}
	a := &osAcc{image: osAccImage, flavor: "m1.small", keypair: "acc-key", network: osAccNetwork}
	if cfg.LatencyScale == 0 {
		cfg.LatencyScale = 0.1
	}
	cfg.OnRequest = func(r osemu.RequestRecord) {
		if f := a.onRequest.Load(); f != nil {
			(*f)(r)
		}
	}
	a.emu = osemu.New(cfg)
	if err := a.emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.emu.Close)
	ec := a.emu.Config()
	flavour := ""
	if ec.Flavour == osemu.FlavourOTC {
		flavour = "\n    flavour             = \"otc\""
	}
	a.provider = passwordProviderBlock(a.emu.AuthURL(), ec.Region, ec.Username, ec.Password, ec.DomainName, ec.ProjectName,
		ec.DomainName, flavour)
	return a
}

// newRealOSAcc describes the real cloud of the OS_* variables: the provider reads them itself.
func newRealOSAcc(t *testing.T) *osAcc {
	t.Helper()
	a := &osAcc{
		api:      newOSRealAPI(t),
		provider: "provider \"scp\" {\n  openstack {}\n}\n",
		image:    requireEnv(t, "OS_TEST_IMAGE_ID"),
		// By name, as users write flavors (and as an import records them, from what Nova 2.47+ shows).
		flavor:  requireEnv(t, "OS_TEST_FLAVOR_NAME"),
		keypair: requireEnv(t, "OS_TEST_KEYPAIR"),
		network: requireEnv(t, "OS_TEST_NETWORK_ID"),
	}
	return a
}

// realProviderBlock is the provider block of the real cloud's OS_* password settings, for a test
// that clears the environment.
func realProviderBlock() string {
	return passwordProviderBlock(os.Getenv("OS_AUTH_URL"), os.Getenv("OS_REGION_NAME"), os.Getenv("OS_USERNAME"),
		os.Getenv("OS_PASSWORD"), envOr("OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"), envOr("OS_PROJECT_NAME", "OS_TENANT_NAME"),
		envOr("OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME"), "")
}

// passwordProviderBlock is a provider block that signs in to an OpenStack cloud with a password;
// extra is more lines of its openstack block.
func passwordProviderBlock(authURL, region, user, password, userDomain, project, projectDomain, extra string) string {
	return fmt.Sprintf(`provider "scp" {
  openstack {
    auth_url            = %q
    region              = %q
    user_name           = %q
    password            = %q
    user_domain_name    = %q
    project_name        = %q
    project_domain_name = %q%s
  }
}
`, authURL, region, user, password, userDomain, project, projectDomain, extra)
}

// checkDataDevice checks a data volume's attachment device: the emulator's first free /dev/vd*,
// or, on a real cloud, whatever Nova named that is not a system disk's device.
func (a *osAcc) checkDataDevice(address string) resource.TestCheckFunc {
	if a.emu != nil {
		return resource.TestCheckResourceAttr(address, "device", "/dev/vdb")
	}
	return func(s *terraform.State) error {
		device, err := resourceAttr(s, address, "device")
		if err != nil {
			return err
		}
		switch device {
		case "", "/dev/vda", "/dev/sda", "/dev/xvda", "/dev/hda":
			return fmt.Errorf("%s: device %q, want a data disk's device", address, device)
		}
		return nil
	}
}

func (a *osAcc) config(body string) string { return a.provider + body }

// name is a name of this run: the run's prefix, then what.
func (a *osAcc) name(what string) string { return osAccPrefix + what }

func (a *osAcc) setOnRequest(f func(osemu.RequestRecord)) {
	if f == nil {
		a.onRequest.Store(nil)
		return
	}
	a.onRequest.Store(&f)
}

func (a *osAcc) serverHCL(name, image string, lock bool) string {
	return fmt.Sprintf(`
resource "scp_virtual_server" "test" {
  name           = %q
  image_id       = %q
  server_type_id = %q
  keypair_name   = %q
  networks       = [{ subnet_id = %q }]
  boot_volume    = { size = 16 }
  lock           = %t
}
`, a.name(name), image, a.flavor, a.keypair, a.network, lock)
}

// volumeHCL is a data volume of this run.
func (a *osAcc) volumeHCL(name string) string {
	return fmt.Sprintf("\nresource \"scp_volume\" %q {\n  name = %q\n  size = 8\n}\n", name, a.name(name))
}

// attachments is a server with one volume and attachment per name in attached, plus unattached
// volumes for the names in detached.
func (a *osAcc) attachments(attached, detached []string, extra string) string {
	var b strings.Builder
	b.WriteString(a.serverHCL("os", a.image, false))
	for _, name := range append(append([]string{}, attached...), detached...) {
		b.WriteString(a.volumeHCL(name))
	}
	for _, name := range attached {
		fmt.Fprintf(&b, "\nresource \"scp_volume_attachment\" %q {\n  server_id = scp_virtual_server.test.id\n  volume_id = scp_volume.%s.id\n%s}\n",
			name, name, extra)
	}
	return a.config(b.String())
}

// deletesOf lists the statuses of the detach DELETEs for one volume.
func (a *osAcc) deletesOf(volumeID string) []int {
	var out []int
	for _, r := range a.emu.RequestsFor(osemu.RouteAttachmentDelete) {
		if r.VolumeID == volumeID {
			out = append(out, r.Status)
		}
	}
	return out
}

// volumeIs checks a volume's status (and, in use, its server) where the cloud keeps it.
func (a *osAcc) volumeIs(volumeID, status, serverID string) error {
	if a.api != nil {
		return a.api.checkVolume(volumeID, status, serverID)
	}
	v, ok := a.emu.Volume(volumeID)
	switch {
	case !ok:
		return fmt.Errorf("volume %s is gone", volumeID)
	case v.Status != status:
		return fmt.Errorf("volume %s is %s, want %s", volumeID, v.Status, status)
	case status == "in-use" && v.ServerID != serverID:
		return fmt.Errorf("volume %s is attached to %q, want %s", volumeID, v.ServerID, serverID)
	case status == "available" && v.ServerID != "":
		return fmt.Errorf("volume %s is available but attached to %s", volumeID, v.ServerID)
	}
	return nil
}

// serverLocked reads the server's lock where the cloud keeps it.
func (a *osAcc) serverLocked(id string) (bool, error) {
	if a.api != nil {
		return a.api.serverLocked(id)
	}
	s, ok := a.emu.Server(id)
	if !ok {
		return false, fmt.Errorf("server %s is gone", id)
	}
	return s.Locked, nil
}

// checkDestroyed is every test's CheckDestroy. On the emulator: every destroyed attachment got
// exactly one accepted DELETE (and none after it), no server is left, and no deprecated Cinder
// action was used. On a real cloud: nothing of the run is left (servers, volumes, ports).
func (a *osAcc) checkDestroyed(s *terraform.State) error {
	if a.api != nil {
		return a.nothingLeftOnCloud(s)
	}
	if err := a.noDeprecated(); err != nil {
		return err
	}
	for _, id := range destroyedIDs(s, "scp_volume_attachment") {
		_, volumeID, _ := strings.Cut(id, "/")
		statuses := a.deletesOf(volumeID)
		accepted := 0
		for i, st := range statuses {
			if st == http.StatusAccepted {
				accepted++
				if i != len(statuses)-1 {
					return fmt.Errorf("attachment %s: a DELETE was sent after the accepted one: %v", id, statuses)
				}
			}
		}
		if accepted != 1 {
			return fmt.Errorf("attachment %s: DELETE statuses %v, want exactly one 202", id, statuses)
		}
	}
	for _, srv := range a.emu.Servers() {
		return fmt.Errorf("server %s (%s) is still there: %s", srv.ID, srv.Name, srv.Status)
	}
	return nil
}

// nothingLeftOnCloud confirms through the cloud's API that the destroyed servers, their boot
// volumes and ports, and the destroyed volumes are gone, and nothing named with the run's prefix is left.
func (a *osAcc) nothingLeftOnCloud(s *terraform.State) error {
	serverIDs := destroyedIDs(s, "scp_virtual_server")
	volumeIDs := destroyedIDs(s, "scp_volume")
	for _, rs := range s.RootModule().Resources {
		if rs.Type == "scp_virtual_server" && rs.Primary.Attributes["os_volume_id"] != "" {
			volumeIDs = append(volumeIDs, rs.Primary.Attributes["os_volume_id"])
		}
	}
	return a.api.nothingLeft(osAccPrefix, serverIDs, volumeIDs)
}

func (a *osAcc) noDeprecated() error {
	if a.emu == nil {
		return nil // a real cloud keeps no record of which actions were called
	}
	if uses := a.emu.DeprecatedActionUses(); len(uses) > 0 {
		return fmt.Errorf("the deprecated Cinder actions were called: %+v", uses)
	}
	return nil
}
