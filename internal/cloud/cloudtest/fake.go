// Package cloudtest is an in-memory cloud.Cloud for the provider's unit tests: servers, volumes,
// attachments and tags in maps, no HTTP.
//
// It records every mutation it is sent (Calls, Sent), so a test can assert "exactly one DELETE" or
// "no detach was sent"; its operations finish at once or after a number of reads of the object
// (Delay), so the resources' waits are exercised; its calls fail as scripted (Fail, FailAfter),
// with errors classified by cloud.NewError; and a test can change the cloud behind the provider's
// back (RemoveServer, DetachOutOfBand, SetVolumePhase, ...).
//
// Like a real cloud it refuses what its objects' condition forbids: a locked server's delete and
// an attached volume's delete are conflicts, a detach of a volume that is not attached is
// rejected, and a mutation of a volume with an operation under way is a conflict.
package cloudtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// Call is one mutation the fake was sent: the method's name and the ids it addressed, in the
// order of the method's parameters.
type Call struct {
	Method string
	IDs    []string
}

func (c Call) String() string { return c.Method + "(" + strings.Join(c.IDs, ", ") + ")" }

// Fake is an in-memory cloud.Cloud. The zero value is not usable; call New. It is safe for
// concurrent use.
type Fake struct {
	mu       sync.Mutex
	seq      int
	servers  map[string]*server
	volumes  map[string]*volume
	attached []*attachment
	tags     map[string]map[string]string // by kind + "/" + id
	calls    []Call
	reads    map[string]int
	failures map[string][]failure
	delays   map[string]int
	endings  map[string][]ending
	busy     map[string]time.Time // server id -> until when its mutations answer busy

	// CloudName is what Name returns ("Fake" unless set).
	CloudName string
	// Validate, when set, is what ValidateServer returns.
	Validate func(cloud.ServerSpec) error
	// ValidateVolumeSpec, when set, is what ValidateVolume returns.
	ValidateVolumeSpec func(cloud.VolumeSpec) error
	// ServerTypes, when set, are the types ServerType resolves (by id or name) and servers are
	// created with, as on OpenStack; unset, a type is its id, as on SCP.
	ServerTypes []cloud.ServerType
	// RefuseDeleteWhileBuilding makes DeleteServer answer a conflict while the server is still
	// being created, as SCP does.
	RefuseDeleteWhileBuilding bool
	// Now is the clock that stamps CreatedAt (time.Now unless set).
	Now func() time.Time
}

type server struct {
	s       cloud.Server
	pending *pending
}

type volume struct {
	v       cloud.Volume
	pending *pending
}

func (s *server) setPhase(p cloud.Phase, state string) { s.s.Phase, s.s.State = p, state }
func (v *volume) setPhase(p cloud.Phase, state string) { v.v.Phase, v.v.State = p, state }

type attachment struct {
	serverID string
	a        cloud.Attachment
}

// pending is an operation under way: it finishes at the reads-th read of its object.
type pending struct {
	reads  int
	finish func()
}

// ending is how the next operation of a method ends instead of finishing.
type ending struct {
	phase cloud.Phase
	state string
}

type failure struct {
	err        error
	tookEffect bool
}

var (
	_ cloud.Cloud  = (*Fake)(nil)
	_ cloud.Tagger = (*Fake)(nil)
)

// New returns an empty fake cloud whose operations finish at once.
func New() *Fake {
	return &Fake{
		servers: map[string]*server{}, volumes: map[string]*volume{},
		tags: map[string]map[string]string{}, reads: map[string]int{},
		failures: map[string][]failure{}, delays: map[string]int{}, endings: map[string][]ending{},
		busy:      map[string]time.Time{},
		CloudName: "Fake", Now: time.Now,
	}
}

// Err is a classified error, as an implementation returns it; Ambiguous is the unclassified
// failure that leaves open whether a mutation was carried out (a reset connection, a 502).
func Err(outcome cloud.Outcome, message string) error {
	return cloud.NewError(outcome, false, errors.New(message))
}

