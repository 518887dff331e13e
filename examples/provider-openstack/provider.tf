# An OpenStack-family cloud instead of SCP: the openstack block selects it. Every setting falls
# back to the OS_* variable an openrc file sets, so `openstack {}` with `source openrc.sh` works.
provider "scp" {
  openstack {
    auth_url            = "https://keystone.example.com:5000/v3"
    region              = "RegionOne"
    user_name           = "terraform"
    user_domain_name    = "Default"
    project_name        = "infra"
    project_domain_name = "Default"
    # password comes from OS_PASSWORD: keep it out of configuration files.
  }
}

# Open Telekom Cloud: its rules (the system disk /dev/sda only leaves a stopped server, which this
# provider never does; data disks leave a running server only if its OS can hot-unplug them).
# provider "scp" {
#   openstack {
#     cloud   = "otc"  # an entry of clouds.yaml (secrets may sit in secure.yaml)
#     flavour = "otc"
#   }
# }

# An application credential (preferred for automation: it can be renewed and revoked on its own).
# provider "scp" {
#   openstack {
#     auth_url                  = "https://keystone.example.com:5000/v3"
#     application_credential_id = "<id>"
#     # application_credential_secret from OS_APPLICATION_CREDENTIAL_SECRET
#   }
# }
