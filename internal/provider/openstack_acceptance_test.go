package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// The OpenStack-family acceptance tests: the same resources through the real Terraform CLI,
// against the OpenStack personality of the emulator (Keystone v3, Nova, Cinder v3), configured
// with the provider's openstack block.

const (
	osAccImage   = "5b0a8d4e-6c1f-4e2a-9d3b-7f8e9a0b1c2d"
	osAccNetwork = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
)

// osAcc is one test's emulator and provider configuration.
type osAcc struct {
	emu *osemu.Emulator
	// onRequest, when set, sees every API request after its answer (the emulator's OnRequest).
	onRequest atomic.Pointer[func(osemu.RequestRecord)]
	provider  string
}

func newOSAcc(t *testing.T, cfg osemu.Config) *osAcc {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	a := &osAcc{}
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
	a.provider = fmt.Sprintf(`provider "scp" {
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
`, a.emu.AuthURL(), ec.Region, ec.Username, ec.Password, ec.DomainName, ec.ProjectName, ec.DomainName, flavour)
	return a
}

func (a *osAcc) config(body string) string { return a.provider + body }

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
  server_type_id = "m1.small"
  keypair_name   = "acc-key"
  networks       = [{ subnet_id = %q }]
  boot_volume    = { size = 16 }
  lock           = %t
}
`, name, image, osAccNetwork, lock)
}

// attachments is a server with one volume and attachment per name in attached, plus unattached
// volumes for the names in detached.
func (a *osAcc) attachments(attached, detached []string, extra string) string {
	var b strings.Builder
	b.WriteString(a.serverHCL("acc-os", osAccImage, false))
	for _, name := range append(append([]string{}, attached...), detached...) {
		fmt.Fprintf(&b, "\nresource \"scp_volume\" %q {\n  name = \"acc-%s\"\n  size = 8\n}\n", name, name)
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

// checkDestroyed is every test's CheckDestroy: every destroyed attachment got exactly one
// accepted DELETE (and none after it), no server is left, and no deprecated Cinder action was used.
func (a *osAcc) checkDestroyed(s *terraform.State) error {
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

func (a *osAcc) noDeprecated() error {
	if uses := a.emu.DeprecatedActionUses(); len(uses) > 0 {
		return fmt.Errorf("the deprecated Cinder actions were called: %+v", uses)
	}
	return nil
}

func TestAccOpenStack_lifecycleAndImport(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	var serverID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: acc.attachments([]string{"data"}, nil, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("scp_virtual_server.test", "state", "ACTIVE"),
					resource.TestCheckResourceAttr("scp_virtual_server.test", "image_id", osAccImage),
					resource.TestCheckResourceAttr("scp_virtual_server.test", "lock", "false"),
					resource.TestCheckResourceAttrSet("scp_virtual_server.test", "os_volume_id"),
					func(s *terraform.State) error {
						id, err := resourceAttr(s, "scp_volume.data", "id")
						if v, _ := acc.emu.Volume(id); err != nil || v.Status != "in-use" {
							return fmt.Errorf("the volume is %+v (%v)", v, err)
						}
						return nil
					},
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "device", "/dev/vdb"),
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "os_volume", "false"),
					captureAttr("scp_virtual_server.test", "id", &serverID),
				),
			},
			{
				// The lock changes in place.
				Config: strings.Replace(acc.attachments([]string{"data"}, nil, ""), "lock           = false", "lock           = true", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_virtual_server.test", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if s, _ := acc.emu.Server(serverID); !s.Locked {
						return fmt.Errorf("the server is not locked: %+v", s)
					}
					return nil
				},
			},
			{
				Config: acc.attachments([]string{"data"}, nil, ""),
				Check: func(*terraform.State) error {
					if s, _ := acc.emu.Server(serverID); s.Locked {
						return fmt.Errorf("the server is still locked")
					}
					return nil
				},
			},
			{ResourceName: "scp_virtual_server.test", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "networks"}},
			{ResourceName: "scp_volume.data", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ResourceName: "scp_volume_attachment.data", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				// A change of size extends the volume in place (os-extend, in use: microversion 3.42).
				Config: strings.Replace(acc.attachments([]string{"data"}, nil, ""), "size = 8", "size = 16", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_volume.data", plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttr("scp_volume.data", "size", "16"),
			},
		},
	})
}

func TestAccOpenStack_removeOneOfThree(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	ids := map[string]string{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: acc.attachments([]string{"a", "b", "c"}, nil, ""),
				Check:  captureIDs(ids, "scp_volume", "a", "b", "c"),
			},
			{
				Config: acc.attachments([]string{"a", "c"}, []string{"b"}, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_volume_attachment.b", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("scp_volume_attachment.a", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("scp_volume_attachment.c", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if got := acc.deletesOf(ids["b"]); len(got) != 1 || got[0] != http.StatusAccepted {
						return fmt.Errorf("volume b: DELETE statuses %v, want one 202", got)
					}
					if v, _ := acc.emu.Volume(ids["b"]); v.Status != "available" || v.ServerID != "" {
						return fmt.Errorf("volume b right after the apply: %+v", v)
					}
					for _, name := range []string{"a", "c"} {
						if got := acc.deletesOf(ids[name]); len(got) != 0 {
							return fmt.Errorf("volume %s received DELETEs %v", name, got)
						}
						if v, _ := acc.emu.Volume(ids[name]); v.Status != "in-use" {
							return fmt.Errorf("volume %s is %s", name, v.Status)
						}
					}
					return acc.noDeprecated()
				},
			},
		},
	})
}

// osDiskSteps imports the server's boot volume attachment, then shows that removing it, and
// destroying everything, are refused at plan with nothing sent; skip_destroy lets it go.
func osDiskSteps(t *testing.T, acc *osAcc, wantDevice, wantMessage string) {
	var serverID, bootID string
	attachmentHCL := func(present, skip bool) string {
		cfg := acc.serverHCL("acc-os", osAccImage, false)
		if present {
			cfg += fmt.Sprintf("\nresource \"scp_volume_attachment\" \"os\" {\n  server_id = scp_virtual_server.test.id\n  volume_id = scp_virtual_server.test.os_volume_id\n  skip_destroy = %t\n}\n", skip)
		}
		return acc.config(cfg)
	}
	noDeleteSent := func() error {
		if n := len(acc.emu.RequestsFor(osemu.RouteAttachmentDelete)); n != 0 {
			return fmt.Errorf("%d detach DELETEs reached the API; the system disk must never be detached", n)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := noDeleteSent(); err != nil {
				return err
			}
			return acc.noDeprecated()
		},
		Steps: []resource.TestStep{
			{
				Config: attachmentHCL(false, false),
				Check: resource.ComposeTestCheckFunc(
					captureAttr("scp_virtual_server.test", "id", &serverID),
					captureAttr("scp_virtual_server.test", "os_volume_id", &bootID),
				),
			},
			{
				Config:             attachmentHCL(true, false),
				ResourceName:       "scp_volume_attachment.os",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return serverID + "/" + bootID, nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if s.ID == serverID+"/"+bootID {
							if s.Attributes["os_volume"] != "true" || s.Attributes["device"] != wantDevice {
								return fmt.Errorf("imported system disk: os_volume %q device %q", s.Attributes["os_volume"], s.Attributes["device"])
							}
							return nil
						}
					}
					return fmt.Errorf("the attachment was not imported")
				},
			},
			{
				Config:      attachmentHCL(false, false),
				ExpectError: regexp.MustCompile(`(?s)Cannot detach the server's OS disk.*` + wantMessage),
			},
			{
				Config:      attachmentHCL(true, false),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`Cannot detach the server's OS disk`),
			},
			{Config: attachmentHCL(true, true)},
			{
				Config: attachmentHCL(false, false),
				Check: func(*terraform.State) error {
					if err := noDeleteSent(); err != nil {
						return err
					}
					if v, _ := acc.emu.Volume(bootID); v.ServerID != serverID {
						return fmt.Errorf("the boot volume left its server: %+v", v)
					}
					return nil
				},
			},
		},
	})
}

