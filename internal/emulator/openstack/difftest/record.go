package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Exchange is one recorded request and its answer. Path names the service and the path
// below its endpoint, with the scenario's objects as {placeholders}; Body is the JSON
// answer, sanitised, or the text of a non-JSON answer (Glance's errors), or nil.
type Exchange struct {
	Step         string          `json:"step"`
	Method       string          `json:"method"`
	Path         string          `json:"path"`
	Microversion string          `json:"microversion,omitempty"`
	Status       int             `json:"status"`
	Body         json.RawMessage `json:"body,omitempty"`
	Text         string          `json:"text,omitempty"`
}

// Recording is every exchange of one run, in order.
type Recording struct {
	Source string `json:"source"`
	// Notes say where the target could not do what the scenario asked of it.
	Notes     []string   `json:"notes,omitempty"`
	Exchanges []Exchange `json:"exchanges"`
}

// Step finds an exchange by its step name.
func (r *Recording) Step(name string) (Exchange, bool) {
	i := slices.IndexFunc(r.Exchanges, func(x Exchange) bool { return x.Step == name })
	if i < 0 {
		return Exchange{}, false
	}
	return r.Exchanges[i], true
}

// answer is one response as the scenario reads it.
type answer struct {
	status int
	header http.Header
	body   any // decoded JSON, or nil
	raw    []byte
}

// client sends the scenario's requests with the token and records the ones named.
type client struct {
	http  *http.Client
	token string
	rec   *Recording
	names *sanitizer
}

// request describes one call: a service endpoint and a path under it.
type request struct {
	method, base, path string
	service            string // compute, volume, image, network, identity
	micro              string // "2.79", "3.42"
	body               any
}

func (c *client) do(ctx context.Context, q request) (*answer, error) {
	var rd io.Reader
	if q.body != nil {
		b, err := json.Marshal(q.body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, q.method, q.base+q.path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if q.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
	}
	if q.micro != "" {
		req.Header.Set("OpenStack-API-Version", q.service+" "+q.micro)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", q.method, q.base+q.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", q.method, q.base+q.path, err)
	}
	a := &answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &a.body) != nil {
		a.body = nil
	}
	return a, nil
}

// record sends q and records it as step.
func (c *client) record(ctx context.Context, step string, q request) (*answer, error) {
	a, err := c.do(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", step, err)
	}
	return a, c.add(step, q, a)
}

// add records an answer already received.
func (c *client) add(step string, q request, a *answer) error {
	x := Exchange{Step: step, Method: q.method, Path: q.service + ":" + c.names.path(q.path), Microversion: q.micro, Status: a.status}
	switch {
	case a.body != nil:
		b, err := json.Marshal(c.names.value("", a.body))
		if err != nil {
			return err
		}
		x.Body = b
	case len(bytes.TrimSpace(a.raw)) > 0:
		x.Text = c.names.text(strings.TrimSpace(string(a.raw)))
	}
	c.rec.Exchanges = append(c.rec.Exchanges, x)
	return nil
}

// expect checks an answer's status, naming the step and the body when it is not one of want.
func expect(step string, a *answer, want ...int) error {
	for _, w := range want {
		if a.status == w {
			return nil
		}
	}
	body := string(a.raw)
	if len(body) > 600 {
		body = body[:600] + "..."
	}
	return fmt.Errorf("step %s: status %d, want %v: %s", step, a.status, want, body)
}
