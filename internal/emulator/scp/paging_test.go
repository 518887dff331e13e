package scp

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

type volumeListJSON struct {
	Count   *int         `json:"count"`
	Volumes []volumeJSON `json:"volumes"`
}

func TestVolumeListPaging(t *testing.T) {
	e, c := startParallel(t, Config{Latencies: quickLatencies(1)})
	var ids []string
	for i := range 45 {
		var v volumeJSON
		c.expect("POST", "/v1/volumes", map[string]any{"name": fmt.Sprintf("v%02d", i), "size": 8}, http.StatusAccepted, "").decode(t, &v)
		ids = append(ids, v.ID)
	}

	// The default page is 20; count is every match.
	var page volumeListJSON
	c.expect("GET", "/v1/volumes", nil, http.StatusOK, "").decode(t, &page)
	if len(page.Volumes) != 20 || page.Count == nil || *page.Count != 45 || page.Volumes[0].ID != ids[0] {
		t.Fatalf("first page: %d volumes, count %v", len(page.Volumes), page.Count)
	}
	// Paging to the end with the marker sees every volume once.
	var seen []string
	marker := ""
	for {
		path := "/v1/volumes?limit=20"
		if marker != "" {
			path += "&marker=" + marker
		}
		var p volumeListJSON
		c.expect("GET", path, nil, http.StatusOK, "").decode(t, &p)
		for _, v := range p.Volumes {
			seen = append(seen, v.ID)
		}
		if len(p.Volumes) < 20 {
			break
		}
		marker = p.Volumes[len(p.Volumes)-1].ID
	}
	if len(seen) != 45 || seen[44] != ids[44] {
		t.Fatalf("paged through %d volumes", len(seen))
	}

	var all volumeListJSON
	c.expect("GET", "/v1/volumes?limit=1000&with_count=false", nil, http.StatusOK, "").decode(t, &all)
	if len(all.Volumes) != 45 || all.Count != nil {
		t.Fatalf("limit 1000 without count: %d, %v", len(all.Volumes), all.Count)
	}
	c.expect("GET", "/v1/volumes?sort=name:desc&limit=1&offset=1", nil, http.StatusOK, "").decode(t, &page)
	if len(page.Volumes) != 1 || page.Volumes[0].Name != "v43" {
		t.Fatalf("sorted: %+v", page.Volumes)
	}
	if err := e.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	var filtered volumeListJSON
	c.expect("GET", "/v1/volumes?name=v07&state=available&bootable=false", nil, http.StatusOK, "").decode(t, &filtered)
	if len(filtered.Volumes) != 1 || filtered.Volumes[0].ID != ids[7] || *filtered.Count != 1 {
		t.Fatalf("filtered: %+v", filtered.Volumes)
	}
	c.expect("GET", "/v1/volumes?marker=nope", nil, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("GET", "/v1/volumes?sort=colour", nil, http.StatusBadRequest, CodeInvalidRequest)
	c.expect("GET", "/v1/volumes?limit=1001", nil, http.StatusBadRequest, CodeInvalidRequest)
	takeViolations(t, e, "limit") // over the contract's maximum
}

func TestServerListPagingAndFilters(t *testing.T) {
	_, c := startParallel(t, Config{})
	a := c.createServer(serverRequest("alpha", 0))
	b := c.createServer(serverRequest("beta", 0))
	g := c.createServer(serverRequest("gamma", 0))
	c.waitServer(g, ServerActive)

	var list struct {
		Servers []serverJSON `json:"servers"`
	}
	// The documented default sort is created_at:desc; no default page size is documented.
	c.expect("GET", "/v1/servers", nil, http.StatusOK, "").decode(t, &list)
	if len(list.Servers) != 3 || list.Servers[0].ID != g || list.Servers[2].ID != a {
		t.Fatalf("default order: %+v", list.Servers)
	}
	c.expect("GET", "/v1/servers?limit=2&marker="+g, nil, http.StatusOK, "").decode(t, &list)
	if len(list.Servers) != 2 || list.Servers[0].ID != b || list.Servers[1].ID != a {
		t.Fatalf("second page: %+v", list.Servers)
	}
	c.expect("GET", "/v1/servers?name=beta&product_offering=virtual_server&product_category=compute", nil, http.StatusOK, "").decode(t, &list)
	if len(list.Servers) != 1 || list.Servers[0].ID != b {
		t.Fatalf("by name: %+v", list.Servers)
	}
	c.expect("GET", "/v1/servers?sort=name:asc&server_type_id=s1v2m4", nil, http.StatusOK, "").decode(t, &list)
	if len(list.Servers) != 3 || list.Servers[0].Name != "alpha" {
		t.Fatalf("by name asc: %+v", list.Servers)
	}
	c.expect("GET", "/v1/servers?auto_scaling_group_id=asg-1", nil, http.StatusOK, "").decode(t, &list)
	if len(list.Servers) != 0 {
		t.Fatalf("auto-scaling filter: %+v", list.Servers)
	}
	c.expect("GET", "/v1/servers?marker=nope", nil, http.StatusBadRequest, CodeInvalidRequest)
}
