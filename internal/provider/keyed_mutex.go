package provider

import (
	"context"
	"sync"
)

// keyedMutex hands out one lock per key (a server id). Waiting for a lock honours the context so
// Ctrl-C and timeouts are not stuck behind another resource's operation.
type keyedMutex struct {
	mu    sync.Mutex
	slots map[string]*keySlot
}

type keySlot struct {
	ch   chan struct{} // buffered(1): holding the token means holding the lock
	refs int
}

func newKeyedMutex() *keyedMutex { return &keyedMutex{slots: map[string]*keySlot{}} }

// Lock acquires key's lock; the returned func releases it. It fails only when ctx ends first.
func (k *keyedMutex) Lock(ctx context.Context, key string) (func(), error) {
	k.mu.Lock()
	slot, ok := k.slots[key]
	if !ok {
		slot = &keySlot{ch: make(chan struct{}, 1)}
		k.slots[key] = slot
	}
	slot.refs++
	k.mu.Unlock()

	select {
	case slot.ch <- struct{}{}:
		return func() { <-slot.ch; k.release(key, slot) }, nil
	case <-ctx.Done():
		k.release(key, slot)
		return nil, ctx.Err()
	}
}

func (k *keyedMutex) release(key string, slot *keySlot) {
	k.mu.Lock()
	defer k.mu.Unlock()
	slot.refs--
	if slot.refs == 0 {
		delete(k.slots, key)
	}
}
