package difftest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// createVolumeAndServer starts both: a 1 GiB data volume, and a server on the network
// booted from a 1 GiB volume made from the image (deleted with the server).
func (r *run) createVolumeAndServer(ctx context.Context) error {
	a, err := r.step(ctx, "volume.create", r.volume(http.MethodPost, "/volumes", map[string]any{
		"volume": map[string]any{"size": 1, "name": r.dataName},
	}), http.StatusAccepted)
	if err != nil {
		return err
	}
	r.dataVolumeID = field(a.body, "volume", "id")
	r.c.names.name(r.dataVolumeID, "data_volume")
	a, err = r.step(ctx, "server.create", r.compute(http.MethodPost, "/servers", computeMicro, map[string]any{"server": map[string]any{
		"name": r.serverName, "flavorRef": r.t.FlavorID, "networks": []map[string]string{{"uuid": r.t.NetworkID}},
		"block_device_mapping_v2": []map[string]any{{
			"boot_index": 0, "uuid": r.t.ImageID, "source_type": "image", "destination_type": "volume",
			"volume_size": 1, "delete_on_termination": true,
		}},
	}}), http.StatusAccepted)
	if err != nil {
		return err
	}
	r.serverID = field(a.body, "server", "id")
	r.c.names.name(r.serverID, "server")
	if r.dataVolumeID == "" || r.serverID == "" {
		return errors.New("volume.create or server.create named no id")
	}
	return nil
}

// volumeSteps: the data volume becomes available and is listed.
func (r *run) volumeSteps(ctx context.Context) error {
	show := r.volume(http.MethodGet, "/volumes/"+r.dataVolumeID, nil)
	if _, err := r.waitFor(ctx, "volume.show.available", show, statusIs("volume", "available")); err != nil {
		return err
	}
	q := "?name=" + url.QueryEscape(r.dataName)
	if _, err := r.step(ctx, "volumes.list", r.volume(http.MethodGet, "/volumes"+q, nil), http.StatusOK); err != nil {
		return err
	}
	_, err := r.step(ctx, "volumes.list.detail", r.volume(http.MethodGet, "/volumes/detail"+q, nil), http.StatusOK)
	return err
}

// extendSteps: the detached data volume is extended to 2 GiB. A volume driver that cannot
// extend (error_extending) ends the step too, with a note: the API's answers are recorded
// all the same, and the volume still deletes.
func (r *run) extendSteps(ctx context.Context) error {
	extend := r.volume(http.MethodPost, "/volumes/"+r.dataVolumeID+"/action", map[string]any{"os-extend": map[string]int{"new_size": 2}})
	if _, err := r.step(ctx, "volume.extend", extend, http.StatusAccepted); err != nil {
		return err
	}
	extended := func(a *answer) (bool, error) {
		if field(a.body, "volume", "status") == "error_extending" {
			r.c.rec.Notes = append(r.c.rec.Notes, "volume.show.extended: the cloud's volume driver could not extend the volume (error_extending)")
			return true, nil
		}
		ok, err := statusIs("volume", "available")(a)
		size, _ := a.body.(map[string]any)["volume"].(map[string]any)["size"].(float64)
		return ok && size == 2, err
	}
	_, err := r.waitFor(ctx, "volume.show.extended", r.volume(http.MethodGet, "/volumes/"+r.dataVolumeID, nil), extended)
	return err
}

