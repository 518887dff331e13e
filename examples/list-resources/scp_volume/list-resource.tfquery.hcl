# The volumes attached to no server: candidates to adopt, or to clean up.
list "scp_volume" "unattached" {
  provider = scp
  limit    = 1000
  config {
    attached = false
  }
}

# The volumes attached to one server, its OS disk left out (the default).
list "scp_volume" "web" {
  provider = scp
  config {
    server_id = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"
  }
}
