//go:build tools

// Package tools pins the versions of the developer tools this repository
// builds from source (see the GNUmakefile): the documentation generator and
// the linter. It lives in its own module so that their dependencies never
// leak into the provider's go.mod.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
