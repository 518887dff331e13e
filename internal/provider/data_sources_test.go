package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// The data sources' tests: the helpers of their acceptance tests, the unit tests of what the data
// sources share, then the acceptance tests of each, on SCP and on OpenStack.

// outOfBandServer creates a server straight through the API, as another tool or the console
// would, waits until it is ACTIVE and returns its id. Terraform never manages it; it is deleted
// when the test ends.
func (a *accTarget) outOfBandServer(t *testing.T, name, serverTypeID string, tags ...scp.Tag) string {
	t.Helper()
	ctx := context.Background()
	if serverTypeID == "" {
		serverTypeID = a.serverTypeID
	}
	id, err := a.client.CreateServer(ctx, scp.CreateServerRequest{
		Name: name, ImageID: a.imageID, ServerTypeID: serverTypeID, KeypairName: a.keypairName,
		Networks: []scp.ServerNetwork{{SubnetID: a.subnetID}}, Tags: tags,
		Volumes: []scp.ServerVolumeSpec{{BootIndex: 0, Size: 16, SourceType: "image", DeleteOnTermination: true}},
	})
	if err != nil {
		t.Fatalf("creating server %s out of band: %v", name, err)
	}
	return awaitOutOfBand(t, "server", name, id, 10*time.Minute, a.client.DeleteServer, a.client.GetServer,
		func(s *scp.Server) string { return s.State },
		func(state string) bool { return state == scp.ServerStateActive },
		func(state string) bool { return state == scp.ServerStateError })
}

// outOfBandVolume creates a volume straight through the API and waits until it is available.
func (a *accTarget) outOfBandVolume(t *testing.T, name string, size int64, tags ...scp.Tag) string {
	t.Helper()
	ctx := context.Background()
	created, err := a.client.CreateVolume(ctx, scp.CreateVolumeRequest{Name: name, Size: size, Tags: tags})
	if err != nil {
		t.Fatalf("creating volume %s out of band: %v", name, err)
	}
	return awaitOutOfBand(t, "volume", name, created.ID, 5*time.Minute, a.client.DeleteVolume, a.client.GetVolume,
		func(v *scp.Volume) string { return v.State },
		func(state string) bool { return state == scp.VolumeStateAvailable },
		scp.IsVolumeErrorState)
}

