# Every running server of one name; without filters, every server.
data "scp_virtual_servers" "web" {
  name  = "web"
  state = "ACTIVE"
}

# SCP's own filters: VPC, server type, IP address, product category and offerings.
data "scp_virtual_servers" "gpu" {
  vpc_id            = "8d5e3a91-0c7b-4f3e-a2a6-1b2c3d4e5f60"
  product_offerings = ["gpu_server"]
}

# A data volume on each server found, keyed by server id (for_each, so that a server leaving the
# list detaches only its own volume).
resource "scp_volume" "scratch" {
  for_each = toset(data.scp_virtual_servers.web.ids)
  name     = "scratch-${each.key}"
  size     = 32
}

resource "scp_volume_attachment" "scratch" {
  for_each  = scp_volume.scratch
  server_id = each.key
  volume_id = each.value.id
}

output "web_os_volumes" {
  value = { for s in data.scp_virtual_servers.web.servers : s.name => s.os_volume_id }
}
