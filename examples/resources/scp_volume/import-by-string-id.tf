import {
  to = scp_volume.data
  id = "3f500f00-ed80-4566-a057-e31760226f9a"
}
