package openstack

import (
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	emu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

func TestListers(t *testing.T) {
	f := newFixture(t, emu.Config{})
	ctx := f.ctx()
	a := f.server("web")
	f.server("web-2")
	got, err := f.c.ListServers(ctx, cloud.ServerFilter{Name: "web"})
	if err != nil || len(got) != 1 || got[0].ID != a {
		t.Fatalf("by name: %+v %v", got, err)
	}
	if got, err := f.c.ListServers(ctx, cloud.ServerFilter{State: "ACTIVE"}); err != nil || len(got) != 2 {
		t.Fatalf("by state: %+v %v", got, err)
	}
	if got, err := f.c.ListServers(ctx, cloud.ServerFilter{State: "SHUTOFF"}); err != nil || len(got) != 0 {
		t.Fatalf("by another state: %+v %v", got, err)
	}
	_, err = f.c.ListServers(ctx, cloud.ServerFilter{VpcID: "vpc"})
	wantOutcome(t, err, cloud.OutcomeRejected, "vpc_id")

	data := f.volume("data", 1)
	bootable, notBootable := true, false
	if got, err := f.c.ListVolumes(ctx, cloud.VolumeFilter{Bootable: &bootable}); err != nil || len(got) != 2 {
		t.Fatalf("bootable: %+v %v", got, err)
	}
	if got, err := f.c.ListVolumes(ctx, cloud.VolumeFilter{Bootable: &notBootable}); err != nil || len(got) != 1 || got[0].ID != data {
		t.Fatalf("not bootable: %+v %v", got, err)
	}
	if got, err := f.c.ListVolumes(ctx, cloud.VolumeFilter{Name: "data", State: "in-use"}); err != nil || len(got) != 0 {
		t.Fatalf("name and state: %+v %v", got, err)
	}
}
