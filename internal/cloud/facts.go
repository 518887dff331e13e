package cloud

import "strings"

// Facts are what a configured cloud is, as opposed to what it does: fixed for the provider's
// configuration, read by the resources for plan-time rules and messages. A cloud returns them
// from Facts; none of them costs an API call.
type Facts struct {
	// Name is the cloud as messages call it ("SCP", "OpenStack", "Open Telekom Cloud").
	Name string
	// Endpoint identifies the API for the poller's timings cache.
	Endpoint string
	// ShowsServerGroup says whether Server tells a server's group, so that an empty
	// Server.ServerGroupID means "in none" rather than "not said".
	ShowsServerGroup bool
	// SystemDiskDevices are the device names (lower case) that are always a server's system disk.
	SystemDiskDevices []string
	// SystemDiskRule says, for an error message, why this cloud's system disk is never detached.
	SystemDiskRule string
	// RefusalReasons lists, for a message, the documented reasons this cloud refuses an operation
	// with a conflict; an operation it has none to name for is absent.
	RefusalReasons map[Operation]string
	// NoTags says why tags cannot be read or written with this configuration; it is read only
	// when the cloud is not a Tagger.
	NoTags string
}

// IsSystemDiskDevice reports a device name that is always a server's system disk on this cloud.
func (f Facts) IsSystemDiskDevice(device string) bool {
	for _, d := range f.SystemDiskDevices {
		if strings.EqualFold(d, device) {
			return true
		}
	}
	return false
}
