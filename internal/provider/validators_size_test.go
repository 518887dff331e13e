package provider

import "testing"

func TestNearestSizesNamesOnlyRealChoices(t *testing.T) {
	for size, want := range map[int64]string{
		7:   "Use 8.",
		-5:  "Use 8.",
		0:   "Use 8.",
		12:  "Use 8 or 16.",
		100: "Use 96 or 104.",
	} {
		if got := nearestSizes(size); got != want {
			t.Errorf("nearestSizes(%d) = %q, want %q", size, got, want)
		}
	}
}