// Ambiguous is a failure after which a mutation may or may not have been carried out.
func Ambiguous(message string) error {
	return cloud.NewError(cloud.OutcomeFailed, true, errors.New(message))
}

// Fail queues errors for the next calls of method (a name of a Cloud method: "DeleteServer",
// "Volume", ...): each call takes the first one, and the mutation is not carried out. A nil in
// the queue lets its call through as normal, so a later call can be made to fail.
func (f *Fake) Fail(method string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, err := range errs {
		f.failures[method] = append(f.failures[method], failure{err: err})
	}
}

// FailAfter queues errors for the next calls of method, each returned after the mutation was
// carried out: an answer lost on its way back.
func (f *Fake) FailAfter(method string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, err := range errs {
		f.failures[method] = append(f.failures[method], failure{err: err, tookEffect: true})
	}
}

// Delay makes the operations method starts from now on finish at the reads-th read of the
// object the resources wait on (the server for server operations, the volume for volume and
// attachment ones); 0, the default, finishes them at once.
func (f *Fake) Delay(method string, reads int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delays[method] = reads
}

// EndIn makes the next operation method starts end, when it would finish, with its object in
// phase and state instead (an error state, say): the object stays, and nothing else changes.
func (f *Fake) EndIn(method string, phase cloud.Phase, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.endings[method] = append(f.endings[method], ending{phase: phase, state: state})
}

// Calls returns every mutation sent so far, in order, failed ones included.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// Sent returns how many times method was sent.
func (f *Fake) Sent(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// Reads returns how many times the read method (Server, Volume, ServerAttachments, ...) was called.
func (f *Fake) Reads(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads[method]
}

// mutate records a mutation and takes its scripted failure, if any. It reports whether the
// mutation is to be carried out, and the error to return.
func (f *Fake) mutate(method string, ids ...string) (carryOut bool, err error) {
	f.calls = append(f.calls, Call{Method: method, IDs: ids})
	if fail, ok := f.takeFailure(method); ok && fail.err != nil {
		return fail.tookEffect, fail.err
	}
	return true, nil
}

// attempt records a mutation and says whether it goes ahead: not when its scripted failure stops
// it, nor when refusal (what the object's condition refuses; nil for nothing) is set. err is what
// the call returns.
func (f *Fake) attempt(method string, refusal error, ids ...string) (goAhead bool, err error) {
	carryOut, err := f.mutate(method, ids...)
	switch {
	case !carryOut:
		return false, err
	case refusal != nil:
		return false, refusal
	}
	return true, err
}

// read counts a read and takes its scripted failure, if any.
func (f *Fake) read(method string) error {
	f.reads[method]++
	if fail, ok := f.takeFailure(method); ok {
		return fail.err
	}
	return nil
}

func (f *Fake) takeFailure(method string) (failure, bool) {
	queue := f.failures[method]
	if len(queue) == 0 {
		return failure{}, false
	}
	f.failures[method] = queue[1:]
	return queue[0], true
}

// start begins an operation of method: finish runs now, or at the delayed read. A scripted
// ending (EndIn) replaces finish with setting the object's phase and state.
func (f *Fake) start(method string, setPhase func(cloud.Phase, string), finish func()) *pending {
	if queue := f.endings[method]; len(queue) > 0 {
		f.endings[method] = queue[1:]
		finish = func() { setPhase(queue[0].phase, queue[0].state) }
	}
	if n := f.delays[method]; n > 0 {
		return &pending{reads: n, finish: finish}
	}
	finish()
	return nil
}

// advance counts one read of an object with an operation under way, finishing it when due.
func advance(p **pending) {
	if *p == nil {
		return
	}
	if (*p).reads--; (*p).reads <= 0 {
		finish := (*p).finish
		*p = nil
		finish()
	}
}

func (f *Fake) newID() string {
	f.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", f.seq)
}

func gone(kind, id string) error {
	return Err(cloud.OutcomeGone, fmt.Sprintf("%s %s not found", kind, id))
}

// ---- what a test sets up and changes out of band ----

// PutServer adds (or replaces) a server as given; an empty ID gets a new one, which is returned.
// Its VolumeIDs are ignored: they come from the attachments (PutAttachment).
func (f *Fake) PutServer(s cloud.Server) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.ID == "" {
		s.ID = f.newID()
	}
	s.VolumeIDs = nil
	f.servers[s.ID] = &server{s: s}
	return s.ID
}

