# Terraform 1.12 and later: a server is imported by its id, given as its identity.
import {
  to = scp_virtual_server.web
  identity = {
    id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
  }
}
