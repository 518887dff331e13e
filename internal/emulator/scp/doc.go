// Package scp is the Samsung Cloud Platform (SCP) Virtual Server API emulator:
// the paths, JSON, statuses and request signing of the contract in internal/contract,
// servers and volumes with asynchronous state machines and configurable latencies,
// the Resource Manager tag calls and the IAM endpoint catalog on the same listener,
// fault injection, and request and operation logs that tests can assert on. With
// Config.CheckContract it checks its own traffic against the contract.
//
// It runs in-process (acceptance tests, benchmarks: New, Start, URL, Close) or as
// the scp-emulator process (make demo, local experiments).
//
// # Request pipeline (api.go)
//
// Every API request is recorded (requestlog.go), then: rate limit (ratelimit.go) →
// injected faults (faults.go) → route (a path that is no SCP endpoint gets a plain
// 404, not the SCP envelope) → signature check (auth.go) → Scp-Api-Version (Virtual
// Server calls only; absent means the latest) → endpoint (servers_*.go, volumes_*.go,
// attachments.go, tags.go, catalog.go). Errors are {"errors":[{"status","detail"}]}
// with only the statuses the contract lists for the call (statuses.go). Each 202
// schedules an operation (ops.go) that makes the final transition after its latency.
//
// The endpoint catalog is GET /iam/v1/endpoints (AuthURL), listing scp-virtualserver
// and scp-resourcemanager at the emulator's own base URL.
//
// # Choices beyond the wire contract
//
//   - Repeating a DELETE of a server, a volume, or a detach that is already in
//     progress answers 202 again without a second operation.
//   - A detach of a volume still attaching answers 409 SERVER_BUSY (INVALID_STATE
//     when the busy rule is off), never NOT_ATTACHED, so a client cannot mistake it
//     for "already detached". Busy 409s send detail as an array of strings.
//   - Transitional states (BUILD, STOPPING, STARTING, DELETING; creating, reserved,
//     attaching, detaching, extending, deleting) are the emulator's own names.
//   - Create-time volumes are listed on the server from the start (state reserved)
//     but list the server in their "servers" only once it is ACTIVE.
//   - delete_on_termination defaults to true for the boot volume, false otherwise.
//   - Busy windows (SetServerBusy) also make delete, lock/unlock and stop/start 409.
//   - A failed volume delete or extend ends in error_deleting / error_extending.
//   - Where a call does not document an error's natural status, the emulator answers
//     a documented one (statuses.go): an unknown volume or server on the volume calls
//     other than GET is 400, a refused lock 403, a refused Resource Manager signature
//     403.
//   - A create without volumes gets a 16 GiB OS volume; max_count is at most 10;
//     metadata values are kept as strings; security groups are reported by a made-up
//     name ("sg-name-<id>"), as bodies carry names only; server_type numbers are read
//     from the type id (s1v2m4: 2 vCPUs, 4 GiB).
//   - Servers list newest first by default (the documented created_at:desc), with no
//     page limit unless asked; volumes in creation order, 20 per page.
//   - Names match exactly in list filters (exact vs substring is not documented).
//   - Resource Manager paging: size defaults to 20, page to 0; a bulk PUT replaces
//     the whole tag set; the SRN's env label is not checked, account and region are.
//
// # Control API (control.go), for the process; no authentication
//
//	GET    /_emulator/health | requests | operations | faults | state | contract-violations
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
//	POST   /_emulator/volume-order   {"os_volume_last":true}: list servers' OS volumes last
//	POST   /_emulator/error-detail   {"array":true}: every error detail as an array of strings
//	GET    /_emulator/contract-violations   {"checked":true,"violations":[...]}
//	DELETE /_emulator/contract-violations
package scp