// serverSteps: the server becomes ACTIVE and is shown (at 2.79 and 2.1), listed, its tags,
// ports and boot volume read.
func (r *run) serverSteps(ctx context.Context) error {
	show := r.compute(http.MethodGet, "/servers/"+r.serverID, computeMicro, nil)
	a, err := r.waitFor(ctx, "server.show", show, statusIs("server", "ACTIVE"))
	if err != nil {
		return err
	}
	vols, _ := a.body.(map[string]any)["server"].(map[string]any)["os-extended-volumes:volumes_attached"].([]any)
	if len(vols) == 0 {
		return fmt.Errorf("server.show: no volumes_attached")
	}
	r.bootVolumeID = field(vols[0], "id")
	r.c.names.name(r.bootVolumeID, "boot_volume")
	steps := []struct {
		name string
		q    request
	}{
		{"server.show.v2.1", r.compute(http.MethodGet, "/servers/"+r.serverID, "2.1", nil)},
		{"servers.list", r.compute(http.MethodGet, "/servers?name="+url.QueryEscape("^"+r.serverName+"$"), computeMicro, nil)},
		{"servers.list.detail", r.compute(http.MethodGet, "/servers/detail?name="+url.QueryEscape("^"+r.serverName+"$"), computeMicro, nil)},
		{"server.tags", r.compute(http.MethodGet, "/servers/"+r.serverID+"/tags", computeMicro, nil)},
		{"ports.list", r.network("/v2.0/ports?device_id=" + url.QueryEscape(r.serverID))},
		{"volume.show.boot", r.volume(http.MethodGet, "/volumes/"+r.bootVolumeID, nil)},
	}
	for _, s := range steps {
		if _, err := r.step(ctx, s.name, s.q, http.StatusOK); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) attachmentPath(volumeID string) string {
	return "/servers/" + r.serverID + "/os-volume_attachments/" + volumeID
}

// attachSteps: the data volume is attached (200), the attachments listed and shown, and the
// root volume's detach refused.
func (r *run) attachSteps(ctx context.Context) error {
	attach := r.compute(http.MethodPost, "/servers/"+r.serverID+"/os-volume_attachments", computeMicro,
		map[string]any{"volumeAttachment": map[string]string{"volumeId": r.dataVolumeID}})
	if _, err := r.step(ctx, "attachment.create", attach, http.StatusOK); err != nil {
		return err
	}
	show := r.volume(http.MethodGet, "/volumes/"+r.dataVolumeID, nil)
	if _, err := r.waitFor(ctx, "volume.show.in-use", show, statusIs("volume", "in-use")); err != nil {
		return err
	}
	list := "/servers/" + r.serverID + "/os-volume_attachments"
	steps := []struct {
		name string
		q    request
		want int
	}{
		{"attachments.list", r.compute(http.MethodGet, list, computeMicro, nil), http.StatusOK},
		{"attachments.list.v2.89", r.compute(http.MethodGet, list, "2.89", nil), http.StatusOK},
		{"attachment.show", r.compute(http.MethodGet, r.attachmentPath(r.dataVolumeID), computeMicro, nil), http.StatusOK},
		{"attachment.show.root", r.compute(http.MethodGet, r.attachmentPath(r.bootVolumeID), computeMicro, nil), http.StatusOK},
		{"attachment.delete.root", r.compute(http.MethodDelete, r.attachmentPath(r.bootVolumeID), computeMicro, nil), http.StatusBadRequest},
	}
	for _, s := range steps {
		if _, err := r.step(ctx, s.name, s.q, s.want); err != nil {
			return err
		}
	}
	return nil
}

// detachSteps: two detach DELETEs, the second sent while the first is being answered so
// that it meets the volume detaching even where the compute driver detaches in
// milliseconds (a fake one does): one answers 202, the other 400. The one that answered
// 202 is recorded as attachment.delete. Then the volume is available and the attachment
// gone (404 for GET and DELETE).
func (r *run) detachSteps(ctx context.Context) error {
	del := r.compute(http.MethodDelete, r.attachmentPath(r.dataVolumeID), computeMicro, nil)
	first, second, err := r.twoDeletes(ctx, del)
	if err != nil {
		return err
	}
	if second.status == http.StatusAccepted {
		first, second = second, first
	}
	if err := r.c.add("attachment.delete", del, first); err != nil {
		return err
	}
	if err := r.c.add("attachment.delete.while-detaching", del, second); err != nil {
		return err
	}
	if err := expect("attachment.delete", first, http.StatusAccepted); err != nil {
		return err
	}
	show := r.volume(http.MethodGet, "/volumes/"+r.dataVolumeID, nil)
	if _, err := r.waitFor(ctx, "volume.show.detached", show, statusIs("volume", "available")); err != nil {
		return err
	}
	get := r.compute(http.MethodGet, r.attachmentPath(r.dataVolumeID), computeMicro, nil)
	if _, err := r.waitFor(ctx, "attachment.show.after-detach", get, gone); err != nil {
		return err
	}
	_, err = r.step(ctx, "attachment.delete.after-detach", del, http.StatusNotFound)
	return err
}

// twoDeletes sends q, and q again Options.SecondAfter later, without waiting for the first.
func (r *run) twoDeletes(ctx context.Context, q request) (first, second *answer, err error) {
	type result struct {
		a   *answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := r.c.do(ctx, q)
		done <- result{a, err}
	}()
	time.Sleep(r.o.SecondAfter)
	second, err2 := r.c.do(ctx, q)
	res := <-done
	if err := errors.Join(res.err, err2); err != nil {
		return nil, nil, fmt.Errorf("attachment.delete: %w", err)
	}
	return res.a, second, nil
}

// deleteUntilGone sends the DELETE q, answered want (steps kind.delete), then
// reads the object until it answers 404 (kind.show.deleted).
func (r *run) deleteUntilGone(ctx context.Context, kind string, q request, want int) error {
	if _, err := r.step(ctx, kind+".delete", q, want); err != nil {
		return err
	}
	q.method = http.MethodGet
	_, err := r.waitFor(ctx, kind+".show.deleted", q, gone)
	return err
}

// deleteSteps: the server (204) and the data volume (202) are deleted and answer 404, and
// so does the boot volume, deleted with the server.
func (r *run) deleteSteps(ctx context.Context) error {
	serverID := r.serverID
	if err := r.deleteUntilGone(ctx, "server", r.compute(http.MethodDelete, "/servers/"+r.serverID, computeMicro, nil), http.StatusNoContent); err != nil {
		return err
	}
	r.serverID = ""
	if _, err := r.step(ctx, "ports.list.after-delete", r.network("/v2.0/ports?device_id="+url.QueryEscape(serverID)), http.StatusOK); err != nil {
		return err
	}
	if err := r.deleteUntilGone(ctx, "volume", r.volume(http.MethodDelete, "/volumes/"+r.dataVolumeID, nil), http.StatusAccepted); err != nil {
		return err
	}
	r.dataVolumeID = ""
	boot := r.volume(http.MethodGet, "/volumes/"+r.bootVolumeID, nil)
	if _, err := r.waitFor(ctx, "volume.show.boot-deleted", boot, gone); err != nil {
		return err
	}
	r.bootVolumeID = ""
	return nil
}

// cleanup deletes what a failed run left: the server (with its boot volume), then the
// volumes, waiting for each to go.
func (r *run) cleanup(ctx context.Context) error {
	var errs []error
	if r.serverID != "" {
		q := r.compute(http.MethodDelete, "/servers/"+r.serverID, computeMicro, nil)
		if a, err := r.c.do(ctx, q); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: deleting server %s: %w", r.serverID, err))
		} else if a.status != http.StatusNoContent && a.status != http.StatusNotFound {
			errs = append(errs, fmt.Errorf("cleanup: deleting server %s: status %d: %s", r.serverID, a.status, truncate(a.raw)))
		}
		q.method = http.MethodGet
		if _, err := r.waitFor(ctx, "", q, gone); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: server %s: %w", r.serverID, err))
		}
	}
	for _, id := range []string{r.dataVolumeID, r.bootVolumeID} {
		if id == "" {
			continue
		}
		q := r.volume(http.MethodDelete, "/volumes/"+id, nil)
		deleted := func(a *answer) (bool, error) {
			return a.status == http.StatusAccepted || a.status == http.StatusNotFound, nil
		}
		if _, err := r.waitFor(ctx, "", q, deleted); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: deleting volume %s: %w", id, err))
			continue
		}
		q.method = http.MethodGet
		if _, err := r.waitFor(ctx, "", q, gone); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: volume %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}
