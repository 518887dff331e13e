package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// A server booted from a volume of its image, on a network, with a data volume attached: created,
// locked and unlocked in place, imported (each resource's imported state is the created one), the
// volume extended while in use, destroyed.
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
					resource.TestCheckResourceAttr("scp_virtual_server.test", "image_id", acc.image),
					resource.TestCheckResourceAttr("scp_virtual_server.test", "lock", "false"),
					resource.TestCheckResourceAttrSet("scp_virtual_server.test", "os_volume_id"),
					captureAttr("scp_virtual_server.test", "id", &serverID),
					func(s *terraform.State) error {
						id, err := resourceAttr(s, "scp_volume.data", "id")
						if err != nil {
							return err
						}
						return acc.volumeIs(id, "in-use", serverID)
					},
					acc.checkDataDevice("scp_volume_attachment.data"),
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "os_volume", "false"),
				),
			},
			{
				// The lock changes in place.
				Config: strings.Replace(acc.attachments([]string{"data"}, nil, ""), "lock           = false", "lock           = true", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_virtual_server.test", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if locked, err := acc.serverLocked(serverID); err != nil || !locked {
						return fmt.Errorf("the server is not locked (%v)", err)
					}
					return nil
				},
			},
			{
				Config: acc.attachments([]string{"data"}, nil, ""),
				Check: func(*terraform.State) error {
					if locked, err := acc.serverLocked(serverID); err != nil || locked {
						return fmt.Errorf("the server is still locked (%v)", err)
					}
					return nil
				},
			},
			{ResourceName: "scp_volume.data", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ResourceName: "scp_volume_attachment.data", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ResourceName: "scp_virtual_server.test", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "networks"}},
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

// Of three attachments, the one removed from the configuration is detached (with one DELETE, on
// the emulator), and the other two are left as they are.
func TestAccOpenStack_removeOneOfThree(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	ids := map[string]string{}
	var serverID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: acc.attachments([]string{"a", "b", "c"}, nil, ""),
				Check: resource.ComposeTestCheckFunc(captureIDs(ids, "scp_volume", "a", "b", "c"),
					captureAttr("scp_virtual_server.test", "id", &serverID)),
			},
			{
				Config: acc.attachments([]string{"a", "c"}, []string{"b"}, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("scp_volume_attachment.b", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("scp_volume_attachment.a", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("scp_volume_attachment.c", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					if err := acc.volumeIs(ids["b"], "available", ""); err != nil {
						return fmt.Errorf("volume b right after the apply: %w", err)
					}
					for _, name := range []string{"a", "c"} {
						if err := acc.volumeIs(ids[name], "in-use", serverID); err != nil {
							return fmt.Errorf("volume %s: %w", name, err)
						}
					}
					if acc.emu == nil {
						return nil // a real cloud keeps no request log to count the DELETEs in
					}
					if got := acc.deletesOf(ids["b"]); len(got) != 1 || got[0] != http.StatusAccepted {
						return fmt.Errorf("volume b: DELETE statuses %v, want one 202", got)
					}
					for _, name := range []string{"a", "c"} {
						if got := acc.deletesOf(ids[name]); len(got) != 0 {
							return fmt.Errorf("volume %s received DELETEs %v", name, got)
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
		cfg := acc.serverHCL("os", acc.image, false)
		if present {
			cfg += fmt.Sprintf("\nresource \"scp_volume_attachment\" \"os\" {\n  server_id = scp_virtual_server.test.id\n  volume_id = scp_virtual_server.test.os_volume_id\n  skip_destroy = %t\n}\n", skip)
		}
		return acc.config(cfg)
	}
	noDeleteSent := func() error {
		if acc.emu == nil {
			// A real cloud keeps no request log: the boot volume is still attached, as it would not
			// be had a detach been sent (Nova refuses it, and nothing else may be sent).
			return acc.volumeIs(bootID, "in-use", serverID)
		}
		if n := len(acc.emu.RequestsFor(osemu.RouteAttachmentDelete)); n != 0 {
			return fmt.Errorf("%d detach DELETEs reached the API; the system disk must never be detached", n)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if acc.emu == nil {
				return acc.checkDestroyed(s) // the boot volume went with its server, as it should
			}
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
							if s.Attributes["os_volume"] != "true" || (wantDevice != "" && s.Attributes["device"] != wantDevice) {
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
					return acc.volumeIs(bootID, "in-use", serverID)
				},
			},
		},
	})
}

// The boot volume's attachment, imported, is the OS disk: removing it, or destroying it, is refused
// at plan with nothing sent. On a real cloud the device is what Nova shows (the fake driver's /dev/sda).
func TestAccOpenStack_bootVolumeRefusedAtPlan(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	device := "/dev/vda"
	if acc.emu == nil {
		device = ""
	}
	osDiskSteps(t, acc, device, `root\s+device`)
}

// The root device name the server reports (/dev/xvda on Xen) is the system disk too.
func TestAccOpenStack_rootDeviceRefusedAtPlan(t *testing.T) {
	skipOnRealOpenStack(t, "the test sets the device names the cloud gives (/dev/xvd*)")
	osDiskSteps(t, newOSAcc(t, osemu.Config{DevicePrefix: "/dev/xvd", RootDetachStatus: http.StatusBadRequest}), "/dev/xvda", `root\s+device`)
}

func TestAccOpenStack_otcSystemDiskRule(t *testing.T) {
	skipOnRealOpenStack(t, "the test needs Open Telekom Cloud's rules")
	osDiskSteps(t, newOSAcc(t, osemu.Config{Flavour: osemu.FlavourOTC}), "/dev/sda", `only be\s+detached\s+from\s+a\s+stopped\s+server`)
}

// On OTC a data disk leaves a running server whose OS can hot-unplug; from one that cannot, the
// API's refusal is reported clearly and the attachment stays.
func TestAccOpenStack_otcDataDiskHotUnplug(t *testing.T) {
	skipOnRealOpenStack(t, "the test needs Open Telekom Cloud's rules and switches a server's hot-unplug on demand")
	acc := newOSAcc(t, osemu.Config{Flavour: osemu.FlavourOTC, ColdplugImages: []string{"cold-image"}})
	cold := func(attached bool) string {
		cfg := acc.serverHCL("cold", "cold-image", false) + "\nresource \"scp_volume\" \"data\" {\n  name = \"acc-data\"\n  size = 8\n}\n"
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
	skipOnRealOpenStack(t, "the test starts a task on the server on demand and counts the DELETEs")
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
	skipOnRealOpenStack(t, "the test sets how long a detach takes")
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
	skipOnRealOpenStack(t, "the test detaches a volume in Cinder alone, behind Nova's back")
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
	skipOnRealOpenStack(t, "the test expires Keystone's tokens on demand")
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
	if acc.emu == nil {
		acc.provider = realProviderBlock() // the OS_* variables are cleared below
	}
	for _, name := range []string{"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_CLOUD", "OS_TOKEN", "OS_PROJECT_NAME", "OS_APPLICATION_CREDENTIAL_SECRET"} {
		t.Setenv(name, "")
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "OS_") {
			t.Setenv(name, "") // a real cloud's openrc sets more of them than the messages below expect
		}
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
				Config: acc.config(fmt.Sprintf(`resource "scp_volume" "v" {
  name = %q
  size = 8
  tags = { env = "test" }
}`, acc.name("tags"))),
				ExpectError: regexp.MustCompile(`(?s)Tags cannot be managed.*OpenStack`),
			},
		},
	})
	if acc.emu == nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if made, err := acc.api.volumesNamed(ctx, acc.name("tags")); err != nil || len(made) != 0 {
			t.Fatalf("volumes %+v (%v): want none created", made, err)
		}
		return
	}
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

