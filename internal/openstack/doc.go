// Package openstack is the provider's cloud.Cloud for OpenStack-family clouds: Keystone v3,
// Nova (compute, /v2 or /v2.1 as the catalog gives it) and Cinder v3, on gophercloud v2, with two
// flavours of rules: plain Nova (default) and Open Telekom Cloud (OTC).
//
// # Authentication
//
// Config holds Keystone v3 credentials: password (user name + domain, or user id; project name +
// domain, or project id), an existing token, or an application credential (id, or name + user,
// with its secret); or Cloud, an entry of clouds.yaml read with gophercloud's
// openstack/config/clouds. ConfigFromEnv reads the OS_* variables (OS_USER_DOMAIN_NAME and
// OS_PROJECT_DOMAIN_NAME, with OS_DOMAIN_NAME as the fallback of both). Tokens are renewed when
// Keystone answers 401 (gophercloud's AllowReauth): once per call, then the call is sent again; a
// 401 changed nothing, so that resend is safe even for the detach. The token method cannot be
// renewed: its expiry is reported as denied, saying so.
//
// All traffic goes through the provider's one HTTP client (internal/safehttp NewClient):
// no redirect is ever followed, so a token or password never leaves the configured auth_url and
// the catalog's endpoints; TLS is always verified (clouds.yaml "verify: false" is refused); plain
// http is refused for hosts other than this machine unless AllowInsecureHTTP.
//
// Microversions: compute 2.79 (locked from 2.9, root_device_name from 2.3, the attachment's
// delete_on_termination from 2.79; 2.89 would drop the attachment "id" gophercloud reads) and
// block storage 3.42 (an in-use volume can be extended). Both can be overridden in Config. At
// configuration the endpoints' version documents are read: a cloud whose highest microversion is
// lower gets that one (with fewer fields), instead of a 406 on every call.
//
// # Calls and outcomes
//
// Every mutation is sent once. It is sent again only after an answer that proves nothing was done:
// a 401 (gophercloud renews the token and repeats), a 429 (after Retry-After, gophercloud's
// RetryBackoffFunc), and Nova's 409 "... while it is in task_state ..." (or a vm_state 409 while
// the server is still building or has a task), waited out with a growing pause until the caller's
// context ends; close to the deadline no resend is started, so the last word is the refusal and
// the outcome is Busy.
//
//   - 404 is Gone (Nova's and Cinder's itemNotFound); a server shown DELETED or SOFT_DELETED is
//     Gone too.
//   - 400 is Rejected, except Cinder's "Invalid volume: ..." (and Nova passing it on for an
//     attach), which refuses an action for the volume's state: Conflict, so the resources wait out
//     a volume that is busy.
//   - The detach (Detach): exactly one DELETE /servers/{server_id}/os-volume_attachments/{volume_id}
//     (the attachment id is the volume id). 400 "already detached" is Rejected: the resource reads
//     Cinder to confirm. 403, or 400 "Cannot detach a root device volume" (or an OTC system-disk
//     refusal), is Conflict with a message that the plan should have refused it. On OTC, other 400s
//     are Rejected with the hot-unplug rule explained. 409 locked and 409 vm_state are Conflict with
//     the server's status and vm_state in the message. Cinder's os-detach, os-begin_detaching and
//     os-terminate_connection are never called.
//   - 401 and 403 (outside the detach) are Denied; an answer that leaves a mutation open (a reset or
//     timed-out connection, a 5xx, a 408, a success status other than the documented one, an
//     unreadable body) is Failed and MayHaveTakenEffect.
//
// # States
//
// Servers: ACTIVE with no task_state is PhaseActive, SHUTOFF with none PhaseStopped, ERROR
// PhaseFailed; everything else (BUILD, a task running, REBOOT, ...) is in progress. Volumes:
// available, in-use, error* (PhaseFailed); everything else in progress.
//
// # The system disk
//
// ServerAttachments marks as the system disk the attachment on the server's root_device_name
// (where Nova puts the boot volume, boot_index 0) or on /dev/sda, /dev/vda, /dev/xvda or /dev/hda
// (Facts.SystemDiskDevices). Nova refuses to detach it; OTC allows it only from a stopped server, and
// this provider never does it (Facts.SystemDiskRule words both).
//
// # Arguments that exist on one cloud only
//
// ValidateServer refuses file_storage_ids, networks[].public_ip_id and tags, ValidateVolume
// max_iops, max_throughput and tags (both at plan time); networks[].subnet_id
// is the Neutron network id (Nova's networks[].uuid), port_id a Neutron port. security_group_ids
// are sent as Nova's security_groups names (Nova takes names or ids). server_group_id is the
// scheduler hint "group". A server booted from a volume (boot_volume.size > 0) gets
// block_device_mapping_v2 from the image (boot_index 0); Nova then shows no image, and the image is
// read from the boot volume's volume_image_metadata. Nova cannot lock a server at creation: the
// lock is asked for right after the create. CreateVolume refuses max_iops and max_throughput
// (performance comes with the volume type on Cinder).
//
// # Tags
//
// Not managed: the cloud is no cloud.Tagger, and Facts.NoTags says why. Nova server tags are plain strings, not key = value, and
// Nova and Cinder metadata would need their own endpoints (PUT /servers/{id}/metadata is not
// served by the emulator), so a configuration with tags fails at plan time rather than half works.
package openstack
