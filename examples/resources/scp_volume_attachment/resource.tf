# One attachment per data volume, keyed by name: for_each (not count), so that removing one volume
# later detaches only that one.
resource "scp_volume" "data" {
  for_each = toset(["logs", "db"])
  name     = "web-1-${each.key}"
  size     = 64
}

resource "scp_volume_attachment" "data" {
  for_each  = scp_volume.data
  server_id = scp_virtual_server.web.id
  volume_id = each.value.id

  timeouts {
    create = "10m"
    delete = "10m"
  }
}