// PutVolume adds (or replaces) a volume as given; an empty ID gets a new one, which is returned.
// Its Servers are ignored: they come from the attachments.
func (f *Fake) PutVolume(v cloud.Volume) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v.ID == "" {
		v.ID = f.newID()
	}
	v.Servers = nil
	f.volumes[v.ID] = &volume{v: v}
	return v.ID
}

// PutAttachment attaches a.VolumeID to serverID as given, with no call and no wait.
func (f *Fake) PutAttachment(serverID string, a cloud.Attachment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attached = append(f.attached, &attachment{serverID: serverID, a: a})
}

// RemoveServer deletes a server out of band (its attachments go with it).
func (f *Fake) RemoveServer(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.servers, id)
	f.dropAttachments(func(a *attachment) bool { return a.serverID == id })
}

// RemoveVolume deletes a volume out of band (its attachments go with it).
func (f *Fake) RemoveVolume(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.volumes, id)
	f.dropAttachments(func(a *attachment) bool { return a.a.VolumeID == id })
}

// DetachOutOfBand removes an attachment with no call.
func (f *Fake) DetachOutOfBand(serverID, volumeID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropAttachments(func(a *attachment) bool { return a.serverID == serverID && a.a.VolumeID == volumeID })
}

// SetServerPhase puts a server in a phase and state, ending any operation under way on it.
func (f *Fake) SetServerPhase(id string, phase cloud.Phase, state string) {
	putInPhase(f, f.servers, id, phase, state)
}

// SetVolumePhase puts a volume in a phase and state, ending any operation under way on it.
func (f *Fake) SetVolumePhase(id string, phase cloud.Phase, state string) {
	putInPhase(f, f.volumes, id, phase, state)
}

// SetServerBusy makes the mutations addressed to the server (delete, lock, attach, detach) answer
// Busy, doing nothing, for d on the fake's clock: as Nova does while a task runs on the server and
// SCP while another operation is under way.
func (f *Fake) SetServerBusy(id string, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.servers[id] == nil {
		return fmt.Errorf("fake: server %s not found", id)
	}
	f.busy[id] = f.Now().Add(d)
	return nil
}

// busyServer refuses a mutation addressed to a server inside its busy window.
func (f *Fake) busyServer(id string) error {
	if until, ok := f.busy[id]; ok && f.Now().Before(until) {
		return Err(cloud.OutcomeBusy, fmt.Sprintf("server %s is busy with another task; nothing was done", id))
	}
	return nil
}

// serverRefusal refuses a mutation of a server that is gone or inside its busy window.
func (f *Fake) serverRefusal(id string) error {
	if f.servers[id] == nil {
		return gone("server", id)
	}
	return f.busyServer(id)
}

// HasServer and HasVolume report whether the object exists.
func (f *Fake) HasServer(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.servers[id] != nil
}

func (f *Fake) HasVolume(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.volumes[id] != nil
}

// IsAttached reports whether the volume is attached to the server.
func (f *Fake) IsAttached(serverID, volumeID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attachment(serverID, volumeID) != nil
}

// TagsOf returns an object's tags as the fake holds them.
func (f *Fake) TagsOf(kind cloud.ObjectKind, id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return copyTags(f.tags[tagKey(kind, id)])
}

