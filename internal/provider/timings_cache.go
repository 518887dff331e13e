package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// The poller learns how long each kind of operation takes, but Terraform starts a new provider
// process for every command. The timings cache carries what was learned from one run to the next,
// per endpoint, so a destroy of many servers schedules its probes well from the first one.
//
// SCP_TIMINGS_CACHE names the file, or "off" disables it; by default it lives in the user's cache
// directory. It holds durations only: no ids, names or credentials. Each entry is the bracket a
// wait found its operation's end in, as the poller keeps it, so that the next run weighs coarse
// brackets (from cold waits) as this one would have.

const (
	envTimingsCache = "SCP_TIMINGS_CACHE"
	// cachedSamplesPerKind bounds the file; the poller needs far fewer to schedule well.
	cachedSamplesPerKind = 20
	// cachedEndpoints bounds how many endpoints the file remembers (local emulators come and go).
	cachedEndpoints = 16
	// timingsVersion 2 stores brackets; a version 1 file (midpoints) is ignored and rewritten.
	timingsVersion = 2
)

type timingsFile struct {
	Version int `json:"version"`
	// Endpoints maps an endpoint URL to operation kind to samples.
	Endpoints map[string]map[string][]cachedSample `json:"endpoints"`
}

// cachedSample is a wait.Sample in milliseconds.
type cachedSample struct {
	Lo   int64 `json:"lo_ms"`
	Hi   int64 `json:"hi_ms"`
	Cold bool  `json:"cold,omitempty"`
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
	f := timingsFile{Version: timingsVersion, Endpoints: map[string]map[string][]cachedSample{}}
	raw, err := os.ReadFile(c.path)
	if err != nil {
		return f
	}
	var parsed timingsFile
	// A damaged or foreign file is ignored and rewritten: it only ever costs a cold start.
	if json.Unmarshal(raw, &parsed) != nil || parsed.Version != timingsVersion || parsed.Endpoints == nil {
		return f
	}
	return parsed
}

// load returns the remembered samples of this endpoint, per kind. The poller drops any that make
// no sense, so a hand-edited file cannot break a wait.
func (c *timingsCache) load() map[string][]wait.Sample {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]wait.Sample{}
	for kind, samples := range c.read().Endpoints[c.endpoint] {
		for _, s := range samples {
			out[kind] = append(out[kind], wait.Sample{
				Lo: time.Duration(s.Lo) * time.Millisecond, Hi: time.Duration(s.Hi) * time.Millisecond, Cold: s.Cold,
			})
		}
	}
	return out
}

// save records the latest samples of one kind. Failures are ignored: the cache is an optimisation.
func (c *timingsCache) save(kind string, samples []wait.Sample) {
	if c == nil || len(samples) == 0 {
		return
	}
	if len(samples) > cachedSamplesPerKind {
		samples = samples[len(samples)-cachedSamplesPerKind:]
	}
	ms := make([]cachedSample, len(samples))
	for i, s := range samples {
		ms[i] = cachedSample{Lo: s.Lo.Milliseconds(), Hi: s.Hi.Milliseconds(), Cold: s.Cold}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.read()
	if f.Endpoints[c.endpoint] == nil {
		f.Endpoints[c.endpoint] = map[string][]cachedSample{}
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
