package provider

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

func exact(ds ...time.Duration) []wait.Sample {
	out := make([]wait.Sample, len(ds))
	for i, d := range ds {
		out[i] = wait.Sample{Lo: d, Hi: d}
	}
	return out
}

func TestTimingsCacheRoundTripPerEndpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "timings.json")
	env := func(string) string { return path }
	a := newTimingsCache(env, "https://a.example")
	b := newTimingsCache(env, "https://b.example")

	var many []wait.Sample
	for i := 1; i <= 30; i++ {
		many = append(many, wait.Sample{Lo: time.Duration(i) * time.Second, Hi: time.Duration(2*i) * time.Second, Cold: i%2 == 0})
	}
	a.save(kindServerDelete, many)
	b.save(kindDetach, exact(1500*time.Millisecond))

	got := a.load()
	if len(got[kindServerDelete]) != cachedSamplesPerKind || got[kindServerDelete][0] != many[10] || got[kindServerDelete][19] != many[29] {
		t.Fatalf("endpoint a loaded %v, want the last %d saved", got, cachedSamplesPerKind)
	}
	if len(got[kindDetach]) != 0 {
		t.Fatalf("endpoint a sees endpoint b's timings: %v", got)
	}
	if got := b.load(); len(got[kindDetach]) != 1 || got[kindDetach][0] != exact(1500 * time.Millisecond)[0] {
		t.Fatalf("endpoint b loaded %v", got)
	}
}

func TestTimingsCacheOffAndDamagedFile(t *testing.T) {
	if c := newTimingsCache(func(string) string { return "off" }, "e"); c != nil {
		t.Fatal("SCP_TIMINGS_CACHE=off still gave a cache")
	}
	var nilCache *timingsCache
	nilCache.save(kindDetach, exact(time.Second)) // must not panic
	if nilCache.load() != nil {
		t.Fatal("a nil cache loaded something")
	}

	path := filepath.Join(t.TempDir(), "timings.json")
	c := newTimingsCache(func(string) string { return path }, "e")
	for _, content := range []string{"{not json", `{"version":1,"endpoints":{"e":{"volume.detach":[1500]}}}`} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := c.load(); len(got) != 0 {
			t.Fatalf("file %s loaded %v", content, got)
		}
		c.save(kindDetach, exact(time.Second))
		if got := c.load(); len(got[kindDetach]) != 1 {
			t.Fatalf("file %s was not replaced: %v", content, got)
		}
	}
}
