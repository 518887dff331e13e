# An attachment is imported as <server_id>/<volume_id>.
terraform import scp_volume_attachment.data 2a9be312-5d4b-4bc8-b2ae-35100fa9241f/3f500f00-ed80-4566-a057-e31760226f9a

# The OS disk comes with its server and can never be detached, so Terraform never attaches it; to
# track it, declare the block with skip_destroy = true (volume_id = scp_virtual_server.web.os_volume_id)
# and import it:
terraform import scp_volume_attachment.os 2a9be312-5d4b-4bc8-b2ae-35100fa9241f/7c1e9a4b-2f3d-4e5a-9b6c-8d7e6f5a4b3c
