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

  boot_volume = {
    size = 16
  }

  tags = {
    purpose = "demo"
  }
}

resource "scp_volume" "data" {
  count = 2
  name  = "demo-data-${count.index}"
  size  = 8
}

resource "scp_volume_attachment" "data" {
  count     = 2
  server_id = scp_virtual_server.demo.id
  volume_id = scp_volume.data[count.index].id
}

output "server_id" {
  value = scp_virtual_server.demo.id
}

output "os_volume_id" {
  value = scp_virtual_server.demo.os_volume_id
}

output "devices" {
  value = scp_volume_attachment.data[*].device
}
