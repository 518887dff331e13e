package provider

import (
	"context"
	"sync"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// sharedReads lets reads of the same object at the same moment share one request: under an API
// rate limit every request counts, and Terraform often reads one object for several resources at
// once (a refresh reads each volume for the volume and again for its attachment; a server's
// attachments list answers every attachment of that server).
//
// Two rules keep a shared answer as good as a fresh one:
//   - A wait's probe (marked with freshRead) never takes an answer that had already arrived when it
//     asked: it only joins a read still in flight, so a wait notices an end as soon as any read sees it.
//   - Any change this process sends to an object (delete, attach, detach, lock, extend...) drops
//     what is shared of it, so no read from before the change answers for after it.
//
// Other reads (refresh, plan-time checks) may take an answer that arrived at most sharedReadWindow
// ago, when nothing was sent to the object since.
type sharedReads struct {
	cloud.Cloud
	window time.Duration
	now    func() time.Time

	mu          sync.Mutex
	servers     map[string]*sharedCall[cloud.Server]
	volumes     map[string]*sharedCall[cloud.Volume]
	attachments map[string]*sharedCall[[]cloud.Attachment]
}

// sharedReadWindow is how long a finished read may answer other readers (not waits' probes): about
// how long Terraform takes to refresh a volume and then its attachment when the API's rate limit
// slows the refresh (a refresh is a snapshot seconds wide anyway).
const sharedReadWindow = 5 * time.Second

// withSharedReads wraps c. Its optional capabilities (cloud.Lister, cloud.Tagger) stay within
// reach through Unwrap, for cloud.Capability.
func withSharedReads(c cloud.Cloud) cloud.Cloud { return newSharedReads(c) }

// Unwrap is the cloud the shared reads wrap.
func (s *sharedReads) Unwrap() cloud.Cloud { return s.Cloud }

func newSharedReads(c cloud.Cloud) *sharedReads {
	return &sharedReads{
		Cloud: c, window: sharedReadWindow, now: time.Now,
		servers: map[string]*sharedCall[cloud.Server]{}, volumes: map[string]*sharedCall[cloud.Volume]{},
		attachments: map[string]*sharedCall[[]cloud.Attachment]{},
	}
}

// sharedCall is one read, in flight until done is closed.
type sharedCall[T any] struct {
	done     chan struct{}
	finished time.Time
	val      *T
	err      error
}

type freshReadKey struct{}

// freshRead marks ctx as a wait's probe: it may join a read in flight, never take a finished one.
func freshRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshReadKey{}, true)
}

// share answers a read of key from calls: joining one in flight, taking one that finished within
// the window (not for a probe), or sending it.
func share[T any](ctx context.Context, s *sharedReads, calls map[string]*sharedCall[T], key string,
	read func(context.Context) (*T, error)) (*T, error) {
	probe, _ := ctx.Value(freshReadKey{}).(bool)
	s.mu.Lock()
	if c, ok := calls[key]; ok {
		select {
		case <-c.done:
			if !probe && s.now().Sub(c.finished) <= s.window {
				s.mu.Unlock()
				return c.val, c.err
			}
		default:
			s.mu.Unlock()
			select {
			case <-c.done:
				return c.val, c.err
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	c := &sharedCall[T]{done: make(chan struct{})}
	calls[key] = c
	s.mu.Unlock()

	// The request runs on its own: a reader that gives up (its ctx ends) must not fail the others.
	c.val, c.err = read(context.WithoutCancel(ctx))
	s.mu.Lock()
	c.finished = s.now()
	close(c.done)
	if c.err != nil && calls[key] == c {
		delete(calls, key) // a failure answers those who asked with it, no one later
	}
	s.mu.Unlock()
	return c.val, c.err
}

func (s *sharedReads) Server(ctx context.Context, id string) (*cloud.Server, error) {
	return share(ctx, s, s.servers, id, func(ctx context.Context) (*cloud.Server, error) { return s.Cloud.Server(ctx, id) })
}

func (s *sharedReads) Volume(ctx context.Context, id string) (*cloud.Volume, error) {
	return share(ctx, s, s.volumes, id, func(ctx context.Context) (*cloud.Volume, error) { return s.Cloud.Volume(ctx, id) })
}

func (s *sharedReads) ServerAttachments(ctx context.Context, serverID string) ([]cloud.Attachment, error) {
	list, err := share(ctx, s, s.attachments, serverID, func(ctx context.Context) (*[]cloud.Attachment, error) {
		l, err := s.Cloud.ServerAttachments(ctx, serverID)
		return &l, err
	})
	if list == nil {
		return nil, err
	}
	return *list, err
}

// forget drops what is shared of a server and of a volume ("" for none) before a change is sent.
func (s *sharedReads) forget(serverID, volumeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if serverID != "" {
		delete(s.servers, serverID)
		delete(s.attachments, serverID)
	}
	if volumeID != "" {
		delete(s.volumes, volumeID)
	}
}

func (s *sharedReads) DeleteServer(ctx context.Context, id string) error {
	s.forget(id, "")
	defer s.forget(id, "")
	return s.Cloud.DeleteServer(ctx, id)
}

func (s *sharedReads) SetServerLocked(ctx context.Context, id string, locked bool) error {
	s.forget(id, "")
	defer s.forget(id, "")
	return s.Cloud.SetServerLocked(ctx, id, locked)
}

func (s *sharedReads) RenameVolume(ctx context.Context, id, name string) error {
	s.forget("", id)
	defer s.forget("", id)
	return s.Cloud.RenameVolume(ctx, id, name)
}

func (s *sharedReads) ExtendVolume(ctx context.Context, id string, size int64) error {
	s.forget("", id)
	defer s.forget("", id)
	return s.Cloud.ExtendVolume(ctx, id, size)
}

func (s *sharedReads) DeleteVolume(ctx context.Context, id string) error {
	s.forget("", id)
	defer s.forget("", id)
	return s.Cloud.DeleteVolume(ctx, id)
}

func (s *sharedReads) Attach(ctx context.Context, serverID, volumeID string, deleteOnTermination bool) (string, error) {
	s.forget(serverID, volumeID)
	defer s.forget(serverID, volumeID)
	return s.Cloud.Attach(ctx, serverID, volumeID, deleteOnTermination)
}

func (s *sharedReads) Detach(ctx context.Context, serverID, volumeID string) error {
	s.forget(serverID, volumeID)
	defer s.forget(serverID, volumeID)
	return s.Cloud.Detach(ctx, serverID, volumeID)
}
