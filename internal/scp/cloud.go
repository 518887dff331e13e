package scp

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// Cloud is SCP as the provider's resources see it (internal/cloud): the typed client's calls,
// SCP's attested states mapped to phases, and its answers classified into outcomes.
type Cloud struct{ c *Client }

// taggingCloud is SCP where this configuration reaches Resource Manager: tags can be managed.
type taggingCloud struct{ Cloud }

var (
	_ cloud.Cloud  = Cloud{}
	_ cloud.Tagger = taggingCloud{}
)

// AsCloud returns the client as a cloud.Cloud: a cloud.Tagger as well where the configuration can
// address tags (Resource Manager's endpoint, the account, the region and the environment known).
func (c *Client) AsCloud() cloud.Cloud {
	s := Cloud{c: c}
	if s.noTags() == nil {
		return taggingCloud{s}
	}
	return s
}

// Client returns the typed client underneath, for what only SCP has.
func (s Cloud) Client() *Client { return s.c }

// Facts are SCP's: the server body has server_group_id (null when the server is in none), and
// the refusal reasons are the ones SCP's documents give (Delete Virtual Server, Delete Volume).
func (s Cloud) Facts() cloud.Facts {
	f := cloud.Facts{
		Name: "SCP", Endpoint: s.c.Endpoint(), ShowsServerGroup: true,
		SystemDiskDevices: SystemDiskDevices(),
		SystemDiskRule:    "SCP cannot detach the OS default volume from its server",
		RefusalReasons: map[cloud.Operation]string{
			cloud.OpDeleteServer: "SCP refuses to delete a server while: its lock is set; File Storage is connected; " +
				"it belongs to a Load Balancer server group; or a backup is connected.",
			cloud.OpDeleteVolume: "SCP refuses to delete a volume that is attached to a server, is a server's OS default volume, " +
				"is linked to a custom image, or is in a state other than available or error.",
			cloud.OpAttach: "A volume that is attached elsewhere (or is another server's OS volume) cannot be attached here, " +
				"and a server takes one volume operation at a time.",
		},
	}
	if err := s.noTags(); err != nil {
		f.NoTags = err.Error()
	}
	return f
}

// LastThrottled is when the API last answered 429 (see Client.LastThrottled).
func (s Cloud) LastThrottled() time.Time { return s.c.LastThrottled() }

// classify maps an SCP failure to an outcome. 404 is Gone only in SCP's own envelope (IsNotFound);
// a 409 is Busy only when its detail says so, since no source documents how SCP tells them apart.
func classify(err error) error {
	if err == nil {
		return nil
	}
	ambiguous := MayHaveTakenEffect(err)
	switch {
	case IsNotFound(err):
		return cloud.NewError(cloud.OutcomeGone, false, err)
	case IsBusy(err):
		return cloud.NewError(cloud.OutcomeBusy, false, err)
	}
	if outcome, ok := cloud.RefusalOutcome(statusOf(err)); ok {
		return cloud.NewError(outcome, false, err)
	}
	return cloud.NewError(cloud.OutcomeFailed, ambiguous, err)
}

func serverPhase(state string) cloud.Phase {
	switch strings.ToUpper(state) {
	case ServerStateActive:
		return cloud.PhaseActive
	case ServerStateShutoff:
		return cloud.PhaseStopped
	case ServerStateError:
		return cloud.PhaseFailed
	}
	return cloud.PhaseInProgress
}

func volumePhase(state string) cloud.Phase {
	switch {
	case state == VolumeStateAvailable:
		return cloud.PhaseAvailable
	case state == VolumeStateInUse:
		return cloud.PhaseInUse
	case IsVolumeErrorState(state):
		return cloud.PhaseFailed
	}
	return cloud.PhaseInProgress
}

