package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sourcesWith(env map[string]string, home string) settingSources {
	return settingSources{getenv: func(k string) string { return env[k] }, home: home}
}

func writeCredentialsFile(t *testing.T, body string) string {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, ".scpconf")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

func TestResolvePrecedenceHCLThenEnvThenFile(t *testing.T) {
	home := writeCredentialsFile(t, `{"access-key":"file-access","secret-key":"file-secret"}`)
	env := map[string]string{"SCP_ACCESS_KEY": "env-access", "SCP_TF_SECRET_KEY": "env-secret", "SCP_ENDPOINT": "https://env.example"}

	got, err := sourcesWith(env, home).resolve(providerSettings{AccessKey: "hcl-access", Endpoint: "https://hcl.example"})
	if err != nil {
		t.Fatal(err)
	}
	if got.accessKey != "hcl-access" || got.secretKey != "env-secret" || got.endpoint != "https://hcl.example" {
		t.Fatalf("got %+v", got)
	}
	if !strings.Contains(got.credentialSource, "provider block") || !strings.Contains(got.credentialSource, "SCP_TF_SECRET_KEY") {
		t.Fatalf("credential source %q", got.credentialSource)
	}

	got, err = sourcesWith(map[string]string{"SCP_TF_ENDPOINT_OVERRIDE": "https://official.example"}, home).resolve(providerSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if got.accessKey != "file-access" || got.secretKey != "file-secret" || got.endpoint != "https://official.example" {
		t.Fatalf("got %+v", got)
	}
	if !strings.Contains(got.credentialSource, "credentials.json") {
		t.Fatalf("credential source %q", got.credentialSource)
	}
	if got.apiVersion != "1.3" {
		t.Fatalf("default api version %q", got.apiVersion)
	}
}

func TestResolveSCPNamesWinOverOfficialNames(t *testing.T) {
	env := map[string]string{"SCP_ACCESS_KEY": "a1", "SCP_TF_ACCESS_KEY": "a2", "SCP_SECRET_KEY": "s1", "SCP_TF_SECRET_KEY": "s2", "SCP_REGION": "kr-west1"}
	got, err := sourcesWith(env, t.TempDir()).resolve(providerSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if got.accessKey != "a1" || got.secretKey != "s1" {
		t.Fatalf("got %+v", got)
	}
	if got.endpoint != "https://virtualserver.kr-west1.e.samsungsdscloud.com" {
		t.Fatalf("endpoint from region = %q", got.endpoint)
	}
}

func TestResolveRegionInHCLBeatsEndpointInEnvironment(t *testing.T) {
	env := map[string]string{"SCP_ENDPOINT": "https://env.example", "SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s"}
	got, err := sourcesWith(env, t.TempDir()).resolve(providerSettings{Region: "kr-east1", Environment: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if got.endpoint != "https://virtualserver.kr-east1.s.samsungsdscloud.com" {
		t.Fatalf("endpoint = %q, want the region's from the provider block", got.endpoint)
	}
	got, err = sourcesWith(env, t.TempDir()).resolve(providerSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if got.endpoint != "https://env.example" {
		t.Fatalf("endpoint = %q, want SCP_ENDPOINT", got.endpoint)
	}
}

func TestResolveMissingCredentialsNamesEveryPlace(t *testing.T) {
	_, err := sourcesWith(map[string]string{}, t.TempDir()).resolve(providerSettings{})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"access_key", "SCP_ACCESS_KEY", "SCP_TF_ACCESS_KEY", "secret_key", "SCP_SECRET_KEY", "SCP_TF_SECRET_KEY", "credentials.json", "SCP_ENDPOINT", "SCP_REGION"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestResolveBrokenCredentialsFileDoesNotEchoIt(t *testing.T) {
	home := writeCredentialsFile(t, `{"access-key":"leaky-key", "secret-key": "leaky-secret"`)
	_, err := sourcesWith(map[string]string{"SCP_ENDPOINT": "https://e"}, home).resolve(providerSettings{})
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "leaky") {
		t.Fatalf("error echoes the file's contents: %v", err)
	}
}

func TestCheckAPIVersion(t *testing.T) {
	now := date(2026, 11, 22)
	cases := []struct {
		version     string
		wantWarning bool
		wantError   string
	}{
		{"1.3", false, ""},
		{"1.2", true, ""},
		{"1.1", false, "2026-05-31"},
		{"1.0", false, "2025-12-31"},
		{"2.0", false, "not a Virtual Server API version"},
		{"", false, "not a Virtual Server API version"},
	}
	for _, tc := range cases {
		warning, errMsg := checkAPIVersion(tc.version, now)
		if (warning != "") != tc.wantWarning {
			t.Errorf("%q: warning %q", tc.version, warning)
		}
		if tc.wantError == "" && errMsg != "" || tc.wantError != "" && !strings.Contains(errMsg, tc.wantError) {
			t.Errorf("%q: error %q, want it to mention %q", tc.version, errMsg, tc.wantError)
		}
	}
	// Before its Not Before date a deprecated version still works, with a warning.
	if warning, errMsg := checkAPIVersion("1.1", date(2026, 5, 1)); errMsg != "" || !strings.Contains(warning, "2026-05-31") {
		t.Errorf("1.1 in May 2026: warning %q error %q", warning, errMsg)
	}
	if got := usableAPIVersions(now); strings.Join(got, ",") != "1.3,1.2" {
		t.Errorf("usable versions %v", got)
	}
}
