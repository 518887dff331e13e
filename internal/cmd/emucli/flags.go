package emucli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Flags is an emulator command's flag set with the flags every emulator command
// has: where to listen, the -latency overrides and scale, the env file and the
// request log switch. The command adds its own flags to FlagSet before Parse.
type Flags struct {
	*flag.FlagSet
	envPrefix string

	Listen       string
	AllowRemote  bool
	EnvFile      string
	Quiet        bool
	LatencyScale float64
	Latencies    LatencyFlag
}

// Personality is what the shared flags need to know of the emulator a command runs.
type Personality struct {
	// Name is the command's name; in capitals, dashes as underscores, it starts
	// every flag's environment fallback (SCP_EMULATOR_ for scp-emulator).
	Name          string
	DefaultListen string
	// EnvFileHelp is the -env-file help text: what the export lines point at.
	EnvFileHelp string
	// OpKinds and DefaultLatencies are the operations -latency may name.
	OpKinds          []engine.OpKind
	DefaultLatencies map[engine.OpKind]engine.Latency
}

// NewFlags registers the shared flags of p's command.
func NewFlags(p Personality, stderr io.Writer) *Flags {
	f := &Flags{
		FlagSet:   flag.NewFlagSet(p.Name, flag.ContinueOnError),
		envPrefix: strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_")) + "_",
		Latencies: LatencyFlag{kinds: p.OpKinds, defaults: p.DefaultLatencies, Values: map[engine.OpKind]engine.Latency{}},
	}
	f.SetOutput(stderr)
	f.StringVar(&f.Listen, "listen", p.DefaultListen, "address to listen on (loopback unless -allow-remote)")
	f.BoolVar(&f.AllowRemote, "allow-remote", false, "allow a non-loopback -listen address (the control API has no authentication)")
	f.Float64Var(&f.LatencyScale, "latency-scale", 1, "factor applied to every operation latency")
	f.Var(f.Latencies, "latency", "operation latency override op=duration[:jitter], repeatable or comma-separated (ops: "+OpNames(p.OpKinds)+")")
	f.StringVar(&f.EnvFile, "env-file", "", p.EnvFileHelp)
	f.BoolVar(&f.Quiet, "quiet", false, "do not log requests")
	return f
}

// Parse reads args, fills every flag not given from the environment, and checks
// the shared flags: no stray arguments, a loopback address unless allowed, a
// positive latency scale.
func (f *Flags) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(f.Args(), " "))
	}
	if err := ApplyEnv(f.FlagSet, f.envPrefix); err != nil {
		return err
	}
	if err := CheckListen(f.Listen, f.AllowRemote); err != nil {
		return err
	}
	if f.LatencyScale <= 0 {
		return fmt.Errorf("-latency-scale must be > 0, got %v", f.LatencyScale)
	}
	return nil
}

// LatencyFlag collects -latency op=duration[:jitter] values into Values.
type LatencyFlag struct {
	kinds    []engine.OpKind
	defaults map[engine.OpKind]engine.Latency
	Values   map[engine.OpKind]engine.Latency
}

func (l LatencyFlag) String() string { return FormatLatencies(l.Values) }

// Set adds one or more comma-separated overrides.
func (l LatencyFlag) Set(s string) error { return ParseLatencies(s, l.kinds, l.defaults, l.Values) }
