package difftest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Microversions the scenario asks for: the provider's (compute 2.79, volume 3.42), and
// compute 2.1 and 2.89 where the shape changes with them.
const (
	computeMicro = "2.79"
	volumeMicro  = "3.42"
)

// Options tune a run.
type Options struct {
	// Prefix starts every object's name; it should be unique per run.
	Prefix string
	// Wait bounds one asynchronous step (a build, an attach, a delete); default 3 minutes.
	Wait time.Duration
	// Poll is the interval between reads while waiting; default 500ms.
	Poll time.Duration
	// SecondAfter is how long after the first detach DELETE the second is sent, while the
	// first is still being answered; default 20ms.
	SecondAfter time.Duration
	// HTTP is the client; default one with a 60 s timeout per request.
	HTTP *http.Client
	// Source describes the target in the recording.
	Source string
}

// endpoints are the catalog's public URLs, without a trailing slash.
type endpoints struct {
	compute, volume, volumeRoot, image, network string
}

// run is one execution of the scenario.
type run struct {
	t  Target
	o  Options
	c  *client
	ep endpoints

	dataName, serverName string
	// The scenario's objects; each id is cleared once its deletion is confirmed.
	serverID, bootVolumeID, dataVolumeID string
}

// Run runs the scenario against t and returns what it recorded. Every object it created is
// deleted before it returns, also when a step fails.
func Run(ctx context.Context, t Target, o Options) (*Recording, error) {
	if o.Prefix == "" {
		o.Prefix = fmt.Sprintf("osdiff-%d", time.Now().UnixNano()%1e9)
	}
	if o.Wait <= 0 {
		o.Wait = 3 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 500 * time.Millisecond
	}
	if o.SecondAfter <= 0 {
		o.SecondAfter = 20 * time.Millisecond
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	r := &run{t: t, o: o, dataName: o.Prefix + "-data", serverName: o.Prefix + "-server"}
	r.c = &client{http: o.HTTP, rec: &Recording{Source: o.Source}, names: newSanitizer()}
	r.c.names.name(r.dataName, "data_volume_name")
	r.c.names.name(r.serverName, "server_name")
	r.c.names.name(o.Prefix, "prefix")
	steps := []func(context.Context) error{
		r.authenticate, r.versions, r.flavors, r.images, r.networks, r.createVolumeAndServer,
		r.volumeSteps, r.serverSteps, r.attachSteps, r.detachSteps, r.extendSteps, r.deleteSteps,
	}
	var err error
	for _, step := range steps {
		if err = step(ctx); err != nil {
			break
		}
	}
	if cerr := r.cleanup(context.WithoutCancel(ctx)); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return r.c.rec, err
}

// The request builders, one per service.

func (r *run) compute(method, path, micro string, body any) request {
	return request{method: method, base: r.ep.compute, path: path, service: "compute", micro: micro, body: body}
}

func (r *run) volume(method, path string, body any) request {
	return request{method: method, base: r.ep.volume, path: path, service: "volume", micro: volumeMicro, body: body}
}

func (r *run) image(path string) request {
	return request{method: http.MethodGet, base: r.ep.image, path: path, service: "image"}
}

func (r *run) network(path string) request {
	return request{method: http.MethodGet, base: r.ep.network, path: path, service: "network"}
}

// step records q as name and checks its status.
func (r *run) step(ctx context.Context, name string, q request, want ...int) (*answer, error) {
	a, err := r.c.record(ctx, name, q)
	if err != nil {
		return nil, err
	}
	return a, expect(name, a, want...)
}

// waitFor reads q (unrecorded) until done says so, then records the last read as name.
func (r *run) waitFor(ctx context.Context, name string, q request, done func(*answer) (bool, error)) (*answer, error) {
	deadline := time.Now().Add(r.o.Wait)
	for {
		a, err := r.c.do(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("waiting for %s: %w", name, err)
		}
		ok, err := done(a)
		if err != nil {
			return nil, fmt.Errorf("waiting for %s: %w", name, err)
		}
		if ok {
			if name == "" {
				return a, nil
			}
			return r.c.record(ctx, name, q)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("waiting for %s: not done after %s; last answer %d %s", name, r.o.Wait, a.status, truncate(a.raw))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(r.o.Poll):
		}
	}
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "..."
	}
	return string(b)
}

// field reads a string at a path of object keys in a decoded body.
func field(v any, keys ...string) string {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// statusIs is a wait condition: the object under key has status want (error statuses end
// the wait with an error).
func statusIs(key, want string) func(*answer) (bool, error) {
	return func(a *answer) (bool, error) {
		if a.status != http.StatusOK {
			return false, fmt.Errorf("status %d: %s", a.status, truncate(a.raw))
		}
		got := field(a.body, key, "status")
		if strings.HasPrefix(strings.ToLower(got), "error") {
			return false, fmt.Errorf("%s is %s: %s", key, got, truncate(a.raw))
		}
		return strings.EqualFold(got, want), nil
	}
}

func gone(a *answer) (bool, error) { return a.status == http.StatusNotFound, nil }
