package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

func TestReport(t *testing.T) {
	e := openstack.New(openstack.Config{})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	ctx := context.Background()
	get := func(path string) {
		resp, err := http.Get(e.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get("/v3")

	var out bytes.Buffer
	if err := report(ctx, []string{"-endpoint", e.URL()}, &out, io.Discard); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Operations the emulator carried out (0)", "Requests received: 1", "identity.versions 200", "Deprecated Cinder actions (os-detach, os-begin_detaching, os-terminate_connection): 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}

	// A deprecated action (even one refused for want of a token) is listed, and report fails.
	resp, err := http.Post(e.URL()+"/v3/"+e.Config().ProjectID+"/volumes/x/action", "application/json", strings.NewReader(`{"os-detach":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(e.DeprecatedActionUses()) == 0 {
		t.Skip("the emulator does not mark an unauthenticated os-detach as deprecated")
	}
	out.Reset()
	if err := report(ctx, []string{"-endpoint", e.URL()}, &out, io.Discard); !errors.Is(err, errDeprecatedUsed) {
		t.Fatalf("report with an os-detach call: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "os-detach") {
		t.Errorf("the os-detach call is not listed:\n%s", out.String())
	}

	t.Setenv("OPENSTACK_EMULATOR_URL", "")
	if err := report(ctx, nil, io.Discard, io.Discard); err == nil {
		t.Error("report without an endpoint succeeded")
	}
}
