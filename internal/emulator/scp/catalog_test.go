package scp

import (
	"net/http"
	"testing"
)

func TestEndpointCatalog(t *testing.T) {
	e, c := startParallel(t, Config{Region: "kr-east1"})
	if e.AuthURL() != e.URL()+"/iam/v1" {
		t.Fatalf("AuthURL %q", e.AuthURL())
	}
	c.version = "" // no Scp-Api-Version for IAM
	var cat catalogJSON
	c.expect("GET", "/iam/v1/endpoints", nil, http.StatusOK, "").decode(t, &cat)
	types := map[string]string{}
	for _, ep := range cat.Endpoints {
		if ep.Region != "kr-east1" || ep.URL != e.URL() || ep.ServiceName == "" {
			t.Fatalf("entry %+v", ep)
		}
		types[ep.ServiceType] = ep.URL
	}
	if len(types) != 2 || types["scp-virtualserver"] == "" || types["scp-resourcemanager"] == "" {
		t.Fatalf("catalog %+v", cat)
	}
	// Signed like every call.
	req := c.request("GET", "/iam/v1/endpoints", nil)
	req.Header.Del("Scp-Signature")
	if r := c.send(req); r.status != http.StatusUnauthorized || r.code != CodeUnauthorized {
		t.Fatalf("unsigned catalog: %d %s", r.status, r.body)
	}
}

// A client whose endpoint has a path (SCP_ENDPOINT=<url>/v1) reaches no SCP call: the
// answer is a plain 404, not SCP's envelope, so it cannot read as "object gone".
func TestWrongPathIsNotSCPs404(t *testing.T) {
	e, c := startParallel(t, Config{})
	v := c.availableVolume("kept", 8)
	r := c.do("GET", "/v1/v1/volumes/"+v.ID, nil)
	if _, _, envelope := r.errEntry(); r.status != http.StatusNotFound || envelope {
		t.Fatalf("wrong path: %d %s", r.status, r.body)
	}
	if r := c.do("DELETE", "/v1/v1/volumes/"+v.ID, nil); r.status != http.StatusNotFound {
		t.Fatalf("wrong path delete: %d", r.status)
	}
	if _, ok := e.Volume(v.ID); !ok {
		t.Fatal("volume gone")
	}
	takeViolations(t, e, "undocumented path")
}

func TestDefaultVolumeType(t *testing.T) {
	_, c := startParallel(t, Config{})
	var vt struct {
		ID, Name string
	}
	c.expect("GET", "/v1/volume-types/default", nil, http.StatusOK, "").decode(t, &vt)
	v := c.availableVolume("typed", 8)
	var body struct {
		VolumeType   string `json:"volume_type"`
		VolumeTypeID string `json:"volume_type_id"`
	}
	c.expect("GET", "/v1/volumes/"+v.ID, nil, http.StatusOK, "").decode(t, &body)
	if vt.Name != "SSD" || body.VolumeType != vt.Name || body.VolumeTypeID != vt.ID {
		t.Fatalf("default type %+v, volume %+v", vt, body)
	}
}
