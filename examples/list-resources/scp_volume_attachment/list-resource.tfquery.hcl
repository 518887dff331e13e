# Every data volume attachment of every server.
list "scp_volume_attachment" "all" {
  provider = scp
  limit    = 1000
}

# One server's attachments, its OS disk included (with skip_destroy = true).
list "scp_volume_attachment" "web" {
  provider = scp
  config {
    server_id        = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
    include_os_disks = true
  }
}