func TestAccOpenStack_bootVolumeRefusedAtPlan(t *testing.T) {
	osDiskSteps(t, newOSAcc(t, osemu.Config{}), "/dev/vda", `root\s+device`)
}

// The root device name the server reports (/dev/xvda on Xen) is the system disk too.
func TestAccOpenStack_rootDeviceRefusedAtPlan(t *testing.T) {
	osDiskSteps(t, newOSAcc(t, osemu.Config{DevicePrefix: "/dev/xvd", RootDetachStatus: http.StatusBadRequest}), "/dev/xvda", `root\s+device`)
}

func TestAccOpenStack_otcSystemDiskRule(t *testing.T) {
	osDiskSteps(t, newOSAcc(t, osemu.Config{Flavour: osemu.FlavourOTC}), "/dev/sda", `only be\s+detached\s+from\s+a\s+stopped\s+server`)
}

// On OTC a data disk leaves a running server whose OS can hot-unplug; from one that cannot, the
// API's refusal is reported clearly and the attachment stays.
func TestAccOpenStack_otcDataDiskHotUnplug(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{Flavour: osemu.FlavourOTC, ColdplugImages: []string{"cold-image"}})
	cold := func(attached bool) string {
		cfg := acc.serverHCL("acc-cold", "cold-image", false) + "\nresource \"scp_volume\" \"data\" {\n  name = \"acc-data\"\n  size = 8\n}\n"
		if attached {
			cfg += "\nresource \"scp_volume_attachment\" \"data\" {\n  server_id = scp_virtual_server.test.id\n  volume_id = scp_volume.data.id\n}\n"
		}
		return acc.config(cfg)
	}
	var serverID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cold(true),
				Check:  captureAttr("scp_virtual_server.test", "id", &serverID),
			},
			{
				Config:      cold(false),
				ExpectError: regexp.MustCompile(`(?s)refused to detach.*hot-unplug`),
			},
			{
				// The user can hot-unplug after all (or stopped the server): the same plan now works.
				PreConfig: func() {
					if err := acc.emu.SetHotplug(serverID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: cold(false),
			},
		},
		CheckDestroy: acc.checkDestroyed,
	})
}

