#!/usr/bin/env bash
# `make demo-openstack`: build the provider and the OpenStack emulator, start the emulator on
# loopback, run `terraform apply` then `terraform destroy` on examples/demo-openstack, and show what
# the emulator saw: one detach DELETE per attachment, and never Cinder's os-detach.
# FLAVOUR=otc runs it with Open Telekom Cloud's rules.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work="$root/.demo-openstack"
bin="$root/bin"
terraform=${TERRAFORM:-terraform}
flavour=${FLAVOUR:-nova}
export CHECKPOINT_DISABLE=1

command -v "$terraform" >/dev/null || { echo "demo-openstack: terraform (>= 1.3) must be on PATH" >&2; exit 1; }
command -v go >/dev/null || { echo "demo-openstack: go must be on PATH" >&2; exit 1; }

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the provider and the OpenStack emulator"
mkdir -p "$bin"
(cd "$root" && go build -o "$bin/terraform-provider-scp" . && go build -o "$bin/openstack-emulator" ./internal/cmd/openstack-emulator)

rm -rf "$work"
mkdir -p "$work"
cp "$root/examples/demo-openstack/main.tf" "$work/"

step "Starting the OpenStack emulator ($flavour) on loopback"
"$bin/openstack-emulator" -listen 127.0.0.1:0 -flavour "$flavour" -latency-scale 0.5 \
  -env-file "$work/emulator.env" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$work/emulator.env" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
# shellcheck disable=SC1091
source "$work/emulator.env"
if [ "$flavour" = otc ]; then export SCP_OPENSTACK_FLAVOUR=otc; fi
echo "Keystone $OS_AUTH_URL, user $OS_USERNAME, project $OS_PROJECT_NAME (the emulator's demo credentials)"
echo "request log: $work/emulator.log"

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
report_status=0
"$bin/openstack-emulator" report -endpoint "$OPENSTACK_EMULATOR_URL" || report_status=$?
detaches=$(grep -c ' attachment.delete ' "$work/emulator.log" || true)
tokens=$(grep -c ' identity.token.create ' "$work/emulator.log" || true)
echo
echo "detach DELETEs: $detaches (one per attachment); Keystone token requests: $tokens"

remaining=$("$terraform" state list | wc -l)
if [ "$remaining" -ne 0 ]; then
  echo "demo-openstack: $remaining resources are still in the state" >&2
  exit 1
fi
if [ "$report_status" -ne 0 ]; then
  echo "demo-openstack: the report failed (a deprecated Cinder action was called, or the emulator did not answer)" >&2
  exit 1
fi
if [ "$detaches" -ne 2 ]; then
  echo "demo-openstack: $detaches detach DELETEs for 2 attachments" >&2
  exit 1
fi
step "Done: everything created was destroyed, each attachment with one DELETE, and Cinder's os-detach was never used."
