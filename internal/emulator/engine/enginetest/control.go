// Package enginetest holds what the personalities' tests share: control API
// requests and polling.
package enginetest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Control sends method /_emulator/path with body to the emulator at baseURL and
// returns the status and the answer's JSON object (nil when it is not one).
func Control(t testing.TB, baseURL, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, baseURL+"/_emulator/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
