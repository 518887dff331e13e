package contract

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func checker(t *testing.T) *Checker {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func jsonRequest(method, target, body string) (*http.Request, []byte) {
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	r := httptest.NewRequest(method, target, bytes.NewReader(b))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Scp-Api-Version", "virtualserver 1.3")
	r.Header.Set("Scp-ClientType", "Openapi")
	return r, b
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": []string{"application/json"}}
}

const goodVolume = `{"bootable":false,"created_at":"2026-01-02T03:04:05Z","encrypted":false,"id":"v-1",
 "modified_at":"2026-01-02T03:04:05Z","multiattach":false,"name":"data","servers":[],"size":16,
 "state":"available","user_id":"u-1","volume_type":"SSD","volume_type_id":"t-1","max_iops":null}`

func check(t *testing.T, method, target, reqBody string, status int, respBody string) []Violation {
	t.Helper()
	r, b := jsonRequest(method, target, reqBody)
	x := Exchange{Request: r, RequestBody: b, Status: status, Header: jsonHeader(), Body: []byte(respBody)}
	if respBody == "" {
		x.Header = http.Header{}
	}
	return checker(t).Check(x)
}

func wantClean(t *testing.T, vs []Violation) {
	t.Helper()
	for _, v := range vs {
		t.Errorf("unexpected violation: %s", v)
	}
}

// wantViolation fails unless some violation in direction d mentions every part.
func wantViolation(t *testing.T, vs []Violation, d Direction, parts ...string) {
	t.Helper()
	for _, v := range vs {
		if v.Direction != d {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(v.Message, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no %s violation mentioning %q among %v", d, parts, vs)
}

func TestDocumentsLoad(t *testing.T) {
	c := checker(t)
	ops := c.Operations()
	if len(ops) != 23 { // 22 in the contract, plus the IAM catalog
		t.Fatalf("%d operations: %v", len(ops), ops)
	}
	if got, ok := c.Statuses("PUT", "/v1/volumes/{volume_id}/size"); !ok || len(got) != 4 || got[0] != 202 || got[3] != 409 {
		t.Fatalf("extend statuses %v %v", got, ok)
	}
	if _, ok := c.Statuses("GET", "/iam/v1/endpoints"); !ok {
		t.Fatal("catalog not mounted under /iam/v1")
	}
}

func TestGoodExchangesPass(t *testing.T) {
	wantClean(t, check(t, "GET", "/v1/volumes/v-1", "", 200, goodVolume))
	wantClean(t, check(t, "PUT", "/v1/volumes/v-1/size", `{"size":24}`, 202, goodVolume))
	wantClean(t, check(t, "DELETE", "/v1/volumes/v-1?cascade=false", "", 202, ""))
	wantClean(t, check(t, "GET", "/v1/volumes?limit=1000&marker=v-1", "", 200, `{"count":1,"volumes":[`+goodVolume+`]}`))
	wantClean(t, check(t, "GET", "/v1/volumes/v-1", "", 404, `{"errors":[{"status":404,"detail":"volume v-1 not found"}]}`))
	wantClean(t, check(t, "POST", "/v1/volumes/v-1/servers", `{"server_id":"s-1"}`, 409,
		`{"errors":[{"status":409,"detail":["server s-1 is busy","retry later"]}]}`))
	wantClean(t, check(t, "POST", "/v1/servers", `{"name":"web","image_id":"i","server_type_id":"s1v1m2","keypair_name":"kp",
		"volumes":[{"boot_index":0,"size":16}],"tags":[{"key":"a","value":"b"}],"user_data":"IyEvYmluL3NoCg=="}`,
		202, `{"servers":[{"id":"s-1"}]}`))
	wantClean(t, check(t, "GET", "/iam/v1/endpoints", "", 200,
		`{"endpoints":[{"region":"kr-west1","service_type":"scp-virtualserver","service_name":"virtualserver","url":"http://127.0.0.1:1"}]}`))
	srn := base64.StdEncoding.EncodeToString([]byte("srn:e::acc:kr-west1::virtualserver:volume/v-1???"))
	if !strings.Contains(srn, "/") {
		t.Fatalf("want an SRN whose base64 holds a '/': %s", srn)
	}
	wantClean(t, check(t, "GET", "/v1/tags/"+strings.ReplaceAll(srn, "/", "%2F")+"?size=2147483647", "", 200,
		`{"content":{"srn":"x","tags":[{"key":"a","value":null}]},"count":1,"page":0,"size":2147483647}`))
	// The control API is outside the contract.
	wantClean(t, check(t, "POST", "/_emulator/faults", `{"anything":1}`, 200, `{"id":"x"}`))
}

func TestBrokenAnswersAreCaught(t *testing.T) {
	// A deliberately broken answer: a field the contract lacks, a required one missing,
	// a wrong type.
	broken := strings.Replace(goodVolume, `"encrypted":false,`, `"tags":[],`, 1)
	broken = strings.Replace(broken, `"size":16`, `"size":"16"`, 1)
	vs := check(t, "GET", "/v1/volumes/v-1", "", 200, broken)
	wantViolation(t, vs, Response, "tags")
	wantViolation(t, vs, Response, "encrypted")
	wantViolation(t, vs, Response, "size")

	// Undocumented status for the operation (GET volume-types documents no 404).
	wantViolation(t, check(t, "GET", "/v1/volume-types/default", "", 404, `{"errors":[{"status":404,"detail":"x"}]}`),
		Response, "status is not supported")
	// The code and title members no source attests.
	wantViolation(t, check(t, "GET", "/v1/volumes/v-1", "", 404, `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":"x"}]}`),
		Response, "code")
	// A body where none is documented.
	wantViolation(t, check(t, "DELETE", "/v1/volumes/v-1", "", 202, `{"id":"v-1"}`), Response, "documents none")
	// An enum: security_groups as strings instead of [{name}] in a server body.
	vs = check(t, "GET", "/v1/servers/s-1", "", 200, `{"account_id":"a","created_at":"2026-01-02T03:04:05Z","created_by":"u",
		"disk_config":"MANUAL","id":"s-1","locked":false,"metadata":{},"modified_at":"2026-01-02T03:04:05Z","name":"n",
		"server_type":{"disk":0,"ephemeral":0,"extra_specs":{},"name":"s1v1m2","ram":1024,"swap":0,"vcpus":1},
		"state":"ACTIVE","volumes":[],"security_groups":["sg-1"],"networks":[]}`)
	wantViolation(t, vs, Response, "security_groups")
	wantViolation(t, vs, Response, "networks")
}

func TestBrokenRequestsAreCaught(t *testing.T) {
	// A deliberately broken request: the extend call that does not exist.
	wantViolation(t, check(t, "POST", "/v1/volumes/v-1/extend", `{"size":24}`, 202, ""), Request, "undocumented path")
	wantViolation(t, check(t, "PATCH", "/v1/volumes/v-1", `{"name":"x"}`, 200, goodVolume), Request, "undocumented method")
	// An undocumented property, a missing required one, a value below the minimum.
	vs := check(t, "POST", "/v1/volumes", `{"size":4,"multiattach":true}`, 202, goodVolume)
	wantViolation(t, vs, Request, "multiattach")
	wantViolation(t, vs, Request, "name")
	wantViolation(t, vs, Request, "size")
	// keypair_name is required; networks is not (unknown for 1.3).
	vs = check(t, "POST", "/v1/servers", `{"name":"web","image_id":"i","server_type_id":"t"}`, 400,
		`{"errors":[{"status":400,"detail":"keypair_name: required"}]}`)
	wantViolation(t, vs, Request, "keypair_name")
	for _, v := range vs {
		if strings.Contains(v.Message, "networks") {
			t.Errorf("networks enforced: %s", v)
		}
	}
	// A query parameter the operation does not take, a limit over the maximum, an enum header.
	wantViolation(t, check(t, "GET", "/v1/volumes?page=2", "", 200, `{"volumes":[]}`), Request, `"page"`)
	wantViolation(t, check(t, "GET", "/v1/volumes?limit=1001", "", 200, `{"volumes":[]}`), Request, "limit")
	r, _ := jsonRequest("GET", "/v1/volumes", "")
	r.Header.Set("Scp-Api-Version", "virtualserver 1.0")
	vs = checker(t).Check(Exchange{Request: r, Status: 200, Header: jsonHeader(), Body: []byte(`{"volumes":[]}`)})
	wantViolation(t, vs, Request, "Scp-Api-Version")
	// A body on a call that takes none.
	wantViolation(t, check(t, "POST", "/v1/servers/s-1/lock", `{"x":1}`, 202, ""), Request, "not allowed")
}

func TestCatalogChecked(t *testing.T) {
	vs := check(t, "GET", "/iam/v1/endpoints", "", 200, `{"endpoints":[{"region":"kr-west1","service_type":"scp-virtualserver","URL":"x"}]}`)
	wantViolation(t, vs, Response, "service_name")
	wantViolation(t, vs, Response, "URL")
	wantViolation(t, check(t, "GET", "/iam/v1/endpoints?service_type=x", "", 401, `{"errors":[{"status":401,"detail":"no"}]}`), Request, "service_type")
	wantViolation(t, check(t, "GET", "/v1/endpoints", "", 200, `{"endpoints":[]}`), Request, "undocumented path")
}
