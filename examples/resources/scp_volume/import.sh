# A volume is imported by its id.
terraform import scp_volume.data 3f500f00-ed80-4566-a057-e31760226f9a
