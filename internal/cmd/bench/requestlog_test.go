package main

import (
	"net/http"
	"testing"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

func TestOSLogReadsThePollsTheProviderMakes(t *testing.T) {
	reqs := []osemu.RequestRecord{
		{Method: http.MethodGet, Op: osemu.RouteServerGet, ServerID: "s1"},
		{Method: http.MethodGet, Op: osemu.RouteVolumeGet, VolumeID: "v1"},
		{Method: http.MethodGet, Op: osemu.RouteAttachmentGet, ServerID: "s1", VolumeID: "v1"},
		{Method: http.MethodDelete, Op: osemu.RouteAttachmentDelete, ServerID: "s1", VolumeID: "v1"},
	}
	cases := []struct {
		attachmentPolls bool
		want            []bool // which records poll an object
	}{
		{false, []bool{true, true, false, false}},
		{true, []bool{true, false, true, false}},
	}
	for _, c := range cases {
		got := osLog{reqs, c.attachmentPolls}.probes()
		for i, p := range got {
			if p.ok != c.want[i] {
				t.Errorf("attachmentPolls=%v: record %d (%s) polls=%v, want %v", c.attachmentPolls, i, reqs[i].Op, p.ok, c.want[i])
			}
		}
		if got[0].polls != (probeKey{serverObject, "s1"}) {
			t.Errorf("a server GET polls %+v", got[0].polls)
		}
	}
}
