# The id string is <server_id>/<volume_id>.
import {
  to = scp_volume_attachment.data
  id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f/3f500f00-ed80-4566-a057-e31760226f9a"
}
