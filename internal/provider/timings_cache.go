package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The poller learns how long each kind of operation takes, but Terraform starts a new provider
// process for every command. The timings cache carries what was learned from one run to the next,
// per endpoint, so a destroy of many servers schedules its probes well from the first one.
//
// SCP_TIMINGS_CACHE names the file, or "off" disables it; by default it lives in the user's cache
// directory. It holds durations only: no ids, names or credentials.

const (
	envTimingsCache = "SCP_TIMINGS_CACHE"
	// cachedSamplesPerKind bounds the file; the poller needs far fewer to schedule well.
	cachedSamplesPerKind = 20
	// cachedEndpoints bounds how many endpoints the file remembers (local emulators come and go).
	cachedEndpoints = 16
)

type timingsFile struct {
	Version int `json:"version"`
	// Endpoints maps an endpoint URL to operation kind to durations in milliseconds.
	Endpoints map[string]map[string][]int64 `json:"endpoints"`
}

// timingsCache reads and writes one endpoint's part of the cache file.
type timingsCache struct {
	path     string
	endpoint string
	mu       sync.Mutex
}

// newTimingsCache returns nil when the cache is off or has nowhere to live.
func newTimingsCache(getenv func(string) string, endpoint string) *timingsCache {
	path := strings.TrimSpace(getenv(envTimingsCache))
	switch strings.ToLower(path) {
	case "off", "false", "0", "none":
		return nil
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		path = filepath.Join(dir, "terraform-provider-scp", "timings.json")
	}
	return &timingsCache{path: path, endpoint: endpoint}
}

func (c *timingsCache) read() timingsFile {
	f := timingsFile{Version: 1, Endpoints: map[string]map[string][]int64{}}
	raw, err := os.ReadFile(c.path)
	if err != nil {
		return f
	}
	var parsed timingsFile
	// A damaged or foreign file is ignored and rewritten: it only ever costs a cold start.
	if json.Unmarshal(raw, &parsed) != nil || parsed.Version != 1 || parsed.Endpoints == nil {
		return f
	}
	return parsed
}

// load returns the remembered durations of this endpoint, per kind.
func (c *timingsCache) load() map[string][]time.Duration {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]time.Duration{}
	for kind, ms := range c.read().Endpoints[c.endpoint] {
		for _, m := range ms {
			if m > 0 {
				out[kind] = append(out[kind], time.Duration(m)*time.Millisecond)
			}
		}
	}
	return out
}

// save records the latest durations of one kind. Failures are ignored: the cache is an optimisation.
func (c *timingsCache) save(kind string, samples []time.Duration) {
	if c == nil || len(samples) == 0 {
		return
	}
	if len(samples) > cachedSamplesPerKind {
		samples = samples[len(samples)-cachedSamplesPerKind:]
	}
	ms := make([]int64, len(samples))
	for i, d := range samples {
		ms[i] = d.Milliseconds()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.read()
	if f.Endpoints[c.endpoint] == nil {
		f.Endpoints[c.endpoint] = map[string][]int64{}
	}
	f.Endpoints[c.endpoint][kind] = ms
	for endpoint := range f.Endpoints {
		if len(f.Endpoints) <= cachedEndpoints {
			break
		}
		if endpoint != c.endpoint {
			delete(f.Endpoints, endpoint)
		}
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return
	}
	// Write and rename, so a concurrent reader never sees half a file.
	tmp, err := os.CreateTemp(filepath.Dir(c.path), ".timings-*.json")
	if err != nil {
		return
	}
	_, werr := tmp.Write(raw)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), c.path) != nil {
		_ = os.Remove(tmp.Name())
	}
}
