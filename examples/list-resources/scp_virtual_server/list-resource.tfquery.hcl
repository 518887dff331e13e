# Every server (at most 1000: a list block returns 100 unless its limit says otherwise).
list "scp_virtual_server" "all" {
  provider = scp
  limit    = 1000
}

# The running servers named web.
list "scp_virtual_server" "web" {
  provider = scp
  config {
    name  = "web"
    state = "ACTIVE"
  }
}
