package main

import (
	"slices"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		q    float64
		want float64
	}{
		{"empty", nil, 0.5, 0},
		{"single", []float64{7}, 0.95, 7},
		{"median of even count interpolates", []float64{4, 1, 3, 2}, 0.5, 2.5},
		{"median of odd count", []float64{5, 1, 3}, 0.5, 3},
		{"p95 of 1..20 interpolates", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 0.95, 19.05},
		{"p0 is the minimum", []float64{3, 1, 2}, 0, 1},
		{"p100 is the maximum", []float64{3, 1, 2}, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.xs)
			got := quantile(in, tt.q)
			if diff := got - tt.want; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("quantile(%v, %v) = %v, want %v", tt.xs, tt.q, got, tt.want)
			}
			if !slices.Equal(in, tt.xs) {
				t.Errorf("quantile reordered its input: %v", in)
			}
		})
	}
}

func TestQuantileDurAndInt(t *testing.T) {
	ds := []time.Duration{300 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	if got := quantileDur(ds, 0.5); got != 200*time.Millisecond {
		t.Errorf("quantileDur median = %v, want 200ms", got)
	}
	if got := quantileInt([]int{1, 2, 3, 10}, 0.5); got != 2.5 {
		t.Errorf("quantileInt median = %v, want 2.5", got)
	}
	if got := maxInt([]int{3, 9, 2}); got != 9 {
		t.Errorf("maxInt = %d, want 9", got)
	}
	if got := maxInt(nil); got != 0 {
		t.Errorf("maxInt(nil) = %d, want 0", got)
	}
}
