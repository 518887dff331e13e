package contract

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// maxChecked bounds how much of a body the Recorder keeps for the check; SCP
// answers are far smaller.
const maxChecked = 8 << 20

// Recorder is an http.Handler middleware: it checks every exchange that passes
// through Handler against the contract and keeps the violations.
type Recorder struct {
	checker *Checker
	mu      sync.Mutex
	list    []Violation
	onAdd   func(Violation)
}

// NewRecorder records violations found by c. onViolation, when set, is also called
// for each one as it is found (a process can log them).
func NewRecorder(c *Checker, onViolation func(Violation)) *Recorder {
	return &Recorder{checker: c, onAdd: onViolation}
}

// Violations returns a copy of what was recorded, oldest first.
func (rec *Recorder) Violations() []Violation {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Violation(nil), rec.list...)
}

// Take returns what was recorded and forgets it.
func (rec *Recorder) Take() []Violation {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.list
	rec.list = nil
	return out
}

// Reset forgets what was recorded.
func (rec *Recorder) Reset() { _ = rec.Take() }

func (rec *Recorder) add(vs []Violation) {
	if len(vs) == 0 {
		return
	}
	rec.mu.Lock()
	rec.list = append(rec.list, vs...)
	rec.mu.Unlock()
	if rec.onAdd != nil {
		for _, v := range vs {
			rec.onAdd(v)
		}
	}
}

type skipKey struct{}

// skipFlag is set by SkipResponse from inside the wrapped handler.
type skipFlag struct {
	mu   sync.Mutex
	skip bool
}

// SkipResponse tells the Recorder wrapping this request not to check the answer:
// the handler is deliberately not answering as SCP would (an injected fault, a
// simulated gateway's 429). The request is still checked. Outside a Recorder it
// does nothing.
func SkipResponse(ctx context.Context) {
	if f, ok := ctx.Value(skipKey{}).(*skipFlag); ok {
		f.mu.Lock()
		f.skip = true
		f.mu.Unlock()
	}
}

// Handler wraps next: the request body is read (and handed on unchanged), the
// answer is passed through to the client as it is written and a copy is checked
// once next returns. Exempt paths go straight to next.
func (rec *Recorder) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Exempt(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		var reqBody []byte
		if r.Body != nil {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxChecked))
			if err == nil {
				reqBody = b
			}
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(reqBody), r.Body))
		}
		flag := &skipFlag{}
		r = r.WithContext(context.WithValue(r.Context(), skipKey{}, flag))
		cw := &captureWriter{StatusWriter: engine.StatusWriter{ResponseWriter: w}}
		next.ServeHTTP(cw, r)

		flag.mu.Lock()
		skip := flag.skip
		flag.mu.Unlock()
		status := cw.Status
		if status == 0 {
			status = http.StatusOK
		}
		rec.add(rec.checker.Check(Exchange{
			Request: r, RequestBody: reqBody,
			Status: status, Header: w.Header(), Body: cw.body.Bytes(),
			SkipResponse: skip,
		}))
	})
}

// captureWriter copies what is written, on top of the engine's status writer
// (which lets http.ResponseController reach the connection through it).
type captureWriter struct {
	engine.StatusWriter
	body bytes.Buffer
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.body.Len() < maxChecked {
		w.body.Write(b)
	}
	return w.StatusWriter.Write(b)
}