// detachRun is the scenario of the detach tests: volume "data" is attached to a server, then,
// once before has changed the cloud, detached, and check judges the detach of that volume.
type detachRun struct {
	// timeouts is the attachment's timeouts block.
	timeouts string
	before   func(serverID, volumeID string) error
	check    func(volumeID string) error
	// noRefresh plans the detach without a refresh, so that its DELETE is sent whatever the cloud
	// shows.
	noRefresh    bool
	checkDestroy resource.TestCheckFunc
}

func (a *osAcc) testDetach(t *testing.T, run detachRun) {
	var serverID, volumeID string
	tc := resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             run.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: a.attachments([]string{"data"}, nil, run.timeouts),
				Check: resource.ComposeTestCheckFunc(
					captureAttr("scp_virtual_server.test", "id", &serverID),
					captureAttr("scp_volume.data", "id", &volumeID),
				),
			},
			{
				PreConfig: func() {
					if run.before == nil {
						return
					}
					if err := run.before(serverID, volumeID); err != nil {
						t.Fatal(err)
					}
				},
				Config: a.attachments(nil, []string{"data"}, ""),
				Check:  func(*terraform.State) error { return run.check(volumeID) },
			},
		},
	}
	if run.noRefresh {
		tc.AdditionalCLIOptions = &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}}
	}
	resource.Test(t, tc)
}

// Nova refuses the detach while the server runs a task: the provider waits the task out, sending
// the DELETE again, and only 409s come before the one 202.
func TestAccOpenStack_taskStateThenSuccess(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	acc.testDetach(t, detachRun{
		before: func(serverID, _ string) error { return acc.emu.SetServerTask(serverID, "rebooting", 3*time.Second) },
		check: func(volumeID string) error {
			got := acc.deletesOf(volumeID)
			if len(got) < 2 || got[len(got)-1] != http.StatusAccepted {
				return fmt.Errorf("DELETE statuses %v: want 409s, then one 202", got)
			}
			for _, st := range got[:len(got)-1] {
				if st != http.StatusConflict {
					return fmt.Errorf("DELETE statuses %v: only 409s may come before the 202", got)
				}
			}
			return nil
		},
		checkDestroy: acc.checkDestroyed,
	})
}