// secretsTarget is the cloud of the secrets test, with the OS_* variables set for it: the
// emulator (with a password of the test's own), or the real cloud of the OS_* variables. Keystone is
// the handler that serves authPath, which the test puts behind its token recorder: every token the
// provider is given passes through it, whichever endpoint the catalog names for the rest.
func secretsTarget(t *testing.T) (acc *osAcc, keystone http.Handler, authPath, password string) {
	if useRealOpenStack() {
		acc = newRealOSAcc(t)
		u, err := url.Parse(os.Getenv("OS_AUTH_URL"))
		if err != nil || os.Getenv("OS_PASSWORD") == "" {
			t.Skipf("real OpenStack: the test needs OS_AUTH_URL and a password in OS_PASSWORD (%v)", err)
		}
		return acc, httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host}), u.Path, os.Getenv("OS_PASSWORD")
	}
	password = "os-never-log-me-7e2b94"
	e := osemu.New(osemu.Config{LatencyScale: 0.1, Password: password})
	t.Cleanup(e.Close)
	ec := e.Config()
	t.Setenv("OS_USERNAME", ec.Username)
	t.Setenv("OS_PASSWORD", password)
	t.Setenv("OS_USER_DOMAIN_NAME", ec.DomainName)
	t.Setenv("OS_PROJECT_NAME", ec.ProjectName)
	t.Setenv("OS_PROJECT_DOMAIN_NAME", ec.DomainName)
	t.Setenv("OS_REGION_NAME", ec.Region)
	acc = &osAcc{emu: e, provider: "provider \"scp\" {\n  openstack {}\n}\n", image: osAccImage, flavor: "m1.small",
		keypair: "acc-key", network: osAccNetwork}
	return acc, e.Handler(), "/v3", password
}

// The password and every Keystone token stay out of Terraform's and the provider's log at TRACE,
// through a lifecycle and a run with a wrong password.
func TestAccOpenStack_secretsNeverLogged(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	acc, keystone, authPath, password := secretsTarget(t)
	rec := &tokenRecorder{next: keystone, tokens: map[string]bool{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)

	logPath := traceLogFile(t)
	t.Setenv("OS_AUTH_URL", srv.URL+authPath)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps:                    []resource.TestStep{{Config: acc.attachments([]string{"data"}, nil, "")}},
	})
	t.Setenv("OS_PASSWORD", "wrong-"+password)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acc.config(acc.volumeHCL("x")),
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
	volume := func(size int) string {
		return fmt.Sprintf(`
resource "scp_volume" "small" {
  name = %q
  size = %d
}
`, acc.name("1gib"), size)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: acc.config(volume(1)),
				Check:  resource.TestCheckResourceAttr("scp_volume.small", "size", "1"),
			},
			{
				// No key pair, no networks and a name SCP would refuse: planned, not refused.
				Config: acc.config(volume(3) + fmt.Sprintf(`
resource "scp_virtual_server" "bare" {
  name           = "%s.1/a"
  image_id       = %q
  server_type_id = %q
  boot_volume    = { size = 1 }
}
`, acc.name("web"), acc.image, acc.flavor)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
