package openstack

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// createServerRequest is the body gophercloud's servers.CreateOpts builds.
type createServerRequest struct {
	Server createServerBody `json:"server"`
}

// createServerBody is the server of a POST /servers body.
type createServerBody struct {
	Name             string            `json:"name"`
	ImageRef         string            `json:"imageRef"`
	FlavorRef        string            `json:"flavorRef"`
	KeyName          string            `json:"key_name"`
	AvailabilityZone string            `json:"availability_zone"`
	Metadata         map[string]string `json:"metadata"`
	UserData         *string           `json:"user_data"`
	Networks         json.RawMessage   `json:"networks"`
	SecurityGroups   []struct {
		Name string `json:"name"`
	} `json:"security_groups"`
	BlockDevices []blockDeviceRequest `json:"block_device_mapping_v2"`
}

type blockDeviceRequest struct {
	SourceType          string          `json:"source_type"`
	DestinationType     string          `json:"destination_type"`
	UUID                string          `json:"uuid"`
	BootIndex           json.RawMessage `json:"boot_index"` // a number, a numeric string or null
	VolumeSize          int             `json:"volume_size"`
	DeleteOnTermination bool            `json:"delete_on_termination"`
	DeviceName          string          `json:"device_name"`
	VolumeType          string          `json:"volume_type"`
}

// bootIndex reads boot_index; -1 means none (null, absent or negative).
func (b blockDeviceRequest) bootIndex() (int, bool) {
	raw := strings.Trim(strings.TrimSpace(string(b.BootIndex)), `"`)
	if raw == "" || raw == "null" || raw == "none" {
		return -1, true
	}
	n, err := strconv.Atoi(raw)
	return n, err == nil
}

type networkRequest struct {
	UUID    string `json:"uuid"`
	Port    string `json:"port"`
	FixedIP string `json:"fixed_ip"`
}

// plannedBDM is one validated block device of a create request.
type plannedBDM struct {
	existing *volume // source volume
	newSize  int     // source image or blank: a volume created with the server
	fromImg  string
	volType  string
	device   string
	boot     bool
	dot      bool
}

func (e *Emulator) createServer(c *call) (*response, *apiError) {
	var req createServerRequest
	if err := decodeJSON(c.body, &req); err != nil {
		return nil, err
	}
	rs := req.Server
	nets, apiErr := validateServerCreate(rs)
	if apiErr != nil {
		return nil, apiErr
	}
	flavor, ok := e.findFlavor(rs.FlavorRef)
	if !ok {
		return nil, badRequest("Flavor %s could not be found.", rs.FlavorRef)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	plan, apiErr := e.planBlockDevices(rs.BlockDevices, rs.ImageRef)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := e.checkReferences(rs.ImageRef, plan, nets); apiErr != nil {
		return nil, apiErr
	}
	now := e.now()
	s := e.newServer(rs, flavor, now)
	for i, n := range nets {
		s.networks = append(s.networks, e.connect(s, n, i))
	}
	boot, fromVolume := bootImageOf(rs.ImageRef, plan)
	if !fromVolume {
		s.imageRef = boot // a server booted from an image keeps it ("image": "" otherwise, as Nova shows it)
	}
	s.hotplug = !slices.Contains(e.cfg.ColdplugImages, boot)
	e.servers[s.id] = s
	c.rec.ServerID = s.id
	for _, p := range plan {
		e.addCreateTimeBDM(s, p, now)
	}
	s.op = e.Schedule(OpServerCreate, s.id, "", func(failed bool) { e.finishBuild(s, failed) })

	adminPass := e.newHexID()[:12]
	return reply(http.StatusAccepted, map[string]any{"server": map[string]any{
		"id": s.id, "links": e.links(c, "servers", s.id), "OS-DCF:diskConfig": "MANUAL",
		"security_groups": securityGroupsJSON(s), "adminPass": adminPass,
	}})
}

// validateServerCreate refuses, with Nova's messages, a create body Nova's schema refuses, and
// returns its networks.
func validateServerCreate(rs createServerBody) ([]serverNetwork, *apiError) {
	if strings.TrimSpace(rs.Name) == "" {
		return nil, badRequest("Invalid input for field/attribute name. Value: %q. The name must be a non-empty string.", rs.Name)
	}
	if rs.FlavorRef == "" {
		return nil, badRequest("Invalid input for field/attribute flavorRef. Value: None. None is not of type 'string', 'integer'")
	}
	if rs.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*rs.UserData); err != nil {
			return nil, badRequest("User data needs to be valid base 64.")
		}
	}
	return parseNetworks(rs.Networks)
}

