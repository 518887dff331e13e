# The demo: one server with two data volumes attached, applied and destroyed against the
# bundled SCP emulator. The provider settings come from the environment that run.sh sets.
terraform {
  required_providers {
    scp = {
      source = "scp-community/scp"
    }
  }
}

provider "scp" {}

resource "scp_virtual_server" "demo" {
  name           = "demo-web-1"
  image_id       = "ubuntu-22.04"
  server_type_id = "s1v2m4"
  keypair_name   = "demo-key"

  networks = [
    { subnet_id = "demo-subnet" },
  ]

  boot_volume = {
    size = 16
  }

  tags = {
    purpose = "demo"
  }
}

# for_each, not count: each volume and attachment is keyed by name, so removing one of them
# later detaches only that one (with count, every attachment after it would shift and be replaced).
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
