package scp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

func TestListServersFiltersByNameAndSignsTheQuery(t *testing.T) {
	c, rec := newTestClient(t, answer(200, `{"servers":[`+serverJSON+`,{"id":"s-2","name":"web","state":"BUILD","created_at":"2026-11-22T10:00:00Z"}],"count":2}`))
	servers, err := c.ListServers(context.Background(), "web tier")
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 2 || servers[1].ID != "s-2" || servers[1].CreatedAt != "2026-11-22T10:00:00Z" {
		t.Fatalf("servers = %+v", servers)
	}
	r := rec.requests[0]
	if r.Method != http.MethodGet || r.URL.Path != "/v1/servers" || r.URL.Query().Get("name") != "web tier" {
		t.Fatalf("request %s %s", r.Method, r.URL.RequestURI())
	}
	wire := "http://" + r.Host + r.RequestURI
	want := Signature("super-secret-value", r.Method, wire, r.Header.Get("Scp-Timestamp"), "AKTESTACCESSKEY1", "", ClientType)
	if r.Header.Get("Scp-Signature") != want {
		t.Fatalf("the signature does not cover the query as sent: %s", wire)
	}
}

func TestListServersWithoutNameSendsOnlyPaging(t *testing.T) {
	c, rec := newTestClient(t, answer(200, `{"servers":[],"count":0}`))
	servers, err := c.ListServers(context.Background(), "")
	if err != nil || len(servers) != 0 {
		t.Fatalf("servers %v, err %v", servers, err)
	}
	if q := rec.requests[0].URL.RawQuery; q != "limit=1000" {
		t.Fatalf("query %q, want only the page size", q)
	}
}

// volumePage answers one page of n volumes numbered from first.
func volumePage(first, n int) func(http.ResponseWriter) {
	var items []string
	for i := first; i < first+n; i++ {
		items = append(items, fmt.Sprintf(`{"id":"v-%03d","name":"data","state":"available","size":8}`, i))
	}
	return answer(200, `{"volumes":[`+strings.Join(items, ",")+`],"count":99}`)
}

func TestListVolumesFollowsMarkersToTheEnd(t *testing.T) {
	defer func(old int) { pageSize = old }(pageSize)
	pageSize = 20
	c, rec := newTestClient(t, volumePage(0, 20), volumePage(20, 20), volumePage(40, 5))
	volumes, err := c.ListVolumes(context.Background(), "data")
	if err != nil {
		t.Fatal(err)
	}
	if len(volumes) != 45 || volumes[44].ID != "v-044" {
		t.Fatalf("got %d volumes, want all 45", len(volumes))
	}
	wantQueries := []string{"limit=20&name=data", "limit=20&marker=v-019&name=data", "limit=20&marker=v-039&name=data"}
	for i, want := range wantQueries {
		if got := rec.requests[i].URL.RawQuery; got != want {
			t.Errorf("page %d query %q, want %q", i, got, want)
		}
	}
}

func TestListStopsWhenTheEndpointIgnoresTheMarker(t *testing.T) {
	defer func(old int) { pageSize = old }(pageSize)
	pageSize = 20
	c, rec := newTestClient(t, volumePage(0, 20), volumePage(0, 20), volumePage(0, 20))
	volumes, err := c.ListVolumes(context.Background(), "")
	if err != nil || len(volumes) != 20 {
		t.Fatalf("got %d volumes, err %v; want the 20 distinct ones", len(volumes), err)
	}
	if len(rec.requests) != 2 {
		t.Fatalf("%d requests, want 2: a repeated page ends the listing", len(rec.requests))
	}
}

func TestListServersRejectsUndocumentedShapes(t *testing.T) {
	for name, body := range map[string]string{
		"entry without id": `{"servers":[{"name":"web","state":"ACTIVE"}]}`,
		"not a list":       `{"servers":{"id":"s-1"}}`,
		"html":             `<html>maintenance</html>`,
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, answer(200, body))
			_, err := c.ListServers(context.Background(), "web")
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("err = %v, want a DecodeError", err)
			}
		})
	}
}

func TestListVolumesFiltersByName(t *testing.T) {
	c, rec := newTestClient(t, answer(200, `{"volumes":[{"id":"v-1","name":"data","state":"creating","size":8,"created_at":"2026-11-22T10:00:00Z"}],"count":1}`))
	volumes, err := c.ListVolumes(context.Background(), "data")
	if err != nil {
		t.Fatal(err)
	}
	if len(volumes) != 1 || volumes[0].ID != "v-1" || volumes[0].CreatedAt == "" {
		t.Fatalf("volumes = %+v", volumes)
	}
	if got := rec.requests[0].URL.RequestURI(); got != "/v1/volumes?limit=1000&name=data" {
		t.Fatalf("request %s", got)
	}
}

