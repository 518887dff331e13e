package contract

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// moduleRoot walks up from the package directory to the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// The copies in the repository must equal ../shared/contract/ (the specification
// the project is built from) wherever that folder exists; a clean clone has only the
// copies and passes alone.
func TestCopyMatchesShared(t *testing.T) {
	shared := filepath.Join(moduleRoot(t), "..", "shared", "contract")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared contract folder at %s (a clone on its own): nothing to compare", shared)
	}
	for name, embedded := range sharedFiles {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(embedded, want) {
			t.Errorf("internal/contract/%s differs from %s; copy it again (cp %s internal/contract/)",
				name, filepath.Join(shared, name), filepath.Join(shared, name))
		}
	}
}
