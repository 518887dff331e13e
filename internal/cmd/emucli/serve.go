package emucli

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
)

// Emulator is what Serve runs: either personality.
type Emulator interface {
	Start() error
	Close()
}

// Command is a command's run: parse reads its flags, then serve runs with them
// and a logger on stderr.
func Command[O any](parse func(args []string, stderr io.Writer) (O, error),
	serve func(ctx context.Context, o O, stdout io.Writer, logger *log.Logger) error,
) func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		o, err := parse(args, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, o, stdout, NewLogger(stderr))
	}
}

// NewLogger is the log a command writes requests and its shutdown to.
func NewLogger(stderr io.Writer) *log.Logger {
	return log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
}

// Serve starts e, lets announce print where it listens to stdout and return the
// export lines (also written to envFile when set), and serves until ctx ends.
func Serve(ctx context.Context, e Emulator, logger *log.Logger, envFile string, announce func() string) error {
	if err := e.Start(); err != nil {
		return err
	}
	defer e.Close()

	exports := announce()
	if envFile != "" {
		if err := os.WriteFile(envFile, []byte(exports), 0o600); err != nil {
			return fmt.Errorf("writing -env-file: %w", err)
		}
	}

	<-ctx.Done()
	logger.Print("shutting down")
	e.Close()
	logger.Print("stopped")
	return nil
}

// RequestLine starts a request's log line: method, path with its query, status
// and route ("-" for an unknown path).
func RequestLine(method, path, rawQuery string, status int, route string) string {
	if rawQuery != "" {
		path += "?" + rawQuery
	}
	if route == "" {
		route = "-"
	}
	return fmt.Sprintf("%s %s %d %s", method, path, status, route)
}
