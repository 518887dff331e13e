# Terraform 1.12 and later: an attachment is imported by its server's id and its volume's id, each
# an attribute of its identity, with no "<server_id>/<volume_id>" string to assemble.
import {
  to = scp_volume_attachment.data
  identity = {
    server_id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
    volume_id = "3f500f00-ed80-4566-a057-e31760226f9a"
  }
}
