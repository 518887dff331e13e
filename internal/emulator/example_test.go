package emulator_test

import (
	"fmt"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator"
)

// An acceptance test starts an emulator, points the provider at it, spoils some
// requests and asserts on what the provider sent.
func Example() {
	e := emulator.New(emulator.Config{LatencyScale: 0.1})
	if err := e.Start(); err != nil {
		panic(err)
	}
	defer e.Close()

	cred := e.Credentials()
	_ = []string{"SCP_ENDPOINT=" + e.URL(), "SCP_ACCESS_KEY=" + cred.AccessKey, "SCP_SECRET_KEY=" + cred.SecretKey}

	// The first DELETE of a server is accepted but its answer is lost.
	_, _ = e.AddFault(emulator.Fault{
		Op: emulator.RouteServerDelete, Kind: emulator.FaultStatus, Status: 502, AfterHandler: true, Count: 1,
	})
	_ = e.SetLatency(emulator.OpDetach, 2*time.Second, 0.1)

	// ... run terraform ...

	for _, r := range e.Requests() {
		if r.Op == emulator.RouteServerDelete {
			fmt.Println(r.Method, r.Path, r.Status)
		}
	}
}
