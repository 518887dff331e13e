//go:build tools

// Package actionlint pins the version of actionlint, the GitHub Actions
// workflow checker that .ci/run runs on .github/workflows. It is a module of
// its own, apart from tools/go.mod, because actionlint and golangci-lint's
// gosec need different release candidates of go.yaml.in/yaml/v4, which
// cannot share one build list.
package actionlint

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
)
