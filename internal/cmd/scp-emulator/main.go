// Command scp-emulator serves the Samsung Cloud Platform Virtual Server API emulator
// as a process, for `make demo` and local experiments:
//
//	scp-emulator -listen 127.0.0.1:8443 -latency-scale 0.5 -latency attach=2s:0.1
//
// Every flag has an environment fallback SCP_EMULATOR_<FLAG> (dashes as underscores),
// e.g. SCP_EMULATOR_SECRET_KEY. The control API is under /_emulator/.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli"
	"github.com/scp-community/terraform-provider-scp/internal/contract"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// personality is what the shared flags need to know of this emulator.
var personality = emucli.Personality{
	Name: "scp-emulator", DefaultListen: "127.0.0.1:8443",
	EnvFileHelp: "also write the export lines for SCP_ENDPOINT/SCP_TF_AUTH_URL/SCP_ACCESS_KEY/SCP_SECRET_KEY to this file",
	OpKinds:     scpemu.OpKinds, DefaultLatencies: scpemu.DefaultLatencies(),
}

func main() { emucli.Main(personality.Name, run, report) }

// options are the parsed flags.
type options struct {
	*emucli.Flags
	accessKey   string
	secretKey   string
	accountID   string
	seed        uint64
	rateLimit   float64
	rateBurst   int
	busyRule    bool
	region      string
	contract    bool
	osLast      bool
	arrayDetail bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{Flags: emucli.NewFlags(personality, stderr)}
	fs := o.FlagSet
	fs.StringVar(&o.accessKey, "access-key", scpemu.DefaultAccessKey, "access key clients sign with")
	fs.StringVar(&o.secretKey, "secret-key", scpemu.DefaultSecretKey, "secret key clients sign with")
	fs.StringVar(&o.accountID, "account-id", "", "account id clients must send in Scp-AccountId (optional)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed for jitter, fault probabilities and ids")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0, "requests per second before 429 (0 = unlimited)")
	fs.IntVar(&o.rateBurst, "rate-burst", 0, "burst for -rate-limit (default: one second's worth)")
	fs.BoolVar(&o.busyRule, "busy-rule", true, "answer 409 SERVER_BUSY to an attach/detach while the server has another in progress")
	fs.StringVar(&o.region, "region", scpemu.DefaultRegion, "region the endpoint catalog lists and SRNs must name")
	fs.BoolVar(&o.contract, "check-contract", true, "check every request and answer against the SCP contract, log violations and list them in the report")
	fs.BoolVar(&o.osLast, "os-volume-last", false, "list servers' OS volumes last (only the device name tells the OS disk)")
	fs.BoolVar(&o.arrayDetail, "error-detail-array", false, "send every error detail as an array of strings")
	if err := o.Parse(args); err != nil {
		return nil, err
	}
	return o, nil
}

// run parses the flags, starts the emulator and serves until ctx ends.
var run = emucli.Command(parseFlags, serve)

func serve(ctx context.Context, o *options, stdout io.Writer, logger *log.Logger) error {
	cfg := scpemu.Config{
		Listen:           o.Listen,
		Credentials:      []scpemu.Credential{{AccessKey: o.accessKey, SecretKey: o.secretKey, AccountID: o.accountID}},
		Latencies:        o.Latencies.Values,
		LatencyScale:     o.LatencyScale,
		Seed:             o.seed,
		DisableBusyRule:  !o.busyRule,
		RateLimit:        o.rateLimit,
		RateBurst:        o.rateBurst,
		Region:           o.region,
		CheckContract:    o.contract,
		OSVolumeLast:     o.osLast,
		ErrorDetailArray: o.arrayDetail,
		// Violations are always logged: they mean the emulator or its client is wrong.
		OnContractViolation: func(v contract.Violation) { logger.Print("contract violation: ", v) },
	}
	if !o.Quiet {
		cfg.OnRequest = func(r scpemu.RequestRecord) { logger.Print(requestLine(r)) }
	}
	e := scpemu.New(cfg)
	return emucli.Serve(ctx, e, logger, o.EnvFile, func() string {
		exports := exportLines(e, o)
		fmt.Fprintf(stdout, "scp-emulator listening on %s (control API: %s/_emulator/state)\n", e.URL(), e.URL())
		fmt.Fprint(stdout, exports)
		return exports
	})
}

// exportLines are shell lines that point the provider at this emulator: directly
// (SCP_ENDPOINT) or, as the official provider finds its services, through the
// endpoint catalog under the auth URL (SCP_TF_AUTH_URL). The account and region are
// what Resource Manager addresses tags with.
func exportLines(e *scpemu.Emulator, o *options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "export SCP_ENDPOINT=%s\n", e.URL())
	fmt.Fprintf(&b, "export SCP_TF_AUTH_URL=%s\n", e.AuthURL())
	fmt.Fprintf(&b, "export SCP_ACCESS_KEY=%s\n", emucli.ShellQuote(o.accessKey))
	fmt.Fprintf(&b, "export SCP_SECRET_KEY=%s\n", emucli.ShellQuote(o.secretKey))
	fmt.Fprintf(&b, "export SCP_ACCOUNT_ID=%s\n", emucli.ShellQuote(e.AccountID()))
	fmt.Fprintf(&b, "export SCP_TF_DEFAULT_REGION=%s\n", emucli.ShellQuote(e.Region()))
	return b.String()
}

// requestLine is one log line per request; it carries no signature or secret.
func requestLine(r scpemu.RequestRecord) string {
	line := emucli.RequestLine(r.Method, r.Path, r.RawQuery, r.Status, string(r.Op)) + " " + r.Duration.Round(time.Microsecond).String()
	if r.Fault != "" {
		line += " fault=" + string(r.Fault)
	}
	if r.ErrorCode != "" {
		line += " error=" + r.ErrorCode
	}
	if r.AuthError != "" {
		line += fmt.Sprintf(" auth=%q", r.AuthError)
	}
	return line
}
