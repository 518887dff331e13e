// Package openstack is the OpenStack-family personality of the emulator: Keystone v3
// tokens with a service catalog, Nova servers, flavors and os-volume_attachments, Cinder
// v3 volumes, and the parts of Glance (images) and Neutron (networks, subnets, ports) a
// client reads before and after it creates a server, on one listener, with the same kind of control API, latencies, fault
// injection and request log as the SCP personality (internal/emulator/scp). Its client is
// gophercloud v2: every answer is in the shape gophercloud's own parsers read, and the
// tests drive it with gophercloud's request builders.
//
// It runs in-process (New, Start, URL, AuthURL, Env, Close, or Handler on an httptest
// server) or as the openstack-emulator process.
//
// # What it serves, and where each fact comes from
//
// Sources: [api-doc] is spec/api-docs/openstack-nova-detach-volume-attachment.txt,
// [otc-ecs] spec/api-docs/otc-ecs-detach-disk.md, [otc-evs] spec/api-docs/otc-evs-os-detach-deprecated.md,
// [facts] spec/OPENSTACK.md, [real] spec/REAL-OPENSTACK.md (measured on Nova 26, Cinder 21,
// Glance 25, Neutron 21) and the fixtures recorded from those services (difftest/testdata),
// [gc] the shape gophercloud v2.16 parses.
//
// Keystone (keystone.go):
//   - POST /v3/auth/tokens with password (user name + domain, or user id), token and
//     application_credential (id, or name + user) methods, scoped to the one project by
//     id or by name + domain [facts]; 201, the token id in X-Subject-Token, a body
//     token{expires_at, catalog, project, user, roles, methods} [gc: tokens.CreateResult,
//     ExtractToken, ExtractServiceCatalog, ExtractProject, ExtractUser].
//   - The catalog: identity, compute at Config.ComputePrefix + /{project_id} (/v2.1 by
//     default), volumev3 and block-storage at /volume/v3/{project_id}, image at /image,
//     network at /networking (devstack's layout, so that Cinder's version documents have
//     a root of their own); public, internal and admin endpoints with region and
//     region_id [real, gc: V3Endpoint]. URLs use the Host of the token request.
//   - GET, HEAD, DELETE /v3/auth/tokens (validate, check, revoke) [gc: tokens.Get,
//     Validate, Revoke]; GET / (300) and GET /v3 version documents [gc: ChooseVersion].
//   - A missing, unknown, revoked or expired X-Auth-Token is 401 with Keystone's error
//     body and WWW-Authenticate [facts: "401 means expired or invalid"]; gophercloud
//     with AllowReauth authenticates once more and repeats the call. Tokens live
//     Config.TokenTTL; ExpireTokens ends them all at once.
//
// Nova (servers.go, attachments.go), under both /v2 and /v2.1 [otc-ecs, facts]:
//   - GET /flavors[/detail] and /flavors/{id} (Config.Flavors, Nova's m1 flavors by
//     default; swap "" before 2.75, description from 2.55, extra_specs from 2.61) [real].
//   - POST /servers (name, imageRef, flavorRef, networks, key_name, security_groups,
//     block_device_mapping_v2 with a boot volume from an image or an existing volume,
//     metadata, base64 user_data) -> 202 {server{id, links, adminPass, ...}} [facts, gc];
//     BUILD/building/spawning, then ACTIVE after the server_create latency. flavorRef is
//     a flavor's id or URL; a name is 400 "Flavor m1.tiny could not be found." [real].
//     With Config.StrictReferences an unknown image, network or port is Nova's 400;
//     without it they are taken as given. A server on one of Config.Networks gets a
//     Neutron port (device_owner compute:nova), deleted with the server.
//   - GET /servers/{id} with status, OS-EXT-STS:vm_state, task_state, power_state,
//     os-extended-volumes:volumes_attached, addresses keyed by the network's name, fault
//     on ERROR, and by microversion: locked (2.9), description (2.19), tags (2.26),
//     trusted_image_certificates (2.63), server_groups (2.71), locked_reason (2.73); the
//     flavor as {id, links} before 2.47 and {vcpus, ram, disk, ephemeral, swap,
//     original_name, extra_specs} (no id) from 2.47; "image": "" for a server booted
//     from a volume. OS-EXT-SRV-ATTR:* (root_device_name, user_data) are admin-only in
//     Nova and not shown [real, gc: servers.Server]; GET /servers[/detail] (filters name,
//     status, flavor); PUT /servers/{id} renames; GET /servers/{id}/tags {"tags": []}
//     from 2.26 (404 before).
//   - DELETE /servers/{id} -> 204, task_state deleting, then 404; with
//     Config.DeletedStatus DELETED or SOFT_DELETED first [facts]. Volumes with
//     delete_on_termination go with the server, the others become available.
//   - POST /servers/{id}/action lock, unlock (immediate, as Nova's database update),
//     os-stop, os-start -> 202 [facts]; the 409s of Nova's check_instance_state and
//     check_instance_lock ("Cannot 'stop' instance X while it is in vm_state stopped",
//     "Instance X is locked").
//   - os-volume_attachments: GET list and one, POST -> 200 with the attachment at once
//     (the id is the volume id) and Cinder attaching then in-use; DELETE -> 202, Cinder
//     detaching, then the mapping goes (GET 404) and the volume is available [facts,
//     gc: volumeattach]. The detach answers [api-doc, facts]: 404 unknown server or
//     attachment ("Instance S is not attached to volume V"); 400 "Cannot detach a root
//     device volume" (Nova, the default [real]) or 403 "Can't detach root device volume"
//     (the api-doc's K5 cloud, Config.RootDetachStatus 403) for the boot volume or the
//     root device name; 409 "Instance X is locked"; 409
//     "Cannot 'detach_volume' instance X while it is in vm_state Y" outside ACTIVE,
//     PAUSED, STOPPED, RESIZED, SOFT_DELETED (and the shelved states); 409 "... while it
//     is in task_state Y" while a task runs (building, powering-off/on, deleting, or one
//     injected with SetServerTask); 400 "already detached" when the volume is available
//     (the api-doc's rule); 400 "Volume status must be 'in-use'" for a DELETE re-sent
//     while the detach runs.
//   - FlavourOTC [otc-ecs]: the system disk (/dev/sda, the default device prefix there)
//     detaches only from a SHUTOFF server (400 otherwise); a running server gives up data
//     disks only, and only if its OS can hot-unplug (Config.ColdplugImages, SetHotplug;
//     400 otherwise). These checks come after the 409s, so a server still powering off
//     says "task_state".
//
// Cinder (volumes.go), under /volume/v3 where the catalog points, and at the root under
// /v3 (and /v2, where OTC EVS documents its actions [otc-evs]); its version documents at
// /volume/ (300) and /volume/v3/ (200), none at the endpoint /volume/v3/{project_id}/
// (404) [real]:
//   - POST /volumes -> 202 creating, then available; GET, GET /volumes[/detail], PUT
//     (rename), DELETE -> 202 deleting, then 404 (400 while attached or in-use) [facts,
//     gc: volumes.Volume, with bootable "true"/"false", attachments[{server_id,
//     attachment_id, device, attached_at}], times without a zone]. As Cinder shows it
//     [real]: description null unless given ("" for the volumes Nova makes),
//     updated_at null until the first change, group_id from 3.13, backup_id from 3.47,
//     os-vol-tenant-attr:tenant_id in show and detail but not in the create answer, and
//     Glance's image properties (all strings) in volume_image_metadata.
//   - POST /volumes/{id}/action os-extend -> 202 extending, then the new size; from
//     in-use only at microversion 3.42 or later, as Cinder [facts: statuses].
//   - The deprecated os-detach (in-use -> available and nothing else: Nova keeps its
//     mapping, so its DELETE then answers 400 already detached [otc-evs]),
//     os-begin_detaching (in-use -> detaching) and os-terminate_connection (no change)
//     are served; every use is marked Deprecated in the request log
//     (DeprecatedActionUses, GET /_emulator/deprecated-actions) so tests can assert
//     they are never called [facts: "Never use them to detach"].
//
// Microversions: OpenStack-API-Version or X-OpenStack-Nova-API-Version /
// X-OpenStack-Volume-API-Version are read, echoed, and outside 2.1-2.96 / 3.0-3.70
// answered 406. Shapes change with them as in Nova and Cinder: the server body (above),
// volumeAttachment (tag from 2.70, delete_on_termination from 2.79, attachment_id and
// bdm_uuid instead of id from 2.89), volumes_attached[].delete_on_termination from 2.3,
// flavors, tags, the volume's fields, and the in-use extend (3.42).
//
// # Held to real OpenStack
//
// Package difftest runs one scenario against real services and against the emulator and
// compares status codes and JSON shapes; its fixtures are the real answers, so `make
// test` fails when the emulator drifts from them, and `make openstack-diff` compares with
// a live cloud. Its allow-list of tolerated differences is empty.
//
// Errors are Nova's and Cinder's envelopes ({"itemNotFound":{"code":404,"message":...}},
// badRequest, forbidden, conflictingRequest, computeFault...) [gc: ErrUnexpectedResponseCode
// keeps the body]. Glance, and Cinder for a path it does not route, answer webob's
// {"code": "404 Not Found", "title", "message"} (text to a client that does not accept
// JSON); Neutron answers {"NeutronError": {type, message, detail}} [real]. A project id in
// the path that is not the token's is the api-doc's 400 "Malformed request URL: URL's
// project_id ... doesn't match Context's project_id".
//
// # Request pipeline (api.go)
//
// Every request is recorded (requestlog.go: method, path, status, service, route,
// server and volume ids, whether a token was sent and was valid, the Keystone method,
// the fault; never a token, password or secret), then: injected faults (faults.go) →
// token → project → microversion → endpoint. Each accepted change schedules an
// operation (ops.go) that makes the final transition after its scaled latency.
//
// # Control API (control.go), no authentication
//
//	GET    /_emulator/health | requests | deprecated-actions | operations | faults | state
//	POST   /_emulator/latency        {"op":"detach","base":"5m","jitter":0} or {"scale":0.01}
//	POST   /_emulator/faults         a Fault ({"kind":"status","status":503,"op":"attachment.delete","count":1}),
//	                                 {"kind":"fail_operation","operation":"detach","count":1},
//	                                 or {"kind":"task","server_id":...,"task_state":"rebooting","duration":"5s"}
//	DELETE /_emulator/faults[/{id}]  clear all (with outcome faults and injected tasks) or one
//	POST   /_emulator/task           {"server_id":...,"task_state":"rebooting","duration":"5s"}
//	POST   /_emulator/vm-state       {"server_id":...,"vm_state":"rescued"}
//	POST   /_emulator/hotplug        {"server_id":...,"supported":false}
//	POST   /_emulator/detach         {"volume_id":...,"server_id":...,"cinder_only":false}
//	POST   /_emulator/delete-server  {"server_id":...}
//	POST   /_emulator/delete-volume  {"volume_id":...}
//	POST   /_emulator/expire-tokens | reset-requests | reset
//	POST   /_emulator/token-ttl      {"ttl":"2s"}
//
// # Deliberately left out
//
//   - Glance and Neutron beyond reading: GET /image/v2/images[/{id}] (Config.Images; 404
//     is Glance's text), GET /networking/v2.0/{networks,subnets,ports}[/{id}] with
//     Neutron's attribute filters (Config.Networks, one IPv4 /24 subnet each;
//     NeutronError 404s). No uploads, routers, floating IPs or security groups; key and
//     security group names are taken as given.
//   - Cinder's attachments API (v3 /attachments), snapshots, backups, multiattach,
//     volume types as objects, quotas, pagination (lists are one page).
//   - Domain-, system- and trust-scoped tokens (400); one domain, project, user and
//     application credential; TOTP, EC2 and OAuth methods; Keystone v2.
//   - Server actions other than lock, unlock, os-stop, os-start (400); server update
//     fields other than the name, rebuild, resize, reboot (their task_states can be
//     injected with SetServerTask).
//   - Rate limiting (429 is available as a fault), TLS, and what OTC's ECS-native API
//     (/v1/{project_id}/cloudservers/...) returns: OTC is served through its
//     Nova-compatible paths only; its exact refusal status for the system-disk rule is
//     not documented, the emulator answers 400.
package openstack
