package openstack

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	defaultHang = 30 * time.Second
	maxHang     = 10 * time.Minute
	defaultSlow = 2 * time.Second
)

// Fault is a rule that spoils matching API requests (the control API is never
// affected). Empty Method, Path and Op match anything. Path is a prefix
// ("/v2.1") or, when it contains "{", a template whose {placeholders} match one
// segment each ("/v2.1/{p}/servers/{s}/os-volume_attachments/{a}").
type Fault struct {
	ID     string `json:"id,omitempty"` // assigned by AddFault
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Op     Route  `json:"op,omitempty"`

	Kind FaultKind `json:"kind"`
	// Count is how many times the rule fires before it is removed; 0 means no limit.
	Count int `json:"count,omitempty"`
	// Probability that a matching request is hit, in (0,1]; 0 means 1.
	Probability float64 `json:"probability,omitempty"`
	// Status overrides the kind's default status (FaultStatus: 500; 409 gives a
	// conflictingRequest body).
	Status int `json:"status,omitempty"`
	// NoBody sends a FaultStatus answer without the error body.
	NoBody bool `json:"no_body,omitempty"`
	// RetryAfter, in seconds, is sent as Retry-After (FaultRateLimit defaults to 1).
	RetryAfter int `json:"retry_after,omitempty"`
	// Delay of FaultSlow and bound of FaultHang.
	Delay time.Duration `json:"delay,omitempty"`
	// AfterHandler lets the endpoint act first, then spoils its answer: "accepted,
	// but the client never heard".
	AfterHandler bool `json:"after_handler,omitempty"`

	// Fired counts how often the rule has fired (reported by Faults).
	Fired int `json:"fired"`
}

func (f *Fault) validate() error {
	known := false
	for _, k := range faultKinds {
		known = known || f.Kind == k
	}
	switch {
	case !known:
		return fmt.Errorf("openstack emulator: unknown fault kind %q", f.Kind)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("openstack emulator: fault probability must be in [0,1], got %v", f.Probability)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("openstack emulator: fault status %d is not an HTTP status", f.Status)
	case f.Delay < 0 || f.Delay > maxHang:
		return fmt.Errorf("openstack emulator: fault delay must be between 0 and %s", maxHang)
	}
	return nil
}

func (f *Fault) matches(method, path string, op Route) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Op != "" && f.Op != op {
		return false
	}
	return f.Path == "" || faultPathMatches(f.Path, path)
}

func faultPathMatches(pattern, path string) bool {
	if !strings.Contains(pattern, "{") {
		prefix := strings.TrimSuffix(pattern, "/")
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		isVar := strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}")
		if (isVar && xs[i] == "") || (!isVar && ps[i] != xs[i]) {
			return false
		}
	}
	return true
}

// faultSet holds the rules in the order added; the first matching rule fires.
type faultSet struct {
	mu     sync.Mutex
	rng    *rand.Rand
	nextID int
	rules  []*Fault
}

func (fs *faultSet) init(seed uint64) { fs.rng = rand.New(rand.NewPCG(seed, seed+1)) }

// match returns a copy of the rule that fires for this request, or nil.
func (fs *faultSet) match(method, path string, op Route) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.rules {
		if !f.matches(method, path, op) {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && fs.rng.Float64() >= f.Probability {
			continue
		}
		f.Fired++
		fired := *f
		if f.Count > 0 && f.Fired >= f.Count {
			fs.rules = append(fs.rules[:i:i], fs.rules[i+1:]...)
		}
		return &fired
	}
	return nil
}

// AddFault installs a rule and returns its id.
func (e *Emulator) AddFault(f Fault) (string, error) {
	if err := f.validate(); err != nil {
		return "", err
	}
	fs := &e.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	f.ID, f.Fired = "fault-"+strconv.Itoa(fs.nextID), 0
	fs.rules = append(fs.rules, &f)
	return f.ID, nil
}

// RemoveFault removes one rule; false if it is gone (removed or used up).
func (e *Emulator) RemoveFault(id string) bool {
	fs := &e.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.rules {
		if f.ID == id {
			fs.rules = append(fs.rules[:i:i], fs.rules[i+1:]...)
			return true
		}
	}
	return false
}

// ClearFaults removes every request rule, pending outcome faults and injected tasks.
func (e *Emulator) ClearFaults() {
	e.faults.mu.Lock()
	e.faults.rules = nil
	e.faults.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.sched.failNext)
	for _, s := range e.servers {
		s.injectedTask, s.injectedUntil = "", time.Time{}
	}
}

// Faults lists the active rules with how often each has fired.
func (e *Emulator) Faults() []Fault {
	fs := &e.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, len(fs.rules))
	for i, f := range fs.rules {
		out[i] = *f
	}
	return out
}

// serveFault applies f. It returns true when the request should go on to its normal
// answer (FaultSlow), false when the fault answered or dropped it.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	status := func(def int) int {
		if f.Status != 0 {
			return f.Status
		}
		return def
	}
	switch f.Kind {
	case FaultStatus:
		code := status(http.StatusInternalServerError)
		if f.NoBody {
			w.WriteHeader(code)
			return false
		}
		writeError(w, errorf(code, "injected fault: %s", http.StatusText(code)))
	case FaultRateLimit:
		if f.RetryAfter <= 0 {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, errorf(status(http.StatusTooManyRequests), "This request was rate-limited (injected)."))
	case FaultReset:
		dropConnection(w)
	case FaultHang:
		e.hold(r, f.Delay, defaultHang)
		dropConnection(w)
	case FaultSlow:
		e.hold(r, f.Delay, defaultSlow)
		return true
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(http.StatusOK))
		_, _ = w.Write([]byte(`{"server": {"id": "5f0c2a1e-8b7d-4c`))
	case FaultHTML:
		code := status(http.StatusBadGateway)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(code)
		_, _ = fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
			code, http.StatusText(code), code, http.StatusText(code))
	case FaultEmptyBody:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(status(http.StatusOK))
	}
	return false
}

// hold waits d (def when 0), returning early when the client goes away or the
// emulator closes.
func (e *Emulator) hold(r *http.Request, d, def time.Duration) {
	if d <= 0 {
		d = def
	}
	t := time.NewTimer(min(d, maxHang))
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-e.closing:
	}
}

// dropConnection closes the connection without an answer, with a TCP reset where
// it can, so the client sees "connection reset by peer".
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort the stream
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
