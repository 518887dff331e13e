package provider

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestKeyedMutexSerialisesOneKeyOnly(t *testing.T) {
	k := newKeyedMutex()
	var inA, maxA atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := k.Lock(context.Background(), "server-a")
			if err != nil {
				t.Error(err)
				return
			}
			n := inA.Add(1)
			for {
				m := maxA.Load()
				if n <= m || maxA.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			inA.Add(-1)
			unlock()
		}()
	}
	// Another key is never blocked by server-a's holders.
	unlockB, err := k.Lock(context.Background(), "server-b")
	if err != nil {
		t.Fatal(err)
	}
	unlockB()
	wg.Wait()
	if maxA.Load() != 1 {
		t.Fatalf("%d holders of one key at once", maxA.Load())
	}
	if len(k.slots) != 0 {
		t.Fatalf("%d slots left behind", len(k.slots))
	}
}

func TestKeyedMutexHonoursCancellation(t *testing.T) {
	k := newKeyedMutex()
	unlock, _ := k.Lock(context.Background(), "s")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := k.Lock(ctx, "s"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	unlock()
	unlock2, err := k.Lock(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	unlock2()
}
