package openstack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/tags"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
)

// imageAndNetworkClients are built from the catalog, as a client that looks images and
// networks up before it creates a server builds them.
func (ev *env) imageAndNetworkClients() (*gophercloud.ServiceClient, *gophercloud.ServiceClient) {
	ev.t.Helper()
	eo := gophercloud.EndpointOpts{Region: ev.e.Config().Region}
	img, err := gcos.NewImageV2(ev.provider, eo)
	if err != nil {
		ev.t.Fatalf("NewImageV2: %v", err)
	}
	net, err := gcos.NewNetworkV2(ev.provider, eo)
	if err != nil {
		ev.t.Fatalf("NewNetworkV2: %v", err)
	}
	return img, net
}

func TestImagesListedAndShown(t *testing.T) {
	ev := newEnv(t, Config{})
	imageClient, _ := ev.imageAndNetworkClients()
	pages, err := images.List(imageClient, images.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil || len(all) != 1 || all[0].ID != DefaultImageID || all[0].Status != images.ImageStatusActive {
		t.Fatalf("images %+v, %v", all, err)
	}
	got, err := images.Get(ctx, imageClient, DefaultImageID).Extract()
	if err != nil || got.Name != "cirros-0.6.2-x86_64-disk" || got.DiskFormat != "qcow2" || got.CreatedAt.IsZero() {
		t.Errorf("image %+v, %v", got, err)
	}
	wantCode(t, images.Get(ctx, imageClient, "no-such-image").Err, http.StatusNotFound)
}

func TestNetworksSubnetsAndServerPorts(t *testing.T) {
	ev := newEnv(t, Config{StrictReferences: true})
	_, netClient := ev.imageAndNetworkClients()
	pages, err := networks.List(netClient, networks.ListOpts{Name: "private"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nets, err := networks.ExtractNetworks(pages)
	if err != nil || len(nets) != 1 || nets[0].ID != DefaultNetworkID || len(nets[0].Subnets) != 1 {
		t.Fatalf("networks %+v, %v", nets, err)
	}
	if n, err := networks.Get(ctx, netClient, DefaultNetworkID).Extract(); err != nil || n.Name != "private" {
		t.Errorf("network %+v, %v", n, err)
	}
	sub, err := subnets.Get(ctx, netClient, nets[0].Subnets[0]).Extract()
	if err != nil || sub.CIDR != "10.0.0.0/24" || sub.NetworkID != DefaultNetworkID || sub.GatewayIP != "10.0.0.1" {
		t.Errorf("subnet %+v, %v", sub, err)
	}
	wantCode(t, networks.Get(ctx, netClient, "nope").Err, http.StatusNotFound, "NetworkNotFound")

	created, err := servers.Create(ctx, ev.compute, servers.CreateOpts{Name: "on-net", FlavorRef: "1", ImageRef: DefaultImageID,
		Networks: []servers.Network{{UUID: DefaultNetworkID}}}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	s := ev.waitServer(created.ID, "ACTIVE")
	portPages, err := ports.List(netClient, ports.ListOpts{DeviceID: s.ID}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := ports.ExtractPorts(portPages)
	if len(ps) != 1 || ps[0].NetworkID != DefaultNetworkID || len(ps[0].FixedIPs) != 1 || ps[0].DeviceOwner != "compute:nova" {
		t.Fatalf("ports of the server %+v", ps)
	}
	// Nova keys the addresses by the network's name.
	addrs, ok := s.Addresses["private"].([]any)
	if !ok || len(addrs) != 1 || addrs[0].(map[string]any)["addr"] != ps[0].FixedIPs[0].IPAddress {
		t.Errorf("addresses %v, port %+v", s.Addresses, ps[0])
	}
	if err := servers.Delete(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the server's port gone", func() bool {
		pp, err := ports.List(netClient, ports.ListOpts{DeviceID: s.ID}).AllPages(ctx)
		list, _ := ports.ExtractPorts(pp)
		return err == nil && len(list) == 0
	})
}

func TestStrictReferences(t *testing.T) {
	ev := newEnv(t, Config{StrictReferences: true})
	for name, tc := range map[string]struct {
		opts servers.CreateOpts
		msg  string
	}{
		"flavor name":     {servers.CreateOpts{Name: "x", FlavorRef: "m1.tiny", ImageRef: DefaultImageID}, "Flavor m1.tiny could not be found."},
		"unknown image":   {servers.CreateOpts{Name: "x", FlavorRef: "1", ImageRef: "img-x"}, "Image img-x could not be found."},
		"unknown network": {servers.CreateOpts{Name: "x", FlavorRef: "1", ImageRef: DefaultImageID, Networks: []servers.Network{{UUID: "net-x"}}}, "Network net-x could not be found."},
		"unknown port":    {servers.CreateOpts{Name: "x", FlavorRef: "1", ImageRef: DefaultImageID, Networks: []servers.Network{{Port: "port-x"}}}, "Port id port-x could not be found."},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, servers.Create(ctx, ev.compute, tc.opts, nil).Err, http.StatusBadRequest, tc.msg)
		})
	}
	// A flavor's URL is a flavorRef too.
	url := ev.compute.ServiceURL("flavors", "1")
	if _, err := servers.Create(ctx, ev.compute, servers.CreateOpts{Name: "by-url", FlavorRef: url, ImageRef: DefaultImageID}, nil).Extract(); err != nil {
		t.Errorf("flavorRef %s: %v", url, err)
	}
}

func TestFlavorsListAndShow(t *testing.T) {
	ev := newEnv(t, Config{})
	c := *ev.compute
	c.Microversion = "2.79"
	pages, err := flavors.ListDetail(&c, flavors.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := flavors.ExtractFlavors(pages)
	if err != nil || len(all) != len(DefaultFlavors()) || all[0].Name != "m1.tiny" || all[0].RAM != 512 {
		t.Fatalf("flavors %+v, %v", all, err)
	}
	f, err := flavors.Get(ctx, &c, "2").Extract()
	if err != nil || f.Name != "m1.small" || f.VCPUs != 1 || f.Disk != 20 || f.ExtraSpecs == nil {
		t.Errorf("flavor %+v, %v", f, err)
	}
	wantCode(t, flavors.Get(ctx, &c, "m1.small").Err, http.StatusNotFound, "Flavor m1.small could not be found.")
	if specs, err := flavors.ListExtraSpecs(ctx, &c, "2").Extract(); err != nil || specs == nil {
		t.Errorf("os-extra_specs %v, %v", specs, err)
	}
}

// TestServerBodyByMicroversion: the flavor has an id before 2.47 and only its details from
// 2.47; tags exist from 2.26; a server booted from a volume shows "image": "".
func TestServerBodyByMicroversion(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("mv") // booted from a volume
	raw := func(mv string) map[string]any {
		c := *ev.compute
		c.Microversion = mv
		res := servers.Get(ctx, &c, s.ID)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		return res.Body.(map[string]any)["server"].(map[string]any)
	}
	old, current := raw("2.1"), raw("2.79")
	if f := old["flavor"].(map[string]any); f["id"] != "2" || old["locked"] != nil || old["tags"] != nil {
		t.Errorf("2.1: flavor %v, locked %v, tags %v", f, old["locked"], old["tags"])
	}
	f := current["flavor"].(map[string]any)
	if _, hasID := f["id"]; hasID || f["original_name"] != "m1.small" || fmt.Sprint(f["vcpus"]) != "1" || f["extra_specs"] == nil {
		t.Errorf("2.79 flavor %v", f)
	}
	if current["locked"] != false || current["tags"] == nil || current["image"] != "" {
		t.Errorf("2.79: locked %v, tags %v, image %v", current["locked"], current["tags"], current["image"])
	}
	if _, shown := current["OS-EXT-SRV-ATTR:root_device_name"]; shown {
		t.Error("root_device_name is shown to admins only")
	}

	c := *ev.compute
	wantCode(t, tags.List(ctx, &c, s.ID).Err, http.StatusNotFound)
	c.Microversion = "2.26"
	if got, err := tags.List(ctx, &c, s.ID).Extract(); err != nil || got == nil || len(got) != 0 {
		t.Errorf("tags %v, %v", got, err)
	}
}

// TestVolumeVersionDocuments: Cinder's version documents are at its root and /v3/, and
// its endpoint (/v3/{project_id}/) has none.
func TestVolumeVersionDocuments(t *testing.T) {
	ev := newEnv(t, Config{})
	get := func(path string, token bool) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, ev.srv.URL+path, nil)
		if token {
			req.Header.Set("X-Auth-Token", ev.provider.Token())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	if code, doc := get("/volume/", false); code != http.StatusMultipleChoices || doc["versions"] == nil {
		t.Errorf("/volume/: %d %v", code, doc)
	}
	code, doc := get("/volume/v3/", false)
	versions, _ := doc["versions"].([]any)
	if code != http.StatusOK || len(versions) != 1 || versions[0].(map[string]any)["version"] != volumeMaxMicro.String() {
		t.Errorf("/volume/v3/: %d %v", code, doc)
	}
	endpoint := strings.TrimPrefix(ev.volume.Endpoint, ev.srv.URL)
	if code, _ := get(endpoint, true); code != http.StatusNotFound {
		t.Errorf("%s: %d, want 404", endpoint, code)
	}
}
