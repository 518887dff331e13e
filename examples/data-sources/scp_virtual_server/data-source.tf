# A server this configuration does not manage (made in the console, or by another configuration),
# found by its name; several servers with that name, or none, is an error that lists what was found.
data "scp_virtual_server" "web" {
  name = "web-1"
}

# Or by id.
# data "scp_virtual_server" "web" {
#   id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
# }

# Attach a data volume to it. The OS-disk rules hold as for a managed server: an attachment with
# volume_id = data.scp_virtual_server.web.os_volume_id is refused at plan time.
resource "scp_volume" "logs" {
  name = "web-1-logs"
  size = 64
}

resource "scp_volume_attachment" "logs" {
  server_id = data.scp_virtual_server.web.id
  volume_id = scp_volume.logs.id
}

output "web_os_volume_id" {
  value = data.scp_virtual_server.web.os_volume_id
}
