package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/scp"
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

func writeSCPFile(t *testing.T, home, name, body string, mode os.FileMode) string {
	t.Helper()
	dir := filepath.Join(home, ".scpconf")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return file
}

const officialConfigJSON = `{"auth-url":"https://iam.s.samsungsdscloud.com/v1","default-region":"kr-east1","account-id":"acc-file","other":{"x":1}}`

func TestConfigOfficialProviderFilesAreRead(t *testing.T) {
	home := writeCredentialsFile(t, `{"access-key":"file-access","secret-key":"file-secret"}`)
	writeSCPFile(t, home, "config.json", officialConfigJSON, 0o644)

	got, err := sourcesWith(nil, home).resolve(providerSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if got.endpoint != "" || got.authURL != "https://iam.s.samsungsdscloud.com/v1" || !got.needsCatalog() {
		t.Fatalf("want the catalog of the file's auth-url, got %+v", got)
	}
	if got.region != "kr-east1" || got.accountID != "acc-file" || got.environment != "s" {
		t.Fatalf("region %q account %q environment %q", got.region, got.accountID, got.environment)
	}
	if len(got.warnings) != 0 {
		t.Fatalf("a 0644 config.json holds no secret and is not writable by others; warnings %v", got.warnings)
	}

	// The environment beats the file, and an explicit endpoint-override beats the catalog for
	// the Virtual Server API while Resource Manager still comes from the catalog.
	env := map[string]string{"SCP_TF_AUTH_URL": "https://iam.e.samsungsdscloud.com/v1", "SCP_TF_DEFAULT_REGION": "kr-west1", "SCP_TF_ACCOUNT_ID": "acc-env"}
	got, err = sourcesWith(env, home).resolve(providerSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if got.authURL != env["SCP_TF_AUTH_URL"] || got.region != "kr-west1" || got.accountID != "acc-env" || got.environment != "e" {
		t.Fatalf("got %+v", got)
	}
	writeSCPFile(t, home, "config.json", `{"auth-url":"https://iam.e.samsungsdscloud.com/v1","endpoint-override":"https://vs.example"}`, 0o600)
	got, err = sourcesWith(nil, home).resolve(providerSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if got.endpoint != "https://vs.example" || !strings.Contains(got.endpointSource, "endpoint-override") || !got.needsCatalog() {
		t.Fatalf("got %+v", got)
	}
}

func TestConfigProviderBlockDecidesWhereAsAWhole(t *testing.T) {
	home := t.TempDir()
	writeSCPFile(t, home, "config.json", officialConfigJSON, 0o600)
	env := map[string]string{"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s", "SCP_TF_AUTH_URL": "https://iam.e.samsungsdscloud.com/v1"}

	// An emulator in the block: the auth URLs of the environment and of the file are not used,
	// so nothing is sent to SCP's IAM.
	got, err := sourcesWith(env, home).resolve(providerSettings{Endpoint: "http://127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	if got.endpoint != "http://127.0.0.1:9" || got.authURL != "" || got.needsCatalog() {
		t.Fatalf("got %+v", got)
	}
	// auth_url in the block with region: the catalog, for that region.
	got, err = sourcesWith(env, home).resolve(providerSettings{AuthURL: "https://iam.g.samsungsdscloud.com/v1", Region: "kr-south1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.endpoint != "" || got.authURL != "https://iam.g.samsungsdscloud.com/v1" || got.region != "kr-south1" || got.environment != "g" {
		t.Fatalf("got %+v", got)
	}
	// An explicit Resource Manager endpoint is used as given.
	got, err = sourcesWith(map[string]string{"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s", "SCP_RESOURCE_MANAGER_ENDPOINT": "https://rm.example"}, home).
		resolve(providerSettings{Endpoint: "https://vs.example"})
	if err != nil {
		t.Fatal(err)
	}
	if got.resourceManagerEndpoint != "https://rm.example" || !strings.Contains(got.resourceManagerSource, "SCP_RESOURCE_MANAGER_ENDPOINT") {
		t.Fatalf("got %+v", got)
	}
}

func TestConfigNoEndpointNamesEveryPlace(t *testing.T) {
	home := t.TempDir()
	_, err := sourcesWith(map[string]string{"SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s"}, home).resolve(providerSettings{})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"endpoint, auth_url, region and default_region in the provider block", "SCP_ENDPOINT", "SCP_TF_ENDPOINT_OVERRIDE",
		"SCP_TF_AUTH_URL", "SCP_REGION", "SCP_TF_DEFAULT_REGION", "endpoint-override", "auth-url", filepath.Join(home, ".scpconf", "config.json")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestConfigCatalogFillsTheEndpoints(t *testing.T) {
	cat := &scp.Catalog{AuthURL: "https://iam.e.samsungsdscloud.com/v1", Entries: []scp.CatalogEntry{
		{Region: "kr-east1", ServiceType: "scp-virtualserver", URL: "https://virtualserver.kr-east1.e.samsungsdscloud.com"},
		{Region: "kr-west1", ServiceType: "scp-virtualserver", URL: "https://virtualserver.kr-west1.e.samsungsdscloud.com"},
		{Region: "kr-west1", ServiceType: "scp-resourcemanager", URL: "https://resourcemanager.kr-west1.e.samsungsdscloud.com"},
	}}
	r := resolvedConfig{authURL: cat.AuthURL, authURLSource: "test", region: "kr-west1"}
	if err := r.applyCatalog(cat); err != nil {
		t.Fatal(err)
	}
	if r.endpoint != "https://virtualserver.kr-west1.e.samsungsdscloud.com" || r.resourceManagerEndpoint != "https://resourcemanager.kr-west1.e.samsungsdscloud.com" || len(r.warnings) != 0 {
		t.Fatalf("got %+v", r)
	}

	// A region the catalog does not list: an entry of the type, with a warning that says so.
	r = resolvedConfig{authURL: cat.AuthURL, authURLSource: "test", region: "kr-south1", regionSource: "SCP_REGION"}
	if err := r.applyCatalog(cat); err != nil {
		t.Fatal(err)
	}
	if r.endpoint == "" || len(r.warnings) != 1 || !strings.Contains(r.warnings[0].detail, "kr-south1") {
		t.Fatalf("got %+v", r)
	}
	// No region at all: the first entry, and the region it serves becomes the provider's.
	r = resolvedConfig{authURL: cat.AuthURL, authURLSource: "test"}
	if err := r.applyCatalog(cat); err != nil || r.region != "kr-east1" || len(r.warnings) != 0 {
		t.Fatalf("err %v, got %+v", err, r)
	}

	for name, entries := range map[string][]scp.CatalogEntry{
		"no virtual server entry": {{ServiceType: "scp-resourcemanager", URL: "https://rm.example"}},
		"entry with a path":       {{ServiceType: "scp-virtualserver", URL: "https://vs.example/v1"}},
		"plain http elsewhere":    {{ServiceType: "scp-virtualserver", URL: "http://vs.example"}},
	} {
		r := resolvedConfig{authURL: cat.AuthURL, authURLSource: "test"}
		err := r.applyCatalog(&scp.Catalog{AuthURL: cat.AuthURL, Entries: entries})
		if err == nil || !strings.Contains(err.Error(), "Set endpoint") || !strings.Contains(err.Error(), cat.AuthURL+"/endpoints") {
			t.Errorf("%s: err = %v, want it to name the catalog and say to set endpoint", name, err)
		}
	}
}

func TestConfigWarnsAboutFilesOthersCanReadOrChange(t *testing.T) {
	env := map[string]string{"SCP_ENDPOINT": "https://vs.example"}
	for _, tc := range []struct {
		file       string
		mode       os.FileMode
		wantWarned bool
	}{
		{"credentials.json", 0o600, false},
		{"credentials.json", 0o640, true},
		{"credentials.json", 0o644, true},
		{"config.json", 0o644, false},
		{"config.json", 0o666, true},
	} {
		home := t.TempDir()
		writeSCPFile(t, home, "credentials.json", `{"access-key":"a","secret-key":"s"}`, 0o600)
		path := writeSCPFile(t, home, tc.file, map[string]string{"credentials.json": `{"access-key":"a","secret-key":"s"}`, "config.json": `{}`}[tc.file], tc.mode)
		got, err := sourcesWith(env, home).resolve(providerSettings{})
		if err != nil {
			t.Fatal(err)
		}
		if warned := len(got.warnings) == 1; warned != tc.wantWarned {
			t.Errorf("%s %04o: warnings %v", tc.file, tc.mode, got.warnings)
			continue
		}
		if tc.wantWarned && !strings.Contains(got.warnings[0].detail, "chmod 600 "+path) {
			t.Errorf("%s: the warning does not say how to fix it: %+v", tc.file, got.warnings[0])
		}
	}
}

func TestConfigTransportSettings(t *testing.T) {
	env := map[string]string{"SCP_ENDPOINT": "https://vs.example", "SCP_ACCESS_KEY": "a", "SCP_SECRET_KEY": "s", "SSL_CERT_FILE": "/etc/corp.pem"}
	got, err := sourcesWith(env, t.TempDir()).resolve(providerSettings{CAFile: "/tmp/extra.pem"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.caFiles, ",") != "/tmp/extra.pem,/etc/corp.pem" || got.allowInsecureHTTP {
		t.Fatalf("got %+v", got)
	}
	env["SCP_ALLOW_INSECURE_HTTP"] = "yes please"
	if _, err := sourcesWith(env, t.TempDir()).resolve(providerSettings{}); err == nil || !strings.Contains(err.Error(), "SCP_ALLOW_INSECURE_HTTP") {
		t.Fatalf("err = %v", err)
	}
	env["SCP_ALLOW_INSECURE_HTTP"] = "true"
	no := false
	got, err = sourcesWith(env, t.TempDir()).resolve(providerSettings{AllowInsecureHTTP: &no})
	if err != nil || got.allowInsecureHTTP {
		t.Fatalf("the provider block's false must win over the environment: %v %+v", err, got)
	}
}
