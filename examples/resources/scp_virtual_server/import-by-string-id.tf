import {
  to = scp_virtual_server.web
  id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
}
