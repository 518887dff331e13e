package engine

import (
	"net/http"
	"sync"
)

// Core is what a personality embeds: the operation scheduler, the fault rules, the
// request log and the listener, with the methods tests, commands and the bench call
// (Operations, SetLatency, FailNext, WaitIdle, AddFault, Faults, ClearFaults,
// Requests, Start, URL, Handler, Close...) promoted onto the personality's
// Emulator. R is the personality's route type, T its request record.
type Core[R ~string, T any] struct {
	Scheduler
	FaultSet[R]
	RequestLog[T]
	Server

	lock          sync.Locker
	listen        string
	handler       http.Handler
	validate      func() error
	onClearFaults func()
}

// CoreConfig is what a personality hands its Core.
type CoreConfig[T any] struct {
	// Name starts error messages ("emulator", "openstack emulator").
	Name string
	// Seed seeds the fault rules' probability draws.
	Seed uint64
	// Listen is the address Start serves on.
	Listen string
	// Scheduler configures the operation scheduler; its Lock is the model lock.
	Scheduler SchedulerConfig
	// NumberRequest gives a request record its place in the log; OnRequest, when
	// set, hears of every record.
	NumberRequest func(*T, int64)
	OnRequest     func(T)
	// Validate, when set, runs before Start listens.
	Validate func() error
	// ClearFaults, when set, runs under the model lock from ClearFaults, to clear
	// what the personality injects beyond request rules and outcome faults.
	ClearFaults func()
}

// Init readies every part. Call once, from the personality's constructor.
func (c *Core[R, T]) Init(cfg CoreConfig[T]) {
	cfg.Scheduler.Name = cfg.Name
	c.lock = cfg.Scheduler.Lock
	c.listen = cfg.Listen
	c.validate = cfg.Validate
	c.onClearFaults = cfg.ClearFaults
	c.Scheduler.Init(cfg.Scheduler)
	c.FaultSet.Init(cfg.Name, cfg.Seed)
	c.RequestLog.Init(cfg.NumberRequest, cfg.OnRequest)
	c.Server.Init(cfg.Name)
}

// Mount sets the handler Start serves and Handler returns.
func (c *Core[R, T]) Mount(h http.Handler) { c.handler = h }

// Handler serves the API and the control API under /_emulator/, for callers that
// run their own server (httptest). Call Close when done so pending operations and
// held requests are released.
func (c *Core[R, T]) Handler() http.Handler { return c.handler }

// Start listens on the configured address and serves in the background until Close.
func (c *Core[R, T]) Start() error {
	if c.validate != nil {
		if err := c.validate(); err != nil {
			return err
		}
	}
	return c.Server.listen(c.listen, c.handler)
}

// Close stops pending operations (their records end as cancelled), releases held
// requests and shuts the listener down. It is safe to call more than once.
func (c *Core[R, T]) Close() {
	c.Server.shutdown(func() {
		c.lock.Lock()
		defer c.lock.Unlock()
		c.Scheduler.stop()
	})
}

// ClearFaults removes every request rule and pending outcome fault, and whatever
// else the personality injects (busy windows, injected tasks).
func (c *Core[R, T]) ClearFaults() {
	c.FaultSet.clearRules()
	c.lock.Lock()
	defer c.lock.Unlock()
	c.Scheduler.ClearFailNext()
	if c.onClearFaults != nil {
		c.onClearFaults()
	}
}
