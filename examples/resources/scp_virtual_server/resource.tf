resource "scp_virtual_server" "web" {
  name           = "web-1"
  image_id       = "ubuntu-22.04"
  server_type_id = "s1v2m4"
  keypair_name   = "ops"

  networks = [
    { subnet_id = "5f2b8a3c-0d7e-4c55-9b1a-2e6f4d8c9a01" },
  ]
  security_group_ids = ["0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"]

  boot_volume = {
    size                  = 32
    type                  = "SSD"
    delete_on_termination = true
  }

  # While true, Terraform refuses to plan the server's destruction.
  lock = false

  tags = {
    team = "platform"
  }

  timeouts {
    create = "20m"
    delete = "20m"
  }
}
