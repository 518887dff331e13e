package engine

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
	// FaultStatus answers Status (default 500; 502, 503, 504 are typical) with the
	// personality's error body, or with no body when NoBody is set.
	FaultStatus FaultKind = "status"
	// FaultRateLimit answers 429 with Retry-After (default 1 s).
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

// FaultKinds lists every fault kind.
var FaultKinds = []FaultKind{FaultStatus, FaultRateLimit, FaultReset, FaultHang, FaultSlow, FaultMalformedJSON, FaultHTML, FaultEmptyBody}

const (
	defaultHang = 30 * time.Second
	// MaxHang bounds FaultHang and FaultSlow.
	MaxHang     = 10 * time.Minute
	defaultSlow = 2 * time.Second
)

// Fault is a rule that spoils matching API requests; R is the personality's route
// type. Empty Method, Path and Op match anything. Path is a prefix or, when it
// contains "{", a template whose {placeholders} match one segment each.
type Fault[R ~string] struct {
	ID     string `json:"id,omitempty"` // assigned by FaultSet.Add
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Op     R      `json:"op,omitempty"`

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

	// Fired counts how often the rule has fired (reported by FaultSet.List).
	Fired int `json:"fired"`
}

func (f *Fault[R]) validate(name string) error {
	known := false
	for _, k := range FaultKinds {
		known = known || f.Kind == k
	}
	switch {
	case !known:
		return fmt.Errorf("%s: unknown fault kind %q", name, f.Kind)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("%s: fault probability must be in [0,1], got %v", name, f.Probability)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("%s: fault status %d is not an HTTP status", name, f.Status)
	case f.Delay < 0 || f.Delay > MaxHang:
		return fmt.Errorf("%s: fault delay must be between 0 and %s", name, MaxHang)
	}
	return nil
}

func (f *Fault[R]) matches(method, path string, op R) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Op != "" && f.Op != op {
		return false
	}
	return f.Path == "" || PathMatches(f.Path, path)
}

// PathMatches reports whether path is under the prefix pattern, or fits the
// template pattern when it holds "{": each {placeholder} matches one non-empty segment.
func PathMatches(pattern, path string) bool {
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

// FaultSet holds the rules in the order added; the first matching rule fires. It
// has its own lock, so matching never waits on the object model.
type FaultSet[R ~string] struct {
	name   string
	mu     sync.Mutex
	rng    *rand.Rand
	nextID int
	rules  []*Fault[R]
}

// Init seeds the probability draws; name starts error messages.
func (fs *FaultSet[R]) Init(name string, seed uint64) {
	fs.name = name
	fs.rng = rand.New(rand.NewPCG(seed, seed+1))
}

// MatchFault returns a copy of the rule that fires for this request, or nil.
func (fs *FaultSet[R]) MatchFault(method, path string, op R) *Fault[R] {
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
func (fs *FaultSet[R]) AddFault(f Fault[R]) (string, error) {
	if err := f.validate(fs.name); err != nil {
		return "", err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	f.ID, f.Fired = "fault-"+strconv.Itoa(fs.nextID), 0
	fs.rules = append(fs.rules, &f)
	return f.ID, nil
}

// RemoveFault removes one rule; false if it is gone (removed or used up).
func (fs *FaultSet[R]) RemoveFault(id string) bool {
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

// clearRules removes every rule.
func (fs *FaultSet[R]) clearRules() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
}

// Faults returns the active rules with how often each has fired.
func (fs *FaultSet[R]) Faults() []Fault[R] {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault[R], len(fs.rules))
	for i, f := range fs.rules {
		out[i] = *f
	}
	return out
}

// FaultAnswers is what a personality says when a fault answers in its voice.
type FaultAnswers struct {
	// Error writes the error body of a FaultStatus or FaultRateLimit answer.
	Error func(w http.ResponseWriter, kind FaultKind, status int)
	// TruncatedJSON is the start of a body the cloud would send, cut short.
	TruncatedJSON string
	// Closing, when closed, releases held requests.
	Closing <-chan struct{}
}

// ServeFault applies f. It returns true when the request should go on to its normal
// answer (FaultSlow), false when the fault answered or dropped it.
func ServeFault[R ~string](w http.ResponseWriter, r *http.Request, f *Fault[R], a FaultAnswers) bool {
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
		a.Error(w, f.Kind, code)
	case FaultRateLimit:
		if f.RetryAfter <= 0 {
			w.Header().Set("Retry-After", "1")
		}
		a.Error(w, f.Kind, status(http.StatusTooManyRequests))
	case FaultReset:
		DropConnection(w)
	case FaultHang:
		Hold(r, f.Delay, defaultHang, a.Closing)
		DropConnection(w)
	case FaultSlow:
		Hold(r, f.Delay, defaultSlow, a.Closing)
		return true
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(http.StatusOK))
		_, _ = w.Write([]byte(a.TruncatedJSON))
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

// Hold waits d (def when d is 0, at most MaxHang), returning early when the client
// goes away or closing is closed.
func Hold(r *http.Request, d, def time.Duration, closing <-chan struct{}) {
	if d <= 0 {
		d = def
	}
	t := time.NewTimer(min(d, MaxHang))
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-closing:
	}
}

// DropConnection closes the client's connection without an HTTP answer. It resets
// the TCP connection where it can, so the client sees "connection reset by peer".
func DropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort the stream instead
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