func (f *Fake) dropAttachments(drop func(*attachment) bool) {
	keep := f.attached[:0]
	for _, a := range f.attached {
		if !drop(a) {
			keep = append(keep, a)
		}
	}
	f.attached = keep
}

func (f *Fake) attachment(serverID, volumeID string) *attachment {
	for _, a := range f.attached {
		if a.serverID == serverID && a.a.VolumeID == volumeID {
			return a
		}
	}
	return nil
}

// ---- cloud.Cloud ----

// Facts: the fake shows the group a server was created with, and its system disk sits on
// /dev/vda or /dev/sda, as on SCP; its refusal reasons name the operation, so a test can see
// them reach the message.
func (f *Fake) Facts() cloud.Facts {
	reasons := map[cloud.Operation]string{}
	for _, op := range []cloud.Operation{cloud.OpDeleteServer, cloud.OpDeleteVolume, cloud.OpAttach} {
		reasons[op] = fmt.Sprintf("%s refuses to %s for these reasons.", f.CloudName, op)
	}
	return cloud.Facts{
		Name: f.CloudName, Endpoint: "fake://" + strings.ToLower(f.CloudName), ShowsServerGroup: true,
		SystemDiskDevices: []string{"/dev/vda", "/dev/sda"},
		SystemDiskRule:    f.CloudName + " never detaches a system disk",
		RefusalReasons:    reasons,
	}
}

// WithoutTags is the fake as a cloud whose configuration cannot manage tags: it is no
// cloud.Tagger, and its Facts say why (reason).
func (f *Fake) WithoutTags(reason string) cloud.Cloud { return untagged{f, reason} }

// untagged hides the fake's tag calls: embedding the interface keeps only cloud.Cloud's methods.
type untagged struct {
	cloud.Cloud
	reason string
}

func (u untagged) Facts() cloud.Facts {
	facts := u.Cloud.Facts()
	facts.NoTags = u.reason
	return facts
}

func (f *Fake) CreateServer(_ context.Context, spec cloud.ServerSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Resolved before anything is sent, as the OpenStack implementation does.
	serverType, typeErr := f.serverType(spec.ServerTypeID)
	if typeErr != nil {
		return "", typeErr
	}
	carryOut, err := f.mutate("CreateServer", spec.Name)
	if !carryOut {
		return "", err
	}
	id := f.newID()
	s := &server{s: cloud.Server{
		ID: id, Name: spec.Name, State: "BUILDING", Phase: cloud.PhaseInProgress, Locked: spec.Lock,
		ImageID: spec.ImageID, ServerTypeID: serverType.ID, ServerTypeName: serverType.Name, KeypairName: spec.KeypairName,
		VpcID: "vpc-fake", ServerGroupID: spec.ServerGroupID, CreatedAt: f.Now().UTC().Format(time.RFC3339),
	}}
	f.servers[id] = s
	bootID := f.newID()
	f.volumes[bootID] = &volume{v: cloud.Volume{
		ID: bootID, Name: spec.Name + "-os", State: "in-use", Phase: cloud.PhaseInUse,
		Size: spec.BootVolume.Size, Type: typeOrDefault(spec.BootVolume.Type), Bootable: true, CreatedAt: s.s.CreatedAt,
	}}
	f.attached = append(f.attached, &attachment{serverID: id, a: cloud.Attachment{
		VolumeID: bootID, Device: "/dev/vda", DeleteOnTermination: spec.BootVolume.DeleteOnTermination, SystemDisk: true,
	}})
	f.startCreate("CreateServer", cloud.KindServer, id, spec.Tags, s, func() { s.s.State, s.s.Phase = "ACTIVE", cloud.PhaseActive })
	return id, err
}

func (f *Fake) Server(_ context.Context, id string) (*cloud.Server, error) {
	return readObject(f, "Server", "server", id, f.servers, f.describeServer)
}

