package scp

import (
	"slices"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/contract"
)

// The emulator serves exactly the contract's calls, and its status table is the
// contract's.
func TestRoutesAndStatusesFollowTheContract(t *testing.T) {
	c, err := contract.Default()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, rt := range apiRoutes {
		served[rt.method+" "+rt.pattern] = true
		want, ok := c.Statuses(rt.method, rt.pattern)
		if !ok {
			t.Errorf("%s %s (%s) is not in the contract", rt.method, rt.pattern, rt.name)
			continue
		}
		if got := documentedStatuses[rt.name]; !slices.Equal(got, want) {
			t.Errorf("%s: statuses %v, the contract documents %v", rt.name, got, want)
		}
	}
	for _, op := range c.Operations() {
		if !served[op] {
			t.Errorf("the contract's %s is not served", op)
		}
	}
}

func TestFitStatus(t *testing.T) {
	for _, tc := range []struct {
		rt         Route
		in, wanted int
	}{
		{RouteVolumeGet, 404, 404},
		{RouteVolumeDelete, 404, 400},
		{RouteServerLock, 409, 403},
		{RouteServerUnlock, 409, 400},
		{RouteServerDelete, 400, 403},
		{RouteTagsGet, 401, 403},
		{RouteVolumeTypeDefault, 400, 401},
	} {
		if got := fitStatus(tc.rt, tc.in); got != tc.wanted {
			t.Errorf("fitStatus(%s, %d) = %d, want %d", tc.rt, tc.in, got, tc.wanted)
		}
	}
}
