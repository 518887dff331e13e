package cloud

import "slices"

// Phase is what the resources decide on; State keeps the cloud's own word for messages.
type Phase int

const (
	// PhaseInProgress is every state no document attests as final: something is under way.
	PhaseInProgress Phase = iota
	// PhaseActive: a server that is running and idle.
	PhaseActive
	// PhaseStopped: a server that is stopped and idle.
	PhaseStopped
	// PhaseAvailable: a volume that is idle and attached to nothing.
	PhaseAvailable
	// PhaseInUse: a volume that is idle and attached.
	PhaseInUse
	// PhaseFailed: the object went to an error state; waiting longer will not help.
	PhaseFailed
)

// Final reports whether nothing is under way on an object in this phase.
func (p Phase) Final() bool { return p != PhaseInProgress }

// Network is one network interface of a new server; implementations say which fields they take.
type Network struct {
	SubnetID   string
	PortID     string
	FixedIP    string
	PublicIPID string
}

// BootVolume is the system disk created with a server.
type BootVolume struct {
	Size                int64
	Type                string
	DeleteOnTermination bool
}

// ServerSpec is everything a new server is created with. UserData is the script as text; the
// implementation encodes it as its API wants.
type ServerSpec struct {
	Name             string
	ImageID          string
	ServerTypeID     string
	KeypairName      string
	Networks         []Network
	SecurityGroupIDs []string
	BootVolume       BootVolume
	Lock             bool
	Tags             map[string]string
	UserData         string
	ServerGroupID    string
	FileStorageIDs   []string
}

// Server is a server as the cloud describes it.
type Server struct {
	ID      string
	Name    string
	State   string
	Phase   Phase
	Locked  bool
	ImageID string
	// ServerTypeID is the server type's id; "" when the cloud shows none and it could not be
	// matched (an OpenStack flavor deleted since the server was made).
	ServerTypeID string
	// ServerTypeName is the type's name where a configuration may give the name instead of the id
	// (OpenStack; Nova 2.47 and later shows only the name); "" elsewhere.
	ServerTypeName string
	KeypairName    string
	VpcID          string
	// ServerGroupID is the placement group, or "" when the server is in none or the cloud does not
	// show it (see Facts.ShowsServerGroup).
	ServerGroupID string
	// CreatedAt is RFC 3339, or "" when the cloud does not say.
	CreatedAt string
	// VolumeIDs are the volumes the server's description lists, in no particular order.
	VolumeIDs []string
}

// ServerTypeIs reports whether ref, a configured server type (an id, or a name where the cloud
// takes names), is this server's type.
func (s *Server) ServerTypeIs(ref string) bool {
	return ref != "" && (ref == s.ServerTypeID || ref == s.ServerTypeName)
}

// ServerTypeShown is the server's type as an import records it: the name where the cloud shows
// one (a configuration most often gives the name there), else the id.
func (s *Server) ServerTypeShown() string {
	if s.ServerTypeName != "" {
		return s.ServerTypeName
	}
	return s.ServerTypeID
}

// ServerType is a server type (an OpenStack flavor) as Cloud.ServerType resolves it.
type ServerType struct {
	ID   string
	Name string
}

// HasVolume reports whether the server's description lists volumeID.
func (s *Server) HasVolume(volumeID string) bool {
	for _, id := range s.VolumeIDs {
		if id == volumeID {
			return true
		}
	}
	return false
}

// VolumeSpec is everything a new volume is created with.
type VolumeSpec struct {
	Name          string
	Size          int64
	Type          string
	MaxIOPS       int64
	MaxThroughput int64
	Tags          map[string]string
}

// VolumeServer is a server a volume lists itself attached to.
type VolumeServer struct {
	ServerID string
	Device   string
}

// Volume is a volume as the cloud describes it.
type Volume struct {
	ID            string
	Name          string
	State         string
	Phase         Phase
	Size          int64
	Type          string
	MaxIOPS       int64
	MaxThroughput int64
	Bootable      bool
	Multiattach   bool
	CreatedAt     string
	Servers       []VolumeServer
}

// AttachedTo returns the volume's attachment to serverID, if the volume lists it.
func (v *Volume) AttachedTo(serverID string) (VolumeServer, bool) {
	i := slices.IndexFunc(v.Servers, func(s VolumeServer) bool { return s.ServerID == serverID })
	if i < 0 {
		return VolumeServer{}, false
	}
	return v.Servers[i], true
}

// Attachment is one volume as a server lists it.
type Attachment struct {
	VolumeID            string
	Device              string
	DeleteOnTermination bool
	// SystemDisk is true for the attachment that holds the server's operating system.
	SystemDisk bool
}

// SystemDisk returns the system disk among attachments, and whether there is one.
func SystemDisk(attachments []Attachment) (Attachment, bool) {
	for _, a := range attachments {
		if a.SystemDisk {
			return a, true
		}
	}
	return Attachment{}, false
}
