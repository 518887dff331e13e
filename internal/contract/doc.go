// Package contract is the SCP Virtual Server API contract in the repository, and a
// check of HTTP traffic against it.
//
// The contract (scp-virtualserver-1.3.openapi.yaml, PROVENANCE.md) is a copy of
// the spec folder beside the repository (its contract/), kept here so a clone stands alone; a test fails when the two
// differ. iam-endpoints.openapi.yaml describes the IAM endpoint catalog, which the
// contract does not cover; this project wrote it from spec/SCP-API.md.
//
// A Checker validates request/answer pairs with kin-openapi: undocumented paths,
// methods, statuses, query parameters and JSON properties (in either direction)
// are violations, as are missing required members, wrong types and values outside
// an enum. A Recorder is an http.Handler middleware that checks every exchange and
// keeps the violations. Paths under /_emulator/ (the emulator's control API) are
// not checked.
package contract
