resource "scp_volume_attachment" "data" {
  server_id = scp_virtual_server.web.id
  volume_id = scp_volume.data.id

  timeouts {
    create = "10m"
    delete = "10m"
  }
}

# The OS disk can be brought under management too (import it), but it can never be detached:
# a plan that would detach it fails. skip_destroy lets Terraform forget it instead.
resource "scp_volume_attachment" "os" {
  server_id    = scp_virtual_server.web.id
  volume_id    = scp_virtual_server.web.os_volume_id
  skip_destroy = true
}