// newServer is a server being built from rs, with Nova's defaults (zone nova, the default
// security group); the caller holds e.mu.
func (e *Emulator) newServer(rs createServerBody, flavor Flavor, now time.Time) *server {
	e.seq++
	s := &server{
		seq: e.seq, id: e.newID(), name: rs.Name, flavor: flavor, keyName: rs.KeyName,
		az: rs.AvailabilityZone, metadata: cloneMap(rs.Metadata),
		vmState: vmBuilding, taskState: taskSpawning, rootDevice: e.cfg.DevicePrefix + "a", hotplug: true,
		createdAt: now, updatedAt: now,
	}
	if s.az == "" {
		s.az = "nova"
	}
	if rs.UserData != nil {
		s.userData = *rs.UserData
	}
	for _, g := range rs.SecurityGroups {
		s.securityGroups = append(s.securityGroups, g.Name)
	}
	if len(s.securityGroups) == 0 {
		s.securityGroups = []string{"default"}
	}
	return s
}

// bootImageOf is the image a new server boots, and whether it boots from a volume: the boot
// volume's source, or imageRef.
func bootImageOf(imageRef string, plan []plannedBDM) (image string, fromVolume bool) {
	i := slices.IndexFunc(plan, func(p plannedBDM) bool { return p.boot })
	if i < 0 {
		return imageRef, false
	}
	if plan[i].existing != nil {
		return plan[i].existing.imageRef, true
	}
	return plan[i].fromImg, true
}

// checkReferences is Nova's lookup of the image and the networks in Glance and Neutron,
// when Config.StrictReferences asks for it. Call with e.mu held.
func (e *Emulator) checkReferences(imageRef string, plan []plannedBDM, nets []serverNetwork) *apiError {
	if !e.cfg.StrictReferences {
		return nil
	}
	images := []string{imageRef}
	for _, p := range plan {
		images = append(images, p.fromImg)
	}
	for _, id := range images {
		if _, ok := e.findImage(id); id != "" && !ok {
			return badRequest("Image %s could not be found.", id)
		}
	}
	for _, n := range nets {
		if _, ok := e.findNetwork(n.uuid); n.uuid != "" && !ok {
			return badRequest("Network %s could not be found.", n.uuid)
		}
		if p, ok := e.ports[n.port]; n.port != "" && (!ok || p.deviceID != "") {
			return badRequest("Port id %s could not be found.", n.port)
		}
	}
	return nil
}

// connect puts the server on one requested network: a new port on one of the emulator's
// networks, an existing port bound to it, or (a reference taken as given) an address
// under a made-up key. Call with e.mu held.
func (e *Emulator) connect(s *server, n serverNetwork, i int) serverNetwork {
	if p, ok := e.ports[n.port]; ok && p.deviceID == "" {
		p.deviceID = s.id
		net, _ := e.findNetwork(p.networkID)
		n.name, n.portID, n.addr, n.mac = net.Name, p.id, p.ip, p.mac
		return n
	}
	if net, ok := e.findNetwork(n.uuid); ok {
		p := e.newServerPort(s, net, n.fixedIP)
		n.name, n.portID, n.addr, n.mac = net.Name, p.id, p.ip, p.mac
		return n
	}
	n.addr = fmt.Sprintf("10.0.%d.%d", i, 2+s.seq%250)
	n.mac = fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", e.rng.IntN(256), e.rng.IntN(256), e.rng.IntN(256))
	return n
}

