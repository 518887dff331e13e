package emulator

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

// FaultKind is what an injected fault does to a matching request.
type FaultKind string

const (
	// FaultStatus answers Status (default 500; 502, 503, 504 are typical) with an SCP
	// error body, or with no body when NoBody is set.
	FaultStatus FaultKind = "status"
	// FaultRateLimit answers 429 TOO_MANY_REQUESTS with Retry-After (default 1 s).
	FaultRateLimit FaultKind = "rate_limit"
	// FaultReset drops the TCP connection without an answer (RST where possible).
	FaultReset FaultKind = "reset"
	// FaultHang holds the request until the client gives up, Delay passes (default
	// 30 s, at most 10 min) or the emulator closes, then drops the connection.
	FaultHang FaultKind = "hang"
	// FaultSlow waits Delay (default 2 s), then answers normally.
	FaultSlow FaultKind = "slow"
	// FaultMalformedJSON answers Status (default 200) with truncated JSON.
	FaultMalformedJSON FaultKind = "malformed_json"
	// FaultHTML answers Status (default 502) with an HTML page, as a proxy would.
	FaultHTML FaultKind = "html"
	// FaultEmptyBody answers Status (default 200) with an empty body.
	FaultEmptyBody FaultKind = "empty_body"
)

var faultKinds = []FaultKind{FaultStatus, FaultRateLimit, FaultReset, FaultHang, FaultSlow, FaultMalformedJSON, FaultHTML, FaultEmptyBody}

const (
	defaultHang = 30 * time.Second
	maxHang     = 10 * time.Minute
	defaultSlow = 2 * time.Second
)

// Fault is a rule that spoils matching /v1 requests. Empty Method, Path and Op match
// anything. Path is a prefix ("/v1/servers") or, when it contains "{", a template
// whose {placeholders} match one segment each ("/v1/volumes/{id}/servers/{id}").
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
	// Status overrides the kind's default status.
	Status int `json:"status,omitempty"`
	// NoBody sends a FaultStatus answer without the error body.
	NoBody bool `json:"no_body,omitempty"`
	// RetryAfter, in seconds, is sent as Retry-After (FaultRateLimit defaults to 1).
	RetryAfter int `json:"retry_after,omitempty"`
	// Delay of FaultSlow and bound of FaultHang.
	Delay time.Duration `json:"delay,omitempty"`
	// AfterHandler lets the endpoint act first (the mutation takes effect), then
	// replaces or delays its answer: "accepted, but the client never heard".
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
		return fmt.Errorf("emulator: unknown fault kind %q", f.Kind)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("emulator: fault probability must be in [0,1], got %v", f.Probability)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("emulator: fault status %d is not an HTTP status", f.Status)
	case f.Delay < 0 || f.Delay > maxHang:
		return fmt.Errorf("emulator: fault delay must be between 0 and %s", maxHang)
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
	return f.Path == "" || pathMatches(f.Path, path)
}

func pathMatches(pattern, path string) bool {
	if strings.Contains(pattern, "{") {
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
	prefix := strings.TrimSuffix(pattern, "/")
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// faultSet holds the rules in the order added; the first matching rule fires.
type faultSet struct {
	mu     sync.Mutex
	rng    *rand.Rand
	nextID int
	rules  []*Fault
}

func (fs *faultSet) init(seed uint64) {
	fs.rng = rand.New(rand.NewPCG(seed, seed+1))
}

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

// ClearFaults removes every request fault rule, pending outcome faults and busy windows.
func (e *Emulator) ClearFaults() {
	e.faults.mu.Lock()
	e.faults.rules = nil
	e.faults.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.sched.failNext)
	for _, s := range e.servers {
		s.busyUntil = time.Time{}
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

// SetServerBusy opens a busy window: for d, attach, detach, delete, lock/unlock and
// stop/start on the server answer 409 SERVER_BUSY.
func (e *Emulator) SetServerBusy(serverID string, d time.Duration) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[serverID]
	if !ok {
		return fmt.Errorf("emulator: server %s not found", serverID)
	}
	s.busyUntil = e.now().Add(d)
	return nil
}

// inBusyWindow: call with e.mu held.
func (e *Emulator) inBusyWindow(s *server) bool { return e.now().Before(s.busyUntil) }

// serveFault applies f to the response. It returns true when the request should go on
// to its normal answer (FaultSlow), false when the fault answered or dropped it.
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
		writeError(w, errorf(code, faultCode(code), "injected fault: %s", http.StatusText(code)), e.arrayDetail.Load())
	case FaultRateLimit:
		if f.RetryAfter <= 0 {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, errorf(status(http.StatusTooManyRequests), CodeTooManyRequests, "request rate limit exceeded (injected); retry later"), e.arrayDetail.Load())
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
		_, _ = w.Write([]byte(`{"id":"5f0c2a1e-8b7d-4c`))
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

func faultCode(status int) string {
	switch status {
	case http.StatusInternalServerError:
		return CodeInternalError
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "GATEWAY_TIMEOUT"
	case http.StatusTooManyRequests:
		return CodeTooManyRequests
	}
	return "INJECTED_FAULT"
}

// hold waits d (or def when d is 0), returning early when the client goes away or
// the emulator closes.
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

// dropConnection closes the client's connection without an HTTP answer. It resets
// the TCP connection where it can, so the client sees "connection reset by peer".
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort the stream instead
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
