package engine

// The operation kinds both personalities schedule, under one name each so a tool
// reads either personality's operation log the same way. Power covers stop and
// start. A personality adds its own (SCP's lock, OpenStack's purge) beside these.
const (
	OpServerCreate OpKind = "server_create"
	OpServerDelete OpKind = "server_delete"
	OpServerPower  OpKind = "server_power"
	OpVolumeCreate OpKind = "volume_create"
	OpVolumeDelete OpKind = "volume_delete"
	OpVolumeExtend OpKind = "volume_extend"
	OpAttach       OpKind = "attach"
	OpDetach       OpKind = "detach"
)