// disconnect is Nova's cleanup of a deleted server's ports: those it made go, those it was
// given are unbound. Call with e.mu held.
func (e *Emulator) disconnect(s *server) {
	for _, n := range s.networks {
		p, ok := e.ports[n.portID]
		switch {
		case !ok:
		case n.port != "":
			p.deviceID = ""
		default:
			delete(e.ports, p.id)
		}
	}
}

func parseNetworks(raw json.RawMessage) ([]serverNetwork, *apiError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var word string
	if json.Unmarshal(raw, &word) == nil {
		if word != "auto" && word != "none" {
			return nil, badRequest("Invalid input for field/attribute networks. Value: %s. %q is not one of ['auto', 'none']", raw, word)
		}
		return nil, nil
	}
	var list []networkRequest
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest("Invalid input for field/attribute networks. Value: %s.", raw)
	}
	var out []serverNetwork
	for _, n := range list {
		if n.UUID == "" && n.Port == "" {
			return nil, badRequest("Bad networks format: network uuid is not in proper format ()")
		}
		out = append(out, serverNetwork{uuid: n.UUID, port: n.Port, fixedIP: n.FixedIP})
	}
	return out, nil
}

// planBlockDevices validates block_device_mapping_v2 before anything is created.
// Call with e.mu held.
func (e *Emulator) planBlockDevices(in []blockDeviceRequest, imageRef string) ([]plannedBDM, *apiError) {
	var plan []plannedBDM
	boots := 0
	for _, b := range in {
		idx, ok := b.bootIndex()
		if !ok {
			return nil, badRequest("Invalid input for field/attribute boot_index. Value: %s.", b.BootIndex)
		}
		dest := b.DestinationType
		if dest == "" {
			dest = "local"
			if b.SourceType == "volume" {
				dest = "volume"
			}
		}
		if dest == "local" {
			if b.SourceType != "image" && b.SourceType != "blank" {
				return nil, badRequest("Block Device Mapping is Invalid: Mapping image to local is not supported.")
			}
			continue // the image's local disk (or ephemeral): no volume
		}
		p := plannedBDM{boot: idx == 0, dot: b.DeleteOnTermination, volType: b.VolumeType, device: b.DeviceName}
		switch b.SourceType {
		case "volume":
			v, ok := e.volumes[b.UUID]
			if !ok {
				return nil, badRequest("Block Device Mapping is Invalid: failed to get volume %s.", b.UUID)
			}
			if v.status != volAvailable {
				return nil, badRequest("Invalid volume: volume '%s' status must be 'available'. Currently in '%s'", v.id, v.status)
			}
			p.existing = v
		case "image", "blank":
			if b.VolumeSize < 1 {
				return nil, badRequest("Block Device Mapping is Invalid: You specified a volume of size %d; volume_size must be at least 1.", b.VolumeSize)
			}
			p.newSize = b.VolumeSize
			if b.SourceType == "image" {
				p.fromImg = b.UUID
				if p.fromImg == "" {
					p.fromImg = imageRef
				}
			}
		default:
			return nil, badRequest("Block Device Mapping is Invalid: source_type %q is not supported by the emulator.", b.SourceType)
		}
		if p.boot {
			boots++
		}
		plan = append(plan, p)
	}
	if boots > 1 {
		return nil, badRequest("Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.")
	}
	if boots == 0 && imageRef == "" {
		return nil, badRequest("Invalid imageRef provided: an image is required unless a volume is the boot device (boot_index 0).")
	}
	// The boot volume leads, so it takes the root device name.
	slices.SortStableFunc(plan, func(a, b plannedBDM) int { return boolRank(b.boot) - boolRank(a.boot) })
	return plan, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addCreateTimeBDM creates (or reserves) the volume of one planned block device and
// maps it. Call with e.mu held.
func (e *Emulator) addCreateTimeBDM(s *server, p plannedBDM, now time.Time) {
	v := p.existing
	if v == nil {
		e.seq++
		v = &volume{
			seq: e.seq, id: e.newID(), size: p.newSize, status: volCreating, bootable: p.fromImg != "",
			imageRef: p.fromImg, volumeType: p.volType, az: s.az, metadata: map[string]string{},
			description: new(string), createdAt: now,
		}
		if v.volumeType == "" {
			v.volumeType = "__DEFAULT__"
		}
		e.volumes[v.id] = v
	} else {
		v.status = volAttaching
		v.touch(now)
	}
	device := p.device
	switch {
	case p.boot:
		device = s.rootDevice
	case device == "" || s.findDevice(device):
		device = s.nextDevice(e.cfg.DevicePrefix)
	}
	s.bdms = append(s.bdms, &bdm{
		id: e.newID(), volumeID: v.id, attachmentID: e.newID(), device: device,
		boot: p.boot, deleteOnTermination: p.dot,
	})
}

func (s *server) findDevice(device string) bool {
	return device == s.rootDevice || slices.ContainsFunc(s.bdms, func(b *bdm) bool { return b.device == device })
}

// finishBuild ends a create: ACTIVE with its volumes in-use, or ERROR with the new
// volumes in error and the existing ones released. Call with e.mu held.
func (e *Emulator) finishBuild(s *server, failed bool) {
	now := e.now()
	s.op, s.taskState = nil, ""
	s.touch(now)
	if failed {
		s.vmState, s.fault = vmError, "Build of instance "+s.id+" aborted: injected failure"
		for _, b := range s.bdms {
			if v, ok := e.volumes[b.volumeID]; ok {
				if v.status == volCreating {
					v.status = volError
				} else {
					v.status = volAvailable
				}
				v.touch(now)
			}
		}
		s.bdms = nil
		return
	}
	s.vmState, s.launchedAt = vmActive, now
	for _, b := range s.bdms {
		if v, ok := e.volumes[b.volumeID]; ok {
			e.markAttached(v, s, b, now)
		}
	}
}

// markAttached is Cinder's view of a finished attach. Call with e.mu held.
func (e *Emulator) markAttached(v *volume, s *server, b *bdm, now time.Time) {
	v.status = volInUse
	v.attach = &cinderAttachment{id: b.attachmentID, serverID: s.id, device: b.device, attachedAt: now}
	v.touch(now)
}

// locked runs an endpoint's work on the object lookup finds by id, under e.mu, or
// answers lookup's 404.
func locked[T any](e *Emulator, lookup func(id string) (*T, *apiError), id string, work func(*T) (*response, *apiError)) (*response, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, apiErr := lookup(id)
	if apiErr != nil {
		return nil, apiErr
	}
	return work(o)
}

// lookupServer finds a server the API may act on: deleted ones (shown as DELETED
// until the purge) are gone for everything but GET. Call with e.mu held.
func (e *Emulator) lookupServer(id string) (*server, *apiError) {
	s, ok := e.servers[id]
	if !ok || s.deleted {
		return nil, notFound("Instance %s could not be found.", id)
	}
	return s, nil
}

func (e *Emulator) getServer(c *call) (*response, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.servers[c.p.serverID]
	if !ok {
		return nil, notFound("Instance %s could not be found.", c.p.serverID)
	}
	return reply(http.StatusOK, map[string]any{"server": e.serverJSON(c, s)})
}

// listServers answers /servers (id, name, links) and /servers/detail, filtered by
// name (a regular expression, as in Nova), status and flavor (an id).
func (e *Emulator) listServers(c *call) (*response, *apiError) {
	q := c.r.URL.Query()
	var nameRE *regexp.Regexp
	if n := q.Get("name"); n != "" {
		re, err := regexp.Compile(n)
		if err != nil {
			re = regexp.MustCompile(regexp.QuoteMeta(n))
		}
		nameRE = re
	}
	detail := strings.HasSuffix(c.r.URL.Path, "/detail")
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	all := make([]*server, 0, len(e.servers))
	for _, s := range e.servers {
		if s.deleted || (nameRE != nil && !nameRE.MatchString(s.name)) ||
			(q.Get("status") != "" && !strings.EqualFold(q.Get("status"), s.status(now))) ||
			(q.Get("flavor") != "" && q.Get("flavor") != s.flavor.ID) {
			continue
		}
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b *server) int { return int(b.seq - a.seq) }) // newest first, as Nova
	out := make([]map[string]any, 0, len(all))
	for _, s := range all {
		if detail {
			detailed := e.serverJSON(c, s)
			delete(detailed, "server_groups") // Nova shows them for one server, never in lists
			out = append(out, detailed)
		} else {
			out = append(out, map[string]any{"id": s.id, "name": s.name, "links": e.links(c, "servers", s.id)})
		}
	}
	return reply(http.StatusOK, map[string]any{"servers": out})
}

