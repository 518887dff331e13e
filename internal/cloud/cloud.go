package cloud

import "context"

// Cloud is what the resources need from a cloud: servers, volumes, attachments and their tags,
// plus the facts the plan-time rules depend on. Implementations are safe for concurrent use.
type Cloud interface {
	// Name is the cloud as messages call it ("SCP", "OpenStack", "Open Telekom Cloud").
	Name() string
	// Endpoint identifies the API for the poller's timings cache.
	Endpoint() string

	// CreateServer sends the create once and returns the new server's id; it is ready at PhaseActive.
	CreateServer(ctx context.Context, spec ServerSpec) (string, error)
	Server(ctx context.Context, id string) (*Server, error)
	// ServersNamed lists every server with exactly this name (all pages).
	ServersNamed(ctx context.Context, name string) ([]Server, error)
	// DeleteServer sends the delete once; the server is gone when Server answers Gone.
	DeleteServer(ctx context.Context, id string) error
	// SetServerLocked asks for the server's lock to be set or cleared; it is done when Server shows it.
	SetServerLocked(ctx context.Context, id string, locked bool) error
	// ShowsServerGroup reports whether Server tells a server's group, so that an empty
	// Server.ServerGroupID means "in none" rather than "not said".
	ShowsServerGroup() bool
	// ValidateServer refuses, before anything is sent, what this cloud cannot do with spec.
	ValidateServer(spec ServerSpec) error
	// ServerType resolves a configured server type: an id, or a name where the cloud takes names.
	// A type the cloud does not have, or a name several share, is OutcomeRejected; a cloud with no
	// way to look types up returns ref as the id.
	ServerType(ctx context.Context, ref string) (ServerType, error)

	// ValidateVolume refuses, before anything is sent, what this cloud cannot do with spec.
	ValidateVolume(spec VolumeSpec) error
	// CreateVolume sends the create once and returns the new volume's id; it is ready at PhaseAvailable.
	CreateVolume(ctx context.Context, spec VolumeSpec) (string, error)
	Volume(ctx context.Context, id string) (*Volume, error)
	// VolumesNamed lists every volume with exactly this name (all pages).
	VolumesNamed(ctx context.Context, name string) ([]Volume, error)
	RenameVolume(ctx context.Context, id, name string) error
	// ExtendVolume grows a volume; it is done when Volume shows the size in a final phase.
	ExtendVolume(ctx context.Context, id string, size int64) error
	// DeleteVolume sends the delete once; the volume is gone when Volume answers Gone.
	DeleteVolume(ctx context.Context, id string) error

	// Attach sends the attach once and returns the device when the answer names it; the attach is
	// done when Volume is PhaseInUse and lists the server.
	Attach(ctx context.Context, serverID, volumeID string, deleteOnTermination bool) (device string, err error)
	// Detach sends the detach once; it is done when Volume no longer lists the server. An answer
	// that says the volume is not attached is returned as Refused: the caller reads to confirm.
	Detach(ctx context.Context, serverID, volumeID string) error
	// ServerAttachments lists the server's attachments, the system disk marked.
	ServerAttachments(ctx context.Context, serverID string) ([]Attachment, error)
	// IsSystemDiskDevice reports a device name that is always a server's system disk on this cloud.
	IsSystemDiskDevice(device string) bool
	// SystemDiskRule says, for an error message, why this cloud's system disk is never detached.
	SystemDiskRule() string

	// RefusalReasons lists, for a message, the documented reasons this cloud refuses op with a
	// conflict; "" when there are none to name.
	RefusalReasons(op Operation) string

	// TagsUnavailable says why tags cannot be read or written with this configuration (nil: they can).
	TagsUnavailable() error
	Tags(ctx context.Context, kind ObjectKind, id string) (map[string]string, error)
	// SetTags makes tags the object's whole tag set.
	SetTags(ctx context.Context, kind ObjectKind, id string, tags map[string]string) error
}

// ObjectKind names what a tag call addresses.
type ObjectKind string

const (
	KindServer ObjectKind = "server"
	KindVolume ObjectKind = "volume"
)

// Operation names a mutation whose refusals RefusalReasons explains.
type Operation string

const (
	OpDeleteServer Operation = "delete server"
	OpDeleteVolume Operation = "delete volume"
	OpAttach       Operation = "attach"
)
