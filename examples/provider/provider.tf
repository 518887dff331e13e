# Credentials usually come from the environment (SCP_ACCESS_KEY, SCP_SECRET_KEY)
# or from ~/.scpconf/credentials.json; they can also be set here.
provider "scp" {
  region = "kr-west1" # https://virtualserver.kr-west1.e.samsungsdscloud.com
}

# Against a local SCP emulator (see `make emulator`):
# provider "scp" {
#   endpoint   = "http://127.0.0.1:8443"
#   access_key = "emulator-access-key"
#   secret_key = "emulator-secret-key"
# }