// A detach that takes 4.5 minutes of emulated time (the common provider gives up after about
// 190 s, whatever its timeout) finishes within the delete timeout, with one DELETE.
func TestAccOpenStack_longDetachWithinTimeout(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{
		LatencyScale: 0.02,
		Latencies:    map[osemu.OpKind]osemu.Latency{osemu.OpDetach: {Base: 270 * time.Second}},
	})
	acc.testDetach(t, detachRun{
		timeouts: "  timeouts {\n    delete = \"10m\"\n  }\n",
		check: func(volumeID string) error {
			if got := acc.deletesOf(volumeID); len(got) != 1 || got[0] != http.StatusAccepted {
				return fmt.Errorf("DELETE statuses %v, want one 202", got)
			}
			for _, op := range acc.emu.Operations() {
				if op.Kind == osemu.OpDetach && op.ObjectID == volumeID && op.Outcome != osemu.OutcomeSucceeded {
					return fmt.Errorf("the detach did not succeed: %+v", op)
				}
			}
			if v, _ := acc.emu.Volume(volumeID); v.Status != "available" {
				return fmt.Errorf("volume %+v", v)
			}
			return nil
		},
		checkDestroy: acc.checkDestroyed,
	})
}

// A volume detached behind Terraform's back in Cinder alone (as os-detach does), with a plan that
// does not refresh (-refresh=false), so the destroy still sends the DELETE: Nova answers 400
// "already detached", the provider reads Cinder, sees the server no longer listed, and succeeds.
func TestAccOpenStack_alreadyDetached(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	acc.testDetach(t, detachRun{
		before: func(serverID, volumeID string) error { return acc.emu.DetachOutOfBand(volumeID, serverID, true) },
		check: func(volumeID string) error {
			if got := acc.deletesOf(volumeID); len(got) != 1 || got[0] != http.StatusBadRequest {
				return fmt.Errorf("DELETE statuses %v, want one 400 (already detached)", got)
			}
			return acc.noDeprecated()
		},
		noRefresh: true,
	})
}

// The Keystone token expires while the provider waits for a detach: the next poll gets a new one,
// the wait goes on, and the DELETE is not sent again.
func TestAccOpenStack_tokenExpiryDuringWait(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{Latencies: map[osemu.OpKind]osemu.Latency{osemu.OpDetach: {Base: 30 * time.Second}}})
	var tokensBefore int
	acc.testDetach(t, detachRun{
		before: func(string, string) error {
			acc.setOnRequest(func(r osemu.RequestRecord) {
				if r.Op == osemu.RouteAttachmentDelete && r.Status == http.StatusAccepted {
					tokensBefore = len(acc.emu.RequestsFor(osemu.RouteTokenCreate))
					go func() { time.Sleep(time.Second); acc.emu.ExpireTokens() }()
				}
			})
			return nil
		},
		check: func(volumeID string) error {
			acc.setOnRequest(nil)
			if got := acc.deletesOf(volumeID); len(got) != 1 || got[0] != http.StatusAccepted {
				return fmt.Errorf("DELETE statuses %v, want one 202", got)
			}
			if after := len(acc.emu.RequestsFor(osemu.RouteTokenCreate)); after <= tokensBefore {
				return fmt.Errorf("no new token was issued during the wait (%d before, %d after)", tokensBefore, after)
			}
			if countWhere(acc.emu.RequestsFor(osemu.RouteVolumeGet), func(r osemu.RequestRecord) bool { return r.Status == http.StatusUnauthorized }) == 0 {
				return fmt.Errorf("no poll met the expired token")
			}
			return nil
		},
		checkDestroy: acc.checkDestroyed,
	})
}

func TestAccOpenStack_configurationErrors(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	for _, name := range []string{"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_CLOUD", "OS_TOKEN", "OS_PROJECT_NAME", "OS_APPLICATION_CREDENTIAL_SECRET"} {
		t.Setenv(name, "")
	}
	t.Setenv("OS_USERNAME", "from-env")
	volumeHCL := "resource \"scp_volume\" \"v\" {\n  name = \"v\"\n  size = 8\n}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      "provider \"scp\" {\n  endpoint = \"http://127.0.0.1:1\"\n  openstack {\n    auth_url = \"http://127.0.0.1:1/v3\"\n  }\n}\n" + volumeHCL,
				ExpectError: regexp.MustCompile(`(?s)SCP and OpenStack settings.*endpoint`),
			},
			{
				Config:      "provider \"scp\" {\n  openstack {\n    auth_url = \"http://127.0.0.1:1/v3\"\n  }\n}\n" + volumeHCL,
				ExpectError: regexp.MustCompile(`(?s)Incomplete OpenStack provider configuration.*password.*openstack\s+block:\s+auth_url.*environment:\s+user_name\s+\(OS_USERNAME\)`),
			},
			{
				// Tags cannot be managed on OpenStack: refused at plan, nothing sent.
				Config: acc.config(`resource "scp_volume" "v" {
  name = "v"
  size = 8
  tags = { env = "test" }
}`),
				ExpectError: regexp.MustCompile(`(?s)Tags cannot be managed.*OpenStack`),
			},
		},
	})
	if n := len(acc.emu.RequestsFor(osemu.RouteVolumeCreate)); n != 0 {
		t.Fatalf("%d volume creates were sent", n)
	}
}

