# The OpenStack demo: one server booted from a volume, with two data volumes attached, applied and
# destroyed against the bundled OpenStack emulator (Keystone v3, Nova, Cinder v3). The provider's
# settings come from the OS_* environment that run.sh sets from the emulator.
terraform {
  required_providers {
    scp = {
      source = "scp-community/scp"
    }
  }
}

provider "scp" {
  openstack {}
}

resource "scp_virtual_server" "demo" {
  name           = "demo-web-1"
  image_id       = "5b0a8d4e-6c1f-4e2a-9d3b-7f8e9a0b1c2d" # a Glance image id
  server_type_id = "m1.small"                             # a Nova flavor, by name or id
  keypair_name   = "demo-key"

  networks = [
    { subnet_id = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f" }, # on OpenStack: the Neutron network id
  ]

  boot_volume = {
    size = 16
  }
}

resource "scp_volume" "data" {
  for_each = toset(["logs", "db"])
  name     = "demo-data-${each.key}"
  size     = 8
}

resource "scp_volume_attachment" "data" {
  for_each  = scp_volume.data
  server_id = scp_virtual_server.demo.id
  volume_id = each.value.id
}

output "server_id" {
  value = scp_virtual_server.demo.id
}

output "os_volume_id" {
  value = scp_virtual_server.demo.os_volume_id
}

output "devices" {
  value = { for name, a in scp_volume_attachment.data : name => a.device }
}
