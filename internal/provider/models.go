package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The models: every struct that Terraform's configuration, plan or state is read into, by tfsdk tag.
// They stand together so that a schema change is checked against one file; what each model means
// and how it maps to the API lives with its resource, data source or provider configuration.

// providerModel is the provider block.
type providerModel struct {
	Endpoint                types.String `tfsdk:"endpoint"`
	AuthURL                 types.String `tfsdk:"auth_url"`
	Region                  types.String `tfsdk:"region"`
	DefaultRegion           types.String `tfsdk:"default_region"`
	Environment             types.String `tfsdk:"environment"`
	ResourceManagerEndpoint types.String `tfsdk:"resource_manager_endpoint"`
	AccessKey               types.String `tfsdk:"access_key"`
	SecretKey               types.String `tfsdk:"secret_key"`
	AccountID               types.String `tfsdk:"account_id"`
	APIVersion              types.String `tfsdk:"api_version"`
	CAFile                  types.String `tfsdk:"ca_file"`
	AllowInsecureHTTP       types.Bool   `tfsdk:"allow_insecure_http"`
	// OpenStack, when present, selects an OpenStack-family cloud instead of SCP.
	OpenStack *openstackModel `tfsdk:"openstack"`
}

// openstackModel is the openstack block.
type openstackModel struct {
	AuthURL                     types.String `tfsdk:"auth_url"`
	Region                      types.String `tfsdk:"region"`
	Interface                   types.String `tfsdk:"interface"`
	UserName                    types.String `tfsdk:"user_name"`
	UserID                      types.String `tfsdk:"user_id"`
	Password                    types.String `tfsdk:"password"`
	UserDomainName              types.String `tfsdk:"user_domain_name"`
	UserDomainID                types.String `tfsdk:"user_domain_id"`
	ProjectName                 types.String `tfsdk:"project_name"`
	ProjectID                   types.String `tfsdk:"project_id"`
	ProjectDomainName           types.String `tfsdk:"project_domain_name"`
	ProjectDomainID             types.String `tfsdk:"project_domain_id"`
	Token                       types.String `tfsdk:"token"`
	ApplicationCredentialID     types.String `tfsdk:"application_credential_id"`
	ApplicationCredentialName   types.String `tfsdk:"application_credential_name"`
	ApplicationCredentialSecret types.String `tfsdk:"application_credential_secret"`
	Cloud                       types.String `tfsdk:"cloud"`
	CAFile                      types.String `tfsdk:"ca_file"`
	Flavour                     types.String `tfsdk:"flavour"`
}

// virtualServerModel is scp_virtual_server.
type virtualServerModel struct {
	ID                types.String     `tfsdk:"id"`
	Name              types.String     `tfsdk:"name"`
	ImageID           types.String     `tfsdk:"image_id"`
	ServerTypeID      types.String     `tfsdk:"server_type_id"`
	KeypairName       types.String     `tfsdk:"keypair_name"`
	Networks          []networkModel   `tfsdk:"networks"`
	SecurityGroupIDs  []types.String   `tfsdk:"security_group_ids"`
	BootVolume        *bootVolumeModel `tfsdk:"boot_volume"`
	Lock              types.Bool       `tfsdk:"lock"`
	Tags              types.Map        `tfsdk:"tags"`
	UserData          types.String     `tfsdk:"user_data"`
	UserDataWO        types.String     `tfsdk:"user_data_wo"`
	UserDataWOVersion types.Int64      `tfsdk:"user_data_wo_version"`
	ServerGroupID     types.String     `tfsdk:"server_group_id"`
	FileStorageIDs    []types.String   `tfsdk:"file_storage_ids"`
	State             types.String     `tfsdk:"state"`
	OSVolumeID        types.String     `tfsdk:"os_volume_id"`
	VpcID             types.String     `tfsdk:"vpc_id"`
	CreatedAt         types.String     `tfsdk:"created_at"`
	Timeouts          timeouts.Value   `tfsdk:"timeouts"`
}

// networkModel is one entry of its networks.
type networkModel struct {
	SubnetID   types.String `tfsdk:"subnet_id"`
	PortID     types.String `tfsdk:"port_id"`
	FixedIP    types.String `tfsdk:"fixed_ip"`
	PublicIPID types.String `tfsdk:"public_ip_id"`
}

// bootVolumeModel is its boot_volume.
type bootVolumeModel struct {
	Size                types.Int64  `tfsdk:"size"`
	Type                types.String `tfsdk:"type"`
	DeleteOnTermination types.Bool   `tfsdk:"delete_on_termination"`
}

