package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// Helpers of the data sources' acceptance tests, and the unit tests of what they share.

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
	t.Cleanup(func() {
		if err := a.client.DeleteServer(context.Background(), id); err != nil && !scp.IsNotFound(err) {
			t.Logf("deleting server %s (%s) created out of band: %v", name, id, err)
		}
	})
	deadline := time.Now().Add(10 * time.Minute)
	for {
		server, err := a.client.GetServer(ctx, id)
		switch {
		case err != nil:
			t.Fatalf("reading server %s created out of band: %v", id, err)
		case server.State == scp.ServerStateActive:
			return id
		case server.State == scp.ServerStateError || time.Now().After(deadline):
			t.Fatalf("server %s created out of band is %s", id, server.State)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// outOfBandVolume creates a volume straight through the API and waits until it is available.
func (a *accTarget) outOfBandVolume(t *testing.T, name string, size int64, tags ...scp.Tag) string {
	t.Helper()
	ctx := context.Background()
	created, err := a.client.CreateVolume(ctx, scp.CreateVolumeRequest{Name: name, Size: size, Tags: tags})
	if err != nil {
		t.Fatalf("creating volume %s out of band: %v", name, err)
	}
	id := created.ID
	t.Cleanup(func() {
		if err := a.client.DeleteVolume(context.Background(), id); err != nil && !scp.IsNotFound(err) {
			t.Logf("deleting volume %s (%s) created out of band: %v", name, id, err)
		}
	})
	deadline := time.Now().Add(5 * time.Minute)
	for {
		volume, err := a.client.GetVolume(ctx, id)
		switch {
		case err != nil:
			t.Fatalf("reading volume %s created out of band: %v", id, err)
		case volume.State == scp.VolumeStateAvailable:
			return id
		case scp.IsVolumeErrorState(volume.State) || time.Now().After(deadline):
			t.Fatalf("volume %s created out of band is %s", id, volume.State)
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

// readDataSource calls a data source's Read with a configuration of the given attribute values
// (the others null), as Terraform would after validating it.
func readDataSource(t *testing.T, ds datasource.DataSource, data *providerData, values map[string]tftypes.Value) datasource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	ds.(datasource.DataSourceWithConfigure).Configure(ctx, datasource.ConfigureRequest{ProviderData: data}, &datasource.ConfigureResponse{})
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	typ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := values[name]; ok {
			attrs[name] = v
		} else {
			attrs[name] = tftypes.NewValue(at, nil)
		}
	}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, attrs)}}, &resp)
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

// Tags are read only where the configuration can read them; otherwise they stay null, unread.
func TestDataSourceTagsOnlyWhenTheCloudCanReadThem(t *testing.T) {
	fake := cloudtest.New()
	fake.TagsError = errors.New("no Resource Manager endpoint")
	id := fake.PutServer(cloud.Server{Name: "web", State: "ACTIVE", Phase: cloud.PhaseActive})
	resp := readDataSource(t, NewVirtualServerDataSource(), newTestData(fake), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
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
