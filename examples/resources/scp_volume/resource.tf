resource "scp_volume" "data" {
  name        = "web-1-data"
  size        = 64 # GiB, a multiple of 8; growing it extends the volume in place
  volume_type = "SSD"

  tags = {
    team = "platform"
  }
}
