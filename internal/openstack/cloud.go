package openstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
	"github.com/scp-community/terraform-provider-scp/internal/safehttp"
)

// Cloud is an OpenStack-family cloud (Nova, Cinder v3, Keystone v3) as the provider's resources
// see it. It is safe for concurrent use.
type Cloud struct {
	cfg      Config
	provider *gophercloud.ProviderClient
	compute  *gophercloud.ServiceClient
	block    *gophercloud.ServiceClient
	images   *imageCache
	flavors  *flavorCache
	// notices are what the provider tells the user about this cloud (see Notices).
	notices []string
}

var _ cloud.Cloud = (*Cloud)(nil)

// Nova statuses and vm_states the mapping names.
const (
	statusActive      = "ACTIVE"
	statusShutoff     = "SHUTOFF"
	statusFailed      = "ERROR"
	statusDeleted     = "DELETED"
	statusSoftDeleted = "SOFT_DELETED"
	vmBuilding        = "building"
)

// Flavour is the cloud's rule set.
func (c *Cloud) Flavour() Flavour { return c.cfg.Flavour }

// Name is the cloud as messages call it.
func (c *Cloud) Name() string {
	if c.cfg.Flavour == FlavourOTC {
		return "Open Telekom Cloud"
	}
	return "OpenStack"
}

// Endpoint is the compute endpoint the catalog gave (with its /v2 or /v2.1 prefix and project).
func (c *Cloud) Endpoint() string { return c.compute.Endpoint }

// systemDiskDevices are the root device names Nova and OTC give a server's first disk.
var systemDiskDevices = []string{"/dev/sda", "/dev/vda", "/dev/xvda", "/dev/hda"}

// SystemDiskDevices are the device names that are always a server's system disk on an
// OpenStack-family cloud (Facts gives them too).
func SystemDiskDevices() []string { return slices.Clone(systemDiskDevices) }

// Facts: this client does not read Nova's server_groups (microversion 2.71 and later), so it does
// not show a server's group and the configured one is kept; tags are not managed (errTags).
func (c *Cloud) Facts() cloud.Facts {
	return cloud.Facts{
		Name: c.Name(), Endpoint: c.Endpoint(), ShowsServerGroup: false,
		SystemDiskDevices: SystemDiskDevices(), SystemDiskRule: c.systemDiskRule(),
		RefusalReasons: map[cloud.Operation]string{
			cloud.OpDeleteServer: c.Name() + " refuses to delete a server while it is locked, and answers 409 while another task runs on it " +
				"(which the provider waits out).",
			cloud.OpDeleteVolume: "Cinder deletes a volume only when its status is available or error (or error_extending, error_restoring, " +
				"error_managing) and it is attached to nothing, has no snapshots and is not being transferred.",
			cloud.OpAttach: "Nova attaches only an available volume, to a server that is not locked and whose vm_state is active, paused, " +
				"stopped, resized, soft-deleted or shelved.",
		},
		NoTags: errTags.Error(),
	}
}

// ComputeEndpoint and VolumeEndpoint are the catalog's endpoints in use.
func (c *Cloud) ComputeEndpoint() string { return c.compute.Endpoint }
func (c *Cloud) VolumeEndpoint() string  { return c.block.Endpoint }

// ---- servers ----

var errTags = errors.New("tags cannot be managed on OpenStack-family clouds by this provider: Nova server tags are " +
	"plain strings (not key = value), and Nova metadata and Cinder metadata are not managed as tags; remove tags from the " +
	"configuration (manage metadata outside Terraform)")

