package contract

import _ "embed"

// VirtualServerYAML is the contract of the Virtual Server (and Resource Manager tag)
// calls, a byte-for-byte copy of the contract in the spec folder beside the repository.
//
//go:embed scp-virtualserver-1.3.openapi.yaml
var VirtualServerYAML []byte

// Provenance is PROVENANCE.md of the spec folder beside the repository, which says where each fact comes from.
//
//go:embed PROVENANCE.md
var Provenance []byte

// IAMEndpointsYAML describes GET {auth-url}/endpoints (the endpoint catalog). It is
// the project's own file, written from spec/SCP-API.md; see its header comment.
//
//go:embed iam-endpoints.openapi.yaml
var IAMEndpointsYAML []byte

// sharedFiles are the files that must equal their originals in the spec folder beside the repository.
var sharedFiles = map[string][]byte{
	"scp-virtualserver-1.3.openapi.yaml": VirtualServerYAML,
	"PROVENANCE.md":                      Provenance,
}
