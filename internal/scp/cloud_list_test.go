package scp

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

func TestListServersSendsEveryFilterAsItsQueryParameter(t *testing.T) {
	c, rec := newTestClient(t, answer(200, `{"servers":[]}`))
	_, err := (Cloud{c: c}).ListServers(context.Background(), cloud.ServerFilter{
		Name: "web", State: "ACTIVE", IP: "10.0.0.5", VpcID: "vpc-1", ServerTypeID: "s1v2m4",
		ProductCategory: "compute", ProductOfferings: []string{"virtual_server", "gpu_server"},
	})
	if err != nil {
		t.Fatal(err)
	}
	q := rec.requests[0].URL.Query()
	want := map[string][]string{
		"name": {"web"}, "state": {"ACTIVE"}, "ip": {"10.0.0.5"}, "vpc_id": {"vpc-1"}, "server_type_id": {"s1v2m4"},
		"product_category": {"compute"}, "product_offering": {"virtual_server", "gpu_server"}, "limit": {"1000"},
	}
	if !reflect.DeepEqual(map[string][]string(q), want) {
		t.Fatalf("query %v, want %v", q, want)
	}
}

func TestListServersWithoutFiltersSendsOnlyPaging(t *testing.T) {
	c, rec := newTestClient(t, answer(200, `{"servers":[]}`))
	servers, err := (Cloud{c: c}).ListServers(context.Background(), cloud.ServerFilter{})
	if err != nil || servers == nil || len(servers) != 0 {
		t.Fatalf("servers %#v, err %v; want an empty, non-nil list", servers, err)
	}
	if q := rec.requests[0].URL.RawQuery; q != "limit=1000" {
		t.Fatalf("query %q, want only the page size", q)
	}
}

// The documents do not say whether name matches exactly: what the answer shows is checked again.
func TestListServersKeepsOnlyWhatTheAnswerShowsMatching(t *testing.T) {
	body := `{"servers":[` +
		`{"id":"s-1","name":"web","state":"ACTIVE","vpc_id":"vpc-1","server_type":{"id":"s1v2m4"}},` +
		`{"id":"s-2","name":"web-2","state":"ACTIVE","vpc_id":"vpc-1","server_type":{"id":"s1v2m4"}},` +
		`{"id":"s-3","name":"web","state":"SHUTOFF","vpc_id":"vpc-1","server_type":{"id":"s1v2m4"}},` +
		`{"id":"s-4","name":"web","state":"ACTIVE","vpc_id":"vpc-2","server_type":{"id":"s1v2m4"}},` +
		`{"id":"s-5","name":"web","state":"active","vpc_id":"vpc-1","server_type":{"id":"s1v2m4"}}]}`
	c, _ := newTestClient(t, answer(200, body))
	servers, err := (Cloud{c: c}).ListServers(context.Background(), cloud.ServerFilter{Name: "web", State: "ACTIVE", VpcID: "vpc-1", ServerTypeID: "s1v2m4"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range servers {
		ids = append(ids, s.ID)
	}
	if fmt.Sprint(ids) != "[s-1 s-5]" {
		t.Fatalf("ids %v, want [s-1 s-5]", ids)
	}
	if servers[0].Phase != cloud.PhaseActive || servers[0].ServerTypeID != "s1v2m4" {
		t.Fatalf("server %+v", servers[0])
	}
}

func TestListVolumesSendsNameStateAndBootable(t *testing.T) {
	for _, tc := range []struct {
		bootable *bool
		want     string
	}{
		{nil, "limit=1000&name=data&state=available"},
		{new(bool), "bootable=false&limit=1000&name=data&state=available"},
	} {
		c, rec := newTestClient(t, answer(200, `{"volumes":[]}`))
		if _, err := (Cloud{c: c}).ListVolumes(context.Background(), cloud.VolumeFilter{Name: "data", State: "available", Bootable: tc.bootable}); err != nil {
			t.Fatal(err)
		}
		if got := rec.requests[0].URL.RawQuery; got != tc.want {
			t.Errorf("query %q, want %q", got, tc.want)
		}
	}
}

func TestListVolumesReadsEveryPageAndChecksBootable(t *testing.T) {
	defer func(old int) { pageSize = old }(pageSize)
	pageSize = 2
	page := func(items ...string) func(http.ResponseWriter) {
		return answer(200, `{"volumes":[`+strings.Join(items, ",")+`]}`)
	}
	vol := func(id string, bootable bool) string {
		return fmt.Sprintf(`{"id":%q,"name":"os","state":"in-use","size":16,"bootable":%t,"servers":[{"id":"s-1","device":"/dev/vda"}]}`, id, bootable)
	}
	c, rec := newTestClient(t, page(vol("v-1", true), vol("v-2", false)), page(vol("v-3", true), vol("v-4", true)), page(vol("v-5", true)))
	yes := true
	volumes, err := (Cloud{c: c}).ListVolumes(context.Background(), cloud.VolumeFilter{Bootable: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.requests) != 3 || rec.requests[2].URL.Query().Get("marker") != "v-4" {
		t.Fatalf("%d requests; the last %s", len(rec.requests), rec.requests[len(rec.requests)-1].URL.RawQuery)
	}
	var ids []string
	for _, v := range volumes {
		ids = append(ids, v.ID)
	}
	if fmt.Sprint(ids) != "[v-1 v-3 v-4 v-5]" {
		t.Fatalf("ids %v", ids)
	}
	if s, ok := volumes[0].AttachedTo("s-1"); !ok || s.Device != "/dev/vda" || volumes[0].Phase != cloud.PhaseInUse {
		t.Fatalf("volume %+v", volumes[0])
	}
}

func TestListFailuresAreClassified(t *testing.T) {
	c, _ := newTestClient(t, answer(400, `{"code":400,"message":"bad request","detail":"state: unknown"}`))
	_, err := (Cloud{c: c}).ListVolumes(context.Background(), cloud.VolumeFilter{State: "nope"})
	if !cloud.IsRejected(err) {
		t.Fatalf("err %v (outcome %v), want rejected", err, cloud.OutcomeOf(err))
	}
}

func TestServerFilterNamesItsNarrowingFields(t *testing.T) {
	if got := (cloud.ServerFilter{Name: "web", State: "ACTIVE"}).Narrowing(); len(got) != 0 {
		t.Fatalf("Narrowing %v for portable filters", got)
	}
	got := cloud.ServerFilter{IP: "10.0.0.1", ProductOfferings: []string{"k8s_vm"}}.Narrowing()
	if fmt.Sprint(got) != "[ip product_offerings]" {
		t.Fatalf("Narrowing %v", got)
	}
}