func (f *Fake) describeServer(s *server) cloud.Server {
	out := s.s
	out.VolumeIDs = fromAttachments(f, func(a *attachment) (string, bool) { return a.a.VolumeID, a.serverID == s.s.ID })
	return out
}

func (f *Fake) ServersNamed(_ context.Context, name string) ([]cloud.Server, error) {
	return objectsNamed(f, "ServersNamed", name, f.servers, f.describeServer)
}

func (f *Fake) DeleteServer(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	goAhead, err := f.attempt("DeleteServer", f.serverRefusal(id), id)
	if !goAhead {
		return err
	}
	s := f.servers[id]
	switch {
	case s.s.Locked:
		return Err(cloud.OutcomeConflict, fmt.Sprintf("server %s is locked", id))
	case f.RefuseDeleteWhileBuilding && s.s.State == "BUILDING":
		return Err(cloud.OutcomeConflict, fmt.Sprintf("server %s is still being created", id))
	}
	s.s.State, s.s.Phase = "DELETING", cloud.PhaseInProgress
	s.pending = f.start("DeleteServer", s.setPhase, func() {
		delete(f.servers, id)
		var released []*volume
		for _, a := range f.attached {
			if a.serverID != id {
				continue
			}
			if a.a.DeleteOnTermination {
				delete(f.volumes, a.a.VolumeID)
			} else if v := f.volumes[a.a.VolumeID]; v != nil {
				released = append(released, v)
			}
		}
		f.dropAttachments(func(a *attachment) bool { return a.serverID == id })
		for _, v := range released {
			f.settle(v)
		}
	})
	return err
}

func (f *Fake) SetServerLocked(_ context.Context, id string, locked bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	method := "UnlockServer"
	if locked {
		method = "LockServer"
	}
	goAhead, err := f.attempt(method, f.serverRefusal(id), id)
	if !goAhead {
		return err
	}
	s := f.servers[id]
	s.pending = f.start(method, s.setPhase, func() { s.s.Locked = locked })
	return err
}

func (f *Fake) ValidateServer(spec cloud.ServerSpec) error {
	if f.Validate != nil {
		return f.Validate(spec)
	}
	return nil
}

func (f *Fake) ServerType(_ context.Context, ref string) (cloud.ServerType, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.read("ServerType"); err != nil {
		return cloud.ServerType{}, err
	}
	return f.serverType(ref)
}

// serverType resolves ref among ServerTypes: by id first, then by name.
func (f *Fake) serverType(ref string) (cloud.ServerType, error) {
	if f.ServerTypes == nil {
		return cloud.ServerType{ID: ref}, nil
	}
	var named []cloud.ServerType
	for _, t := range f.ServerTypes {
		if t.ID == ref {
			return t, nil
		}
		if t.Name == ref {
			named = append(named, t)
		}
	}
	switch len(named) {
	case 0:
		return cloud.ServerType{}, Err(cloud.OutcomeRejected, fmt.Sprintf("%s has no server type %q", f.CloudName, ref))
	case 1:
		return named[0], nil
	}
	return cloud.ServerType{}, Err(cloud.OutcomeRejected, fmt.Sprintf("%s has %d server types named %q", f.CloudName, len(named), ref))
}

func (f *Fake) ValidateVolume(spec cloud.VolumeSpec) error {
	if f.ValidateVolumeSpec != nil {
		return f.ValidateVolumeSpec(spec)
	}
	return nil
}

