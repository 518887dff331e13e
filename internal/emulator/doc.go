// Package emulator is a Samsung Cloud Platform (SCP) Virtual Server API emulator:
// the same paths, JSON and request signing as the real API, servers and volumes
// with asynchronous state machines and configurable latencies, fault injection,
// and request and operation logs that tests can assert on.
//
// It runs in-process (acceptance tests, benchmarks: New, Start, URL, Close) or as
// the scp-emulator process (make demo, local experiments).
//
// # Request pipeline (api.go)
//
// Every /v1 request is recorded (requestlog.go), then: rate limit (ratelimit.go) →
// injected faults (faults.go) → signature check (auth.go) → Scp-Api-Version →
// endpoint (servers.go, volumes.go, attachments.go). Each 202 schedules an operation
// (ops.go) that makes the final transition after its latency.
//
// # Choices beyond the wire contract
//
//   - Repeating a DELETE of a server, a volume, or a detach that is already in
//     progress answers 202 again without a second operation.
//   - A detach of a volume still attaching answers 409 SERVER_BUSY (INVALID_STATE
//     when the busy rule is off), never NOT_ATTACHED, so a client cannot mistake it
//     for "already detached".
//   - Create-time volumes are listed on the server from the start (state reserved)
//     but list the server in their "servers" only once it is ACTIVE.
//   - delete_on_termination defaults to true for the boot volume, false otherwise.
//   - Busy windows (SetServerBusy) also make delete, lock/unlock and stop/start 409.
//   - A failed volume delete or extend ends in error_deleting / error_extending.
//
// # Control API (control.go), for the process; no authentication
//
//	GET    /_emulator/health | requests | operations | faults | state
//	POST   /_emulator/latency        {"op":"attach","base":"500ms","jitter":0.2} or {"scale":0.5}
//	POST   /_emulator/faults         a Fault ({"kind":"status","status":503,"op":"server.delete","count":2,...},
//	                                 delay as "2s"), or {"kind":"fail_operation","operation":"attach","count":1},
//	                                 or {"kind":"busy","server_id":"...","duration":"5s"}
//	DELETE /_emulator/faults[/{id}]  clear all (with outcome faults and busy windows) or one
//	POST   /_emulator/ratelimit      {"rps":5,"burst":10}
//	POST   /_emulator/connections    {"server_id":"...","file_storage":true,"lb_server_group":false,"backup":false}
//	POST   /_emulator/reset-requests
//	POST   /_emulator/detach         {"volume_id":"...","server_id":"..."}
//	POST   /_emulator/delete-server  {"server_id":"..."}
//	POST   /_emulator/delete-volume  {"volume_id":"..."}
//	POST   /_emulator/clock-skew     {"skew":"10m"}
package emulator
