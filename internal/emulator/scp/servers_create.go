package scp

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
)

// createServerRequest is ServerCreateRequestV1Dot2. Pointers tell "absent" from zero.
type createServerRequest struct {
	FileStorageIDs  []string              `json:"file_storage_ids"`
	ImageID         string                `json:"image_id"`
	KeypairName     string                `json:"keypair_name"`
	Lock            *bool                 `json:"lock"`
	MaxCount        *int                  `json:"max_count"`
	Metadata        json.RawMessage       `json:"metadata"`
	Name            string                `json:"name"`
	Networks        []Network             `json:"networks"`
	PartitionNumber *int                  `json:"partition_number"`
	ProductCategory *string               `json:"product_category"`
	ProductOffering *string               `json:"product_offering"`
	SecurityGroups  []string              `json:"security_groups"`
	ServerGroupID   *string               `json:"server_group_id"`
	ServerTypeID    string                `json:"server_type_id"`
	Tags            []tagRequest          `json:"tags"`
	UserData        *string               `json:"user_data"`
	Volumes         []serverVolumeRequest `json:"volumes"`
}

// serverVolumeRequest is VolumeV1Dot2: boot_index 0 marks the boot volume, and
// delete_on_termination defaults differ for boot and data volumes.
type serverVolumeRequest struct {
	BootIndex           *int    `json:"boot_index"`
	DeleteOnTermination *bool   `json:"delete_on_termination"`
	MaxIOPS             *int    `json:"max_iops"`
	MaxThroughput       *int    `json:"max_throughput"`
	Size                *int    `json:"size"`
	SourceType          *string `json:"source_type"`
	Type                *string `json:"type"`
}

func (v serverVolumeRequest) isBoot() bool { return v.BootIndex != nil && *v.BootIndex == 0 }

// namePattern is the contract's pattern for server and volume names.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_ ]*$`)

const maxServerName = 63

// defaultBootSize is the OS volume's size (GiB) when a create request gives no volumes.
const defaultBootSize = 16

var (
	productCategories = []string{"compute", "container"}
	productOfferings  = []string{"virtual_server", "gpu_server", "k8s_vm", "k8s_gpu_vm"}
)

func validateName(field, name string, maxLen int) *apiError {
	switch {
	case name == "":
		return badRequest("%s: required", field)
	case len(name) > maxLen:
		return badRequest("%s: at most %d characters, got %d", field, maxLen, len(name))
	case !namePattern.MatchString(name):
		return badRequest("%s: only letters, digits, '-', '_' and space are allowed, got %q", field, name)
	}
	return nil
}

// validate checks what the contract requires: name, image_id, server_type_id and
// keypair_name. networks is required in 1.0 but unknown for 1.3, so its absence is
// accepted (the server then has no address).
func (req *createServerRequest) validate() *apiError {
	if err := validateName("name", req.Name, maxServerName); err != nil {
		return err
	}
	switch {
	case req.ImageID == "":
		return badRequest("image_id: required")
	case req.ServerTypeID == "":
		return badRequest("server_type_id: required")
	case req.KeypairName == "":
		return badRequest("keypair_name: required")
	case len(req.Volumes) > MaxVolumesPerServer:
		return badRequest("volumes: at most %d volumes per server, got %d", MaxVolumesPerServer, len(req.Volumes))
	case req.MaxCount != nil && (*req.MaxCount < 1 || *req.MaxCount > 10):
		return badRequest("max_count: must be between 1 and 10, got %d", *req.MaxCount)
	case req.ProductCategory != nil && !slices.Contains(productCategories, *req.ProductCategory):
		return badRequest("product_category: must be one of %v, got %q", productCategories, *req.ProductCategory)
	case req.ProductOffering != nil && !slices.Contains(productOfferings, *req.ProductOffering):
		return badRequest("product_offering: must be one of %v, got %q", productOfferings, *req.ProductOffering)
	}
	if req.UserData != nil {
		// The contract's example and the official provider's docs say base64.
		if _, err := base64.StdEncoding.DecodeString(*req.UserData); err != nil {
			return badRequest("user_data: must be base64 (standard encoding): %v", err)
		}
	}
	if err := validateTags("tags", req.Tags); err != nil {
		return err
	}
	boots := 0
	for i, v := range req.Volumes {
		field := fmt.Sprintf("volumes[%d]", i)
		if v.BootIndex == nil {
			return badRequest("%s.boot_index: required", field)
		}
		if v.isBoot() {
			boots++
		}
		if v.Size == nil {
			return badRequest("%s.size: required", field)
		}
		if err := validateSize(field+".size", *v.Size); err != nil {
			return err
		}
		if v.SourceType != nil && *v.SourceType != "blank" && *v.SourceType != "image" {
			return badRequest("%s.source_type: must be blank or image, got %q", field, *v.SourceType)
		}
	}
	if len(req.Volumes) > 0 && boots != 1 {
		return badRequest("volumes: exactly one entry must have boot_index 0 (the OS volume), got %d", boots)
	}
	return nil
}

