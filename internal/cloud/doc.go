// Package cloud is the seam between the provider's resources and the clouds they manage.
//
// The resources (internal/provider) hold the logic that makes the provider safe to destroy with:
// plan-time refusals, one mutation then a wait, adoption after a lost answer, and "nothing leaves
// the state unless the cloud says it is gone". That logic speaks only to the Cloud interface
// below, never to an HTTP client, so it can be tested with a fake (cloudtest) and a second API
// family can be added beside the first without touching it.
//
// # What an implementation owns
//
// An implementation (SCP: internal/scp; OpenStack-family clouds: internal/openstack, on
// gophercloud) translates three things:
//
//   - Calls. Each method is one API call: Create*, Attach, Detach, Delete* send their mutation
//     exactly once as far as the resources can tell (retrying only what the API proves changed
//     nothing: a 429, a busy answer, a connection never made). Reads never change anything. The
//     resources do the waiting, with the provider's poller.
//   - States. Every object carries its cloud's own state text (for messages) and a Phase the
//     resources decide on. An implementation maps only the states its documents attest; every
//     other state is PhaseInProgress, so nothing depends on undocumented transitional names.
//   - Outcomes. Every error an implementation returns is classified (see Outcome): Gone only when
//     the API itself said so (SCP's error envelope with 404; Nova's 404 itemNotFound), Busy when
//     the API said nothing was done and to try later, Refused for any other 4xx, and
//     MayHaveTakenEffect for an answer that leaves open whether a mutation was carried out.
//
// # Where the clouds differ
//
// Which attachment is a server's system disk: SCP says nothing in the volume, and the official
// provider takes the attachment on /dev/vda or /dev/sda; Nova has the boot volume and the root
// device name (/dev/sda, /dev/vda, /dev/xvda or what the server reports). Attachment.SystemDisk and
// Facts.SystemDiskDevices carry that answer, and Facts.SystemDiskRule words the refusal (OTC adds that a
// system disk can only leave a stopped server). Attributes that exist on one cloud only are
// validated by the implementation (ValidateServer, ValidateVolume), so the message can name the
// cloud; the resources run these checks at plan time once the configuration is known.
//
// # Adding a cloud
//
// Implement Cloud in its own package (for example internal/openstack), classify its errors with
// NewError, map its states to Phases, give its fixed facts in one Facts value, implement the
// optional interfaces (Lister, Tagger) only where it has the capability, and return it from the
// provider's Configure for the configuration that selects it. The resources and their unit tests stay as they are; the
// acceptance tests gain a target for the new cloud's emulator personality.
package cloud
