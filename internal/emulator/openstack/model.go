package openstack

import (
	"slices"
	"time"
)

// Nova vm_state values (OS-EXT-STS:vm_state).
const (
	vmActive           = "active"
	vmBuilding         = "building"
	vmStopped          = "stopped"
	vmPaused           = "paused"
	vmSuspended        = "suspended"
	vmRescued          = "rescued"
	vmResized          = "resized"
	vmSoftDeleted      = "soft-delete"
	vmDeleted          = "deleted"
	vmError            = "error"
	vmShelved          = "shelved"
	vmShelvedOffloaded = "shelved_offloaded"
)

// Nova task_state values the emulator sets itself; SetServerTask may inject any other.
const (
	taskSpawning    = "spawning"
	taskPoweringOff = "powering-off"
	taskPoweringOn  = "powering-on"
	taskDeleting    = "deleting"
)

// Server statuses the configuration names.
const (
	statusDeleted     = "DELETED"
	statusSoftDeleted = "SOFT_DELETED"
)

// Cinder volume statuses.
const (
	volCreating       = "creating"
	volAvailable      = "available"
	volAttaching      = "attaching"
	volInUse          = "in-use"
	volDetaching      = "detaching"
	volExtending      = "extending"
	volDeleting       = "deleting"
	volError          = "error"
	volErrorDeleting  = "error_deleting"
	volErrorExtending = "error_extending"
)

// maxDevices is one device per letter of the prefix (vda..vdz).
const maxDevices = 26

// server is the live Nova instance; guarded by Emulator.mu.
type server struct {
	seq            int64
	id             string
	name           string
	imageRef       string // empty when booted from a volume
	flavor         Flavor // as it was at create: Nova embeds a copy in the instance
	keyName        string
	az             string
	networks       []serverNetwork
	securityGroups []string
	metadata       map[string]string
	userData       string // base64, as sent

	vmState    string
	taskState  string // "" is null
	locked     bool
	rootDevice string
	hotplug    bool // the OS can hot-unplug data disks (OTC's rule for a running server)
	fault      string
	deleted    bool // shown as DELETED / SOFT_DELETED until the purge

	bdms []*bdm // boot volume first, then in attach order
	op   *operation

	injectedTask  string // SetServerTask: a task_state held until injectedUntil
	injectedUntil time.Time

	createdAt, updatedAt, launchedAt time.Time
}

// serverNetwork is one network of a server: on one of the emulator's networks (name
// set, portID the Neutron port made for it), or on a reference taken as given.
type serverNetwork struct {
	uuid, port, fixedIP, addr, mac string
	name                           string
	portID                         string
}

// bdm is Nova's block device mapping of one volume: the os-volume_attachments record.
type bdm struct {
	id                  string // bdm_uuid (microversion 2.89)
	volumeID            string
	attachmentID        string // Cinder's attachment record, created with the mapping
	device              string
	boot                bool
	deleteOnTermination bool
	detaching           bool
	op                  *operation // attach or detach in flight
}

// volume is the live Cinder volume; guarded by Emulator.mu.
type volume struct {
	seq         int64
	id          string
	name        string
	description *string // null unless given (Nova gives "" for the volumes it creates)
	volumeType  string
	az          string
	imageRef    string
	size        int
	status      string
	bootable    bool
	metadata    map[string]string
	// attach is Cinder's side of the attachment: set when an attach completes,
	// cleared by a detach (or by os-detach alone, which leaves Nova's bdm behind).
	attach *cinderAttachment
	op     *operation

	createdAt, updatedAt time.Time
}

type cinderAttachment struct {
	id, serverID, device string
	attachedAt           time.Time
}

// task is the effective task_state: an injected one while it lasts, else the
// emulator's own.
func (s *server) task(now time.Time) string {
	if s.injectedTask != "" && now.Before(s.injectedUntil) {
		return s.injectedTask
	}
	return s.taskState
}

// status maps vm_state and task_state to the API status, as Nova's
// api/openstack/common.py does for the states the emulator uses.
func (s *server) status(now time.Time) string {
	task := s.task(now)
	switch s.vmState {
	case vmActive:
		switch task {
		case "rebooting", "reboot_pending", "reboot_started":
			return "REBOOT"
		case "rebooting_hard", "reboot_pending_hard", "reboot_started_hard":
			return "HARD_REBOOT"
		case "rebuilding", "rebuild_block_device_mapping", "rebuild_spawning":
			return "REBUILD"
		case "migrating":
			return "MIGRATING"
		case "resize_prep", "resize_migrating", "resize_migrated", "resize_finish":
			return "RESIZE"
		}
		return "ACTIVE"
	case vmBuilding:
		return "BUILD"
	case vmStopped:
		return "SHUTOFF"
	case vmPaused:
		return "PAUSED"
	case vmSuspended:
		return "SUSPENDED"
	case vmRescued:
		return "RESCUE"
	case vmResized:
		return "VERIFY_RESIZE"
	case vmSoftDeleted:
		return statusSoftDeleted
	case vmDeleted:
		return statusDeleted
	case vmShelved:
		return "SHELVED"
	case vmShelvedOffloaded:
		return "SHELVED_OFFLOADED"
	}
	return "ERROR"
}

// powerState is OS-EXT-STS:power_state (0 nostate, 1 running, 3 paused, 4 shutdown, 7 suspended).
func (s *server) powerState() int {
	switch s.vmState {
	case vmActive, vmRescued, vmResized:
		return 1
	case vmPaused:
		return 3
	case vmStopped, vmShelved, vmSoftDeleted:
		return 4
	case vmSuspended:
		return 7
	}
	return 0
}

func (s *server) findBDM(volumeID string) *bdm {
	for _, b := range s.bdms {
		if b.volumeID == volumeID {
			return b
		}
	}
	return nil
}

func (s *server) removeBDM(b *bdm) {
	s.bdms = slices.DeleteFunc(s.bdms, func(x *bdm) bool { return x == b })
}

// isRoot: the boot volume, or whatever sits on the server's root device name.
func (s *server) isRoot(b *bdm) bool { return b.boot || b.device == s.rootDevice }

// nextDevice is the first free device name after the root (prefix + "b" onwards),
// or "" when all are taken.
func (s *server) nextDevice(prefix string) string {
	used := map[string]bool{s.rootDevice: true}
	for _, b := range s.bdms {
		used[b.device] = true
	}
	for i := 0; i < maxDevices; i++ {
		d := prefix + string(rune('a'+i))
		if !used[d] {
			return d
		}
	}
	return ""
}

func (s *server) touch(now time.Time) { s.updatedAt = now }

func (v *volume) touch(now time.Time) { v.updatedAt = now }
