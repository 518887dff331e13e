package openstack

import (
	"fmt"
	"slices"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// ServerState is a server as tests and the control API see it.
type ServerState struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Status         string            `json:"status"`
	VMState        string            `json:"vm_state"`
	TaskState      string            `json:"task_state,omitempty"`
	Locked         bool              `json:"locked"`
	RootDeviceName string            `json:"root_device_name"`
	Hotplug        bool              `json:"hotplug"`
	Attachments    []AttachmentState `json:"attachments"`
}

// AttachmentState is one of Nova's volume mappings of a server.
type AttachmentState struct {
	VolumeID  string `json:"volume_id"`
	Device    string `json:"device"`
	Boot      bool   `json:"boot,omitempty"`
	Detaching bool   `json:"detaching,omitempty"`
}

// VolumeState is a volume as tests and the control API see it; ServerID and Device
// are Cinder's side of the attachment.
type VolumeState struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Size     int    `json:"size"`
	Status   string `json:"status"`
	Bootable bool   `json:"bootable"`
	ServerID string `json:"server_id,omitempty"`
	Device   string `json:"device,omitempty"`
}

// Servers lists every server (including those shown as DELETED), oldest first.
func (e *Emulator) Servers() []ServerState {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	all := engine.InOrder(e.servers, func(s *server) int64 { return s.seq })
	out := make([]ServerState, 0, len(all))
	for _, s := range all {
		st := ServerState{
			ID: s.id, Name: s.name, Status: s.status(now), VMState: s.vmState, TaskState: s.task(now),
			Locked: s.locked, RootDeviceName: s.rootDevice, Hotplug: s.hotplug, Attachments: []AttachmentState{},
		}
		for _, b := range s.bdms {
			st.Attachments = append(st.Attachments, AttachmentState{VolumeID: b.volumeID, Device: b.device, Boot: b.boot, Detaching: b.detaching})
		}
		out = append(out, st)
	}
	return out
}

// Server returns one server's state.
func (e *Emulator) Server(id string) (ServerState, bool) {
	return withID(e.Servers(), id, func(s ServerState) string { return s.ID })
}

// Volumes lists every volume, oldest first.
func (e *Emulator) Volumes() []VolumeState {
	e.mu.Lock()
	defer e.mu.Unlock()
	all := engine.InOrder(e.volumes, func(v *volume) int64 { return v.seq })
	out := make([]VolumeState, 0, len(all))
	for _, v := range all {
		st := VolumeState{ID: v.id, Name: v.name, Size: v.size, Status: v.status, Bootable: v.bootable}
		if v.attach != nil {
			st.ServerID, st.Device = v.attach.serverID, v.attach.device
		}
		out = append(out, st)
	}
	return out
}

// Volume returns one volume's state.
func (e *Emulator) Volume(id string) (VolumeState, bool) {
	return withID(e.Volumes(), id, func(v VolumeState) string { return v.ID })
}

// withID is the state among states whose id is id.
func withID[S any](states []S, id string, idOf func(S) string) (S, bool) {
	i := slices.IndexFunc(states, func(s S) bool { return idOf(s) == id })
	if i < 0 {
		var none S
		return none, false
	}
	return states[i], true
}

func (e *Emulator) serverForControl(id string) (*server, error) {
	s, ok := e.servers[id]
	if !ok || s.deleted {
		return nil, fmt.Errorf("openstack emulator: server %s not found", id)
	}
	return s, nil
}

// changeServer makes a change of the control API or a test to a server under e.mu.
func (e *Emulator) changeServer(id string, change func(*server) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.serverForControl(id)
	if err != nil {
		return err
	}
	return change(s)
}

// SetServerTask makes the server report task_state for d: attach, detach, stop,
// start answer 409 "... while it is in task_state ..." meanwhile, as Nova does while
// another task runs on the server.
func (e *Emulator) SetServerTask(serverID, taskState string, d time.Duration) error {
	if taskState == "" || d <= 0 {
		return fmt.Errorf("openstack emulator: a task needs a task_state and a duration > 0")
	}
	return e.changeServer(serverID, func(s *server) error {
		s.injectedTask, s.injectedUntil = taskState, e.now().Add(d)
		return nil
	})
}

