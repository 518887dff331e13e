// Package sigvectors loads shared/testdata/signature-vectors.json: request signatures computed
// independently of this project. The client's and the emulator's tests both check against them,
// each with its own signing code, so the file is read in one place and the signers stay apart.
package sigvectors

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Vector is one request and the signature it must produce.
type Vector struct {
	Method     string `json:"method"`
	URL        string `json:"url"`
	Timestamp  string `json:"timestamp"`
	AccessKey  string `json:"access_key"`
	SecretKey  string `json:"secret_key"`
	AccountID  string `json:"account_id"`
	ClientType string `json:"client_type"`
	Signature  string `json:"signature"`
}

// EnvPath overrides where the vectors are read from.
const EnvPath = "SCP_SIGNATURE_VECTORS"

// Load reads the vectors from shared/ beside the repository (or from $SCP_SIGNATURE_VECTORS) and
// fails the test if there are none.
func Load(t testing.TB) []Vector {
	t.Helper()
	path := os.Getenv(EnvPath)
	if path == "" {
		_, self, _, _ := runtime.Caller(0) // .../internal/sigvectors/sigvectors.go
		path = filepath.Join(filepath.Dir(self), "..", "..", "..", "shared", "testdata", "signature-vectors.json")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading signature vectors: %v (set %s to their path)", err, EnvPath)
	}
	var file struct {
		Cases []Vector `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	if len(file.Cases) == 0 {
		t.Fatalf("%s has no cases", path)
	}
	return file.Cases
}