// tokenRecorder keeps every X-Auth-Token sent and X-Subject-Token issued, to look for them in the log.
type tokenRecorder struct {
	next   http.Handler
	mu     sync.Mutex
	tokens map[string]bool
}

func (tr *tokenRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tr.mu.Lock()
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		tr.tokens[tok] = true
	}
	tr.mu.Unlock()
	tr.next.ServeHTTP(w, r)
	tr.mu.Lock()
	if tok := w.Header().Get("X-Subject-Token"); tok != "" {
		tr.tokens[tok] = true
	}
	tr.mu.Unlock()
}

// The password and every Keystone token stay out of Terraform's and the provider's log at TRACE,
// through a lifecycle and a run with a wrong password.
func TestAccOpenStack_secretsNeverLogged(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	const password = "os-never-log-me-7e2b94"
	e := osemu.New(osemu.Config{LatencyScale: 0.1, Password: password})
	t.Cleanup(e.Close)
	rec := &tokenRecorder{next: e.Handler(), tokens: map[string]bool{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)

	logPath := traceLogFile(t)
	ec := e.Config()
	t.Setenv("OS_AUTH_URL", srv.URL+"/v3")
	t.Setenv("OS_USERNAME", ec.Username)
	t.Setenv("OS_PASSWORD", password)
	t.Setenv("OS_USER_DOMAIN_NAME", ec.DomainName)
	t.Setenv("OS_PROJECT_NAME", ec.ProjectName)
	t.Setenv("OS_PROJECT_DOMAIN_NAME", ec.DomainName)
	t.Setenv("OS_REGION_NAME", ec.Region)
	acc := &osAcc{emu: e, provider: "provider \"scp\" {\n  openstack {}\n}\n"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps:                    []resource.TestStep{{Config: acc.attachments([]string{"data"}, nil, "")}},
	})
	t.Setenv("OS_PASSWORD", "wrong-"+password)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acc.config("resource \"scp_volume\" \"x\" {\n  name = \"x\"\n  size = 8\n}\n"),
			ExpectError: regexp.MustCompile(`(?s)Cannot connect to the OpenStack cloud.*Keystone`),
		}},
	})
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	if !strings.Contains(log, "[TRACE]") || !strings.Contains(log, "configured the provider for an OpenStack-family cloud") ||
		!strings.Contains(log, "OpenStack API request") || !strings.Contains(log, "os-volume_attachments") {
		t.Fatal("the log does not show the provider at TRACE")
	}
	if strings.Contains(log, password) {
		t.Error("the password is in the log")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.tokens) == 0 {
		t.Fatal("no token was seen")
	}
	for tok := range rec.tokens {
		if strings.Contains(log, tok) {
			t.Errorf("a Keystone token is in the log")
		}
	}
}

// SCP's rules are SCP's: on OpenStack a volume takes any size from 1 GiB (Cinder's rule), and a
// server needs no key pair and no network, and may have a name SCP would refuse.
func TestAccOpenStack_ownRulesOnly(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acc.config(`
resource "scp_volume" "small" {
  name = "acc-1gib"
  size = 1
}
`),
				Check: resource.TestCheckResourceAttr("scp_volume.small", "size", "1"),
			},
			{
				Config: acc.config(fmt.Sprintf(`
resource "scp_volume" "small" {
  name = "acc-1gib"
  size = 3
}

resource "scp_virtual_server" "bare" {
  name           = "web.1/a"
  image_id       = %q
  server_type_id = "m1.small"
  boot_volume    = { size = 1 }
}
`, osAccImage)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
