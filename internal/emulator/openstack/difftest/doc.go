// Package difftest holds the OpenStack emulator to real OpenStack. One scenario (Keystone
// token and catalog; version documents; flavors; images; networks; a server booted from a
// volume of an image, on a network; a data volume created, extended, attached, detached
// twice over and deleted; the root volume's detach refused; the 404s after deletion) runs
// against a target and records every exchange that matters: the step's name, the method,
// the path, the status and the JSON body with ids, tokens, addresses and times replaced.
//
// Compare then checks two recordings step by step: the status codes, and the shapes of the
// bodies (keys and value types, never values). A difference fails unless allowlist.txt
// names it with the reason it is allowed; an entry that no longer matches anything fails
// too, so the list stays short and true.
//
// The real answers live in testdata/real-openstack.json, recorded from Keystone, Nova,
// Cinder, Glance and Neutron themselves (Debian 12's OpenStack Zed packages, see
// REAL-OPENSTACK.md), so the offline test compares the emulator with them in `make test`.
// `make openstack-diff` runs the scenario against the cloud that the OS_* variables name
// and against the emulator, and compares the two; OSDIFF_RECORD=1 writes the real
// recording back to the fixtures.
package difftest
