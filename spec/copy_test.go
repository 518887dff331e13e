// Package spec holds copies of the documents the provider is built from; its test keeps them
// equal to the specification folder beside the repository.
package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// copies are the files of this folder that come from ../shared, by their path in both.
var copies = []string{
	"SCP-API.md", "OPENSTACK.md", "REAL-OPENSTACK.md", "ARCHITECTURE.md",
	"api-docs/openstack-nova-detach-volume-attachment.txt",
	"api-docs/otc-ecs-detach-disk.md",
	"api-docs/otc-evs-os-detach-deprecated.md",
	"api-docs/scp-virtualserver-delete-server.txt",
	"api-docs/scp-virtualserver-detach-volume.txt",
}

// Every copy must be present, and equal to ../shared wherever that folder exists; a clean clone
// has only the copies and checks that none is missing.
func TestCopiesMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "shared")
	_, err := os.Stat(shared)
	haveShared := err == nil
	for _, name := range copies {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("spec/%s is missing: %v", name, err)
			continue
		}
		if !haveShared {
			continue
		}
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("spec/%s differs from %s; copy it again", name, filepath.Join(shared, name))
		}
	}
	if !haveShared {
		t.Logf("no folder at %s (a clone on its own): only checked that the copies are here", shared)
	}
}