func (f *Fake) CreateVolume(_ context.Context, spec cloud.VolumeSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	carryOut, err := f.mutate("CreateVolume", spec.Name)
	if !carryOut {
		return "", err
	}
	id := f.newID()
	v := &volume{v: cloud.Volume{
		ID: id, Name: spec.Name, State: "creating", Phase: cloud.PhaseInProgress, Size: spec.Size, Type: typeOrDefault(spec.Type),
		MaxIOPS: spec.MaxIOPS, MaxThroughput: spec.MaxThroughput, CreatedAt: f.Now().UTC().Format(time.RFC3339),
	}}
	f.volumes[id] = v
	f.startCreate("CreateVolume", cloud.KindVolume, id, spec.Tags, v, func() { v.v.State, v.v.Phase = "available", cloud.PhaseAvailable })
	return id, err
}

func (f *Fake) Volume(_ context.Context, id string) (*cloud.Volume, error) {
	return readObject(f, "Volume", "volume", id, f.volumes, f.describeVolume)
}

func (f *Fake) describeVolume(v *volume) cloud.Volume {
	out := v.v
	out.Servers = fromAttachments(f, func(a *attachment) (cloud.VolumeServer, bool) {
		return cloud.VolumeServer{ServerID: a.serverID, Device: a.a.Device}, a.a.VolumeID == v.v.ID
	})
	return out
}

func (f *Fake) VolumesNamed(_ context.Context, name string) ([]cloud.Volume, error) {
	return objectsNamed(f, "VolumesNamed", name, f.volumes, f.describeVolume)
}

// busyVolume refuses a mutation of a volume that is gone or has an operation under way.
func (f *Fake) busyVolume(id string) error {
	v := f.volumes[id]
	switch {
	case v == nil:
		return gone("volume", id)
	case !v.v.Phase.Final():
		return Err(cloud.OutcomeConflict, fmt.Sprintf("volume %s is %s", id, v.v.State))
	}
	return nil
}

func (f *Fake) RenameVolume(_ context.Context, id, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	carryOut, err := f.mutate("RenameVolume", id)
	if !carryOut {
		return err
	}
	if v := f.volumes[id]; v != nil {
		v.v.Name = name
		return err
	}
	return gone("volume", id)
}

func (f *Fake) ExtendVolume(_ context.Context, id string, size int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	goAhead, err := f.attempt("ExtendVolume", f.busyVolume(id), id)
	if !goAhead {
		return err
	}
	v := f.volumes[id]
	final, state := v.v.Phase, v.v.State
	v.v.State, v.v.Phase = "extending", cloud.PhaseInProgress
	v.pending = f.start("ExtendVolume", v.setPhase, func() { v.v.Size, v.v.State, v.v.Phase = size, state, final })
	return err
}

func (f *Fake) DeleteVolume(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	goAhead, err := f.attempt("DeleteVolume", f.busyVolume(id), id)
	if !goAhead {
		return err
	}
	for _, a := range f.attached {
		if a.a.VolumeID == id {
			return Err(cloud.OutcomeConflict, fmt.Sprintf("volume %s is attached to server %s", id, a.serverID))
		}
	}
	v := f.volumes[id]
	v.v.State, v.v.Phase = "deleting", cloud.PhaseInProgress
	v.pending = f.start("DeleteVolume", v.setPhase, func() { delete(f.volumes, id) })
	return err
}

func (f *Fake) Attach(_ context.Context, serverID, volumeID string, deleteOnTermination bool) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	carryOut, err := f.mutate("Attach", serverID, volumeID)
	if !carryOut {
		return "", err
	}
	if f.servers[serverID] == nil {
		return "", gone("server", serverID)
	}
	if busy := f.busyServer(serverID); busy != nil {
		return "", busy
	}
	if busy := f.busyVolume(volumeID); busy != nil {
		return "", busy
	}
	v := f.volumes[volumeID]
	for _, a := range f.attached {
		if a.a.VolumeID == volumeID && !v.v.Multiattach {
			return "", Err(cloud.OutcomeConflict, fmt.Sprintf("volume %s is already attached to server %s", volumeID, a.serverID))
		}
	}
	device := f.nextDevice(serverID)
	v.v.State, v.v.Phase = "attaching", cloud.PhaseInProgress
	v.pending = f.start("Attach", v.setPhase, func() {
		f.attached = append(f.attached, &attachment{serverID: serverID, a: cloud.Attachment{
			VolumeID: volumeID, Device: device, DeleteOnTermination: deleteOnTermination,
		}})
		f.settle(v)
	})
	return device, err
}

