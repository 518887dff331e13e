package scp

import (
	"regexp"
	"strconv"
)

// The server body is ServerShowResponse of the contract: every required member, no
// member the contract lacks (no tags: they live in Resource Manager; no networks).

type serverTypeBody struct {
	Disk       int               `json:"disk"`
	Ephemeral  int               `json:"ephemeral"`
	ExtraSpecs map[string]string `json:"extra_specs"`
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	RAM        int               `json:"ram"`
	Swap       int               `json:"swap"`
	VCPUs      int               `json:"vcpus"`
}

type serverVolumeBody struct {
	ID                  string `json:"id"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

type securityGroupBody struct {
	Name string `json:"name"`
}

type ipAddressBody struct {
	IPAddress string `json:"ip_address"`
	Version   int    `json:"version"`
}

type addressBody struct {
	IPAddresses []ipAddressBody `json:"ip_addresses"`
	SubnetName  string          `json:"subnet_name"`
}

type serverBody struct {
	AccountID       string              `json:"account_id"`
	Addresses       []addressBody       `json:"addresses"`
	CreatedAt       string              `json:"created_at"`
	CreatedBy       string              `json:"created_by"`
	DiskConfig      string              `json:"disk_config"`
	ID              string              `json:"id"`
	ImageID         string              `json:"image_id,omitempty"`
	KeypairName     string              `json:"keypair_name,omitempty"`
	Locked          bool                `json:"locked"`
	Metadata        map[string]string   `json:"metadata"`
	ModifiedAt      string              `json:"modified_at"`
	Name            string              `json:"name"`
	PartitionNumber *int                `json:"partition_number,omitempty"`
	ProductCategory string              `json:"product_category,omitempty"`
	ProductOffering string              `json:"product_offering,omitempty"`
	SecurityGroups  []securityGroupBody `json:"security_groups"`
	ServerGroupID   string              `json:"server_group_id,omitempty"`
	ServerType      serverTypeBody      `json:"server_type"`
	State           string              `json:"state"`
	Volumes         []serverVolumeBody  `json:"volumes"`
	VPCID           string              `json:"vpc_id,omitempty"`
}

// serverTypePattern reads vCPUs and memory (GiB) from a type id such as s1v2m4.
var serverTypePattern = regexp.MustCompile(`^[a-z]+[0-9]*v([0-9]+)m([0-9]+)`)

// serverType describes a type id. SCP's catalogue is not emulated: the numbers are
// read from the id, with RAM in MiB as OpenStack flavors give it.
func serverType(id string) serverTypeBody {
	t := serverTypeBody{ID: id, Name: id, ExtraSpecs: map[string]string{}, VCPUs: 1, RAM: 1024}
	if m := serverTypePattern.FindStringSubmatch(id); m != nil {
		t.VCPUs, _ = strconv.Atoi(m[1])
		gib, _ := strconv.Atoi(m[2])
		t.RAM = gib * 1024
	}
	return t
}

// securityGroupName is what the body reports for a security group id. The body holds
// names only (the official provider reads ids elsewhere); the emulator has no names,
// so it makes one that is visibly not the id.
func securityGroupName(id string) string { return "sg-name-" + id }

func (e *Emulator) serverBody(s *server) serverBody {
	b := serverBody{
		AccountID: e.cfg.AccountID, CreatedAt: formatTime(s.createdAt), CreatedBy: DefaultUserID,
		DiskConfig: "MANUAL", ID: s.id, ImageID: s.imageID, KeypairName: s.keypairName, Locked: s.locked,
		Metadata: map[string]string{}, ModifiedAt: formatTime(s.modifiedAt), Name: s.name,
		PartitionNumber: s.partitionNumber, ProductCategory: s.productCategory, ProductOffering: s.productOffering,
		SecurityGroups: []securityGroupBody{}, ServerGroupID: s.serverGroupID, ServerType: serverType(s.serverTypeID),
		State: s.state, Volumes: []serverVolumeBody{}, VPCID: e.vpcID, Addresses: []addressBody{},
	}
	for k, v := range s.metadata {
		b.Metadata[k] = v
	}
	for _, id := range s.securityGroups {
		b.SecurityGroups = append(b.SecurityGroups, securityGroupBody{Name: securityGroupName(id)})
	}
	for i, n := range s.networks {
		subnet := n.SubnetID
		if subnet == "" {
			subnet = "default"
		}
		b.Addresses = append(b.Addresses, addressBody{SubnetName: subnet, IPAddresses: []ipAddressBody{{IPAddress: s.ips[i], Version: 4}}})
	}
	for _, a := range s.visibleAttachments(e) {
		b.Volumes = append(b.Volumes, serverVolumeBody{ID: a.volumeID, DeleteOnTermination: a.deleteOnTermination})
	}
	return b
}

type serverAttachmentBody struct {
	DeleteOnTermination bool   `json:"delete_on_termination"`
	Device              string `json:"device"`
	ID                  string `json:"id"` // the attachment id
	ServerID            string `json:"server_id"`
	VolumeID            string `json:"volume_id"`
}
