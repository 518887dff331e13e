// Command openstack-emulator serves the OpenStack-family personality of the emulator
// (Keystone v3, Nova with flavors and os-volume_attachments, Cinder v3, and Glance's
// images and Neutron's networks, subnets and ports to read) as a process, for demos and
// local experiments; clients such as the openstack CLI work against it:
//
//	openstack-emulator -listen 127.0.0.1:5000 -flavour otc -env-file os.env
//	openstack-emulator report -endpoint http://127.0.0.1:5000
//
// It prints (and with -env-file writes) the OS_* export lines that point a client at
// it. Every flag has an environment fallback OPENSTACK_EMULATOR_<FLAG> (dashes as
// underscores). The control API is under /_emulator/. The report subcommand prints what a
// running emulator did (operations, requests by route, detach DELETEs per attachment, deprecated
// Cinder actions; it fails if one was called).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"sort"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cmd/emucli"
	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// personality is what the shared flags need to know of this emulator.
var personality = emucli.Personality{
	Name: "openstack-emulator", DefaultListen: "127.0.0.1:5000",
	EnvFileHelp: "also write the OS_* export lines to this file",
	OpKinds:     openstack.OpKinds, DefaultLatencies: openstack.DefaultLatencies(),
}

func main() { emucli.Main(personality.Name, run, report) }

// options are the parsed flags.
type options struct {
	*emucli.Flags
	cfg        openstack.Config
	flavour    string
	deviceFlag string
	coldplug   string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{Flags: emucli.NewFlags(personality, stderr)}
	c, fs := &o.cfg, o.FlagSet
	fs.StringVar(&o.flavour, "flavour", string(openstack.FlavourNova), "cloud rules: nova, or otc (system disk /dev/sda detaches only from a stopped server)")
	fs.StringVar(&c.Region, "region", openstack.DefaultRegion, "region of the catalog's endpoints")
	fs.StringVar(&c.ComputePrefix, "compute-prefix", openstack.DefaultComputePrefix, "compute path the catalog advertises: /v2.1 or /v2 (both are served)")
	fs.IntVar(&c.RootDetachStatus, "root-detach-status", 400, "answer to a root-device detach on nova: 400 (current Nova) or 403 (the api-doc of a K5-era cloud)")
	fs.BoolVar(&c.StrictReferences, "strict-references", true, "refuse, as Nova does, a server whose image, network or port is not one of the emulator's (Glance and Neutron list them)")
	fs.StringVar(&c.Username, "username", openstack.DefaultUsername, "user name")
	fs.StringVar(&c.Password, "password", openstack.DefaultPassword, "user password")
	fs.StringVar(&c.ProjectName, "project-name", openstack.DefaultProjectName, "project name")
	fs.StringVar(&c.ProjectID, "project-id", "", "project id (default: drawn from -seed)")
	fs.StringVar(&c.DomainName, "domain-name", openstack.DefaultDomainName, "domain of the user and the project")
	fs.StringVar(&c.AppCredentialSecret, "app-credential-secret", openstack.DefaultAppCredentialSecret, "secret of the application credential")
	fs.DurationVar(&c.TokenTTL, "token-ttl", openstack.DefaultTokenTTL, "lifetime of issued tokens")
	fs.StringVar(&c.DeletedStatus, "deleted-status", "", "status a deleted server shows before 404: empty, DELETED or SOFT_DELETED")
	fs.StringVar(&o.coldplug, "coldplug-images", "", "comma-separated image ids whose OS cannot hot-unplug disks (otc: data disks then detach only when stopped)")
	fs.StringVar(&o.deviceFlag, "device-prefix", "", "device names: /dev/vd (nova default) or /dev/sd (otc default)")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed for jitter, fault probabilities and ids")
	if err := o.Parse(args); err != nil {
		return nil, err
	}
	c.Listen, c.Flavour, c.DevicePrefix = o.Listen, openstack.Flavour(o.flavour), o.deviceFlag
	c.Latencies, c.LatencyScale = o.Latencies.Values, o.LatencyScale
	for _, img := range strings.Split(o.coldplug, ",") {
		if img = strings.TrimSpace(img); img != "" {
			c.ColdplugImages = append(c.ColdplugImages, img)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// run parses the flags, starts the emulator and serves until ctx ends.
var run = emucli.Command(parseFlags, serve)

func serve(ctx context.Context, o *options, stdout io.Writer, logger *log.Logger) error {
	cfg := o.cfg
	if !o.Quiet {
		cfg.OnRequest = func(r openstack.RequestRecord) { logger.Print(requestLine(r)) }
	}
	e := openstack.New(cfg)
	return emucli.Serve(ctx, e, logger, o.EnvFile, func() string {
		exports := exportLines(e)
		fmt.Fprintf(stdout, "openstack-emulator (%s) listening on %s (control API: %s/_emulator/state)\n", e.Config().Flavour, e.URL(), e.URL())
		fmt.Fprint(stdout, exports)
		fmt.Fprintf(stdout, "# or, with the application credential: OS_APPLICATION_CREDENTIAL_ID=%s OS_APPLICATION_CREDENTIAL_SECRET=%s\n",
			e.Config().AppCredentialID, emucli.ShellQuote(e.Config().AppCredentialSecret))
		return exports
	})
}

// exportLines are shell lines that point an OpenStack client at this emulator.
func exportLines(e *openstack.Emulator) string {
	env := e.Env()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "export %s=%s\n", k, emucli.ShellQuote(env[k]))
	}
	fmt.Fprintf(&b, "export OPENSTACK_EMULATOR_URL=%s\n", e.URL())
	return b.String()
}

// requestLine is one log line per request. It carries whether a token was sent and
// valid, never the token; the deprecated Cinder actions are flagged loudly.
func requestLine(r openstack.RequestRecord) string {
	token := "none"
	switch {
	case r.TokenValid:
		token = "valid"
	case r.HasToken:
		token = "invalid"
	}
	line := fmt.Sprintf("%s token=%s %s", emucli.RequestLine(r.Method, r.Path, r.RawQuery, r.Status, string(r.Op)), token, r.Duration.Round(time.Microsecond))
	if r.AuthMethod != "" {
		line += " method=" + r.AuthMethod
	}
	if r.Fault != "" {
		line += " fault=" + string(r.Fault)
	}
	if r.AuthError != "" {
		line += fmt.Sprintf(" auth=%q", r.AuthError)
	}
	if r.Deprecated {
		line += " DEPRECATED-CINDER-ACTION"
	}
	return line
}
