package provider

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// signatureRecorder serves the emulator and keeps every Scp-Signature it was sent, so the test
// can look for the exact values in the log.
type signatureRecorder struct {
	next       http.Handler
	mu         sync.Mutex
	signatures []string
}

func (s *signatureRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if sig := r.Header.Get(scpemu.HeaderSignature); sig != "" {
		s.mu.Lock()
		s.signatures = append(s.signatures, sig)
		s.mu.Unlock()
	}
	s.next.ServeHTTP(w, r)
}

func (s *signatureRecorder) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.signatures...)
}

// TestAccFault_secretsNeverLogged runs a server with an attached volume through create and destroy,
// plus a run with wrong credentials (401), with TF_LOG=TRACE and every log (Terraform's and the
// provider's) going to one file, then reads that file: it holds neither secret key nor any
// signature that was sent, and the access keys only masked.
func TestAccFault_secretsNeverLogged(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	if useRealEndpoint() {
		t.Skip("needs the emulator, to see every signature that was sent")
	}
	const (
		accessKey      = "AKSECRETSTEST0001"
		secretKey      = "sk-never-log-me-8c1f4e27"
		wrongAccessKey = "AKWRONGKEY0002"
		wrongSecretKey = "sk-wrong-never-log-5d3a"
	)
	emu := scpemu.New(scpemu.Config{
		LatencyScale: faultLatencyScale,
		Credentials:  []scpemu.Credential{{AccessKey: accessKey, SecretKey: secretKey}},
	})
	t.Cleanup(emu.Close)
	recorder := &signatureRecorder{next: emu.Handler()}
	srv := httptest.NewServer(recorder)
	t.Cleanup(srv.Close)

	logPath := traceLogFile(t)

	// The keys come from the environment, as they should in real use: terraform-plugin-testing
	// itself logs each step's configuration, so keys written there would be in the log whatever
	// the provider did.
	t.Setenv("SCP_ACCESS_KEY", accessKey)
	t.Setenv("SCP_SECRET_KEY", secretKey)
	acc := &accTarget{
		emu:         emu,
		providerHCL: fmt.Sprintf("provider \"scp\" {\n  endpoint = %q\n}\n", srv.URL),
		imageID:     "ubuntu-22.04", serverTypeID: "s1v2m4", keypairName: "acc-key", subnetID: "acc-subnet",
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             acc.checkEmulatorEmpty,
		Steps: []resource.TestStep{
			{Config: acc.attachmentsConfig([]string{"data"}, nil), Check: acc.checkStateMatchesEmulator},
		},
	})
	t.Setenv("SCP_ACCESS_KEY", wrongAccessKey)
	t.Setenv("SCP_SECRET_KEY", wrongSecretKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acc.config(`resource "scp_volume" "x" {` + "\n" + `name = "x"` + "\n" + `size = 8` + "\n}"),
			ExpectError: rx("401 Unauthorized", scp.MaskKey(wrongAccessKey), "environment variable SCP_ACCESS_KEY"),
		}},
	})

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	log := string(raw)
	// The log must prove it saw what it is checking: Terraform's own lines, the provider's API
	// traffic at TRACE (bodies included), and the 401.
	for _, want := range []string{
		"[TRACE]",                   // Terraform and the provider at TRACE
		"sending SCP API request",   // the provider's request log (scp_api subsystem)
		"SCP API answer body",       // answer bodies, logged at TRACE only
		"status=401",                // the wrong-credentials run reached the API
		scp.MaskKey(accessKey),      // the access key, masked
		scp.MaskKey(wrongAccessKey), // the wrong one, masked
		string(scpemu.RouteVolumeAttach),
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the TRACE log (%d bytes) lacks %q, so it cannot prove anything about secrets", len(raw), want)
		}
	}
	signatures := recorder.all()
	if len(signatures) < 10 {
		t.Fatalf("only %d signed requests were seen", len(signatures))
	}
	for _, secret := range []string{secretKey, wrongSecretKey, accessKey, wrongAccessKey} {
		if n := strings.Count(log, secret); n > 0 {
			t.Errorf("the log contains %q %d times: %s", secret, n, excerpt(raw, secret))
		}
	}
	for _, sig := range signatures {
		if strings.Contains(log, sig) {
			t.Errorf("the log contains a signature that was sent: %s", excerpt(raw, sig))
			break
		}
	}
	if m := regexp.MustCompile(`(?i)scp-signature`).FindIndex(raw); m != nil {
		t.Errorf("the log mentions the signature header: %s", excerpt(raw, string(raw[m[0]:m[1]])))
	}
	// No header dump of any kind: a 44-character base64 value (an HMAC-SHA256) next to "signature".
	if m := regexp.MustCompile(`(?i)signature\W{1,5}[A-Za-z0-9+/]{43}=`).FindIndex(raw); m != nil {
		t.Errorf("the log holds something like a signature: %s", excerpt(raw, string(raw[m[0]:m[1]])))
	}
}

// traceLogFile has Terraform's log and the provider's written to one file at TRACE, and returns
// its path: terraform-plugin-testing sends both, the provider's through its test sink, to
// TF_ACC_LOG_PATH, and TF_LOG=TRACE is what a user would set.
func traceLogFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", path)
	t.Setenv("TF_LOG_PATH_MASK", "")
	return path
}

// excerpt shows where s occurs in the log, for a failure message.
func excerpt(log []byte, s string) string {
	i := bytes.Index(log, []byte(s))
	if i < 0 {
		return ""
	}
	from, to := max(0, i-120), min(len(log), i+len(s)+120)
	return fmt.Sprintf("...%s...", log[from:to])
}
