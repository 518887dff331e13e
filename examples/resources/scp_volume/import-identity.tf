# Terraform 1.12 and later: a volume is imported by its id, given as its identity.
import {
  to = scp_volume.data
  identity = {
    id = "3f500f00-ed80-4566-a057-e31760226f9a"
  }
}
