// Package wait is the provider's one poller for asynchronous operations.
//
// Every mutation of the SCP API answers 202 Accepted and finishes later; the provider observes
// completion by reading the object. A resource sends its mutation once, then calls
// Poller.Wait with a Probe that reads the object and says whether the operation is done. Wait
// only ever calls the Probe: it never repeats the mutation.
//
// # Contract
//
//   - done=true ends the wait (after Confirmations consecutive dones, for eventually consistent
//     reads); done=false means "not yet".
//   - An error marked with Permanent (the object went to ERROR, 401, ...) ends the wait at once;
//     Wait returns the error without the mark, so callers can errors.As their typed errors.
//   - Any other error is transient: counted, reported to the OnProbe hook, retried no sooner than
//     the current interval, backing off while it persists.
//   - ctx's deadline (the resource's timeouts block) gives a *TimeoutError saying how long Wait
//     waited and the last transient error; it matches errors.Is(err, context.DeadlineExceeded).
//     No probe is planned past the deadline: the last one goes just before it.
//   - Cancellation (Ctrl-C) returns an error wrapping context.Canceled as soon as ctx is done;
//     Wait never sleeps past it. A probe in flight gets ctx and is responsible for honouring it.
//
// # Schedule without history ("cold")
//
// The first probe comes after FirstDelay (250 ms). Each following interval grows by at most
// Growth (×2) per probe, but never beyond FirstDelay + ElapsedFraction × elapsed (×1), nor
// MaxInterval (4 min), and is spread by ±Jitter (10 %): the poller doubles the time it has
// waited at each probe. An operation is therefore noticed less than its own duration late (plus
// FirstDelay), and an operation of any length up to 10 minutes costs at most 12 probes.
//
// Why doubling: with intervals ≤ f × elapsed, k probes cover a range of durations of (1+f)^k, so
// covering 0.25 s to 10 minutes (a factor 2400) in 12 probes needs f ≈ 0.9. A finer cold
// schedule buys lateness with requests (f = 0.3, ~30 % late at worst, takes 27 probes for 10
// minutes); a fixed 3 s interval takes 200. Knowing nothing about an operation's length, no
// schedule can be both frugal and prompt; the poller is cold only for the first MinSamples waits
// of a kind, and the provider keeps what it learned between runs (the timings cache). Measured on
// the fake clock, durations ±20 %, probes taking 40 ms:
//
//	operation   cold probes (max)   cold lateness median / p95
//	1 s         3                   80 % / 120 %
//	30 s        8                   26 % / 97 %
//	3 min       10                  39 % / 70 %
//	10 min      12 (13 past 10 min) 19 % / 45 %
//
// # Learning
//
// The cold schedule is the price of knowing nothing. Terraform runs the same kinds of
// operation over and over, so the Poller (one per provider instance, safe for concurrent use)
// remembers, per kind, the last HistorySize (50) successful waits. Each is stored as the
// interval the operation ended in: after the start of the last probe that saw "not done" (lo)
// and no later than the end of the first probe that saw "done" (hi). With MinSamples (3) of
// them, a wait of that kind is scheduled as follows, each sample taken as a duration spread
// evenly over its bracket (so precise samples act as points and coarse ones widen the window in
// proportion to what they leave open):
//
//  1. Jump: sleep until start = Lead (0.95) × the LowQuantile (p10) of the durations, i.e. just
//     before the earliest plausible end.
//  2. Dense: probe until end = the HighQuantile (p90) of the durations, each step a fixed
//     fraction of the time elapsed, so lateness is the same share of the duration wherever in
//     the window the operation ends. That fraction is DenseFraction (5 %), widened just enough
//     to cross the window in DenseProbes (7) steps when durations vary widely (for ±20 %: ~7 %),
//     never finer than MinInterval (25 ms), never coarser than the cold schedule. A wait that has
//     spent more probes than planned (a hedge, or a window that widened while it ran) spaces the
//     rest so that it has made at most WindowBudget (10) probes when the window ends.
//  3. Backoff: past end the operation is surprisingly long; intervals grow again by Growth from
//     the last dense step, under the cold bounds, so an outlier costs a few probes, not dozens.
//
// Not every sample counts:
//
//   - A cold sample (from a wait that started without history) brackets the end within about
//     half the duration. Cold samples seed the schedule, but once a kind has at least as many
//     others (and MinSamples), only those count, so the first waits do not widen the window for
//     the next HistorySize. Not sooner: waits started together finish fastest first, and their
//     first learned samples alone would pull the window early.
//     Cold waits that switched to the learned schedule half-way (siblings taught the poller
//     meanwhile) stay cold: they are the slow ones of their batch, and alone would bias the
//     window late.
//   - A censored sample (done at the first probe) says only "ended before hi". It is left out
//     while there are MinSamples others: its lo of 0 would drag the window's start to zero.
//     Instead, when a wait that trusted the history finds its operation already done at its
//     first probe, the next waits of the kind hedge: a probe at start/2 (then start/4, /8, ...
//     while that keeps happening), then the cold growth up to the window, until a wait brackets
//     an end again. That bracket is a sample like any other, and the window follows.
//   - Learned waits that overran the window count like any other: that is how the schedule
//     follows a kind that becomes slower.
//
// The plan is re-read at every probe, so waits running side by side (count = 10) benefit as soon
// as one of them finishes.
//
// Timeouts, cancellations and permanent errors teach nothing. History lives in memory; a caller
// that wants it across runs can save Poller.History and restore it with WithHistory.
//
// Measured on the fake clock (TestSimulation: one poller, durations uniform ±20 %, probes
// taking 50 ms, four seeds, after a warm-up of 5 waits per kind):
//
//	operation   learned probes median / max   lateness median / p95
//	1 s         3-4 / 5-6                      ~70-90 ms / ~130-185 ms
//	30 s        4-6 / 9-10                     3.1-3.8 % / 5.8-9.4 %
//	10 min      6-7 / 9-10                     2.4-3 % / 5-7.7 %
//
// # Baselines
//
// FixedInterval and LinearCapped make pollers with the usual fixed or slowly growing intervals
// and no learning, for benchmarks to compare against.
//
// # Jitter
//
// Jitter is symmetric and small (±10 %) rather than "full" or "decorrelated": those schemes
// spread retries of many clients hammering a shared server, at the cost of intervals varying
// up to ×3, which would make lateness unpredictable. Here a handful of waits started together by
// one terraform apply only need to drift apart, which ±10 % does within a few probes.
package wait