// awaitOutOfBand has the object id, created out of band, deleted when the test ends, and waits
// until get shows it in a ready state, for at most within; it returns id.
func awaitOutOfBand[T any](t *testing.T, kind, name, id string, within time.Duration,
	remove func(context.Context, string) error, get func(context.Context, string) (*T, error),
	stateOf func(*T) string, ready, failed func(state string) bool,
) string {
	t.Helper()
	t.Cleanup(func() {
		if err := remove(context.Background(), id); err != nil && !scp.IsNotFound(err) {
			t.Logf("deleting %s %s (%s) created out of band: %v", kind, name, id, err)
		}
	})
	deadline := time.Now().Add(within)
	for {
		object, err := get(context.Background(), id)
		if err != nil {
			t.Fatalf("reading %s %s created out of band: %v", kind, id, err)
		}
		switch state := stateOf(object); {
		case ready(state):
			return id
		case failed(state) || time.Now().After(deadline):
			t.Fatalf("%s %s created out of band is %s", kind, id, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// osVolumeOf is the server's OS volume as the API's attachment list shows it.
func (a *accTarget) osVolumeOf(t *testing.T, serverID string) string {
	t.Helper()
	attachments, err := a.client.ListServerVolumes(context.Background(), serverID)
	if err != nil {
		t.Fatal(err)
	}
	osDisk, ok := scp.OSDisk(attachments)
	if !ok {
		t.Fatalf("server %s lists no OS volume among %+v", serverID, attachments)
	}
	return osDisk.VolumeID
}

// dataAttr reads one attribute of a data source from a Terraform state.
func dataAttr(s *terraform.State, address, attr string) (string, error) {
	return resourceAttr(s, address, attr)
}

// checkListIDs asserts that a list form found exactly want, in any order.
func checkListIDs(address string, want ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		n, err := dataAttr(s, address, "ids.#")
		if err != nil {
			return err
		}
		if n != fmt.Sprint(len(want)) {
			return fmt.Errorf("%s found %s objects, want %d (%v)", address, n, len(want), want)
		}
		got := map[string]bool{}
		for i := range want {
			id, _ := dataAttr(s, address, fmt.Sprintf("ids.%d", i))
			got[id] = true
		}
		for _, id := range want {
			if !got[id] {
				return fmt.Errorf("%s did not find %s", address, id)
			}
		}
		return nil
	}
}

// withoutResourceManager is the emulator's provider block without Resource Manager, so that tags
// cannot be read.
func (a *accTarget) withoutResourceManager(body string) string {
	return regexp.MustCompile(`(?m)^\s*resource_manager_endpoint\s*=.*\n`).ReplaceAllString(a.providerHCL, "") + "\n" + body
}

// lookupSteps apply body with checks, then, on the emulator, once more without Resource Manager,
// where tags cannot be read and the checks withoutTags hold.
func (a *accTarget) lookupSteps(body string, checks []resource.TestCheckFunc, withoutTags ...resource.TestCheckFunc) []resource.TestStep {
	steps := []resource.TestStep{{Config: a.config(body), Check: resource.ComposeAggregateTestCheckFunc(checks...)}}
	if a.emu != nil {
		steps = append(steps, resource.TestStep{
			Config: a.withoutResourceManager(body),
			Check:  resource.ComposeAggregateTestCheckFunc(withoutTags...),
		})
	}
	return steps
}

// testListForm applies a configuration of list forms with checks, and on the emulator also with
// emulatorChecks (which know every object there is); there it then holds that each of queries
// went out in a request of route: a list form's filters are the API's.
func (a *accTarget) testListForm(t *testing.T, config string, checks, emulatorChecks []resource.TestCheckFunc, route scpemu.Route, queries ...string) {
	t.Helper()
	if a.emu != nil {
		checks = append(checks, emulatorChecks...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)}},
	})
	if a.emu == nil {
		return
	}
	var sent []string
	for _, r := range a.requests(route) {
		sent = append(sent, r.RawQuery)
	}
	for _, q := range queries {
		if !slices.ContainsFunc(sent, func(query string) bool { return strings.Contains(query, q) }) {
			t.Errorf("no list request carried %s; sent:\n%s", q, strings.Join(sent, "\n"))
		}
	}
}

// readDataSource calls a data source's Read with a configuration of the given attribute values
// (the others null), as Terraform would after validating it.
func readDataSource(t *testing.T, ds datasource.DataSource, data *providerData, values map[string]tftypes.Value) datasource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	ds.(datasource.DataSourceWithConfigure).Configure(ctx, datasource.ConfigureRequest{ProviderData: data}, &datasource.ConfigureResponse{})
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	typ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: configObject(typ, values)}}, &resp)
	return resp
}

// The list forms need cloud.Lister; on a cloud without it they say so, and send nothing.
func TestDataSourceListFormsSayListingIsNotSupported(t *testing.T) {
	fake := cloudtest.New()
	fake.CloudName = "Open Telekom Cloud"
	for _, ds := range []datasource.DataSource{NewVirtualServersDataSource(), NewVolumesDataSource()} {
		resp := readDataSource(t, ds, newTestData(fake), nil)
		if got := errorText(resp.Diagnostics); !strings.Contains(got, "Listing is not supported on Open Telekom Cloud") ||
			!strings.Contains(got, "one at a time") {
			t.Errorf("%T: diagnostics %q", ds, got)
		}
	}
	if calls := fake.Calls(); len(calls) != 0 {
		t.Errorf("calls %v, want none", calls)
	}
}

// The single forms need only cloud.Cloud: they work on a cloud without Lister.
func TestDataSourceSingleFormsWorkWithoutLister(t *testing.T) {
	fake := cloudtest.New()
	id := fake.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive})
	fake.PutAttachment(id, cloud.Attachment{VolumeID: volumeA, Device: "/dev/vda", SystemDisk: true})
	resp := readDataSource(t, NewVirtualServerDataSource(), newTestData(fake), map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "web")})
	if resp.Diagnostics.HasError() {
		t.Fatal(errorText(resp.Diagnostics))
	}
	var m serverDataModel
	resp.State.Get(context.Background(), &m)
	if m.ID.ValueString() != id || m.OSVolumeID.ValueString() != volumeA || m.Tags.IsNull() {
		t.Fatalf("model %+v", m)
	}
}

