package openstack

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
)

func TestVolumeLifecycle(t *testing.T) {
	ev := newEnv(t, Config{})
	created, err := volumes.Create(ctx, ev.volume, volumes.CreateOpts{
		Name: "logs", Size: 10, Description: "d", VolumeType: "ssd", Metadata: map[string]string{"k": "v"},
	}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if created.Status != "creating" || created.Size != 10 || created.Bootable != "false" || created.CreatedAt.IsZero() {
		t.Errorf("create answer %+v", created)
	}
	v := ev.waitVolume(created.ID, "available")
	if v.Name != "logs" || v.VolumeType != "ssd" || v.Metadata["k"] != "v" || len(v.Attachments) != 0 || v.TenantID == "" {
		t.Errorf("volume %+v", v)
	}

	pages, err := volumes.List(ev.volume, volumes.ListOpts{Name: "logs"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := volumes.ExtractVolumes(pages); err != nil || len(list) != 1 || list[0].ID != v.ID {
		t.Errorf("list %+v, %v", list, err)
	}

	name := "logs-renamed"
	if u, err := volumes.Update(ctx, ev.volume, v.ID, volumes.UpdateOpts{Name: &name}).Extract(); err != nil || u.Name != name {
		t.Errorf("update %+v, %v", u, err)
	}

	if err := volumes.ExtendSize(ctx, ev.volume, v.ID, volumes.ExtendSizeOpts{NewSize: 20}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if got := ev.getVolume(v.ID); got.Status != "extending" {
		t.Errorf("extending: %s", got.Status)
	}
	if got := ev.waitVolume(v.ID, "available"); got.Size != 20 {
		t.Errorf("size after extend %d", got.Size)
	}
	wantCode(t, volumes.ExtendSize(ctx, ev.volume, v.ID, volumes.ExtendSizeOpts{NewSize: 20}).ExtractErr(),
		http.StatusBadRequest, "must be greater than current size")

	if err := volumes.Delete(ctx, ev.volume, v.ID, nil).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if got := ev.getVolume(v.ID); got.Status != "deleting" {
		t.Errorf("deleting: %s", got.Status)
	}
	eventually(t, "volume 404", func() bool {
		return gophercloud.ResponseCodeIs(volumes.Get(ctx, ev.volume, v.ID).Err, http.StatusNotFound)
	})
}

func TestVolumeRefusalsAndFailures(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("holder")
	v := ev.createVolume("attached", 1)
	ev.attach(s.ID, v.ID)

	wantCode(t, volumes.Delete(ctx, ev.volume, v.ID, nil).ExtractErr(), http.StatusBadRequest, "must not be migrating, attached")
	// An in-use extend needs microversion 3.42, as in Cinder.
	wantCode(t, volumes.ExtendSize(ctx, ev.volume, v.ID, volumes.ExtendSizeOpts{NewSize: 2}).ExtractErr(),
		http.StatusBadRequest, "status must be 'available'")
	mv := *ev.volume
	mv.Microversion = "3.42"
	if err := volumes.ExtendSize(ctx, &mv, v.ID, volumes.ExtendSizeOpts{NewSize: 2}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if got := ev.waitVolume(v.ID, "in-use"); got.Size != 2 {
		t.Errorf("in-use extend: size %d", got.Size)
	}
	_, err := volumes.Create(ctx, ev.volume, volumes.CreateOpts{Name: "zero"}, nil).Extract()
	wantCode(t, err, http.StatusBadRequest, "greater than 0")
	wantCode(t, volumes.Get(ctx, ev.volume, "0c0c0c0c-0000-4000-8000-000000000000").Err, http.StatusNotFound, "could not be found")

	for kind, status := range map[OpKind]string{OpVolumeCreate: "error", OpVolumeExtend: "error_extending", OpVolumeDelete: "error_deleting"} {
		if err := ev.e.FailNext(kind, 1); err != nil {
			t.Fatal(err)
		}
		w := v
		switch kind {
		case OpVolumeCreate:
			created, err := volumes.Create(ctx, ev.volume, volumes.CreateOpts{Size: 1}, nil).Extract()
			if err != nil {
				t.Fatal(err)
			}
			w = created
		case OpVolumeExtend:
			w = ev.createVolume("ext", 1)
			if err := volumes.ExtendSize(ctx, ev.volume, w.ID, volumes.ExtendSizeOpts{NewSize: 5}).ExtractErr(); err != nil {
				t.Fatal(err)
			}
		case OpVolumeDelete:
			w = ev.createVolume("del", 1)
			if err := volumes.Delete(ctx, ev.volume, w.ID, nil).ExtractErr(); err != nil {
				t.Fatal(err)
			}
		}
		ev.waitVolume(w.ID, status)
	}
}

// TestDeprecatedCinderActions: os-detach, os-begin_detaching and
// os-terminate_connection are served and every use is in the log. os-detach only
// flips the status (otc-evs-os-detach-deprecated.md): Nova still maps the volume.
func TestDeprecatedCinderActions(t *testing.T) {
	ev := newEnv(t, Config{})
	s := ev.createServer("victim")
	v := ev.createVolume("d", 1)
	ev.attach(s.ID, v.ID)
	if uses := ev.e.DeprecatedActionUses(); len(uses) != 0 {
		t.Fatalf("uses before any: %+v", uses)
	}

	if err := volumes.BeginDetaching(ctx, ev.volume, v.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if got := ev.getVolume(v.ID); got.Status != "detaching" {
		t.Errorf("after os-begin_detaching: %s", got.Status)
	}
	if err := volumes.TerminateConnection(ctx, ev.volume, v.ID, volumes.TerminateConnectionOpts{Host: "compute-1"}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if err := volumes.Detach(ctx, ev.volume, v.ID, volumes.DetachOpts{}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if got := ev.getVolume(v.ID); got.Status != "available" || len(got.Attachments) != 0 {
		t.Errorf("after os-detach: %+v", got)
	}
	if a, err := volumeattach.Get(ctx, ev.compute, s.ID, v.ID).Extract(); err != nil || a.Device != "/dev/vdb" {
		t.Errorf("Nova's mapping after os-detach: %+v, %v", a, err)
	}
	if sv := ev.getServer(s.ID); len(sv.AttachedVolumes) != 2 {
		t.Errorf("the server still lists it: %+v", sv.AttachedVolumes)
	}

	// The OTC EVS document's path, /v2/{project_id}/volumes/{id}/action, is served too.
	resp := ev.rawRequest(http.MethodPost, "/v2/"+ev.e.Config().ProjectID+"/volumes/"+v.ID+"/action", ev.provider.Token(),
		`{"os-detach":{"attachment_id":"d8777f54-84cf-4809-a679-468ffed56cf1"}}`)
	if resp.StatusCode != http.StatusBadRequest { // already available
		t.Errorf("os-detach on /v2: %d", resp.StatusCode)
	}

	uses := ev.e.DeprecatedActionUses()
	var ops []string
	for _, u := range uses {
		ops = append(ops, string(u.Op))
		if u.VolumeID != v.ID || !u.HasToken {
			t.Errorf("record %+v", u)
		}
	}
	want := "volume.os-begin_detaching volume.os-terminate_connection volume.os-detach volume.os-detach"
	if strings.Join(ops, " ") != want {
		t.Errorf("deprecated uses %v, want %s", ops, want)
	}
}