// ValidateServer refuses what exists only on SCP, naming the cloud.
func (c *Cloud) ValidateServer(spec cloud.ServerSpec) error {
	var problems []string
	if len(spec.FileStorageIDs) > 0 {
		problems = append(problems, "file_storage_ids exists only on SCP (SCP File Storage); "+c.Name()+" has no such server argument: mount shares from inside the server")
	}
	if len(spec.Tags) > 0 {
		problems = append(problems, errTags.Error())
	}
	for i, n := range spec.Networks {
		switch {
		case n.PublicIPID != "":
			problems = append(problems, fmt.Sprintf("networks[%d].public_ip_id exists only on SCP; on %s associate a floating IP with the server's port outside this resource", i, c.Name()))
		case n.SubnetID == "" && n.PortID == "":
			problems = append(problems, fmt.Sprintf("networks[%d] needs subnet_id (on %s: the Neutron network id) or port_id", i, c.Name()))
		case n.PortID != "" && n.FixedIP != "":
			problems = append(problems, fmt.Sprintf("networks[%d]: on %s a fixed_ip goes with a network (subnet_id), not with an existing port", i, c.Name()))
		}
	}
	if spec.BootVolume.Size < 0 {
		problems = append(problems, "boot_volume.size must be positive")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s cannot create this server: %s", c.Name(), strings.Join(problems, "; "))
	}
	return nil
}

// CreateServer sends POST /servers once. The boot volume is made from the image
// (block_device_mapping_v2, boot_index 0) when a size is given; the lock, which Nova cannot set
// at creation, is asked for right after the create was accepted.
func (c *Cloud) CreateServer(ctx context.Context, spec cloud.ServerSpec) (string, error) {
	if err := c.ValidateServer(spec); err != nil {
		return "", cloud.NewError(cloud.OutcomeRejected, false, err)
	}
	// Nova takes a flavor by id only: a name is resolved first, before anything is created.
	flavor, err := c.ServerType(ctx, spec.ServerTypeID)
	if err != nil {
		return "", err
	}
	opts := servers.CreateOpts{
		Name:           spec.Name,
		ImageRef:       spec.ImageID,
		FlavorRef:      flavor.ID,
		SecurityGroups: spec.SecurityGroupIDs,
	}
	if spec.UserData != "" {
		opts.UserData = []byte(spec.UserData) // gophercloud encodes it as base64
	}
	nets := make([]servers.Network, 0, len(spec.Networks))
	for _, n := range spec.Networks {
		nets = append(nets, servers.Network{UUID: n.SubnetID, Port: n.PortID, FixedIP: n.FixedIP})
	}
	switch {
	case len(nets) > 0:
		opts.Networks = nets
	case !microversionLess(c.compute.Microversion, "2.37"):
		// From 2.37 Nova requires networks; none configured is what its own clients send then.
		opts.Networks = "auto"
	}
	if spec.BootVolume.Size > 0 {
		opts.BlockDevice = []servers.BlockDevice{{
			SourceType: servers.SourceImage, DestinationType: servers.DestinationVolume, UUID: spec.ImageID,
			BootIndex: 0, VolumeSize: int(spec.BootVolume.Size), VolumeType: spec.BootVolume.Type,
			DeleteOnTermination: spec.BootVolume.DeleteOnTermination,
		}}
		opts.ImageRef = ""
	}
	var builder servers.CreateOptsBuilder = opts
	if spec.KeypairName != "" {
		builder = keypairs.CreateOptsExt{CreateOptsBuilder: opts, KeyName: spec.KeypairName}
	}
	var hints servers.SchedulerHintOptsBuilder
	if spec.ServerGroupID != "" {
		hints = servers.SchedulerHintOpts{Group: spec.ServerGroupID}
	}
	created, err := servers.Create(ctx, c.compute, builder, hints).Extract()
	if err != nil {
		return "", c.classify(err, true)
	}
	if created.ID == "" {
		return "", cloud.NewError(cloud.OutcomeFailed, true, errors.New("POST /servers: the 202 answer names no server id"))
	}
	if spec.ImageID != "" && spec.BootVolume.Size > 0 {
		c.images.put(created.ID, spec.ImageID)
	}
	// Nova cannot lock in the create itself; the resource locks the server once it is ACTIVE.
	return created.ID, nil
}

