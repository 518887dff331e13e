package emucli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// ReportEndpoint reads the report subcommand's flags: -endpoint, the running
// emulator's URL, by default from the environment variable envVar. It returns the
// base URL of the emulator's control API; arguments after the flags are refused.
func ReportEndpoint(name string, args []string, stderr io.Writer, envVar, help string) (base string, err error) {
	fs := flag.NewFlagSet(name+" report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", os.Getenv(envVar), help)
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *endpoint == "" {
		return "", fmt.Errorf("report needs -endpoint or %s", envVar)
	}
	return strings.TrimRight(*endpoint, "/") + "/_emulator/", nil
}
