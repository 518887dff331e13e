// Package emulator holds no code; it names the three packages beneath it.
//
//   - engine: what every personality runs on, whatever the cloud: the operation
//     scheduler and its log, latencies, fault rules, the request log, seeded ids,
//     the listener, the control API under /_emulator/ and JSON answers.
//   - scp: the Samsung Cloud Platform personality (Virtual Server, Resource
//     Manager tags, the IAM endpoint catalog), checked against internal/contract.
//   - openstack: the OpenStack-family personality (Keystone, Nova, Cinder, and
//     the parts of Glance and Neutron the provider reads).
//
// A personality embeds the engine's types, so the methods tests, commands and
// the bench call (Operations, SetLatency, AddFault, Close...) are the engine's,
// written once. The two personalities never import each other.
package emulator
