// Package emuclitest runs an emulator command's run function in tests.
package emuclitest

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"
)

// SyncBuffer lets a test read what run writes from another goroutine.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Run is a command's run function.
type Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// Running is a run in the background, serving until Stop.
type Running struct {
	Ctx            context.Context
	Stdout, Stderr SyncBuffer
	cancel         context.CancelFunc
	done           chan error
}

// Start calls run with args in the background.
func Start(run Run, args ...string) *Running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{Ctx: ctx, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx, args, &r.Stdout, &r.Stderr) }()
	return r
}

// Stop cancels the run and fails t unless it returns nil within five seconds.
func (r *Running) Stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
}
