package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a personality's listener and its end: Start serves on an address,
// Close releases held requests (Closing) and shuts the listener down.
type Server struct {
	name      string
	srv       *http.Server
	url       string
	closing   chan struct{}
	closeOnce sync.Once
}

// Init readies s; name starts error messages.
func (s *Server) Init(name string) {
	s.name = name
	s.closing = make(chan struct{})
}

// listen listens on addr and serves h in the background.
func (s *Server) listen(addr string, h http.Handler) error {
	if s.srv != nil {
		return errors.New(s.name + ": already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", s.name, addr, err)
	}
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

// URL is the base URL (no trailing slash) after Start; empty before.
func (s *Server) URL() string { return s.url }

// Closing is closed by Close: held requests (FaultHang, FaultSlow) let go then.
func (s *Server) Closing() <-chan struct{} { return s.closing }

// shutdown releases held requests, runs stop (the personality's clean-up, such as
// cancelling its operations) and shuts the listener down. Only the first call acts.
func (s *Server) shutdown(stop func()) {
	s.closeOnce.Do(func() {
		close(s.closing)
		stop()
		if s.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := s.srv.Shutdown(ctx); err != nil {
				_ = s.srv.Close()
			}
		}
	})
}
