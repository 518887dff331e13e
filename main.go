// Command terraform-provider-scp serves the Samsung Cloud Platform provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/scp-community/terraform-provider-scp/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		// A provider started for debugging logs to its own terminal; leave it as it is.
		quietLogsUnlessAsked(os.Getenv, os.Setenv)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/scp-community/scp",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