// serverPhase: ACTIVE and SHUTOFF are final only while no task runs on the server.
func serverPhase(status, task string) cloud.Phase {
	switch {
	case status == statusFailed:
		return cloud.PhaseFailed
	case task != "":
		return cloud.PhaseInProgress
	case status == statusActive:
		return cloud.PhaseActive
	case status == statusShutoff:
		return cloud.PhaseStopped
	}
	return cloud.PhaseInProgress
}

func goneStatus(status string) bool { return status == statusDeleted || status == statusSoftDeleted }

func (c *Cloud) getServer(ctx context.Context, id string) (*servers.Server, error) {
	s, err := servers.Get(ctx, c.compute, id).Extract()
	if err != nil {
		return nil, c.classify(err, false)
	}
	if goneStatus(strings.ToUpper(s.Status)) {
		return nil, cloud.NewError(cloud.OutcomeGone, false, fmt.Errorf("server %s is %s", id, s.Status))
	}
	return s, nil
}

func (c *Cloud) Server(ctx context.Context, id string) (*cloud.Server, error) {
	s, err := c.getServer(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.describeServer(ctx, s), nil
}

// describeServer is toServer with what Nova's body leaves out looked up: the image of a server
// booted from a volume, and the flavor's id and name.
func (c *Cloud) describeServer(ctx context.Context, s *servers.Server) *cloud.Server {
	out := c.toServer(s)
	if out.ImageID == "" && len(out.VolumeIDs) > 0 {
		out.ImageID = c.bootImage(ctx, s)
	}
	flavor := c.serverFlavor(ctx, s)
	out.ServerTypeID, out.ServerTypeName = flavor.ID, flavor.Name
	return out
}

func (c *Cloud) toServer(s *servers.Server) *cloud.Server {
	status := strings.ToUpper(s.Status)
	out := &cloud.Server{
		ID: s.ID, Name: s.Name, State: s.Status, Phase: serverPhase(status, s.TaskState),
		KeypairName: s.KeyName,
	}
	if s.TaskState != "" {
		out.State = s.Status + " (task_state " + s.TaskState + ")"
	}
	if s.Locked != nil {
		out.Locked = *s.Locked
	}
	if id, ok := s.Image["id"].(string); ok {
		out.ImageID = id
	}
	if !s.Created.IsZero() {
		out.CreatedAt = s.Created.UTC().Format(time.RFC3339)
	}
	for _, v := range s.AttachedVolumes {
		out.VolumeIDs = append(out.VolumeIDs, v.ID)
	}
	return out
}

// bootImage is the image of a server booted from a volume, which Nova shows as "": the boot
// volume's volume_image_metadata says it. Found once per server and process.
func (c *Cloud) bootImage(ctx context.Context, s *servers.Server) string {
	if id, ok := c.images.get(s.ID); ok {
		return id
	}
	root := ""
	if s.RootDeviceName != nil {
		root = *s.RootDeviceName
	}
	for _, av := range s.AttachedVolumes {
		v, err := volumes.Get(ctx, c.block, av.ID).Extract()
		if err != nil || v.Bootable != "true" || v.VolumeImageMetadata["image_id"] == "" {
			continue
		}
		for _, a := range v.Attachments {
			if a.ServerID == s.ID && (root == "" || a.Device == root) {
				c.images.put(s.ID, v.VolumeImageMetadata["image_id"])
				return v.VolumeImageMetadata["image_id"]
			}
		}
	}
	return ""
}

func (c *Cloud) ServersNamed(ctx context.Context, name string) ([]cloud.Server, error) {
	all, err := allPages(ctx, servers.List(c.compute, servers.ListOpts{Name: "^" + regexp.QuoteMeta(name) + "$"}), servers.ExtractServers)
	if err != nil {
		return nil, c.classify(err, false)
	}
	var out []cloud.Server
	for i := range all {
		if all[i].Name == name && !goneStatus(strings.ToUpper(all[i].Status)) {
			out = append(out, *c.describeServer(ctx, &all[i]))
		}
	}
	return out, nil
}

// DeleteServer sends DELETE /servers/{id} once (again only after a 409 task_state, which did nothing).
func (c *Cloud) DeleteServer(ctx context.Context, id string) error {
	err := c.untilNotBusy(ctx, id, func() error { return servers.Delete(ctx, c.compute, id).ExtractErr() })
	if err == nil {
		return nil
	}
	return c.conflictError(ctx, id, "delete the server", err)
}

func (c *Cloud) SetServerLocked(ctx context.Context, id string, locked bool) error {
	err := c.untilNotBusy(ctx, id, func() error {
		if locked {
			return servers.Lock(ctx, c.compute, id).ExtractErr()
		}
		return servers.Unlock(ctx, c.compute, id).ExtractErr()
	})
	if err == nil {
		return nil
	}
	return c.conflictError(ctx, id, "change the lock of the server", err)
}

// ---- volumes ----

func volumePhase(status string) cloud.Phase {
	switch {
	case status == "available":
		return cloud.PhaseAvailable
	case status == "in-use":
		return cloud.PhaseInUse
	case strings.HasPrefix(status, "error"):
		return cloud.PhaseFailed
	}
	return cloud.PhaseInProgress
}

// ValidateVolume refuses what exists only on SCP, naming the cloud.
func (c *Cloud) ValidateVolume(spec cloud.VolumeSpec) error {
	var problems []string
	if spec.MaxIOPS != 0 || spec.MaxThroughput != 0 {
		problems = append(problems, "max_iops and max_throughput exist only on SCP; on "+c.Name()+" performance comes with the volume type (volume_type)")
	}
	if len(spec.Tags) > 0 {
		problems = append(problems, errTags.Error())
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s cannot create this volume: %s", c.Name(), strings.Join(problems, "; "))
	}
	return nil
}

func (c *Cloud) CreateVolume(ctx context.Context, spec cloud.VolumeSpec) (string, error) {
	if err := c.ValidateVolume(spec); err != nil {
		return "", cloud.NewError(cloud.OutcomeRejected, false, fmt.Errorf("%w. Nothing was sent to the API", err))
	}
	v, err := volumes.Create(ctx, c.block, volumes.CreateOpts{Name: spec.Name, Size: int(spec.Size), VolumeType: spec.Type}, nil).Extract()
	if err != nil {
		return "", c.classify(err, true)
	}
	if v.ID == "" {
		return "", cloud.NewError(cloud.OutcomeFailed, true, errors.New("POST /volumes: the 202 answer names no volume id"))
	}
	return v.ID, nil
}

func toVolume(v *volumes.Volume) *cloud.Volume {
	out := &cloud.Volume{
		ID: v.ID, Name: v.Name, State: v.Status, Phase: volumePhase(v.Status), Size: int64(v.Size),
		Type: v.VolumeType, Bootable: v.Bootable == "true", Multiattach: v.Multiattach,
	}
	if !v.CreatedAt.IsZero() {
		out.CreatedAt = v.CreatedAt.UTC().Format(time.RFC3339)
	}
	for _, a := range v.Attachments {
		out.Servers = append(out.Servers, cloud.VolumeServer{ServerID: a.ServerID, Device: a.Device})
	}
	return out
}

func (c *Cloud) Volume(ctx context.Context, id string) (*cloud.Volume, error) {
	v, err := volumes.Get(ctx, c.block, id).Extract()
	if err != nil {
		return nil, c.classify(err, false)
	}
	return toVolume(v), nil
}

func (c *Cloud) VolumesNamed(ctx context.Context, name string) ([]cloud.Volume, error) {
	all, err := allPages(ctx, volumes.List(c.block, volumes.ListOpts{Name: name}), volumes.ExtractVolumes)
	if err != nil {
		return nil, c.classify(err, false)
	}
	var out []cloud.Volume
	for i := range all {
		if all[i].Name == name {
			out = append(out, *toVolume(&all[i]))
		}
	}
	return out, nil
}

func (c *Cloud) RenameVolume(ctx context.Context, id, name string) error {
	_, err := volumes.Update(ctx, c.block, id, volumes.UpdateOpts{Name: &name}).Extract()
	return c.volumeError(err)
}

// ExtendVolume sends os-extend (at microversion 3.42, so an in-use volume can grow). A Cinder
// older than 3.42 extends only a detached volume: an attached one is refused before anything is sent.
func (c *Cloud) ExtendVolume(ctx context.Context, id string, size int64) error {
	if microversionLess(c.block.Microversion, inUseExtendMicroversion) {
		v, err := volumes.Get(ctx, c.block, id).Extract()
		if err != nil {
			return c.classify(err, false)
		}
		if v.Status == "in-use" {
			return cloud.NewError(cloud.OutcomeRejected, false, fmt.Errorf("extending an attached (in-use) volume needs "+
				"microversion %s, and Cinder at %s offers up to %s. Nothing was sent: detach volume %s (remove its "+
				"scp_volume_attachment), grow it, then attach it again", inUseExtendMicroversion, c.block.Endpoint, c.block.Microversion, id))
		}
	}
	return c.volumeError(volumes.ExtendSize(ctx, c.block, id, volumes.ExtendSizeOpts{NewSize: int(size)}).ExtractErr())
}

// inUseExtendMicroversion is the Cinder microversion from which an attached volume can grow.
const inUseExtendMicroversion = "3.42"

func (c *Cloud) DeleteVolume(ctx context.Context, id string) error {
	return c.volumeError(volumes.Delete(ctx, c.block, id, nil).ExtractErr())
}

// volumeError: Cinder refuses an action on a volume in the wrong state with 400 "Invalid volume:
// ...", a refusal because of the object's condition (a conflict, not an invalid request).
func (c *Cloud) volumeError(err error) error {
	if err == nil {
		return nil
	}
	if apiErr := apiErrorOf(err); apiErr != nil && apiErr.Status == http.StatusBadRequest && strings.HasPrefix(apiErr.Message, "Invalid volume") {
		return cloud.NewError(cloud.OutcomeConflict, false, apiErr)
	}
	return c.classify(err, true)
}

// ---- attachments ----

// Attach sends POST /servers/{id}/os-volume_attachments (again only after a 409 task_state).
func (c *Cloud) Attach(ctx context.Context, serverID, volumeID string, deleteOnTermination bool) (string, error) {
	var device string
	err := c.untilNotBusy(ctx, serverID, func() error {
		a, err := volumeattach.Create(ctx, c.compute, serverID, volumeattach.CreateOpts{
			VolumeID: volumeID, DeleteOnTermination: deleteOnTermination,
		}).Extract()
		if err == nil {
			device = a.Device
		}
		return err
	})
	if err == nil {
		return device, nil
	}
	if apiErr := apiErrorOf(err); apiErr != nil && apiErr.Status == http.StatusBadRequest && strings.HasPrefix(apiErr.Message, "Invalid volume") {
		// The volume is not available (attaching, detaching, attached): the resource waits if it is busy.
		return "", cloud.NewError(cloud.OutcomeConflict, false, apiErr)
	}
	return "", c.conflictError(ctx, serverID, "attach the volume", err)
}

// Detach sends exactly one DELETE /servers/{server_id}/os-volume_attachments/{volume_id} (the
// attachment id is the volume id), sent again only after a 409 task_state, which did nothing.
// Never Cinder's os-detach, os-begin_detaching or os-terminate_connection: they change Cinder's
// records only, and the hypervisor keeps the disk.
func (c *Cloud) Detach(ctx context.Context, serverID, volumeID string) error {
	err := c.untilNotBusy(ctx, serverID, func() error {
		return volumeattach.Delete(ctx, c.compute, serverID, volumeID).ExtractErr()
	})
	if err == nil {
		return nil
	}
	apiErr := apiErrorOf(err)
	if apiErr == nil {
		return c.classify(err, true)
	}
	lower := strings.ToLower(apiErr.Message)
	switch {
	case apiErr.Status == http.StatusForbidden,
		apiErr.Status == http.StatusBadRequest && (strings.Contains(lower, "root device") || strings.Contains(lower, "system disk")):
		apiErr.Hint = fmt.Sprintf("%s. The volume stays attached. The plan should have refused this detach before "+
			"anything was sent (the provider checks the boot volume and the root device); please report it with the server's "+
			"device names", c.systemDiskRule())
		return cloud.NewError(cloud.OutcomeConflict, false, apiErr)
	case apiErr.Status == http.StatusBadRequest && strings.Contains(lower, "already detached"),
		isAPINotFound(err):
		// "not attached" (Nova's own 404: "Instance S is not attached to volume V"): nothing was
		// done; the caller reads Cinder to confirm that the volume no longer lists the server.
		return cloud.NewError(cloud.OutcomeRejected, false, apiErr)
	case apiErr.Status == http.StatusBadRequest && c.cfg.Flavour == FlavourOTC:
		apiErr.Hint = "Open Telekom Cloud detaches a data disk from a running server only if the server's OS supports " +
			"hot-unplug (and the disk is unmounted and idle); otherwise only from a stopped server (otc-ecs-detach-disk.md). " +
			"Unmount the disk, or stop the server yourself, then destroy again"
		return cloud.NewError(cloud.OutcomeRejected, false, apiErr)
	}
	return c.conflictError(ctx, serverID, "detach the volume", err)
}

// ServerAttachments lists Nova's os-volume_attachments of the server, the system disk marked: the
// volume on the server's root_device_name (where the boot volume always sits), or on a device
// that is always a system disk.
func (c *Cloud) ServerAttachments(ctx context.Context, serverID string) ([]cloud.Attachment, error) {
	s, err := c.getServer(ctx, serverID)
	if err != nil {
		return nil, err
	}
	root := ""
	if s.RootDeviceName != nil {
		root = strings.ToLower(*s.RootDeviceName)
	}
	list, err := allPages(ctx, volumeattach.List(c.compute, serverID), volumeattach.ExtractVolumeAttachments)
	if err != nil {
		return nil, c.classify(err, false)
	}
	out := make([]cloud.Attachment, 0, len(list))
	for _, a := range list {
		device := strings.ToLower(a.Device)
		att := cloud.Attachment{
			VolumeID: a.VolumeID, Device: a.Device,
			SystemDisk: (root != "" && device == root) || slices.Contains(systemDiskDevices, device),
		}
		if a.DeleteOnTermination != nil {
			att.DeleteOnTermination = *a.DeleteOnTermination
		}
		out = append(out, att)
	}
	return out, nil
}

// systemDiskRule words why the system disk is never detached.
func (c *Cloud) systemDiskRule() string {
	if c.cfg.Flavour == FlavourOTC {
		return "On Open Telekom Cloud the system disk (/dev/sda) can only be detached from a stopped server, " +
			"and this provider never detaches it"
	}
	return "OpenStack (Nova) never detaches a server's root device volume (it answers 403 \"Can't detach root device volume\" " +
		"or 400 \"Cannot detach a root device volume\"), and this provider never asks it to"
}

// ---- busy answers ----

// untilNotBusy runs send and, while Nova answers 409 because a task runs on the server (or its
// vm_state is one a task will leave), waits and sends again: such an answer did nothing. The
// context is the only limit. Other answers are returned as they are.
func (c *Cloud) untilNotBusy(ctx context.Context, serverID string, send func() error) error {
	for attempt := 1; ; attempt++ {
		err := send()
		if err == nil {
			return nil
		}
		busy := isTaskStateConflict(err)
		if !busy && isVMStateConflict(err) {
			busy = c.inTransition(ctx, serverID, refusedVMState(err))
		}
		if !busy {
			return err
		}
		pause := safehttp.Backoff(attempt, time.Second, c.cfg.BusyRetryMax)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < pause+sendMargin {
			// Sending again so close to the end could leave the answer unheard: stop at a
			// refusal, which says for certain that nothing was done.
			return err
		}
		if sleep(ctx, pause) != nil {
			return err
		}
	}
}

// sendMargin is the time left a resend needs to be worth it.
const sendMargin = time.Second

// inTransition reports a server on which a task runs, that is still being built, or whose vm_state
// is no longer the one the refusal named (it moved on since: sending again may now succeed).
func (c *Cloud) inTransition(ctx context.Context, serverID, refused string) bool {
	s, err := servers.Get(ctx, c.compute, serverID).Extract()
	return err == nil && (s.TaskState != "" || s.VmState == vmBuilding || (refused != "" && !strings.EqualFold(s.VmState, refused)))
}

// refusedVMState is the vm_state a Nova 409 names ("... while it is in vm_state building"), or "".
func refusedVMState(err error) string {
	apiErr := apiErrorOf(err)
	if apiErr == nil {
		return ""
	}
	_, rest, ok := strings.Cut(apiErr.Message, "vm_state ")
	words := strings.Fields(rest)
	if !ok || len(words) == 0 {
		return ""
	}
	return strings.TrimRight(words[0], ".,;")
}

// conflictError classifies a refused server call, naming the server's state in a 409.
func (c *Cloud) conflictError(ctx context.Context, serverID, what string, err error) error {
	apiErr := apiErrorOf(err)
	if apiErr == nil || apiErr.Status != http.StatusConflict {
		return c.classify(err, true)
	}
	lower := strings.ToLower(apiErr.Message)
	switch {
	case strings.Contains(lower, "task_state"):
		apiErr.Hint = fmt.Sprintf("A task was still running on server %s when the timeout ended; nothing was done. Apply again later, "+
			"or give the operation a longer timeout", serverID)
		return cloud.NewError(cloud.OutcomeBusy, false, apiErr)
	case strings.Contains(lower, "locked"):
		apiErr.Hint = fmt.Sprintf("Server %s is locked: set lock = false on it and apply, then try again", serverID)
	default:
		if s, readErr := servers.Get(ctx, c.compute, serverID).Extract(); readErr == nil {
			apiErr.Hint = fmt.Sprintf("%s cannot %s while server %s is %s (vm_state %s); nothing was done", c.Name(), what, serverID, s.Status, s.VmState)
		}
	}
	return cloud.NewError(cloud.OutcomeConflict, false, apiErr)
}

// imageCache remembers the image of servers booted from a volume.
type imageCache struct {
	mu sync.Mutex
	m  map[string]string
}

func newImageCache() *imageCache { return &imageCache{m: map[string]string{}} }

func (ic *imageCache) get(id string) (string, bool) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	v, ok := ic.m[id]
	return v, ok
}

func (ic *imageCache) put(id, image string) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	ic.m[id] = image
}

// classify is the package's classify, with a refused or expired token explained: which
// credentials from where, and whether they can be renewed.
func (c *Cloud) classify(err error, mutation bool) error {
	out := classify(err, mutation)
	if !cloud.IsDenied(out) || statusOf(err) == http.StatusForbidden {
		return out
	}
	how := "the provider authenticated again once, and Keystone refused that too"
	if c.cfg.Method() == "token" {
		how = "an existing token (token / OS_TOKEN) cannot be renewed: configure a password or an application credential " +
			"so that the provider can get a new token when one expires"
	}
	return cloud.NewError(cloud.OutcomeDenied, false, fmt.Errorf("%v. The Keystone token was refused (expired or revoked); %s "+
		"(%s credentials from %s)", cleanError(err), how, coalesce(c.cfg.Method(), "clouds.yaml"), c.cfg.source()))
}
