package difftest

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

const (
	fixturePath   = "testdata/real-openstack.json"
	allowListPath = "allowlist.txt"
)

// runEmulator runs the scenario against a fresh in-process emulator with Nova's rules and
// every reference checked.
func runEmulator(t *testing.T) *Recording {
	t.Helper()
	// The detach lasts long enough (200ms) for the second DELETE to meet it.
	e := openstack.New(openstack.Config{StrictReferences: true, LatencyScale: 0.02,
		Latencies: map[openstack.OpKind]openstack.Latency{openstack.OpDetach: {Base: 10 * time.Second}}})
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() { e.Close(); srv.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec, err := Run(ctx, EmulatorTarget(e, srv.URL+"/v3"), Options{Prefix: "osdiff-emu", Poll: 5 * time.Millisecond, Wait: 20 * time.Second, Source: "openstack emulator"})
	if err != nil {
		t.Fatalf("the scenario against the emulator: %v", err)
	}
	if left := len(e.Servers()) + len(e.Volumes()); left != 0 {
		t.Errorf("the scenario left %d servers and volumes behind", left)
	}
	return rec
}

// judge fails the test on every difference the allow-list does not explain, and on every
// entry that explained nothing.
func judge(t *testing.T, real, emu *Recording) {
	t.Helper()
	f, err := os.Open(allowListPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	allow, err := ParseAllowList(f)
	if err != nil {
		t.Fatal(err)
	}
	diffs := Compare(real, emu)
	unexplained, unused := Judge(diffs, allow)
	for _, d := range unexplained {
		t.Errorf("emulator differs from real OpenStack: %s", d)
	}
	for _, a := range unused {
		t.Errorf("%s:%d allows a difference that no longer occurs: %s | %s", allowListPath, a.Line, a.Step, a.Path)
	}
	t.Logf("%d steps compared: %d differences, %d of them allowed by the %d entries of %s",
		len(real.Exchanges), len(diffs), len(diffs)-len(unexplained), len(allow), allowListPath)
}

// TestEmulatorMatchesRecordedCloud compares the emulator with the answers recorded from
// real OpenStack services.
func TestEmulatorMatchesRecordedCloud(t *testing.T) {
	real, err := LoadRecording(fixturePath)
	if os.IsNotExist(err) {
		t.Skipf("%s has not been recorded yet: OSDIFF_RECORD=1 make openstack-diff against a real cloud writes it", fixturePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	judge(t, real, runEmulator(t))
}

// TestLiveCloudMatchesEmulator runs the scenario against the real cloud the OS_* variables
// name (OSDIFF_LIVE=1, `make openstack-diff`), and with OSDIFF_RECORD=1 writes its answers
// to the fixtures.
func TestLiveCloudMatchesEmulator(t *testing.T) {
	if os.Getenv("OSDIFF_LIVE") == "" {
		t.Skip("set OSDIFF_LIVE=1 and the OS_* variables of a real cloud (make openstack-diff)")
	}
	target, ok, err := TargetFromEnv()
	if !ok {
		t.Fatal("OSDIFF_LIVE is set but OS_AUTH_URL is not: source the cloud's openrc first")
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	source := os.Getenv("OSDIFF_SOURCE")
	if source == "" {
		source = "a real OpenStack cloud"
	}
	real, err := Run(ctx, target, Options{Source: source})
	if err != nil {
		t.Fatalf("the scenario against %s: %v", target.AuthURL, err)
	}
	for _, n := range real.Notes {
		t.Log("note: " + n)
	}
	if os.Getenv("OSDIFF_RECORD") != "" {
		if err := SaveRecording(fixturePath, real); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %d exchanges to %s", len(real.Exchanges), fixturePath)
	}
	judge(t, real, runEmulator(t))
}

// TestCompareFindsEachKindOfDifference: a missing step, a status, a missing key, an extra
// key, a type, an element's key, and text against JSON are each reported; values are not.
func TestCompareFindsEachKindOfDifference(t *testing.T) {
	real := &Recording{Exchanges: []Exchange{
		{Step: "a", Status: 200, Body: []byte(`{"server":{"id":"x","flavor":{"id":"1"},"tags":[],"list":[{"k":1}],"addresses":{"net1":[{"addr":"1"}]}}}`)},
		{Step: "b", Status: 400, Body: []byte(`{"badRequest":{"code":400}}`)},
		{Step: "c", Status: 404, Text: "404 Not Found"},
		{Step: "d", Status: 200},
	}}
	emu := &Recording{Exchanges: []Exchange{
		{Step: "a", Status: 200, Body: []byte(`{"server":{"id":"y","flavor":{},"tags":null,"extra":true,"list":[{"j":1}],"addresses":{"other":[{"addr":"2"}]}}}`)},
		{Step: "b", Status: 403, Body: []byte(`{"forbidden":{"code":403}}`)},
		{Step: "c", Status: 404, Body: []byte(`{"itemNotFound":{}}`)},
	}}
	var got []string
	for _, d := range Compare(real, emu) {
		got = append(got, d.String())
	}
	want := []string{
		"a $.server.extra: only in the emulator (bool)",
		"a $.server.flavor.id: missing in the emulator (real: string)",
		"a $.server.list[].j: only in the emulator (number)",
		"a $.server.list[].k: missing in the emulator (real: number)",
		"a $.server.tags: real array, emulator null",
		"b status: real 400, emulator 403",
		"b $.badRequest: missing in the emulator (real: object)",
		"b $.forbidden: only in the emulator (object)",
		"c $: real body text, emulator body JSON",
		"d step: missing in the emulator's recording",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAllowListNeedsReasonsAndReportsStaleEntries(t *testing.T) {
	if _, err := ParseAllowList(strings.NewReader("server.show | $.x |   \n")); err == nil {
		t.Error("an entry without a reason was accepted")
	}
	allow, err := ParseAllowList(strings.NewReader("# comment\nserver.* | $.server.OS-EXT-* | admin-only\n* | status | never used\n"))
	if err != nil {
		t.Fatal(err)
	}
	diffs := []Difference{{"server.show", "$.server.OS-EXT-SRV-ATTR:host", "x"}, {"server.show", "$.server.name", "y"}}
	unexplained, unused := Judge(diffs, allow)
	if len(unexplained) != 1 || unexplained[0].Path != "$.server.name" {
		t.Errorf("unexplained %v", unexplained)
	}
	if len(unused) != 1 || unused[0].Why != "never used" || unused[0].Line != 3 {
		t.Errorf("unused %v", unused)
	}
}

// TestSanitizerKeepsShapesAndHidesValues: ids, times, hosts, addresses and secrets go,
// types stay.
func TestSanitizerKeepsShapesAndHidesValues(t *testing.T) {
	s := newSanitizer()
	s.name("6f1c3b8e-2f4e-4c1e-9a55-4a1a6f0e7b10", "server")
	got := s.value("", map[string]any{
		"id": "6f1c3b8e-2f4e-4c1e-9a55-4a1a6f0e7b10", "adminPass": "hunter2", "created": "2026-12-07T16:11:50Z",
		"href": "http://127.0.0.1:8774/v2.1/servers/6f1c3b8e-2f4e-4c1e-9a55-4a1a6f0e7b10", "addr": "10.0.0.5",
		"other": "0d4b0a4e-3c1f-4e2a-9d3b-7f8e9a0b1c2d", "project": "1dd452f5f6de43409df954aa30f182d0", "size": 1.0,
	}).(map[string]any)
	want := map[string]any{
		"id": "{server}", "adminPass": "{secret}", "created": "{time}", "href": "http://{host}/v2.1/servers/{server}",
		"addr": "{ip}", "other": "{uuid}", "project": "{id}", "size": 1.0,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
}

// TestScenarioOnEmulator: the scenario runs to the end on the emulator, records the answers
// that the real services give at each step (REAL-OPENSTACK.md), and a recording has no
// difference from itself.
func TestScenarioOnEmulator(t *testing.T) {
	rec := runEmulator(t)
	want := map[string]int{
		"token.create": 201, "volume.versions": 300, "volume.version.v3": 200, "volume.endpoint": 404,
		"flavor.show": 200, "image.show": 200, "image.show.missing": 404, "network.show.missing": 404,
		"volume.create": 202, "volume.extend": 202, "server.create": 202, "server.tags": 200,
		"attachment.create": 200, "attachment.delete.root": 400, "attachment.delete": 202,
		"attachment.delete.while-detaching": 400, "attachment.show.after-detach": 404,
		"attachment.delete.after-detach": 404, "server.delete": 204, "server.show.deleted": 404,
		"volume.delete": 202, "volume.show.deleted": 404, "volume.show.boot-deleted": 404,
	}
	for step, status := range want {
		x, ok := rec.Step(step)
		if !ok || x.Status != status {
			t.Errorf("%s: %+v, want status %d", step, x, status)
		}
	}
	if x, _ := rec.Step("server.show"); !strings.Contains(string(x.Body), `"original_name"`) || !strings.Contains(string(x.Body), `"{server}"`) {
		t.Errorf("server.show at 2.79: %s", x.Body)
	}
	if d := Compare(rec, rec); len(d) != 0 {
		t.Errorf("a recording differs from itself: %v", d)
	}
}
