package scp_test

import (
	"fmt"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// An acceptance test starts an emulator, points the provider at it, spoils some
// requests and asserts on what the provider sent, and that all of it followed the
// contract.
func Example() {
	e := scpemu.New(scpemu.Config{LatencyScale: 0.1, CheckContract: true})
	if err := e.Start(); err != nil {
		panic(err)
	}
	defer func() {
		e.Close() // every exchange is checked once Close returns
		for _, v := range e.ContractViolations() {
			fmt.Println("contract violation:", v)
		}
	}()

	cred := e.Credentials()
	_ = []string{
		"SCP_ENDPOINT=" + e.URL(),        // the services' base URL, or
		"SCP_TF_AUTH_URL=" + e.AuthURL(), // the IAM auth URL whose /endpoints lists them
		"SCP_ACCESS_KEY=" + cred.AccessKey, "SCP_SECRET_KEY=" + cred.SecretKey,
	}

	// The first DELETE of a server is accepted but its answer is lost.
	_, _ = e.AddFault(scpemu.Fault{
		Op: scpemu.RouteServerDelete, Kind: scpemu.FaultStatus, Status: 502, AfterHandler: true, Count: 1,
	})
	_ = e.SetLatency(scpemu.OpDetach, 2*time.Second, 0.1)

	// ... run terraform ...

	for _, r := range e.Requests() {
		if r.Op == scpemu.RouteServerDelete {
			fmt.Println(r.Method, r.Path, r.Status)
		}
	}
}
