# The volumes that are attached to nothing and hold no OS image.
data "scp_volumes" "unattached_data" {
  state    = "available"
  bootable = false
}

# Every volume of one name.
data "scp_volumes" "backups" {
  name = "backup"
}

output "unattached_gib" {
  value = sum(concat([0], [for v in data.scp_volumes.unattached_data.volumes : v.size]))
}