// A flavor Nova shows by name only, and that can no longer be matched to an id, is shown by name.
func TestDataSourceServerTypeByNameWithoutID(t *testing.T) {
	fake := cloudtest.New()
	id := fake.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive, ServerTypeName: "m1.retired"})
	resp := readDataSource(t, NewVirtualServerDataSource(), newTestData(fake), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
	if resp.Diagnostics.HasError() {
		t.Fatal(errorText(resp.Diagnostics))
	}
	var m serverDataModel
	resp.State.Get(context.Background(), &m)
	if m.ServerTypeID.ValueString() != "m1.retired" {
		t.Fatalf("server_type_id %v, want the name the cloud shows", m.ServerTypeID)
	}
}

// Tags are read only where the configuration can read them; otherwise they stay null, unread.
func TestDataSourceTagsOnlyWhenTheCloudCanReadThem(t *testing.T) {
	fake := cloudtest.New()
	id := fake.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive})
	resp := readDataSource(t, NewVirtualServerDataSource(), newTestData(fake.WithoutTags("no Resource Manager endpoint")), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
	if resp.Diagnostics.HasError() {
		t.Fatal(errorText(resp.Diagnostics))
	}
	var m serverDataModel
	resp.State.Get(context.Background(), &m)
	if !m.Tags.IsNull() || fake.Reads("Tags") != 0 {
		t.Fatalf("tags %v after %d tag reads; want null and none", m.Tags, fake.Reads("Tags"))
	}
}

// A server deleted between the listing and its description is left out of a list form; any
// other failure fails it.
func TestDescribeAllLeavesOutWhatIsGone(t *testing.T) {
	items := []string{"a", "gone", "b", "c", "d", "e"}
	got, err := describeAll(context.Background(), items, func(_ context.Context, s *string) (string, error) {
		if *s == "gone" {
			return "", cloud.NewError(cloud.OutcomeGone, false, errors.New("404"))
		}
		return strings.ToUpper(*s), nil
	})
	if err != nil || strings.Join(got, "") != "ABCDE" {
		t.Fatalf("got %v, err %v", got, err)
	}
	_, err = describeAll(context.Background(), items, func(_ context.Context, s *string) (string, error) {
		if *s == "c" {
			return "", errors.New("503")
		}
		return *s, nil
	})
	if err == nil || err.Error() != "503" {
		t.Fatalf("err %v, want the 503", err)
	}
}

// A server made elsewhere (here straight through the API) is found by id and by name, with what
// the API shows of it, its OS volume found as the resource finds it, and its tags when they can
// be read (null when they cannot).
func TestAccDataSourceVirtualServer_byIDAndName(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	const name = "acc-ds-web"
	id := acc.outOfBandServer(t, name, "", scp.Tag{Key: "env", Value: "test"})
	osVolumeID := acc.osVolumeOf(t, id)
	server, err := acc.client.GetServer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`
data "scp_virtual_server" "by_id" {
  id = %q
}

data "scp_virtual_server" "by_name" {
  name = %q
}
`, id, name)
	both := []string{"data.scp_virtual_server.by_id", "data.scp_virtual_server.by_name"}
	checks := checkAttrs(both, map[string]string{
		"id": id, "name": name, "state": "ACTIVE", "image_id": acc.imageID, "server_type_id": acc.serverTypeID,
		"keypair_name": acc.keypairName, "lock": "false", "os_volume_id": osVolumeID,
		"volume_ids.#": "1", "volume_ids.0": osVolumeID, "vpc_id": server.VpcID, "created_at": server.CreatedAt,
	})
	if acc.emu != nil {
		checks = append(checks, checkAttrs(both, map[string]string{"tags.%": "1", "tags.env": "test"})...)
	}
	// Without Resource Manager the tags are left null, and nothing else changes.
	steps := acc.lookupSteps(body, checks,
		resource.TestCheckNoResourceAttr("data.scp_virtual_server.by_id", "tags.%"),
		resource.TestCheckNoResourceAttr("data.scp_virtual_server.by_name", "tags.%"),
		resource.TestCheckResourceAttr("data.scp_virtual_server.by_name", "os_volume_id", osVolumeID),
	)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if acc.emu != nil {
		for _, r := range acc.requests(scpemu.RouteServerList) {
			if r.RawQuery != "limit=1000&name="+name {
				t.Errorf("list request %s?%s: the look-up by name should send the name filter only", r.Path, r.RawQuery)
			}
		}
	}
}

