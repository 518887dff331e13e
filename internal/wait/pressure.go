package wait

import "time"

// HoldPressure makes the poller schedule as under pressure (see WithPressure) for the next d on
// its clock, whatever the signal says: a rate limit another process of the same run met
// (Terraform refreshes in one provider process and applies in another) bites this one too, and
// learning it from a 429 of its own costs that 429's Retry-After for every request. A longer hold
// extends the one under way; a shorter one changes nothing.
func (p *Poller) HoldPressure(d time.Duration) {
	until := p.clock.Now().Add(d)
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.After(p.pressureUntil) {
		p.pressureUntil = until
	}
}

// PressureHeld is how much longer the hold HoldPressure set lasts (0: none), so that it can be
// passed on.
func (p *Poller) PressureHeld() time.Duration {
	p.mu.Lock()
	until := p.pressureUntil
	p.mu.Unlock()
	return max(until.Sub(p.clock.Now()), 0)
}

// pressured tells whether the API rate limits us: the signal says so, or a hold lasts.
func (p *Poller) pressured() bool {
	return (p.pressure != nil && p.pressure()) || p.PressureHeld() > 0
}
