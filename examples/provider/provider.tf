# Credentials usually come from the environment (SCP_ACCESS_KEY, SCP_SECRET_KEY)
# or from ~/.scpconf/credentials.json; they can also be set here.
provider "scp" {
  # The endpoints come from SCP's endpoint catalog, as in Samsung's official provider.
  # This can also be left to SCP_TF_AUTH_URL or to auth-url in ~/.scpconf/config.json.
  auth_url   = "https://iam.e.samsungsdscloud.com/v1"
  region     = "kr-west1"
  account_id = "<your account id>" # tags are kept in Resource Manager, per account
}

# Without the catalog: a region builds https://virtualserver.kr-west1.e.samsungsdscloud.com
# provider "scp" {
#   region = "kr-west1"
# }

# Behind a TLS-inspecting corporate proxy: trust its CA in addition to the system's.
# provider "scp" {
#   region  = "kr-west1"
#   ca_file = "/etc/ssl/corp-proxy-ca.pem"
# }

# Against a local SCP emulator (see `make emulator`). Plain http is accepted for
# loopback addresses only; endpoints are base URLs, without a path.
# provider "scp" {
#   endpoint   = "http://127.0.0.1:8443"
#   access_key = "emulator-access-key"
#   secret_key = "emulator-secret-key"
# }
