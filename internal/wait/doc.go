// Package wait is the provider's one poller for asynchronous operations.
//
// Every mutation of the SCP API answers 202 Accepted and finishes later; the provider observes
// completion by reading the object. A resource sends its mutation once, then calls
// Poller.Wait with a Probe that reads the object and says whether the operation is done. Wait
// only ever calls the Probe: it never repeats the mutation.
//
// # Contract
//
//   - done=true ends the wait; done=false means "not yet".
//   - An error marked with Permanent (the object went to ERROR, 401, ...) ends the wait at once;
//     Wait returns the error without the mark, so callers can errors.As their typed errors.
//   - Any other error is transient: counted and retried no sooner than the current interval,
//     backing off while it persists.
//   - ctx's deadline (the resource's timeouts block) gives a *TimeoutError saying how long Wait
//     waited and the last transient error; it matches errors.Is(err, context.DeadlineExceeded).
//     No probe is planned past the deadline: the last one goes just before it.
//   - Cancellation (Ctrl-C) returns an error wrapping context.Canceled as soon as ctx is done;
//     Wait never sleeps past it. A probe in flight gets ctx and is responsible for honouring it.
//
// # Why it learns
//
// Nothing in a 202 says how long the operation will take: a volume attach takes seconds, a
// server build minutes. A fixed interval is either prompt and wasteful (every 3 s: 200 reads
// for 10 minutes) or frugal and late. So the poller has two schedules.
//
// Without history for a kind of operation ("cold") it relies on the kind's prior (WithPriors: its
// typical duration on the cloud, scaled by the pace measured on the kinds already seen): up to a
// quarter of that it only guards against an early end, doubling the time waited; from there each
// interval is ColdFraction (15 %) of the time elapsed, at most 90 s. Lateness is then a
// bounded share of the duration (median ~7 %, at most 15 %), at about ln(D/start)/ln(1.15)
// probes: at most 25 for 10 minutes when the prior is right within a factor of 2. With intervals ≤
// f × elapsed, k probes cover durations spanning a factor (1+f)^k: halving the lateness doubles
// the probes, which is why the prior matters. A kind without a prior is probed densely at once.
//
// Terraform runs the same kinds of operation over and over, so the Poller (one per provider
// instance, safe for concurrent use) remembers, per kind, the interval in which each recent
// successful wait saw its operation end. Once it has a few, a wait sleeps until just before the
// earliest plausible end, probes densely (a fixed fraction of the time elapsed, so lateness is
// the same share of the duration wherever the operation ends) until the latest plausible end,
// then backs off again for outliers. Waits running side by side re-read what their siblings
// taught at every probe. An operation that turns out faster than learned is caught by hedging
// ahead of the window; one that becomes slower moves the window with its samples. The
// parameters and their reasons are documented on params; the rules for which samples count, on
// history.usable.
//
// History lives in memory; the provider saves Poller.History between runs (its timings cache, and
// a summary in each resource's private state) and restores it with WithHistory or Seed, so the
// cold schedule is the exception. Jitter is a small
// symmetric ±10 %: waits started together by one apply only need to drift apart.
//
// How prompt and how frugal this is, against the usual fixed and linear schedules, is measured
// by internal/cmd/bench (make bench) and reported in the README's Benchmarks section.
package wait