// A look-up that does not find exactly one object fails at plan with what was found, and the
// configuration must give exactly one of id and name.
func TestAccDataSource_lookupErrors(t *testing.T) {
	type refusal struct{ args, says string }
	for _, tc := range []struct {
		dataSource string
		// plural counts the objects in the diagnostic that names both twins.
		plural string
		// twin names the two objects create makes.
		twin   string
		create func(t *testing.T, acc *accTarget, name string) string
		// nobody is a name no object has, missing an id; the look-ups by them say these phrases.
		nobody, missing   string
		noneNamed, noneID []string
		// more are further configurations refused at plan.
		more []refusal
	}{
		{
			dataSource: "scp_virtual_server", plural: "servers", twin: "acc-ds-twin",
			create: func(t *testing.T, acc *accTarget, name string) string { return acc.outOfBandServer(t, name, "") },
			nobody: "acc-ds-nobody", missing: "0b6f3b7e-39a4-4c9e-9a5e-5a0f5d1c2e3f",
			noneNamed: []string{"No server has this name", `no server named "acc-ds-nobody"`, "compared exactly", "scp_virtual_servers"},
			noneID:    []string{"The server does not exist", "server 0b6f3b7e-39a4-4c9e-9a5e-5a0f5d1c2e3f does not exist", "Check the id"},
			more: []refusal{
				{"", "Exactly one of these attributes must be configured"},
				{`  id = "web"`, "must be an SCP server id"},
			},
		},
		{
			dataSource: "scp_volume", plural: "volumes", twin: "acc-ds-twin-volume",
			create: func(t *testing.T, acc *accTarget, name string) string { return acc.outOfBandVolume(t, name, 8) },
			nobody: "acc-ds-no-volume", missing: "5d0c8a55-0e8e-4f7d-9d43-7c1b2a3e4f56",
			noneNamed: []string{"No volume has this name", `no volume named "acc-ds-no-volume"`, "scp_volumes"},
			noneID:    []string{"The volume does not exist", "volume 5d0c8a55-0e8e-4f7d-9d43-7c1b2a3e4f56 does not exist"},
		},
	} {
		t.Run(tc.dataSource, func(t *testing.T) {
			acc := newAccTarget(t, scpemu.Config{})
			first, second := tc.create(t, acc, tc.twin), tc.create(t, acc, tc.twin)
			lookup := func(args string) string {
				return acc.config(fmt.Sprintf("data %q \"test\" {\n%s\n}\n", tc.dataSource, args))
			}
			bothIDs := regexp.MustCompile(fmt.Sprintf(`(?s)2\s+%s\s+have\s+this\s+name.*(%s.*%s|%s.*%s).*Give\s+id\s+=`,
				tc.plural, first, second, second, first))
			steps := []resource.TestStep{
				{Config: lookup(fmt.Sprintf("  name = %q", tc.twin)), ExpectError: bothIDs},
				{Config: lookup(fmt.Sprintf("  name = %q", tc.nobody)), ExpectError: rx(tc.noneNamed...)},
				{Config: lookup(fmt.Sprintf("  id = %q", tc.missing)), ExpectError: rx(tc.noneID...)},
				{
					Config:      lookup(fmt.Sprintf("  id   = %q\n  name = %q", first, tc.twin)),
					ExpectError: rx("Exactly one of these attributes must be configured"),
				},
			}
			for _, r := range tc.more {
				steps = append(steps, resource.TestStep{Config: lookup(r.args), ExpectError: rx(r.says)})
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
		})
	}
}

// attachElsewhereConfig manages a data volume attached to a server this configuration does not
// manage, found by the data source, and, when withOS, an attachment of that server's OS volume as
// the data source names it.
func (a *accTarget) attachElsewhereConfig(serverName string, withOS, skipDestroy bool) string {
	body := fmt.Sprintf(`
data "scp_virtual_server" "web" {
  name = %q
}

resource "scp_volume" "data" {
  name = "%s-data"
  size = 8
}

resource "scp_volume_attachment" "data" {
  server_id = data.scp_virtual_server.web.id
  volume_id = scp_volume.data.id
}
`, serverName, serverName)
	if withOS {
		body += fmt.Sprintf(`
resource "scp_volume_attachment" "os" {
  server_id    = data.scp_virtual_server.web.id
  volume_id    = data.scp_virtual_server.web.os_volume_id
  skip_destroy = %t
}
`, skipDestroy)
	}
	return a.config(body)
}

// A volume is attached to a server created elsewhere, found with the data source, and the OS-disk
// protection holds as for a managed server: an attachment of the data source's os_volume_id is
// refused at plan, and once imported, a plan that would detach it (removing it, destroying it) is
// refused at plan too. No attach or detach of the OS volume is ever sent.
func TestAccDataSourceVirtualServer_attachToServerCreatedElsewhere(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	const name = "acc-ds-elsewhere"
	serverID := acc.outOfBandServer(t, name, "")
	osVolumeID := acc.osVolumeOf(t, serverID)
	osDiskUntouched := func() error {
		if acc.emu == nil {
			return nil
		}
		for _, route := range []scpemu.Route{scpemu.RouteVolumeAttach, scpemu.RouteVolumeDetach} {
			for _, r := range acc.requests(route) {
				if r.VolumeID == osVolumeID {
					return fmt.Errorf("%s %s reached the API for the OS volume %s", r.Method, r.Path, osVolumeID)
				}
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := osDiskUntouched(); err != nil {
				return err
			}
			server, err := acc.client.GetServer(context.Background(), serverID)
			if err != nil {
				return fmt.Errorf("the server created elsewhere is not there after destroy: %v", err)
			}
			if !server.HasVolume(osVolumeID) || len(server.Volumes) != 1 {
				return fmt.Errorf("after destroy the server lists %+v; want its OS volume %s alone", server.Volumes, osVolumeID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acc.attachElsewhereConfig(name, false, false),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.scp_virtual_server.web", "os_volume_id", osVolumeID),
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "server_id", serverID),
					resource.TestCheckResourceAttr("scp_volume_attachment.data", "os_volume", "false"),
					resource.TestCheckResourceAttrPair("scp_volume_attachment.data", "volume_id", "scp_volume.data", "id"),
					func(s *terraform.State) error {
						volumeID, err := resourceAttr(s, "scp_volume.data", "id")
						if err != nil {
							return err
						}
						server, err := acc.client.GetServer(context.Background(), serverID)
						if err != nil || !server.HasVolume(volumeID) {
							return fmt.Errorf("server %s does not list the data volume %s (err %v)", serverID, volumeID, err)
						}
						return nil
					},
				),
			},
			{
				// An attachment of the OS volume the data source found: refused before anything is sent.
				Config:      acc.attachElsewhereConfig(name, true, false),
				PlanOnly:    true,
				ExpectError: rx("Cannot attach a server's own OS disk", "plan stops here", "skip_destroy = true"),
			},
			{
				// Brought under management by import, as the refusal says.
				Config:             acc.attachElsewhereConfig(name, true, false),
				ResourceName:       "scp_volume_attachment.os",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateId:      serverID + "/" + osVolumeID,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if s.ID == serverID+"/"+osVolumeID {
							if s.Attributes["os_volume"] != "true" {
								return fmt.Errorf("os_volume = %q after import, want true", s.Attributes["os_volume"])
							}
							return nil
						}
					}
					return fmt.Errorf("the OS-volume attachment is not among the %d imported instances", len(states))
				},
			},
			{
				// Removing it plans a detach of the OS disk: refused at plan.
				Config:      acc.attachElsewhereConfig(name, false, false),
				ExpectError: rx("Cannot detach the server's OS disk", "nothing was sent", "skip_destroy = true"),
			},
			{
				// So is a destroy.
				Config:      acc.attachElsewhereConfig(name, true, false),
				Destroy:     true,
				ExpectError: rx("Cannot detach the server's OS disk"),
			},
			{
				// skip_destroy lets the final destroy leave it attached.
				Config: acc.attachElsewhereConfig(name, true, true),
				Check: func(*terraform.State) error {
					return osDiskUntouched()
				},
			},
		},
	})
	if acc.emu != nil {
		if n := len(acc.requests(scpemu.RouteVolumeDetach)); n != 1 {
			t.Errorf("%d detach requests, want the data volume's alone", n)
		}
	}
}

