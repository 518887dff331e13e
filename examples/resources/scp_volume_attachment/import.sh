# An attachment is imported as <server_id>/<volume_id>.
terraform import scp_volume_attachment.data 2a9be312-5d4b-4bc8-b2ae-35100fa9241f/3f500f00-ed80-4566-a057-e31760226f9a
