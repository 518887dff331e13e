package openstack

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	emu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

const testImage = "11111111-2222-4333-8444-555555555555"
const testNetwork = "66666666-7777-4888-9999-000000000000"

type fixture struct {
	t *testing.T
	e *emu.Emulator
	c *Cloud
}

// newFixture starts the emulator on a real listener and configures a Cloud for it with the
// password method, the way the provider does.
func newFixture(t *testing.T, ecfg emu.Config, adjust ...func(*Config)) *fixture {
	t.Helper()
	e := startEmulator(t, ecfg)
	cfg := passwordConfig(e)
	if ecfg.Flavour == emu.FlavourOTC {
		cfg.Flavour = FlavourOTC
	}
	cfg.BusyRetryMax = 50 * time.Millisecond
	for _, f := range adjust {
		f(&cfg)
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &fixture{t: t, e: e, c: c}
}

func passwordConfig(e *emu.Emulator) Config {
	ec := e.Config()
	return Config{
		AuthURL: e.AuthURL(), Region: ec.Region,
		UserName: ec.Username, Password: ec.Password, UserDomainName: ec.DomainName,
		ProjectName: ec.ProjectName, ProjectDomainName: ec.DomainName,
	}
}

func (f *fixture) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	f.t.Cleanup(cancel)
	return ctx
}

func (f *fixture) idle() {
	f.t.Helper()
	if err := f.e.WaitIdle(f.ctx()); err != nil {
		f.t.Fatal(err)
	}
}

// attachedPair is a server "s" with a 1 GB volume "v" attached to it.
func (f *fixture) attachedPair() (srv, vol string) {
	f.t.Helper()
	srv, vol = f.server("s"), f.volume("v", 1)
	f.attach(srv, vol)
	return srv, vol
}

// server creates a server booted from a 10 GB volume made from the image, and waits for it.
func (f *fixture) server(name string) string {
	f.t.Helper()
	id, err := f.c.CreateServer(f.ctx(), cloud.ServerSpec{
		Name: name, ImageID: testImage, ServerTypeID: "m1.small", KeypairName: "key",
		Networks:         []cloud.Network{{SubnetID: testNetwork}},
		SecurityGroupIDs: []string{"default"},
		BootVolume:       cloud.BootVolume{Size: 10, Type: "SSD", DeleteOnTermination: true},
	})
	if err != nil {
		f.t.Fatalf("CreateServer: %v", err)
	}
	f.idle()
	return id
}

func (f *fixture) volume(name string, size int64) string {
	f.t.Helper()
	id, err := f.c.CreateVolume(f.ctx(), cloud.VolumeSpec{Name: name, Size: size, Type: "SSD"})
	if err != nil {
		f.t.Fatalf("CreateVolume: %v", err)
	}
	f.idle()
	return id
}

func (f *fixture) attach(serverID, volumeID string) string {
	f.t.Helper()
	device, err := f.c.Attach(f.ctx(), serverID, volumeID, false)
	if err != nil {
		f.t.Fatalf("Attach: %v", err)
	}
	f.idle()
	return device
}

// bootVolume is the server's boot volume as the emulator knows it.
func (f *fixture) bootVolume(serverID string) string {
	f.t.Helper()
	s, ok := f.e.Server(serverID)
	if !ok {
		f.t.Fatalf("server %s not in the emulator", serverID)
	}
	for _, a := range s.Attachments {
		if a.Boot {
			return a.VolumeID
		}
	}
	f.t.Fatalf("server %s has no boot volume", serverID)
	return ""
}

func (f *fixture) noDeprecated() {
	f.t.Helper()
	if uses := f.e.DeprecatedActionUses(); len(uses) > 0 {
		f.t.Fatalf("deprecated Cinder actions were called: %+v", uses)
	}
}

// wantSent fails the test unless route was requested want times; what names the request.
func (f *fixture) wantSent(route emu.Route, want int, what string) {
	f.t.Helper()
	if n := len(f.e.RequestsFor(route)); n != want {
		f.t.Fatalf("%s: %v sent %d times, want %d", what, route, n, want)
	}
}

func wantOutcome(t *testing.T, err error, want cloud.Outcome, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want outcome %v", what, want)
	}
	if got := cloud.OutcomeOf(err); got != want {
		t.Fatalf("%s: outcome %v, want %v (%v)", what, got, want, err)
	}
}

func newLoopbackListener() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
