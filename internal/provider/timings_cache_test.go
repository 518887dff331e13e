package provider

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTimingsCacheRoundTripPerEndpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "timings.json")
	env := func(string) string { return path }
	a := newTimingsCache(env, "https://a.example")
	b := newTimingsCache(env, "https://b.example")

	var many []time.Duration
	for i := 1; i <= 30; i++ {
		many = append(many, time.Duration(i)*time.Second)
	}
	a.save(kindServerDelete, many)
	b.save(kindDetach, []time.Duration{1500 * time.Millisecond})

	got := a.load()
	if len(got[kindServerDelete]) != cachedSamplesPerKind || got[kindServerDelete][0] != 11*time.Second {
		t.Fatalf("endpoint a loaded %v", got)
	}
	if len(got[kindDetach]) != 0 {
		t.Fatalf("endpoint a sees endpoint b's timings: %v", got)
	}
	if got := b.load(); len(got[kindDetach]) != 1 || got[kindDetach][0] != 1500*time.Millisecond {
		t.Fatalf("endpoint b loaded %v", got)
	}
}

func TestTimingsCacheOffAndDamagedFile(t *testing.T) {
	if c := newTimingsCache(func(string) string { return "off" }, "e"); c != nil {
		t.Fatal("SCP_TIMINGS_CACHE=off still gave a cache")
	}
	var nilCache *timingsCache
	nilCache.save(kindDetach, []time.Duration{time.Second}) // must not panic
	if nilCache.load() != nil {
		t.Fatal("a nil cache loaded something")
	}

	path := filepath.Join(t.TempDir(), "timings.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newTimingsCache(func(string) string { return path }, "e")
	if got := c.load(); len(got) != 0 {
		t.Fatalf("damaged file loaded %v", got)
	}
	c.save(kindDetach, []time.Duration{time.Second})
	if got := c.load(); len(got[kindDetach]) != 1 {
		t.Fatalf("damaged file was not replaced: %v", got)
	}
}
