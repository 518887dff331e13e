package contract

import _ "embed"

// VirtualServerYAML is the contract of the Virtual Server (and Resource Manager tag)
// calls, a byte-for-byte copy of ../shared/contract/scp-virtualserver-1.3.openapi.yaml.
//
//go:embed scp-virtualserver-1.3.openapi.yaml
var VirtualServerYAML []byte

// Provenance is ../shared/contract/PROVENANCE.md, which says where each fact comes from.
//
//go:embed PROVENANCE.md
var Provenance []byte

// IAMEndpointsYAML describes GET {auth-url}/endpoints (the endpoint catalog). It is
// the project's own file, written from ../shared/SCP-API.md; see its header comment.
//
//go:embed iam-endpoints.openapi.yaml
var IAMEndpointsYAML []byte

// sharedFiles are the files that must equal their ../shared/contract/ originals.
var sharedFiles = map[string][]byte{
	"scp-virtualserver-1.3.openapi.yaml": VirtualServerYAML,
	"PROVENANCE.md":                      Provenance,
}