// metadataMap reads metadata: an object (values kept as strings, as the official
// provider reads them), or the empty string of the 1.3 doc example.
func metadataMap(raw json.RawMessage) (map[string]string, *apiError) {
	out := map[string]string{}
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return out, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, badRequest("metadata: must be an object")
	}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out, nil
}

// validateSize checks a volume size in GiB: at least 8 and a multiple of 8 (the
// official provider's rule; the contract records it as x-multiple-of).
func validateSize(field string, size int) *apiError {
	if size < 8 || size%8 != 0 {
		return badRequest("%s: must be a multiple of 8 (GiB), at least 8, got %d", field, size)
	}
	return nil
}

func (e *Emulator) createServer(r *http.Request, _ params) (int, any, *apiError) {
	var req createServerRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := req.validate(); err != nil {
		return 0, nil, err
	}
	meta, apiErr := metadataMap(req.Metadata)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	count := 1
	if req.MaxCount != nil {
		count = *req.MaxCount
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]map[string]string, 0, count)
	for range count {
		s := e.newServer(&req, meta)
		ids = append(ids, map[string]string{"id": s.id})
	}
	return http.StatusAccepted, map[string]any{"servers": ids}, nil
}

// newServer creates one server of req with its volumes and schedules the build. Call
// with e.mu held.
func (e *Emulator) newServer(req *createServerRequest, meta map[string]string) *server {
	now := e.now()
	e.seq++
	s := &server{
		seq: e.seq, id: e.newID(), name: req.Name, imageID: req.ImageID, serverTypeID: req.ServerTypeID,
		keypairName: req.KeypairName, networks: slices.Clone(req.Networks), securityGroups: slices.Clone(req.SecurityGroups),
		partitionNumber: req.PartitionNumber, metadata: meta, tags: tagsOf(req.Tags), state: ServerBuild,
		productCategory: "compute", productOffering: "virtual_server",
		lockWhenActive: req.Lock != nil && *req.Lock, conns: Connections{FileStorage: len(req.FileStorageIDs) > 0},
		createdAt: now, modifiedAt: now,
	}
	if req.ServerGroupID != nil {
		s.serverGroupID = *req.ServerGroupID
	}
	if req.ProductCategory != nil {
		s.productCategory = *req.ProductCategory
	}
	if req.ProductOffering != nil {
		s.productOffering = *req.ProductOffering
	}
	if req.UserData != nil {
		s.userData = *req.UserData
	}
	for i, n := range s.networks {
		ip := n.FixedIP
		if ip == "" {
			ip = fmt.Sprintf("192.168.%d.%d", (s.seq/250)%250, s.seq%250+int64(i)+2)
		}
		s.ips = append(s.ips, ip)
	}
	e.servers[s.id] = s

	vols := req.Volumes
	if len(vols) == 0 {
		zero, size := 0, defaultBootSize
		vols = []serverVolumeRequest{{BootIndex: &zero, Size: &size}}
	}
	// Boot volume first (/dev/vda), then the data volumes in request order (/dev/vdb, ...).
	ordered := slices.Clone(vols)
	slices.SortStableFunc(ordered, func(a, b serverVolumeRequest) int { return boolRank(b.isBoot()) - boolRank(a.isBoot()) })
	for i, vr := range ordered {
		boot := i == 0
		name := fmt.Sprintf("%s-data-%d", req.Name, i)
		dot := false
		if boot {
			name = req.Name + "-os"
			dot = true
		}
		if vr.DeleteOnTermination != nil {
			dot = *vr.DeleteOnTermination
		}
		volumeType := defaultVolumeTypeName
		if vr.Type != nil && *vr.Type != "" {
			volumeType = *vr.Type
		}
		e.seq++
		v := &volume{
			seq: e.seq, id: e.newID(), name: name, size: *vr.Size, volumeType: volumeType,
			maxIOPS: vr.MaxIOPS, maxThroughput: vr.MaxThroughput,
			bootable: boot, state: VolumeReserved, tags: []Tag{}, createdAt: now, modifiedAt: now,
		}
		if boot {
			v.osServerID = s.id
			v.imageID = req.ImageID
		}
		e.volumes[v.id] = v
		e.addAttachment(s, v, e.deviceName(i), dot, attReserved)
	}

	s.op = e.Schedule(OpServerCreate, s.id, "", func(failed bool) { e.finishServerCreate(s, failed) })
	return s
}

func (e *Emulator) finishServerCreate(s *server, failed bool) {
	now := e.now()
	s.touch(now)
	if failed {
		s.state = ServerError
		for _, a := range s.attachments {
			if v := e.volumes[a.volumeID]; v != nil {
				v.state = VolumeError
				v.touch(now)
			}
		}
		return
	}
	s.state = ServerActive
	s.locked = s.lockWhenActive
	for _, a := range s.attachments {
		if a.state == attReserved {
			a.state, a.attachedAt = attAttached, now
			if v := e.volumes[a.volumeID]; v != nil {
				v.refreshState()
				v.touch(now)
			}
		}
	}
}
