# A server is imported by its id.
terraform import scp_virtual_server.web 2a9be312-5d4b-4bc8-b2ae-35100fa9241f