// The list form finds the servers that match every filter, the filters go to the API as its query
// parameters, and each item has the single form's attributes.
func TestAccDataSourceVirtualServers_filters(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	// Against a real endpoint other servers exist: the checks there name their servers.
	otherType := acc.serverTypeID
	if acc.emu != nil {
		otherType = "s1v1m2"
	}
	a1 := acc.outOfBandServer(t, "acc-ds-list-a", "")
	a2 := acc.outOfBandServer(t, "acc-ds-list-a", "")
	b := acc.outOfBandServer(t, "acc-ds-list-b", otherType)
	a1OS := acc.osVolumeOf(t, a1)
	server, err := acc.client.GetServer(context.Background(), a1)
	if err != nil {
		t.Fatal(err)
	}
	config := acc.config(fmt.Sprintf(`
data "scp_virtual_servers" "all" {}

data "scp_virtual_servers" "a" {
  name = "acc-ds-list-a"
}

data "scp_virtual_servers" "a_active" {
  name  = "acc-ds-list-a"
  state = "ACTIVE"
}

data "scp_virtual_servers" "a_shutoff" {
  name  = "acc-ds-list-a"
  state = "SHUTOFF"
}

data "scp_virtual_servers" "a_in_vpc" {
  name   = "acc-ds-list-a"
  vpc_id = %q
}

data "scp_virtual_servers" "b_by_type" {
  name           = "acc-ds-list-b"
  server_type_id = %q
}

data "scp_virtual_servers" "b_offering" {
  name              = "acc-ds-list-b"
  product_category  = "compute"
  product_offerings = ["virtual_server", "gpu_server"]
}

data "scp_virtual_servers" "b_gpu" {
  name              = "acc-ds-list-b"
  product_offerings = ["gpu_server"]
}
`, server.VpcID, otherType))
	checks := []resource.TestCheckFunc{
		checkListIDs("data.scp_virtual_servers.a", a1, a2),
		checkListIDs("data.scp_virtual_servers.a_active", a1, a2),
		checkListIDs("data.scp_virtual_servers.a_shutoff"),
		checkListIDs("data.scp_virtual_servers.a_in_vpc", a1, a2),
		checkListIDs("data.scp_virtual_servers.b_by_type", b),
		checkListIDs("data.scp_virtual_servers.b_offering", b),
		checkListIDs("data.scp_virtual_servers.b_gpu"),
		resource.TestCheckResourceAttr("data.scp_virtual_servers.a", "servers.#", "2"),
		resource.TestCheckTypeSetElemNestedAttrs("data.scp_virtual_servers.a", "servers.*", map[string]string{
			"id": a1, "name": "acc-ds-list-a", "state": "ACTIVE", "os_volume_id": a1OS, "server_type_id": acc.serverTypeID,
			"image_id": acc.imageID, "keypair_name": acc.keypairName, "lock": "false", "vpc_id": server.VpcID,
			"created_at": server.CreatedAt, "volume_ids.#": "1", "volume_ids.0": a1OS,
		}),
		resource.TestCheckResourceAttr("data.scp_virtual_servers.b_by_type", "servers.0.server_type_id", otherType),
	}
	emulatorChecks := []resource.TestCheckFunc{
		checkListIDs("data.scp_virtual_servers.all", a1, a2, b),
		resource.TestCheckResourceAttr("data.scp_virtual_servers.a", "servers.0.tags.%", "0"),
	}
	acc.testListForm(t, config, checks, emulatorChecks, scpemu.RouteServerList,
		"state=SHUTOFF", "vpc_id="+server.VpcID, "server_type_id="+otherType,
		"product_category=compute&product_offering=virtual_server&product_offering=gpu_server")
}

