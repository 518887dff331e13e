package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Duration is a control-API duration: a string such as "1.5s", or a number of seconds.
type Duration time.Duration

// UnmarshalJSON reads either form.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		parsed, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(parsed)
		return nil
	}
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration must be a string like \"500ms\" or a number of seconds, got %s", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// LatencyView shows a latency the way the control API takes it.
type LatencyView struct {
	Base   string  `json:"base"`
	Jitter float64 `json:"jitter"`
}

// LatencyViews converts latencies for the control API.
func LatencyViews(in map[OpKind]Latency) map[OpKind]LatencyView {
	out := make(map[OpKind]LatencyView, len(in))
	for k, l := range in {
		out[k] = LatencyView{Base: l.Base.String(), Jitter: l.Jitter}
	}
	return out
}

// FaultView shows Delay as a string, the way the control API takes it.
type FaultView[R ~string] struct {
	Fault[R]
	Delay string `json:"delay,omitempty"`
}

// FaultViews converts rules for the control API.
func FaultViews[R ~string](in []Fault[R]) []FaultView[R] {
	out := make([]FaultView[R], 0, len(in))
	for _, f := range in {
		v := FaultView[R]{Fault: f}
		if f.Delay > 0 {
			v.Delay = f.Delay.String()
		}
		out = append(out, v)
	}
	return out
}

// NonNil makes an empty list encode as [] rather than null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
