// Package sigvectors holds the request-signature test vectors: signatures computed independently
// of this project, copied from the project's shared spec folder into testdata/ (its README says
// where they come from). The client's and the emulator's tests both check against them, each with
// its own signing code, so the file is read in one place and the signers stay apart.
package sigvectors

import (
	_ "embed"
	"encoding/json"
	"errors"
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

// raw is testdata/signature-vectors.json, built into the package so that a test needs no path.
//
//go:embed testdata/signature-vectors.json
var raw []byte

// Load returns the vectors and fails the test if they cannot be decoded or there are none.
func Load(t testing.TB) []Vector {
	t.Helper()
	cases, err := decode(raw)
	if err != nil {
		t.Fatalf("signature vectors (internal/sigvectors/testdata/signature-vectors.json): %v", err)
	}
	return cases
}

func decode(b []byte) ([]Vector, error) {
	var file struct {
		Cases []Vector `json:"cases"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, err
	}
	if len(file.Cases) == 0 {
		return nil, errors.New("no cases")
	}
	return file.Cases, nil
}