// A volume made elsewhere is found by id and by name with what the API shows of it; a server's OS
// volume, found by id, shows itself bootable and attached to its server.
func TestAccDataSourceVolume_byIDAndName(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	const name = "acc-ds-data"
	volumeID := acc.outOfBandVolume(t, name, 16, scp.Tag{Key: "team", Value: "storage"})
	serverID := acc.outOfBandServer(t, "acc-ds-vol-server", "")
	osVolumeID := acc.osVolumeOf(t, serverID)
	body := fmt.Sprintf(`
data "scp_volume" "by_id" {
  id = %q
}

data "scp_volume" "by_name" {
  name = %q
}

data "scp_volume" "os" {
  id = %q
}
`, volumeID, name, osVolumeID)
	both := []string{"data.scp_volume.by_id", "data.scp_volume.by_name"}
	checks := checkAttrs(both, map[string]string{
		"id": volumeID, "name": name, "size": "16", "state": "available", "bootable": "false", "multiattach": "false",
		"attachments.#": "0",
	})
	for _, address := range both {
		checks = append(checks,
			resource.TestCheckResourceAttrSet(address, "volume_type"),
			resource.TestCheckResourceAttrSet(address, "created_at"))
	}
	if acc.emu != nil {
		checks = append(checks, checkAttrs(both, map[string]string{"tags.%": "1", "tags.team": "storage"})...)
	}
	checks = append(checks,
		resource.TestCheckResourceAttr("data.scp_volume.os", "bootable", "true"),
		resource.TestCheckResourceAttr("data.scp_volume.os", "state", "in-use"),
		resource.TestCheckResourceAttr("data.scp_volume.os", "attachments.#", "1"),
		resource.TestCheckResourceAttr("data.scp_volume.os", "attachments.0.server_id", serverID),
		resource.TestCheckResourceAttrSet("data.scp_volume.os", "attachments.0.device"),
	)
	if acc.emu != nil {
		checks = append(checks, resource.TestCheckResourceAttr("data.scp_volume.os", "attachments.0.device", "/dev/vda"),
			resource.TestCheckResourceAttr("data.scp_volume.os", "tags.%", "0"))
	}
	steps := acc.lookupSteps(body, checks,
		resource.TestCheckNoResourceAttr("data.scp_volume.by_name", "tags.%"),
		resource.TestCheckResourceAttr("data.scp_volume.by_name", "size", "16"),
	)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// The list form finds the volumes that match every filter (name, state, bootable), sent to the API
// as its query parameters, and each item has the single form's attributes.
func TestAccDataSourceVolumes_filters(t *testing.T) {
	acc := newAccTarget(t, scpemu.Config{})
	const name = "acc-ds-vols"
	d1 := acc.outOfBandVolume(t, name, 8)
	d2 := acc.outOfBandVolume(t, name, 16)
	serverID := acc.outOfBandServer(t, "acc-ds-vols-server", "")
	osVolumeID := acc.osVolumeOf(t, serverID)
	config := acc.config(`
data "scp_volumes" "all" {}

data "scp_volumes" "named" {
  name = "acc-ds-vols"
}

data "scp_volumes" "available" {
  name  = "acc-ds-vols"
  state = "available"
}

data "scp_volumes" "in_use" {
  name  = "acc-ds-vols"
  state = "in-use"
}

data "scp_volumes" "data_only" {
  name     = "acc-ds-vols"
  bootable = false
}

data "scp_volumes" "bootable_in_use" {
  state    = "in-use"
  bootable = true
}
`)
	checks := []resource.TestCheckFunc{
		checkListIDs("data.scp_volumes.named", d1, d2),
		checkListIDs("data.scp_volumes.available", d1, d2),
		checkListIDs("data.scp_volumes.in_use"),
		checkListIDs("data.scp_volumes.data_only", d1, d2),
		resource.TestCheckTypeSetElemNestedAttrs("data.scp_volumes.named", "volumes.*", map[string]string{
			"id": d2, "name": name, "size": "16", "state": "available", "bootable": "false", "multiattach": "false",
			"attachments.#": "0",
		}),
		resource.TestCheckTypeSetElemNestedAttrs("data.scp_volumes.bootable_in_use", "volumes.*", map[string]string{
			"id": osVolumeID, "bootable": "true", "state": "in-use", "attachments.#": "1", "attachments.0.server_id": serverID,
		}),
	}
	emulatorChecks := []resource.TestCheckFunc{
		checkListIDs("data.scp_volumes.all", d1, d2, osVolumeID),
		checkListIDs("data.scp_volumes.bootable_in_use", osVolumeID),
		resource.TestCheckResourceAttr("data.scp_volumes.bootable_in_use", "volumes.0.attachments.0.device", "/dev/vda"),
	}
	acc.testListForm(t, config, checks, emulatorChecks, scpemu.RouteVolumeList,
		"bootable=false", "bootable=true", "state=in-use", "state=available")
}

// On an OpenStack cloud the data sources speak to the same seam: the single forms find the server
// and its OS volume (the root device Nova reports), the list forms use Nova's and Cinder's filters,
// tags are left null (no Resource Manager), and a filter only SCP has is refused by name.
func TestAccDataSourceOpenStack_lookupsAndLists(t *testing.T) {
	acc := newOSAcc(t, osemu.Config{})
	server := acc.serverHCL("ds-os", acc.image, false)
	lookups := server + fmt.Sprintf(`
data "scp_virtual_server" "by_name" {
  name = %[1]q
}

data "scp_volume" "os" {
  id = scp_virtual_server.test.os_volume_id
}

data "scp_virtual_servers" "named" {
  name  = %[1]q
  state = "ACTIVE"
}

data "scp_volumes" "bootable" {
  bootable = true
}
`, acc.name("ds-os"))
	// The project of a real cloud may hold other bootable volumes; the emulator's holds this one only.
	bootableCount := resource.TestCheckResourceAttr("data.scp_volumes.bootable", "ids.#", "1")
	if acc.emu == nil {
		bootableCount = resource.TestCheckResourceAttrSet("data.scp_volumes.bootable", "ids.#")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: acc.config(server)},
			{
				Config: acc.config(lookups),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.scp_virtual_server.by_name", "id", "scp_virtual_server.test", "id"),
					resource.TestCheckResourceAttrPair("data.scp_virtual_server.by_name", "os_volume_id", "scp_virtual_server.test", "os_volume_id"),
					resource.TestCheckNoResourceAttr("data.scp_virtual_server.by_name", "tags.%"),
					resource.TestCheckResourceAttr("data.scp_volume.os", "bootable", "true"),
					resource.TestCheckResourceAttrPair("data.scp_volume.os", "attachments.0.server_id", "scp_virtual_server.test", "id"),
					resource.TestCheckResourceAttr("data.scp_virtual_servers.named", "ids.#", "1"),
					resource.TestCheckResourceAttrPair("data.scp_virtual_servers.named", "servers.0.os_volume_id", "scp_virtual_server.test", "os_volume_id"),
					// Booted from a volume, the server shows no image: every path reads it from the boot volume.
					resource.TestCheckResourceAttr("data.scp_virtual_server.by_name", "image_id", acc.image),
					resource.TestCheckResourceAttr("data.scp_virtual_servers.named", "servers.0.image_id", acc.image),
					resource.TestCheckResourceAttrSet("data.scp_virtual_server.by_name", "server_type_id"),
					resource.TestCheckResourceAttrSet("data.scp_virtual_servers.named", "servers.0.server_type_id"),
					bootableCount,
					resource.TestCheckTypeSetElemAttrPair("data.scp_volumes.bootable", "ids.*", "scp_virtual_server.test", "os_volume_id"),
				),
			},
			{
				Config: acc.config(server + `
data "scp_virtual_servers" "in_vpc" {
  vpc_id = "8d5e3a91-0c7b-4f3e-a2a6-1b2c3d4e5f60"
}
`),
				ExpectError: rx("Cannot list the servers", "OpenStack refused the listing", "vpc_id", "Check this data source's filters"),
			},
		},
	})
}
