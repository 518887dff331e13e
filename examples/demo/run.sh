#!/usr/bin/env bash
# `make demo`: build the provider and the SCP emulator, start the emulator on loopback, run
# `terraform apply` then `terraform destroy` on examples/demo, and show what the emulator saw.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work="$root/.demo"
bin="$root/bin"
terraform=${TERRAFORM:-terraform}
export CHECKPOINT_DISABLE=1

command -v "$terraform" >/dev/null || { echo "demo: terraform (>= 1.3) must be on PATH" >&2; exit 1; }
command -v go >/dev/null || { echo "demo: go must be on PATH" >&2; exit 1; }

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the provider and the emulator"
mkdir -p "$bin"
(cd "$root" && go build -o "$bin/terraform-provider-scp" . && go build -o "$bin/scp-emulator" ./internal/cmd/scp-emulator)

rm -rf "$work"
mkdir -p "$work"
cp "$root/examples/demo/main.tf" "$work/"

step "Starting the SCP emulator on loopback"
"$bin/scp-emulator" -listen 127.0.0.1:0 -env-file "$work/emulator.env" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$work/emulator.env" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
# shellcheck disable=SC1091
source "$work/emulator.env"
echo "endpoint $SCP_ENDPOINT, access key $SCP_ACCESS_KEY (the emulator's demo credentials)"
echo "request log: $work/emulator.log"

# Use the freshly built provider without a registry: a dev override, in a CLI config of our own.
cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "scp-community/scp" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraform.rc"
cd "$work"

step "terraform apply"
"$terraform" apply -auto-approve -compact-warnings

step "terraform destroy"
"$terraform" destroy -auto-approve -compact-warnings

step "What the emulator did"
"$bin/scp-emulator" report -endpoint "$SCP_ENDPOINT"

remaining=$("$terraform" state list | wc -l)
if [ "$remaining" -ne 0 ]; then
  echo "demo: $remaining resources are still in the state" >&2
  exit 1
fi
step "Done: everything created was destroyed, and every operation was waited for."
