# A volume this configuration does not manage, found by its name (exactly one volume must have it).
data "scp_volume" "shared" {
  name = "shared-data"
}

# Or by id, for instance a server's OS volume, to read its size and type.
data "scp_volume" "web_os" {
  id = data.scp_virtual_server.web.os_volume_id
}

data "scp_virtual_server" "web" {
  name = "web-1"
}

# Attach the existing volume to a server.
resource "scp_volume_attachment" "shared" {
  server_id = data.scp_virtual_server.web.id
  volume_id = data.scp_volume.shared.id
}

output "web_os_disk" {
  value = "${data.scp_volume.web_os.size} GiB ${data.scp_volume.web_os.volume_type}"
}