func securityGroupsJSON(s *server) []map[string]string {
	out := make([]map[string]string, len(s.securityGroups))
	for i, g := range s.securityGroups {
		out[i] = map[string]string{"name": g}
	}
	return out
}

// serverJSON is the server in the shape gophercloud's servers.Server parses, with the
// fields of each microversion as Nova's view shows them to the project's own (non-admin)
// user: no OS-EXT-SRV-ATTR:* (root_device_name, user_data, ...), which only admins see.
// Call with e.mu held.
func (e *Emulator) serverJSON(c *call, s *server) map[string]any {
	now := e.now()
	var image any = ""
	if s.imageRef != "" {
		image = map[string]any{"id": s.imageRef, "links": []map[string]string{{"rel": "bookmark", "href": baseURL(c.r) + "/" + e.cfg.ProjectID + "/images/" + s.imageRef}}}
	}
	vols := make([]map[string]any, 0, len(s.bdms))
	for _, b := range s.bdms {
		vol := map[string]any{"id": b.volumeID}
		if c.micro.atLeast(2, 3) {
			vol["delete_on_termination"] = b.deleteOnTermination
		}
		vols = append(vols, vol)
	}
	var task, launched, keyName any
	if t := s.task(now); t != "" {
		task = t
	}
	if !s.launchedAt.IsZero() {
		launched = formatCinder(s.launchedAt)
	}
	if s.keyName != "" {
		keyName = s.keyName
	}
	out := map[string]any{
		"id": s.id, "name": s.name, "status": s.status(now), "tenant_id": e.cfg.ProjectID, "user_id": e.cfg.UserID,
		"created": formatNova(s.createdAt), "updated": formatNova(s.updatedAt),
		"hostId": "", "accessIPv4": "", "accessIPv6": "",
		"image": image, "flavor": e.serverFlavorJSON(c, s.flavor),
		"addresses": serverAddresses(s), "metadata": cloneMap(s.metadata), "key_name": keyName,
		"links":                                e.links(c, "servers", s.id),
		"os-extended-volumes:volumes_attached": vols,
		"OS-EXT-STS:vm_state":                  s.vmState,
		"OS-EXT-STS:task_state":                task,
		"OS-EXT-STS:power_state":               s.powerState(),
		"OS-EXT-AZ:availability_zone":          s.az,
		"OS-DCF:diskConfig":                    "MANUAL",
		"OS-SRV-USG:launched_at":               launched,
		"OS-SRV-USG:terminated_at":             nil,
		"config_drive":                         "",
	}
	out["security_groups"] = securityGroupsJSON(s)
	switch s.status(now) {
	case "ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING":
		out["progress"] = 0
	}
	if s.vmState == vmError && s.fault != "" {
		out["fault"] = map[string]any{"code": 500, "message": s.fault, "created": formatNova(s.updatedAt)}
	}
	addVersionedServerFields(out, s, c.micro)
	return out
}