func TestMayHaveTakenEffect(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"500", &APIError{StatusCode: 500}, true},
		{"504", &APIError{StatusCode: 504}, true},
		{"408", &APIError{StatusCode: 408}, true},
		{"400", &APIError{StatusCode: 400}, false},
		{"401", &APIError{StatusCode: 401}, false},
		{"409", &APIError{StatusCode: 409}, false},
		{"429", &APIError{StatusCode: 429}, false},
		{"decode", &DecodeError{StatusCode: 200}, true},
		{"reset", &TransportError{Err: errors.New("connection reset by peer")}, true},
		{"refused", &TransportError{Err: &net.OpError{Op: "dial", Err: errors.New("refused")}}, false},
		{"interrupted", fmt.Errorf("server.create request interrupted: %w", context.Canceled), true},
		{"other", errors.New("encoding failed"), false},
	}
	for _, tc := range cases {
		if got := MayHaveTakenEffect(tc.err); got != tc.want {
			t.Errorf("%s: MayHaveTakenEffect = %t, want %t", tc.name, got, tc.want)
		}
	}
}

func TestBodylessAnswersMustNotBeGarbage(t *testing.T) {
	for name, tc := range map[string]struct {
		a      func(http.ResponseWriter)
		decode bool
	}{
		"202 empty":     {answer(202, ""), false},
		"200 json":      {answer(200, `{"status":"ok"}`), false},
		"200 truncated": {answer(200, `{"id":"5f0c2a1e-8b7d-4c`), true},
		"200 html":      {answer(200, "<html>maintenance</html>", "Content-Type", "text/html"), true},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, tc.a)
			err := c.DeleteServer(context.Background(), "s-1")
			var decodeErr *DecodeError
			if got := errors.As(err, &decodeErr); got != tc.decode {
				t.Fatalf("err = %v, want a DecodeError: %t", err, tc.decode)
			}
			if tc.decode && !strings.Contains(err.Error(), "may or may not have taken effect") {
				t.Fatalf("a DELETE's decode error must not claim nothing changed: %v", err)
			}
		})
	}
}

func TestErrorAnswersNeverCarryTheKeysWhole(t *testing.T) {
	c, _ := newTestClient(t, answer(401, `{"errors":[{"status":401,"code":"UNAUTHORIZED","detail":"unknown access key \"AKTESTACCESSKEY1\" (secret super-secret-value)"}]}`))
	_, err := c.GetServer(context.Background(), "s-1")
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	for _, secret := range []string{"AKTESTACCESSKEY1", "super-secret-value"} {
		if strings.Contains(msg, secret) {
			t.Errorf("message leaks %q: %s", secret, msg)
		}
	}
	if !strings.Contains(msg, MaskKey("AKTESTACCESSKEY1")) {
		t.Errorf("message does not name the masked key: %s", msg)
	}
}

// A create body logged at TRACE keeps its shape but not its user data, which may hold secrets.
func TestCreateBodyIsLoggedWithoutUserData(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho db-password-42\n"))
	body, err := json.Marshal(CreateServerRequest{Name: "web", ImageID: "img", ServerTypeID: "s1v1m2", UserData: secret})
	if err != nil {
		t.Fatal(err)
	}
	logged := redactBody(body)
	if strings.Contains(logged, secret) || strings.Contains(logged, "db-password-42") {
		t.Fatalf("the logged body holds the user data: %s", logged)
	}
	if !strings.Contains(logged, `"user_data":"(redacted)"`) || !strings.Contains(logged, `"name":"web"`) {
		t.Fatalf("the logged body lost its shape: %s", logged)
	}
	if got := redactBody([]byte("not json " + secret)); strings.Contains(got, secret) {
		t.Fatalf("an unparsed body is logged as it is: %s", got)
	}
}

// TestOSDiskDeviceAgreesWithTheFacts: the attachment list marks the system disk by the same rule
// the provider's plan-time check reads from Facts, whatever the case the API writes the device in.
func TestOSDiskDeviceAgreesWithTheFacts(t *testing.T) {
	t.Parallel()
	facts := cloud.Facts{SystemDiskDevices: SystemDiskDevices()}
	for _, device := range []string{"/dev/vda", "/dev/sda", "/dev/VDA", "/dev/Sda", "/dev/vdb", "/dev/sdb", ""} {
		if got, want := IsOSDiskDevice(device), facts.IsSystemDiskDevice(device); got != want {
			t.Errorf("%q: IsOSDiskDevice = %v, Facts.IsSystemDiskDevice = %v", device, got, want)
		}
	}
}
