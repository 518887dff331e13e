package enginetest

import (
	"testing"
	"time"
)

// Eventually polls cond every poll until it holds, failing t after five seconds.
func Eventually(t testing.TB, what string, poll time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(poll)
	}
}

// Await polls get every poll until done holds of its answer, which it returns;
// it fails t after five seconds.
func Await[T any](t testing.TB, what string, poll time.Duration, get func() T, done func(T) bool) T {
	t.Helper()
	var last T
	Eventually(t, what, poll, func() bool {
		last = get()
		return done(last)
	})
	return last
}
