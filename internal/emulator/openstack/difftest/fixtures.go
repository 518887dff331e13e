package difftest

import (
	"encoding/json"
	"fmt"
	"os"
)

// LoadRecording reads a recording written by SaveRecording.
func LoadRecording(path string) (*Recording, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Recording
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// SaveRecording writes r as indented JSON, one exchange after the other.
func SaveRecording(path string, r *Recording) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
