package openstack

import (
	"context"
	"strings"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// Against the answers of the real services (realAPI): what the emulator hid.

func TestFlavorNameOrIDAtCreate(t *testing.T) {
	a := newRealAPI(t)
	c := a.cloud()
	ctx := context.Background()
	spec := func(flavor string) cloud.ServerSpec {
		return cloud.ServerSpec{Name: "web", ImageID: realImage, ServerTypeID: flavor, KeypairName: "demo-key",
			Networks: []cloud.Network{{SubnetID: "net-1"}}, BootVolume: cloud.BootVolume{Size: 1, DeleteOnTermination: true}}
	}
	for ref, wantID := range map[string]string{"m1.tiny": "1", "2": "2"} {
		if _, err := c.CreateServer(ctx, spec(ref)); err != nil {
			t.Fatalf("server_type_id %q: %v", ref, err)
		}
		if got := a.created["flavorRef"]; got != wantID {
			t.Fatalf("server_type_id %q sent flavorRef %v, want the id %s", ref, got, wantID)
		}
	}

	posts := len(a.sent("POST /v2.1/servers"))
	_, err := c.CreateServer(ctx, spec("m9.huge"))
	wantOutcome(t, err, cloud.OutcomeRejected, "an unknown flavor")
	if !strings.Contains(err.Error(), `"m9.huge"`) || !strings.Contains(err.Error(), "m1.tiny (id 1)") {
		t.Fatalf("the message does not name the flavor and the ones there are: %v", err)
	}
	if n := len(a.sent("POST /v2.1/servers")); n != posts {
		t.Fatalf("a server create was sent for an unknown flavor (%d POSTs, want %d)", n, posts)
	}
}

func TestServerTypeResolvesAtPlanTime(t *testing.T) {
	c := newRealAPI(t).cloud()
	for ref, want := range map[string]cloud.ServerType{"m1.small": {ID: "2", Name: "m1.small"}, "1": {ID: "1", Name: "m1.tiny"}} {
		if got, err := c.ServerType(context.Background(), ref); err != nil || got != want {
			t.Fatalf("ServerType(%q) = %+v, %v; want %+v", ref, got, err, want)
		}
	}
	_, err := c.ServerType(context.Background(), "nope")
	wantOutcome(t, err, cloud.OutcomeRejected, "an unknown flavor")
}

// Nova 2.47+ shows a server's flavor without its id: the id is matched back by the name, so an
// import fills server_type_id (and the configured form can be kept: the name and the id are known).
func TestServerFlavorMatchedBack(t *testing.T) {
	a := newRealAPI(t)
	a.addServer("srv-1", realServer{name: "imported", flavorName: "m1.small", bootVolume: "vol-boot-1"})
	s, err := a.cloud().Server(context.Background(), "srv-1")
	if err != nil {
		t.Fatal(err)
	}
	if s.ServerTypeID != "2" || s.ServerTypeName != "m1.small" {
		t.Fatalf("flavor read back as id %q name %q, want 2 and m1.small", s.ServerTypeID, s.ServerTypeName)
	}
	if !s.ServerTypeIs("m1.small") || !s.ServerTypeIs("2") || s.ServerTypeIs("1") {
		t.Fatal("ServerTypeIs does not take both forms of the server's flavor only")
	}
}

// A flavor deleted and made again under the same name with other sizes is not the server's.
func TestServerFlavorWithOtherSizesIsNotMatched(t *testing.T) {
	a := newRealAPI(t)
	a.addServer("srv-1", realServer{name: "old", flavorName: "m1.small", bootVolume: "vol-boot-1", ram: 4096})
	s, err := a.cloud().Server(context.Background(), "srv-1")
	if err != nil {
		t.Fatal(err)
	}
	if s.ServerTypeID != "" || s.ServerTypeName != "m1.small" {
		t.Fatalf("id %q name %q, want no id and the name Nova shows", s.ServerTypeID, s.ServerTypeName)
	}
}

// The data sources read by id (Server), by name (ServersNamed) and by list (ListServers): each
// fills the flavor and, for a server booted from a volume ("image": ""), the boot volume's image.
func TestImageAndFlavorOnEveryReadPath(t *testing.T) {
	a := newRealAPI(t)
	a.addServer("srv-1", realServer{name: "db", flavorName: "m1.tiny", bootVolume: "vol-boot-1"})
	ctx := context.Background()
	check := func(path string, s cloud.Server) {
		t.Helper()
		if s.ImageID != realImage || s.ServerTypeID != "1" || s.ServerTypeName != "m1.tiny" {
			t.Errorf("%s: image %q, flavor id %q name %q; want %s, 1, m1.tiny", path, s.ImageID, s.ServerTypeID, s.ServerTypeName, realImage)
		}
	}
	byID, err := a.cloud().Server(ctx, "srv-1")
	if err != nil {
		t.Fatal(err)
	}
	check("by id", *byID)
	named, err := a.cloud().ServersNamed(ctx, "db")
	if err != nil || len(named) != 1 {
		t.Fatalf("ServersNamed: %+v %v", named, err)
	}
	check("by name", named[0])
	listed, err := a.cloud().ListServers(ctx, cloud.ServerFilter{ServerTypeID: "m1.tiny"})
	if err != nil || len(listed) != 1 {
		t.Fatalf("ListServers by flavor name: %+v %v", listed, err)
	}
	check("listed", listed[0])
	if got := a.sent("GET /v2.1/servers/detail"); len(got) == 0 {
		t.Fatal("no list was sent")
	}
}

// Real Cinder answers 404 at /v3/<project_id>/; its version documents are at /v3/ and /.
func TestCinderVersionReadWhereCinderServesIt(t *testing.T) {
	for name, prefix := range map[string]string{"own port": "", "devstack path": "/volume"} {
		t.Run(name, func(t *testing.T) {
			a := newRealAPI(t, func(a *realAPI) { a.cinderPrefix, a.cinderMaxVersion = prefix, "3.27" })
			c := a.cloud()
			if c.block.Microversion != "3.27" {
				t.Fatalf("Cinder offers up to 3.27, the provider uses %s", c.block.Microversion)
			}
			if got := a.sent("GET " + prefix + "/v3/"); len(got) == 0 || got[0] != "GET "+prefix+"/v3/" {
				t.Fatalf("the version document was not read at %s/v3/: %v", prefix, got)
			}
			notices := strings.Join(c.Notices(), "\n")
			if !strings.Contains(notices, "Cinder") || !strings.Contains(notices, "up to 3.27") || !strings.Contains(notices, "in-use") {
				t.Fatalf("an older Cinder is not told clearly: %q", notices)
			}
		})
	}
	a := newRealAPI(t)
	if c := a.cloud(); c.block.Microversion != DefaultVolumeMicroversion || len(c.Notices()) != 0 {
		t.Fatalf("a current Cinder: microversion %s, notices %v", c.block.Microversion, c.Notices())
	}
}

func TestCinderWithoutVersionDocumentsIsNoticed(t *testing.T) {
	a := newRealAPI(t, func(a *realAPI) { a.cinderHidesVersions = true })
	c := a.cloud()
	notices := strings.Join(c.Notices(), "\n")
	if c.block.Microversion != DefaultVolumeMicroversion || !strings.Contains(notices, "Cinder's version documents could not be read") ||
		!strings.Contains(notices, a.cinder.URL+"/v3/ (404)") {
		t.Fatalf("microversion %s, notices %q", c.block.Microversion, notices)
	}
}

// Before 3.42 Cinder extends only a detached volume: an attached one is refused, nothing sent.
func TestOlderCinderRefusesToExtendAnAttachedVolume(t *testing.T) {
	a := newRealAPI(t, func(a *realAPI) { a.cinderMaxVersion = "3.27" })
	a.addServer("srv-1", realServer{name: "db", flavorName: "m1.tiny", bootVolume: "vol-1"})
	err := a.cloud().ExtendVolume(context.Background(), "vol-1", 20)
	wantOutcome(t, err, cloud.OutcomeRejected, "extend of an in-use volume on Cinder 3.27")
	if !strings.Contains(err.Error(), "needs microversion 3.42") || len(a.sent("POST /v3/"+realProject+"/volumes/vol-1/action")) != 0 {
		t.Fatalf("%v; actions sent: %v", err, a.sent("POST"))
	}
}

func TestVersionDocumentURLs(t *testing.T) {
	for endpoint, want := range map[string]string{
		"http://h:8776/v3/p":           "http://h:8776/v3/ http://h:8776/",
		"http://h:8776/v3/p/":          "http://h:8776/v3/ http://h:8776/",
		"https://h/volume/v3/p":        "https://h/volume/v3/ https://h/volume/",
		"http://h:8774/v2.1":           "http://h:8774/v2.1/ http://h:8774/",
		"http://h:8774/compute/v2.1/p": "http://h:8774/compute/v2.1/ http://h:8774/compute/",
		"http://h/block":               "http://h/block",
	} {
		urls, _ := versionDocumentURLs(endpoint)
		if got := strings.Join(urls, " "); got != want {
			t.Errorf("%s: %s, want %s", endpoint, got, want)
		}
	}
}
