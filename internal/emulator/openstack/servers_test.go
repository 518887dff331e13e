package openstack

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
)

func TestServerLifecycle(t *testing.T) {
	// Build, power and delete last 200ms at the test scale, so their task_states are seen
	// even on a busy machine.
	slow := Latency{Base: 4 * time.Second}
	ev := newEnv(t, Config{Latencies: map[OpKind]Latency{OpServerCreate: slow, OpServerPower: slow, OpServerDelete: slow}})
	ev.compute.Microversion = "2.9" // locked is shown from 2.9; the flavor keeps its id until 2.47
	data := ev.createVolume("data", 5)
	created, err := servers.Create(ctx, ev.compute, servers.CreateOpts{
		Name: "web-1", FlavorRef: "2", ImageRef: "img-ubuntu",
		Networks:       []servers.Network{{UUID: "6f1c3b8e-2f4e-4c1e-9a55-4a1a6f0e7b10", FixedIP: "10.1.2.3"}},
		SecurityGroups: []string{"default", "web"}, Metadata: map[string]string{"role": "web"},
		UserData: []byte("#cloud-config\n"),
		BlockDevice: []servers.BlockDevice{
			{SourceType: servers.SourceImage, DestinationType: servers.DestinationVolume, UUID: "img-ubuntu",
				BootIndex: 0, VolumeSize: 10, DeleteOnTermination: true},
			{SourceType: servers.SourceVolume, DestinationType: servers.DestinationVolume, UUID: data.ID, BootIndex: -1},
		},
	}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.AdminPass == "" || len(created.SecurityGroups) != 2 {
		t.Errorf("create answer %+v", created)
	}
	s := ev.getServer(created.ID)
	if s.Status != "BUILD" || s.VmState != "building" || s.TaskState != "spawning" {
		t.Errorf("while building: %s/%s/%s", s.Status, s.VmState, s.TaskState)
	}
	s = ev.waitServer(created.ID, "ACTIVE")
	if s.VmState != "active" || s.PowerState != servers.RUNNING || s.Locked == nil || *s.Locked ||
		s.RootDeviceName != nil || s.Name != "web-1" ||
		s.Metadata["role"] != "web" || s.Image != nil || s.Flavor["id"] != "2" || s.LaunchedAt.IsZero() {
		t.Errorf("active server %+v", s)
	}
	// OS-EXT-SRV-ATTR:* (root_device_name, user_data) are shown to admins only.
	if s.Userdata != nil {
		t.Errorf("user_data shown to a member: %v", *s.Userdata)
	}
	if st, _ := ev.e.Server(s.ID); st.RootDeviceName != "/dev/vda" {
		t.Errorf("root device %q", st.RootDeviceName)
	}
	if len(s.AttachedVolumes) != 2 || s.AttachedVolumes[1].ID != data.ID {
		t.Fatalf("volumes_attached %+v", s.AttachedVolumes)
	}
	boot := ev.getVolume(s.AttachedVolumes[0].ID)
	if boot.Status != "in-use" || boot.Bootable != "true" || boot.Size != 10 || len(boot.Attachments) != 1 ||
		boot.Attachments[0].ServerID != s.ID || boot.Attachments[0].Device != "/dev/vda" || boot.Attachments[0].AttachedAt.IsZero() {
		t.Errorf("boot volume %+v", boot)
	}
	if d := ev.getVolume(data.ID); d.Status != "in-use" || d.Attachments[0].Device != "/dev/vdb" || d.Bootable != "false" {
		t.Errorf("data volume %+v", d)
	}

	if u, err := servers.Update(ctx, ev.compute, s.ID, servers.UpdateOpts{Name: "web-01"}).Extract(); err != nil || u.Name != "web-01" {
		t.Errorf("rename %+v, %v", u, err)
	}
	if err := servers.Lock(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if s := ev.getServer(s.ID); !*s.Locked {
		t.Error("lock did not take")
	}
	wantCode(t, servers.Delete(ctx, ev.compute, s.ID).ExtractErr(), http.StatusConflict, "is locked")
	wantCode(t, servers.Stop(ctx, ev.compute, s.ID).ExtractErr(), http.StatusConflict, "is locked")
	if err := servers.Unlock(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}

	if err := servers.Stop(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if s := ev.getServer(s.ID); s.TaskState != "powering-off" {
		t.Errorf("stopping: task_state %q", s.TaskState)
	}
	if s := ev.waitServer(s.ID, "SHUTOFF"); s.VmState != "stopped" || s.PowerState != servers.SHUTDOWN {
		t.Errorf("stopped: %s %d", s.VmState, s.PowerState)
	}
	wantCode(t, servers.Stop(ctx, ev.compute, s.ID).ExtractErr(), http.StatusConflict, "Cannot 'stop' instance", "vm_state stopped")
	if err := servers.Start(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	ev.waitServer(s.ID, "ACTIVE")

	if err := servers.Delete(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if s := ev.getServer(s.ID); s.TaskState != "deleting" {
		t.Errorf("deleting: task_state %q", s.TaskState)
	}
	if err := servers.Delete(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Errorf("a repeated delete: %v", err)
	}
	eventually(t, "server gone", func() bool {
		return servers.Get(ctx, ev.compute, s.ID).Err != nil
	})
	wantCode(t, servers.Get(ctx, ev.compute, s.ID).Err, http.StatusNotFound, "could not be found")
	wantCode(t, volumes.Get(ctx, ev.volume, boot.ID).Err, http.StatusNotFound)
	if d := ev.getVolume(data.ID); d.Status != "available" || len(d.Attachments) != 0 {
		t.Errorf("data volume after the server went: %+v", d)
	}
	var deletes int
	for _, op := range ev.e.Operations() {
		if op.Kind == OpServerDelete {
			deletes++
		}
	}
	if deletes != 1 {
		t.Errorf("%d delete operations for two DELETEs", deletes)
	}
}

func TestServerShowsDeletedBeforeGone(t *testing.T) {
	for _, status := range []string{"DELETED", "SOFT_DELETED"} {
		t.Run(status, func(t *testing.T) {
			ev := newEnv(t, Config{DeletedStatus: status, Latencies: map[OpKind]Latency{OpServerPurge: {Base: 4 * time.Second}}})
			s := ev.createServer("gone-soon")
			if err := servers.Delete(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
				t.Fatal(err)
			}
			got := ev.waitServer(s.ID, status)
			if got.VmState == "active" {
				t.Errorf("vm_state %q", got.VmState)
			}
			wantCode(t, servers.Delete(ctx, ev.compute, s.ID).ExtractErr(), http.StatusNotFound)
			if all, _ := servers.List(ev.compute, nil).AllPages(ctx); all != nil {
				if list, _ := servers.ExtractServers(all); len(list) != 0 {
					t.Errorf("a deleted server is listed: %+v", list)
				}
			}
			eventually(t, "404 after the purge", func() bool {
				return gophercloud.ResponseCodeIs(servers.Get(ctx, ev.compute, s.ID).Err, http.StatusNotFound)
			})
		})
	}
}

func TestServerListAndBootFromExistingVolume(t *testing.T) {
	ev := newEnv(t, Config{DevicePrefix: "/dev/xvd"})
	root, err := volumes.Create(ctx, ev.volume, volumes.CreateOpts{Name: "root", Size: 8, ImageID: "img-debian"}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	ev.waitVolume(root.ID, "available")
	created, err := servers.Create(ctx, ev.compute, servers.CreateOpts{
		Name: "db-1", FlavorRef: "4",
		BlockDevice: []servers.BlockDevice{{SourceType: servers.SourceVolume, DestinationType: servers.DestinationVolume, UUID: root.ID, BootIndex: 0}},
	}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	s := ev.waitServer(created.ID, "ACTIVE")
	if st, _ := ev.e.Server(s.ID); st.RootDeviceName != "/dev/xvda" || s.AttachedVolumes[0].ID != root.ID {
		t.Errorf("server %+v", s)
	}
	if v := ev.getVolume(root.ID); v.Bootable != "true" || v.Attachments[0].Device != "/dev/xvda" {
		t.Errorf("root volume %+v", v)
	}
	ev.createServer("web-2")
	pages, err := servers.List(ev.compute, servers.ListOpts{Name: "^db-"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := servers.ExtractServers(pages)
	if err != nil || len(list) != 1 || list[0].ID != s.ID || list[0].Status != "ACTIVE" {
		t.Errorf("list %+v, %v", list, err)
	}
}

func TestServerCreateRefusals(t *testing.T) {
	ev := newEnv(t, Config{})
	inUse := ev.createServer("holder").AttachedVolumes[0].ID
	cases := map[string]servers.CreateOpts{
		"no flavor":                   {Name: "x", ImageRef: "img"},
		"no image and no boot volume": {Name: "x", FlavorRef: "1"},
		"unknown volume": {Name: "x", FlavorRef: "1", BlockDevice: []servers.BlockDevice{
			{SourceType: servers.SourceVolume, DestinationType: servers.DestinationVolume, UUID: "7b0e2f9c-0000-4000-8000-000000000000"}}},
		"volume in use": {Name: "x", FlavorRef: "1", BlockDevice: []servers.BlockDevice{
			{SourceType: servers.SourceVolume, DestinationType: servers.DestinationVolume, UUID: inUse}}},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := servers.Create(ctx, ev.compute, opts, nil).Extract()
			wantCode(t, err, http.StatusBadRequest)
		})
	}
	resp := ev.rawRequest(http.MethodPost, "/v2.1/"+ev.e.Config().ProjectID+"/servers", ev.provider.Token(),
		`{"server":{"name":"x","flavorRef":"1","imageRef":"i","user_data":"not base64!"}}`)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"badRequest"`) || !strings.Contains(string(b), "base 64") {
		t.Errorf("invalid user_data: %d %s", resp.StatusCode, b)
	}
	resp = ev.rawRequest(http.MethodPost, "/v2.1/"+ev.e.Config().ProjectID+"/servers/"+ev.e.Servers()[0].ID+"/action", ev.provider.Token(), `{"reboot":{"type":"SOFT"}}`)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown action: %d", resp.StatusCode)
	}
}

// TestDeleteDuringBuild: a server deleted while it builds releases the volumes
// created for it that are not delete_on_termination.
func TestDeleteDuringBuild(t *testing.T) {
	ev := newEnv(t, Config{Latencies: map[OpKind]Latency{OpServerCreate: {Base: 10 * time.Second}}})
	created, err := servers.Create(ctx, ev.compute, servers.CreateOpts{Name: "early", FlavorRef: "1", ImageRef: "i",
		BlockDevice: []servers.BlockDevice{{SourceType: servers.SourceBlank, DestinationType: servers.DestinationVolume, VolumeSize: 1, BootIndex: -1}},
	}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	vol := ev.getServer(created.ID).AttachedVolumes[0].ID
	if v := ev.getVolume(vol); v.Status != "creating" {
		t.Errorf("volume while building: %s", v.Status)
	}
	if err := servers.Delete(ctx, ev.compute, created.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	ev.waitVolume(vol, "available")
	eventually(t, "server gone", func() bool {
		return gophercloud.ResponseCodeIs(servers.Get(ctx, ev.compute, created.ID).Err, http.StatusNotFound)
	})
}

func TestServerBuildFailure(t *testing.T) {
	ev := newEnv(t, Config{})
	if err := ev.e.FailNext(OpServerCreate, 1); err != nil {
		t.Fatal(err)
	}
	created, err := servers.Create(ctx, ev.compute, servers.CreateOpts{Name: "doomed", FlavorRef: "1", ImageRef: "i"}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	s := ev.waitServer(created.ID, "ERROR")
	if s.VmState != "error" || s.Fault.Code != 500 || !strings.Contains(s.Fault.Message, "aborted") {
		t.Errorf("failed build %+v", s)
	}
	if err := servers.Delete(ctx, ev.compute, s.ID).ExtractErr(); err != nil {
		t.Fatalf("an ERROR server deletes: %v", err)
	}
}

func TestMicroversionHeaders(t *testing.T) {
	ev := newEnv(t, Config{})
	c := *ev.compute
	c.Microversion = "2.79"
	s := ev.createServer("mv")
	res := servers.Get(ctx, &c, s.ID)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := res.Header.Get("OpenStack-API-Version"); got != "compute 2.79" {
		t.Errorf("echoed version %q", got)
	}
	c.Microversion = "2.200"
	wantCode(t, servers.Get(ctx, &c, s.ID).Err, http.StatusNotAcceptable)
}