// nextDevice is the first of /dev/vdb, /dev/vdc, ... the server does not use.
func (f *Fake) nextDevice(serverID string) string {
	used := map[string]bool{}
	for _, a := range f.attached {
		if a.serverID == serverID {
			used[a.a.Device] = true
		}
	}
	for c := 'b'; ; c++ {
		if d := "/dev/vd" + string(c); !used[d] {
			return d
		}
	}
}

func (f *Fake) Detach(_ context.Context, serverID, volumeID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	carryOut, err := f.mutate("Detach", serverID, volumeID)
	if !carryOut {
		return err
	}
	if f.servers[serverID] == nil {
		return gone("server", serverID)
	}
	if busy := f.busyServer(serverID); busy != nil {
		return busy
	}
	if busy := f.busyVolume(volumeID); busy != nil {
		return busy
	}
	a := f.attachment(serverID, volumeID)
	switch {
	case a == nil:
		return Err(cloud.OutcomeRejected, fmt.Sprintf("volume %s is not attached to server %s", volumeID, serverID))
	case a.a.SystemDisk:
		return Err(cloud.OutcomeConflict, fmt.Sprintf("volume %s is the system disk of server %s", volumeID, serverID))
	}
	v := f.volumes[volumeID]
	v.v.State, v.v.Phase = "detaching", cloud.PhaseInProgress
	v.pending = f.start("Detach", v.setPhase, func() {
		f.dropAttachments(func(x *attachment) bool { return x == a })
		f.settle(v)
	})
	return err
}

// settle puts an idle volume in the phase its attachments give it: in use or available.
func (f *Fake) settle(v *volume) {
	if len(f.describeVolume(v).Servers) > 0 {
		v.v.State, v.v.Phase = "in-use", cloud.PhaseInUse
	} else {
		v.v.State, v.v.Phase = "available", cloud.PhaseAvailable
	}
}

func (f *Fake) ServerAttachments(_ context.Context, serverID string) ([]cloud.Attachment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.read("ServerAttachments"); err != nil {
		return nil, err
	}
	if f.servers[serverID] == nil {
		return nil, gone("server", serverID)
	}
	out := []cloud.Attachment{}
	for _, a := range f.attached {
		if a.serverID == serverID {
			out = append(out, a.a)
		}
	}
	return out, nil
}

func tagKey(kind cloud.ObjectKind, id string) string { return string(kind) + "/" + id }

func copyTags(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

func (f *Fake) exists(kind cloud.ObjectKind, id string) bool {
	if kind == cloud.KindServer {
		return f.servers[id] != nil
	}
	return f.volumes[id] != nil
}

func (f *Fake) Tags(_ context.Context, kind cloud.ObjectKind, id string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.read("Tags"); err != nil {
		return nil, err
	}
	if !f.exists(kind, id) {
		return nil, gone(string(kind), id)
	}
	return copyTags(f.tags[tagKey(kind, id)]), nil
}

func (f *Fake) SetTags(_ context.Context, kind cloud.ObjectKind, id string, tags map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	carryOut, err := f.mutate("SetTags", string(kind), id)
	if !carryOut {
		return err
	}
	if !f.exists(kind, id) {
		return gone(string(kind), id)
	}
	f.tags[tagKey(kind, id)] = copyTags(tags)
	return err
}

// DefaultVolumeType is the type the fake gives a volume created without one, as a cloud applies
// its own default.
const DefaultVolumeType = "fake-default"

func typeOrDefault(volumeType string) string {
	if volumeType == "" {
		return DefaultVolumeType
	}
	return volumeType
}
