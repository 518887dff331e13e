package wait

import (
	"testing"
	"time"
)

// TestBudgetStepFromZero: at the very start of a window that begins at zero, the budget spacing
// grows from the first delay instead of jumping to the window's end.
func TestBudgetStepFromZero(t *testing.T) {
	r := &run{p: New()}
	if d := r.budgetStep(0, 2*time.Second); d <= 0 || d >= time.Second {
		t.Errorf("budget step at 0 for a window ending at 2s: %v", d)
	}
	r.probes = r.p.cfg.WindowBudget - 1
	if d := r.budgetStep(time.Second, 2*time.Second); d != time.Second {
		t.Errorf("with one probe left, step %v; want the rest of the window (1s)", d)
	}
}
