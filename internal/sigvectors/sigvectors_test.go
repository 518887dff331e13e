package sigvectors

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestLoad(t *testing.T) {
	for i, v := range Load(t) {
		if v.Method == "" || v.URL == "" || v.Timestamp == "" || v.AccessKey == "" || v.SecretKey == "" || v.Signature == "" {
			t.Errorf("case %d is incomplete: %+v", i, v)
		}
	}
}

// TestCopyMatchesSharedSpec checks the copy in testdata/ against the original in the project's
// shared spec folder (../shared beside the module root), when that folder is there.
func TestCopyMatchesSharedSpec(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(filepath.Dir(root), "shared", "testdata", "signature-vectors.json")
	original, err := os.ReadFile(shared)
	if os.IsNotExist(err) {
		t.Skipf("no shared spec folder beside the repository (%s): nothing to compare the copy with", shared)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, original) {
		t.Fatalf("testdata/signature-vectors.json differs from %s: if the shared vectors changed, copy them again "+
			"(cp %s internal/sigvectors/testdata/)", shared, shared)
	}
}

// moduleRoot is the nearest directory above the test's working directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