// pseudoFaults adds "task" to the kinds POST /_emulator/faults takes: the same as
// POST /_emulator/task.
func (e *Emulator) pseudoFaults() engine.PseudoFaults[Route] {
	return engine.PseudoFaults[Route]{"task": func(req engine.FaultRequest[Route]) error {
		return e.SetServerTask(req.ServerID, req.TaskState, time.Duration(req.Duration))
	}}
}

var knownVMStates = []string{vmActive, vmBuilding, vmStopped, vmPaused, vmSuspended, vmRescued, vmResized,
	vmSoftDeleted, vmError, vmShelved, vmShelvedOffloaded}

// SetServerVMState puts the server in vm_state (active, stopped, paused, rescued,
// error, ...) at once, as if something outside the test had done it.
func (e *Emulator) SetServerVMState(serverID, vmState string) error {
	if !slices.Contains(knownVMStates, vmState) {
		return fmt.Errorf("openstack emulator: unknown vm_state %q (known: %v)", vmState, knownVMStates)
	}
	return e.changeServer(serverID, func(s *server) error {
		s.vmState = vmState
		s.touch(e.now())
		return nil
	})
}

// SetHotplug says whether the server's OS can hot-unplug data disks (OTC's rule:
// without it, disks detach only from a stopped server). Servers start with true.
func (e *Emulator) SetHotplug(serverID string, supported bool) error {
	return e.changeServer(serverID, func(s *server) error {
		s.hotplug = supported
		return nil
	})
}

// DetachOutOfBand detaches a volume at once, as another client would have. With
// cinderOnly it does what os-detach does instead: the volume is available, Nova
// still maps it (its DELETE then answers 400 "already detached").
func (e *Emulator) DetachOutOfBand(volumeID, serverID string, cinderOnly bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[volumeID]
	if !ok {
		return fmt.Errorf("openstack emulator: volume %s not found", volumeID)
	}
	if serverID == "" { // the server that maps it (Cinder may no longer know)
		for _, s := range e.servers {
			if s.findBDM(volumeID) != nil {
				serverID = s.id
			}
		}
	}
	s, err := e.serverForControl(serverID)
	if err != nil {
		return err
	}
	b := s.findBDM(volumeID)
	if b == nil {
		return fmt.Errorf("openstack emulator: volume %s is not attached to server %s", volumeID, serverID)
	}
	if cinderOnly {
		v.status, v.attach = volAvailable, nil
		v.touch(e.now())
		return nil
	}
	e.Cancel(b.op, "detached out of band")
	e.finishDetach(s, b, v)
	return nil
}

// DeleteServerOutOfBand removes a server at once (its volumes released, or deleted
// when marked delete_on_termination), as if deleted by someone else.
func (e *Emulator) DeleteServerOutOfBand(serverID string) error {
	return e.changeServer(serverID, func(s *server) error {
		e.finishDelete(s, true)
		return nil
	})
}

// DeleteVolumeOutOfBand removes a volume at once, and any mapping of it: as if
// someone else had detached and deleted it.
func (e *Emulator) DeleteVolumeOutOfBand(volumeID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[volumeID]
	if !ok {
		return fmt.Errorf("openstack emulator: volume %s not found", volumeID)
	}
	e.Cancel(v.op, "deleted out of band")
	for _, s := range e.servers {
		if b := s.findBDM(volumeID); b != nil {
			e.Cancel(b.op, "volume deleted out of band")
			s.removeBDM(b)
		}
	}
	delete(e.volumes, volumeID)
	return nil
}

// Reset forgets every server, volume, operation, fault rule and request record;
// the configuration, latencies and issued tokens stay.
func (e *Emulator) Reset() {
	e.ClearFaults()
	e.ResetRequests()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.CancelAll("reset")
	e.ForgetRecords()
	e.servers = make(map[string]*server)
	e.volumes = make(map[string]*volume)
	e.ports = make(map[string]*port)
}
