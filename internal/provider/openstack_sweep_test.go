package provider

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

// sweepPrefixes are the name prefixes of every test run (acceptance: acc-<run>-, conformance:
// conf-<run>-); OS_SWEEP_PREFIX narrows the sweep to one run's (OS_ACC_PREFIX names a run's).
func sweepPrefixes() []string {
	if p := os.Getenv("OS_SWEEP_PREFIX"); p != "" {
		return []string{p}
	}
	return []string{"acc-", "conf-"}
}

// sweepMinAge is how old an object must be to be swept: with the prefix of one run, any age; with
// every run's, OS_SWEEP_MIN_AGE (default one hour), so that a sweep never removes the objects of a
// run still going on the same cloud.
func sweepMinAge(t *testing.T) time.Duration {
	if os.Getenv("OS_SWEEP_PREFIX") != "" {
		return 0
	}
	age := time.Hour
	if v := os.Getenv("OS_SWEEP_MIN_AGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("OS_SWEEP_MIN_AGE: %v", err)
		}
		age = d
	}
	t.Logf("sweeping objects of every test run older than %s (OS_SWEEP_PREFIX=<a run's prefix> sweeps that run's at any age)", age)
	return age
}

// oldEnough reports whether an object created at created is old enough to sweep.
func oldEnough(created time.Time, minAge time.Duration) bool {
	return minAge == 0 || (!created.IsZero() && time.Since(created) >= minAge)
}

// oldOnes is what a listing of what (such as "servers") named, when it is old enough to sweep by
// its created time; a listing that failed with err ends the test.
func oldOnes[T any](t *testing.T, what string, named []T, err error, minAge time.Duration, created func(T) time.Time) []T {
	t.Helper()
	if err != nil {
		t.Fatalf("listing %s: %v", what, err)
	}
	return slices.DeleteFunc(named, func(object T) bool { return !oldEnough(created(object), minAge) })
}

// TestOpenStackSweep removes from the real cloud of the OS_* variables what failed test runs left:
// servers (unlocked first), volumes (detached first) and ports named with a test prefix. It runs
// only when asked (make openstack-sweep sets OS_SWEEP=1).
func TestOpenStackSweep(t *testing.T) {
	if os.Getenv("OS_SWEEP") != "1" || !useRealOpenStack() {
		t.Skip("the sweeper runs only with OS_SWEEP=1 and a real cloud's OS_* variables (make openstack-sweep)")
	}
	api := newOSRealAPI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	minAge := sweepMinAge(t)
	for _, prefix := range sweepPrefixes() {
		api.sweepServers(ctx, t, prefix, minAge)
		api.sweepVolumes(ctx, t, prefix, minAge)
		api.sweepPorts(ctx, t, prefix, minAge)
		left, err := api.leftovers(ctx, prefix, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) > 0 {
			t.Logf("left with prefix %q (younger than %s, or not removable): %s", prefix, minAge, strings.Join(left, "; "))
		}
	}
}

func (api *osRealAPI) sweepServers(ctx context.Context, t *testing.T, prefix string, minAge time.Duration) {
	named, err := api.serversNamed(ctx, prefix)
	found := oldOnes(t, "servers", named, err, minAge, func(s servers.Server) time.Time { return s.Created })
	for _, s := range found {
		t.Logf("deleting server %s (%s, %s)", s.ID, s.Name, s.Status)
		if s.Locked != nil && *s.Locked {
			if err := servers.Unlock(ctx, api.compute, s.ID).ExtractErr(); err != nil {
				t.Errorf("unlocking server %s: %v", s.ID, err)
			}
		}
		if err := servers.Delete(ctx, api.compute, s.ID).ExtractErr(); err != nil && !isNotFound(err) {
			t.Errorf("deleting server %s: %v", s.ID, err)
		}
	}
	for _, s := range found {
		api.waitGone(ctx, t, "server "+s.ID, func() error { _, err := servers.Get(ctx, api.compute, s.ID).Extract(); return err })
	}
}

func (api *osRealAPI) sweepVolumes(ctx context.Context, t *testing.T, prefix string, minAge time.Duration) {
	named, err := api.volumesNamed(ctx, prefix)
	found := oldOnes(t, "volumes", named, err, minAge, func(v volumes.Volume) time.Time { return v.CreatedAt })
	for _, v := range found {
		for _, a := range v.Attachments {
			t.Logf("detaching volume %s (%s) from server %s", v.ID, v.Name, a.ServerID)
			if err := volumeattach.Delete(ctx, api.compute, a.ServerID, v.ID).ExtractErr(); err != nil && !isNotFound(err) {
				t.Errorf("detaching volume %s: %v", v.ID, err)
			}
		}
	}
	for _, v := range found {
		api.deleteVolumeWhenIdle(ctx, t, v)
	}
}

// deleteVolumeWhenIdle waits until the volume can be deleted (no longer attaching, detaching or
// attached), deletes it and waits until it is gone.
func (api *osRealAPI) deleteVolumeWhenIdle(ctx context.Context, t *testing.T, v volumes.Volume) {
	for ctx.Err() == nil {
		status, attached, gone, err := api.volumeState(ctx, v.ID)
		switch {
		case err != nil:
			t.Errorf("reading volume %s: %v", v.ID, err)
			return
		case gone:
			return
		case len(attached) == 0 && (status == "available" || strings.HasPrefix(status, "error")):
			t.Logf("deleting volume %s (%s, %s)", v.ID, v.Name, status)
			if err := volumes.Delete(ctx, api.volume, v.ID, volumes.DeleteOpts{Cascade: true}).ExtractErr(); err != nil && !isNotFound(err) {
				t.Errorf("deleting volume %s: %v", v.ID, err)
				return
			}
			api.waitGone(ctx, t, "volume "+v.ID, func() error { _, err := volumes.Get(ctx, api.volume, v.ID).Extract(); return err })
			return
		}
		time.Sleep(2 * time.Second)
	}
	t.Errorf("volume %s did not become deletable", v.ID)
}

func (api *osRealAPI) sweepPorts(ctx context.Context, t *testing.T, prefix string, minAge time.Duration) {
	if api.network == nil {
		return
	}
	pages, err := ports.List(api.network, ports.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatalf("listing ports: %v", err)
	}
	all, err := ports.ExtractPorts(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if strings.HasPrefix(p.Name, prefix) && oldEnough(p.CreatedAt, minAge) {
			t.Logf("deleting port %s (%s)", p.ID, p.Name)
			if err := ports.Delete(ctx, api.network, p.ID).ExtractErr(); err != nil && !isNotFound(err) {
				t.Errorf("deleting port %s: %v", p.ID, err)
			}
		}
	}
}

// waitGone reads until get answers 404.
func (api *osRealAPI) waitGone(ctx context.Context, t *testing.T, what string, get func() error) {
	for ctx.Err() == nil {
		if err := get(); isNotFound(err) {
			return
		}
		time.Sleep(2 * time.Second)
	}
	t.Errorf("%s is still there", what)
}