// addVersionedServerFields adds what Nova shows from some microversion on.
func addVersionedServerFields(out map[string]any, s *server, mv microversion) {
	fields := []struct {
		major, minor int
		key          string
		value        any
	}{
		{2, 9, "locked", s.locked},
		{2, 19, "description", nil},
		{2, 26, "tags", []string{}},
		{2, 63, "trusted_image_certificates", nil},
		{2, 71, "server_groups", []string{}},
		{2, 73, "locked_reason", nil},
	}
	for _, f := range fields {
		if mv.atLeast(f.major, f.minor) {
			out[f.key] = f.value
		}
	}
}

// serverAddresses keys each address by its network's name, as Nova does; a network taken
// as given (no Neutron record) has none, so its key is made up from the reference.
func serverAddresses(s *server) map[string]any {
	addresses := map[string]any{}
	for _, n := range s.networks {
		key := n.name
		switch {
		case key != "":
		case n.uuid != "":
			key = "net-" + short(n.uuid)
		default:
			key = "port-" + short(n.port)
		}
		addr := n.addr
		if n.fixedIP != "" {
			addr = n.fixedIP
		}
		entry := map[string]any{"addr": addr, "version": 4, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": n.mac}
		list, _ := addresses[key].([]map[string]any)
		addresses[key] = append(list, entry)
	}
	return addresses
}

// serverTags answers GET /servers/{id}/tags (2.26 and later): the emulator sets no tags.
func (e *Emulator) serverTags(c *call) (*response, *apiError) {
	if !c.micro.atLeast(2, 26) {
		return nil, notFound("The resource could not be found.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, apiErr := e.lookupServer(c.p.serverID); apiErr != nil {
		return nil, apiErr
	}
	return reply(http.StatusOK, map[string]any{"tags": []string{}})
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// updateServer answers PUT /servers/{id}: a rename (name; other fields are ignored).
func (e *Emulator) updateServer(c *call) (*response, *apiError) {
	var req struct {
		Server *struct {
			Name *string `json:"name"`
		} `json:"server"`
	}
	if err := decodeRequired(c.body, &req, func() bool { return req.Server != nil },
		"Invalid input for field/attribute server. 'server' is a required property"); err != nil {
		return nil, err
	}
	return locked(e, e.lookupServer, c.p.serverID, func(s *server) (*response, *apiError) {
		if n := req.Server.Name; n != nil {
			if strings.TrimSpace(*n) == "" {
				return nil, badRequest("Invalid input for field/attribute name. The name must be a non-empty string.")
			}
			s.name = *n
			s.touch(e.now())
		}
		return reply(http.StatusOK, map[string]any{"server": e.serverJSON(c, s)})
	})
}

// deleteServer answers 204 and deletes asynchronously: task_state deleting, then
// gone (or DELETED / SOFT_DELETED for a while first). A repeated delete while one
// runs answers 204 again without a second operation.
func (e *Emulator) deleteServer(c *call) (*response, *apiError) {
	return locked(e, e.lookupServer, c.p.serverID, func(s *server) (*response, *apiError) {
		if s.locked {
			return nil, conflict("Instance %s is locked", s.id)
		}
		if s.taskState == taskDeleting {
			return reply(http.StatusNoContent, nil)
		}
		e.Cancel(s.op, "superseded by delete")
		s.taskState = taskDeleting
		s.touch(e.now())
		s.op = e.Schedule(OpServerDelete, s.id, "", func(failed bool) {
			s.op, s.taskState = nil, ""
			if failed {
				s.vmState, s.fault = vmError, "Failed to delete instance "+s.id+": injected failure"
				s.touch(e.now())
				return
			}
			e.finishDelete(s, false)
		})
		return reply(http.StatusNoContent, nil)
	})
}

// finishDelete releases the server's volumes (deleting those marked
// delete_on_termination) and removes it, or marks it DELETED / SOFT_DELETED until
// the purge. Call with e.mu held.
func (e *Emulator) finishDelete(s *server, immediate bool) {
	now := e.now()
	e.Cancel(s.op, "server deleted")
	for _, b := range s.bdms {
		e.Cancel(b.op, "server deleted")
		v, ok := e.volumes[b.volumeID]
		if !ok {
			continue
		}
		if b.deleteOnTermination {
			e.Cancel(v.op, "server deleted")
			delete(e.volumes, v.id)
			continue
		}
		e.releaseVolume(v, s, now)
	}
	s.bdms = nil
	e.disconnect(s)
	s.networks = nil
	if immediate || e.cfg.DeletedStatus == "" {
		delete(e.servers, s.id)
		return
	}
	s.deleted, s.vmState, s.taskState = true, vmDeleted, ""
	if e.cfg.DeletedStatus == statusSoftDeleted {
		s.vmState = vmSoftDeleted
	}
	s.touch(now)
	s.op = e.Schedule(OpServerPurge, s.id, "", func(bool) { delete(e.servers, s.id) })
}

// releaseVolume is Cinder's side of a mapping that goes with its server: the volume
// is available again unless it is attached elsewhere (a stale mapping after
// os-detach). Call with e.mu held.
func (e *Emulator) releaseVolume(v *volume, s *server, now time.Time) {
	if v.attach != nil && v.attach.serverID != s.id {
		return
	}
	switch v.status {
	case volInUse, volAttaching, volDetaching, volCreating:
		e.Cancel(v.op, "server deleted")
		v.status, v.attach, v.op = volAvailable, nil, nil
		v.touch(now)
	}
}

// serverAction answers POST /servers/{id}/action for lock, unlock, os-stop and
// os-start; any other action is refused.
func (e *Emulator) serverAction(c *call) (*response, *apiError) {
	name := actionName(c.body)
	if name == "" {
		return nil, badRequest("Malformed request body: an action body has exactly one key.")
	}
	return locked(e, e.lookupServer, c.p.serverID, func(s *server) (*response, *apiError) {
		now := e.now()
		switch name {
		case "lock", "unlock":
			// Nova's lock is a database update: done when the 202 is sent.
			s.locked = name == "lock"
			s.touch(now)
			return reply(http.StatusAccepted, nil)
		case "os-stop", "os-start":
			verb, want, task, final := "stop", []string{vmActive, vmError, vmRescued}, taskPoweringOff, vmStopped
			if name == "os-start" {
				verb, want, task, final = "start", []string{vmStopped}, taskPoweringOn, vmActive
			}
			if s.locked {
				return nil, conflict("Instance %s is locked", s.id)
			}
			if apiErr := checkInstanceState(s, now, verb, want); apiErr != nil {
				return nil, apiErr
			}
			s.taskState = task
			s.touch(now)
			s.op = e.Schedule(OpServerPower, s.id, "", func(failed bool) {
				s.op, s.taskState = nil, ""
				s.vmState = final
				if failed {
					s.vmState, s.fault = vmError, "Failed to "+verb+" instance "+s.id+": injected failure"
				}
				s.touch(e.now())
			})
			return reply(http.StatusAccepted, nil)
		}
		return nil, badRequest("There is no such action: %s", name)
	})
}

// checkInstanceState is Nova's check_instance_state: the vm_state must be one of
// want and no task may run. The messages are Nova's.
func checkInstanceState(s *server, now time.Time, verb string, want []string) *apiError {
	if !slices.Contains(want, s.vmState) {
		return conflict("Cannot '%s' instance %s while it is in vm_state %s", verb, s.id, s.vmState)
	}
	if t := s.task(now); t != "" {
		return conflict("Cannot '%s' instance %s while it is in task_state %s", verb, s.id, t)
	}
	return nil
}
