package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/cloud/cloudtest"
)

// The volume list's own filters, applied to what the listing shows: attached or not, to which
// server, and the OS disks left out unless asked for.
func TestVolumeListKeeps(t *testing.T) {
	free := cloud.Volume{ID: "free"}
	data := cloud.Volume{ID: "data", Servers: []cloud.VolumeServer{{ServerID: "web", Device: "/dev/vdb"}}}
	osDisk := cloud.Volume{ID: "os", Servers: []cloud.VolumeServer{{ServerID: "web", Device: "/dev/vda"}}}
	elsewhere := cloud.Volume{ID: "elsewhere", Servers: []cloud.VolumeServer{{ServerID: "db", Device: "/dev/vdc"}}}
	isOSDisk := newTestData(cloudtest.New()).isOSDisk
	for _, tc := range []struct {
		name   string
		filter volumeListModel
		want   string
	}{
		{"no filter", volumeListModel{}, "[free data elsewhere]"},
		{"attached", volumeListModel{Attached: types.BoolValue(true)}, "[data elsewhere]"},
		{"not attached", volumeListModel{Attached: types.BoolValue(false)}, "[free]"},
		{"to web", volumeListModel{ServerID: str("web")}, "[data]"},
		{"to web, OS disk included", volumeListModel{ServerID: str("web"), IncludeOSDisks: types.BoolValue(true)}, "[data os]"},
		{"OS disks included", volumeListModel{IncludeOSDisks: types.BoolValue(true)}, "[free data os elsewhere]"},
	} {
		var kept []string
		for _, v := range []cloud.Volume{free, data, osDisk, elsewhere} {
			if tc.filter.keeps(&v, isOSDisk) {
				kept = append(kept, v.ID)
			}
		}
		if fmt.Sprint(kept) != tc.want {
			t.Errorf("%s: kept %v, want %s", tc.name, kept, tc.want)
		}
	}
}

// streamResults pushes at most the request's limit of results, in order, and one error result
// when describing an object fails.
func TestStreamResultsStopsAtTheLimitAndReportsFailures(t *testing.T) {
	ctx := context.Background()
	r := &virtualServerResource{}
	var identity resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identity)
	collect := func(req list.ListRequest, objects []string, fail string) (names []string, errs diag.Diagnostics) {
		req.ResourceSchema, req.ResourceIdentitySchema = schemaOf(t, r), identity.IdentitySchema
		streamResults(ctx, req, func(r list.ListResult) bool {
			names = append(names, r.DisplayName)
			errs.Append(r.Diagnostics...)
			return true
		}, "server", objects, func(_ context.Context, o *string, r *list.ListResult) error {
			if *o == fail {
				return errors.New("read failed")
			}
			r.DisplayName = *o
			return nil
		})
		return names, errs
	}
	if names, errs := collect(list.ListRequest{Limit: 2}, []string{"a", "b", "c"}, ""); fmt.Sprint(names) != "[a b]" || errs.HasError() {
		t.Errorf("limit 2: results %v (%v), want [a b]", names, errs)
	}
	if names, _ := collect(list.ListRequest{}, []string{"a", "b", "c"}, ""); fmt.Sprint(names) != "[a b c]" {
		t.Errorf("no limit: results %v, want [a b c]", names)
	}
	names, errs := collect(list.ListRequest{}, []string{"a", "b"}, "b")
	if len(names) != 1 || !errs.HasError() {
		t.Fatalf("a failed read: results %v, diagnostics %v; want one error result", names, errs)
	}
	wantError(t, errs, "Cannot read the servers listed", "read failed")
}

// A cloud without list calls is refused by name, and the message says what to do instead.
func TestQueryListerRefusesACloudThatCannotList(t *testing.T) {
	var diags diag.Diagnostics
	if _, ok := newTestData(cloudtest.New()).queryLister("scp_volume", &diags); ok {
		t.Fatal("the fake cloud, which has no list calls, was accepted")
	}
	wantError(t, diags, "Listing is not supported on Fake", "scp_volume list resource", "Import objects one at a time")
}

// The list resources' pages are written by hand (templates/list-resources/), because a Terraform
// before 1.14 exports no list resource schemas for tfplugindocs to render them from: each page must
// describe exactly the attributes of its schema, with their descriptions, and show its example.
func TestListResourceDocsMatchTheSchema(t *testing.T) {
	ctx := context.Background()
	for _, newList := range (&scpProvider{}).ListResources(ctx) {
		l := newList()
		var meta resource.MetadataResponse
		l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "scp"}, &meta)
		var s list.ListResourceSchemaResponse
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &s)
		short := strings.TrimPrefix(meta.TypeName, "scp_")
		for _, file := range []string{"../../templates/list-resources/" + short + ".md", "../../docs/list-resources/" + short + ".md"} {
			page, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			example, err := os.ReadFile("../../examples/list-resources/" + meta.TypeName + "/list-resource.tfquery.hcl")
			if err != nil {
				t.Fatal(err)
			}
			text := string(page)
			if !strings.Contains(text, s.Schema.MarkdownDescription) || !strings.Contains(text, strings.TrimSpace(string(example))) {
				t.Errorf("%s: the description or the example is not the schema's and examples/'s", file)
			}
			documented := regexp.MustCompile("(?m)^- `([a-z_]+)` \\(").FindAllStringSubmatch(text, -1)
			if len(documented) != len(s.Schema.Attributes) {
				t.Errorf("%s documents %d attributes, the schema has %d", file, len(documented), len(s.Schema.Attributes))
			}
			for name, a := range s.Schema.Attributes {
				if !strings.Contains(text, "- `"+name+"` (") || !strings.Contains(text, a.GetMarkdownDescription()) {
					t.Errorf("%s: attribute %s is missing or its description is not the schema's", file, name)
				}
			}
		}
	}
}