// volumeModel is scp_volume.
type volumeModel struct {
	ID            types.String   `tfsdk:"id"`
	Name          types.String   `tfsdk:"name"`
	Size          types.Int64    `tfsdk:"size"`
	VolumeType    types.String   `tfsdk:"volume_type"`
	MaxIOPS       types.Int64    `tfsdk:"max_iops"`
	MaxThroughput types.Int64    `tfsdk:"max_throughput"`
	Tags          types.Map      `tfsdk:"tags"`
	State         types.String   `tfsdk:"state"`
	Bootable      types.Bool     `tfsdk:"bootable"`
	Multiattach   types.Bool     `tfsdk:"multiattach"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

// volumeAttachmentModel is scp_volume_attachment. Its id is <server_id>/<volume_id> (see attachmentID).
type volumeAttachmentModel struct {
	ID                  types.String   `tfsdk:"id"`
	ServerID            types.String   `tfsdk:"server_id"`
	VolumeID            types.String   `tfsdk:"volume_id"`
	DeleteOnTermination types.Bool     `tfsdk:"delete_on_termination"`
	SkipDestroy         types.Bool     `tfsdk:"skip_destroy"`
	Device              types.String   `tfsdk:"device"`
	OSVolume            types.Bool     `tfsdk:"os_volume"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// serverDataModel is one server as scp_virtual_server shows it and as each item of
// scp_virtual_servers does.
type serverDataModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	ImageID      types.String `tfsdk:"image_id"`
	ServerTypeID types.String `tfsdk:"server_type_id"`
	KeypairName  types.String `tfsdk:"keypair_name"`
	Lock         types.Bool   `tfsdk:"lock"`
	State        types.String `tfsdk:"state"`
	OSVolumeID   types.String `tfsdk:"os_volume_id"`
	VolumeIDs    []string     `tfsdk:"volume_ids"`
	VpcID        types.String `tfsdk:"vpc_id"`
	CreatedAt    types.String `tfsdk:"created_at"`
	Tags         types.Map    `tfsdk:"tags"`
}

// volumeDataModel is one volume as scp_volume shows it and as each item of scp_volumes does.
type volumeDataModel struct {
	ID            types.String           `tfsdk:"id"`
	Name          types.String           `tfsdk:"name"`
	Size          types.Int64            `tfsdk:"size"`
	VolumeType    types.String           `tfsdk:"volume_type"`
	MaxIOPS       types.Int64            `tfsdk:"max_iops"`
	MaxThroughput types.Int64            `tfsdk:"max_throughput"`
	State         types.String           `tfsdk:"state"`
	Bootable      types.Bool             `tfsdk:"bootable"`
	Multiattach   types.Bool             `tfsdk:"multiattach"`
	CreatedAt     types.String           `tfsdk:"created_at"`
	Attachments   []volumeDataAttachment `tfsdk:"attachments"`
	Tags          types.Map              `tfsdk:"tags"`
}

// volumeDataAttachment is one server a data source volume is attached to.
type volumeDataAttachment struct {
	ServerID types.String `tfsdk:"server_id"`
	Device   types.String `tfsdk:"device"`
}

// virtualServersDataModel is scp_virtual_servers: its filters and what they found.
type virtualServersDataModel struct {
	Name             types.String      `tfsdk:"name"`
	State            types.String      `tfsdk:"state"`
	IP               types.String      `tfsdk:"ip"`
	VpcID            types.String      `tfsdk:"vpc_id"`
	ServerTypeID     types.String      `tfsdk:"server_type_id"`
	ProductCategory  types.String      `tfsdk:"product_category"`
	ProductOfferings []types.String    `tfsdk:"product_offerings"`
	IDs              []string          `tfsdk:"ids"`
	Servers          []serverDataModel `tfsdk:"servers"`
}

// volumesDataModel is scp_volumes: its filters and what they found.
type volumesDataModel struct {
	Name     types.String      `tfsdk:"name"`
	State    types.String      `tfsdk:"state"`
	Bootable types.Bool        `tfsdk:"bootable"`
	IDs      []string          `tfsdk:"ids"`
	Volumes  []volumeDataModel `tfsdk:"volumes"`
}

// virtualServerListModel is the config block of a list "scp_virtual_server" block.
type virtualServerListModel struct {
	Name         types.String `tfsdk:"name"`
	State        types.String `tfsdk:"state"`
	IP           types.String `tfsdk:"ip"`
	VpcID        types.String `tfsdk:"vpc_id"`
	ServerTypeID types.String `tfsdk:"server_type_id"`
}

// volumeListModel is the config block of a list "scp_volume" block.
type volumeListModel struct {
	Name           types.String `tfsdk:"name"`
	State          types.String `tfsdk:"state"`
	Bootable       types.Bool   `tfsdk:"bootable"`
	Attached       types.Bool   `tfsdk:"attached"`
	ServerID       types.String `tfsdk:"server_id"`
	IncludeOSDisks types.Bool   `tfsdk:"include_os_disks"`
}

// volumeAttachmentListModel is the config block of a list "scp_volume_attachment" block.
type volumeAttachmentListModel struct {
	ServerID       types.String `tfsdk:"server_id"`
	IncludeOSDisks types.Bool   `tfsdk:"include_os_disks"`
}