func tagList(tags map[string]string) []Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]Tag, 0, len(tags))
	for k, v := range tags {
		out = append(out, Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func (s Cloud) CreateServer(ctx context.Context, spec cloud.ServerSpec) (string, error) {
	body := CreateServerRequest{
		Name:           spec.Name,
		ImageID:        spec.ImageID,
		ServerTypeID:   spec.ServerTypeID,
		KeypairName:    spec.KeypairName,
		SecurityGroups: spec.SecurityGroupIDs,
		Lock:           spec.Lock,
		Tags:           tagList(spec.Tags),
		ServerGroupID:  spec.ServerGroupID,
		FileStorageIDs: spec.FileStorageIDs,
		// The boot volume: boot_index 0 from the image, as the official provider sends it.
		Volumes: []ServerVolumeSpec{{
			BootIndex: 0, Size: spec.BootVolume.Size, Type: spec.BootVolume.Type,
			SourceType: "image", DeleteOnTermination: spec.BootVolume.DeleteOnTermination,
		}},
	}
	if spec.UserData != "" {
		body.UserData = base64.StdEncoding.EncodeToString([]byte(spec.UserData))
	}
	for _, n := range spec.Networks {
		body.Networks = append(body.Networks, ServerNetwork(n))
	}
	id, err := s.c.CreateServer(ctx, body)
	return id, classify(err)
}

func toServer(in *Server) *cloud.Server {
	out := &cloud.Server{
		ID: in.ID, Name: in.Name, State: in.State, Phase: serverPhase(in.State), Locked: in.Locked,
		ImageID: in.ImageID, ServerTypeID: in.ServerType.ID, KeypairName: in.KeypairName, VpcID: in.VpcID,
		ServerGroupID: in.ServerGroupID, CreatedAt: in.CreatedAt,
	}
	for _, v := range in.Volumes {
		out.VolumeIDs = append(out.VolumeIDs, v.ID)
	}
	return out
}

func (s Cloud) Server(ctx context.Context, id string) (*cloud.Server, error) {
	server, err := s.c.GetServer(ctx, id)
	return readOne(server, err, toServer)
}

func (s Cloud) ServersNamed(ctx context.Context, name string) ([]cloud.Server, error) {
	servers, err := s.c.ListServers(ctx, name)
	return named(servers, err, name, func(v *Server) string { return v.Name }, toServer)
}

// readOne maps a read's answer to the seam's type, classifying a failure.
func readOne[In, Out any](in *In, err error, convert func(*In) *Out) (*Out, error) {
	if err != nil {
		return nil, classify(err)
	}
	return convert(in), nil
}

// named keeps, of a listing by name, the objects named exactly name (the filter is the API's; no
// source says whether it matches exactly), mapped to the seam's type.
func named[In, Out any](listed []In, err error, name string, nameOf func(*In) string, convert func(*In) *Out) ([]Out, error) {
	if err != nil {
		return nil, classify(err)
	}
	var out []Out
	for i := range listed {
		if nameOf(&listed[i]) == name {
			out = append(out, *convert(&listed[i]))
		}
	}
	return out, nil
}

func (s Cloud) DeleteServer(ctx context.Context, id string) error {
	return classify(s.c.DeleteServer(ctx, id))
}

func (s Cloud) SetServerLocked(ctx context.Context, id string, locked bool) error {
	if locked {
		return classify(s.c.LockServer(ctx, id))
	}
	return classify(s.c.UnlockServer(ctx, id))
}

// ServerType: SCP takes a server type by its id only, and the provider sends it as given.
func (s Cloud) ServerType(_ context.Context, ref string) (cloud.ServerType, error) {
	return cloud.ServerType{ID: ref}, nil
}

func (s Cloud) CreateVolume(ctx context.Context, spec cloud.VolumeSpec) (string, error) {
	created, err := s.c.CreateVolume(ctx, CreateVolumeRequest{
		Name: spec.Name, Size: spec.Size, VolumeType: spec.Type,
		MaxIOPS: spec.MaxIOPS, MaxThroughput: spec.MaxThroughput, Tags: tagList(spec.Tags),
	})
	if err != nil {
		return "", classify(err)
	}
	if created.ID == "" {
		// A 202 without the volume's id would leave the volume unfindable but by its name.
		return "", classify(&DecodeError{Method: http.MethodPost, Path: "/v1/volumes", StatusCode: http.StatusAccepted, Reason: `it has no "id"`})
	}
	return created.ID, nil
}

func toVolume(in *Volume) *cloud.Volume {
	out := &cloud.Volume{
		ID: in.ID, Name: in.Name, State: in.State, Phase: volumePhase(in.State), Size: in.Size,
		Type: in.VolumeType, MaxIOPS: in.MaxIOPS, MaxThroughput: in.MaxThroughput,
		Bootable: in.Bootable, Multiattach: in.Multiattach, CreatedAt: in.CreatedAt,
	}
	for _, srv := range in.Servers {
		out.Servers = append(out.Servers, cloud.VolumeServer{ServerID: srv.ID, Device: srv.Device})
	}
	return out
}

func (s Cloud) Volume(ctx context.Context, id string) (*cloud.Volume, error) {
	volume, err := s.c.GetVolume(ctx, id)
	return readOne(volume, err, toVolume)
}

func (s Cloud) VolumesNamed(ctx context.Context, name string) ([]cloud.Volume, error) {
	volumes, err := s.c.ListVolumes(ctx, name)
	return named(volumes, err, name, func(v *Volume) string { return v.Name }, toVolume)
}

func (s Cloud) RenameVolume(ctx context.Context, id, name string) error {
	return classify(s.c.RenameVolume(ctx, id, name))
}

func (s Cloud) ExtendVolume(ctx context.Context, id string, size int64) error {
	return classify(s.c.ExtendVolume(ctx, id, size))
}

func (s Cloud) DeleteVolume(ctx context.Context, id string) error {
	return classify(s.c.DeleteVolume(ctx, id))
}

func (s Cloud) Attach(ctx context.Context, serverID, volumeID string, deleteOnTermination bool) (string, error) {
	attachment, err := s.c.AttachVolume(ctx, volumeID, serverID, deleteOnTermination)
	if err != nil {
		return "", classify(err)
	}
	return attachment.Device, nil
}

func (s Cloud) Detach(ctx context.Context, serverID, volumeID string) error {
	return classify(s.c.DetachVolume(ctx, volumeID, serverID))
}

func (s Cloud) ServerAttachments(ctx context.Context, serverID string) ([]cloud.Attachment, error) {
	attachments, err := s.c.ListServerVolumes(ctx, serverID)
	if err != nil {
		return nil, classify(err)
	}
	out := make([]cloud.Attachment, 0, len(attachments))
	for _, a := range attachments {
		out = append(out, cloud.Attachment{
			VolumeID: a.VolumeID, Device: a.Device, DeleteOnTermination: a.DeleteOnTermination,
			SystemDisk: IsOSDiskDevice(a.Device),
		})
	}
	return out, nil
}

// noTags says why this configuration cannot address tags, nil when it can.
func (s Cloud) noTags() error {
	if !s.c.HasResourceManager() {
		return ErrNoResourceManager
	}
	if s.c.AccountID() == "" || s.c.Region() == "" || s.c.Environment() == "" {
		return ErrTagScopeUnknown
	}
	return nil
}

func resourceType(kind cloud.ObjectKind) (string, error) {
	switch kind {
	case cloud.KindServer:
		return ResourceTypeServer, nil
	case cloud.KindVolume:
		return ResourceTypeVolume, nil
	}
	return "", errors.New("no tags for objects of kind " + string(kind))
}

func (s taggingCloud) Tags(ctx context.Context, kind cloud.ObjectKind, id string) (map[string]string, error) {
	rt, err := resourceType(kind)
	if err != nil {
		return nil, err
	}
	tags, err := s.c.Tags(ctx, rt, id)
	if err != nil {
		return nil, classify(err)
	}
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[t.Key] = t.Value
	}
	return out, nil
}

func (s taggingCloud) SetTags(ctx context.Context, kind cloud.ObjectKind, id string, tags map[string]string) error {
	rt, err := resourceType(kind)
	if err != nil {
		return err
	}
	list := tagList(tags)
	if list == nil {
		list = []Tag{}
	}
	return classify(s.c.SetTags(ctx, rt, id, list))
}
