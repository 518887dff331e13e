// Package engine is the machinery both emulator personalities (SCP in
// internal/emulator/scp, OpenStack in internal/emulator/openstack) run on: the operation scheduler and its
// log, request fault rules and how they are served, the request log, seeded ids
// and the control API's JSON helpers. What a cloud says (routes, error bodies,
// state machines) stays in the personality; what only changes when the test
// harness changes lives here, once.
package engine
