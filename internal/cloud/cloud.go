package cloud

import (
	"context"
	"time"
)

// Cloud is what the resources need from a cloud: calls on servers, volumes and attachments, plus
// the facts the plan-time rules depend on (Facts). What only some clouds can do is an optional
// interface the resources find with Capability: Lister, Tagger. Implementations are safe for concurrent use.
type Cloud interface {
	// Facts are the cloud's fixed facts, the same on every call.
	Facts() Facts

	// CreateServer sends the create once and returns the new server's id; it is ready at PhaseActive.
	CreateServer(ctx context.Context, spec ServerSpec) (string, error)
	Server(ctx context.Context, id string) (*Server, error)
	// ServersNamed lists every server with exactly this name (all pages).
	ServersNamed(ctx context.Context, name string) ([]Server, error)
	// DeleteServer sends the delete once; the server is gone when Server answers Gone.
	DeleteServer(ctx context.Context, id string) error
	// SetServerLocked asks for the server's lock to be set or cleared; it is done when Server shows it.
	SetServerLocked(ctx context.Context, id string, locked bool) error
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
}

// Tagger is what tags need: a cloud implements it only where its configuration can read and write
// them, and Facts.NoTags says why not where it cannot. Like Lister, it is optional.
type Tagger interface {
	Tags(ctx context.Context, kind ObjectKind, id string) (map[string]string, error)
	// SetTags makes tags the object's whole tag set.
	SetTags(ctx context.Context, kind ObjectKind, id string, tags map[string]string) error
}

// RateLimitReporter is a cloud whose client keeps track of the API's rate limit: when the API last
// answered 429 (zero: never). The provider's waits probe sparingly for a while after one. Optional,
// like Lister.
type RateLimitReporter interface {
	LastThrottled() time.Time
}

// ObjectKind names what a tag call addresses.
type ObjectKind string

const (
	KindServer ObjectKind = "server"
	KindVolume ObjectKind = "volume"
)

// Operation names a mutation whose refusals Facts.RefusalReasons explains.
type Operation string

const (
	OpDeleteServer Operation = "delete server"
	OpDeleteVolume Operation = "delete volume"
	OpAttach       Operation = "attach"
)
