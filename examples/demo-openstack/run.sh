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

# shellcheck source=examples/demo/lib.sh
source "$root/examples/demo/lib.sh"
require_tools demo-openstack

step "Building the provider and the OpenStack emulator"
mkdir -p "$bin"
(cd "$root" && go build -o "$bin/terraform-provider-scp" . && go build -o "$bin/openstack-emulator" ./internal/cmd/openstack-emulator)

fresh_workdir demo-openstack

step "Starting the OpenStack emulator ($flavour) on loopback"
start_emulator "$bin/openstack-emulator" -listen 127.0.0.1:0 -flavour "$flavour" -latency-scale 0.5
if [ "$flavour" = otc ]; then export SCP_OPENSTACK_FLAVOUR=otc; fi
echo "Keystone $OS_AUTH_URL, user $OS_USERNAME, project $OS_PROJECT_NAME (the emulator's demo credentials)"
echo "request log: $work/emulator.log"

apply_and_destroy

step "What the emulator did"
report_status=0
"$bin/openstack-emulator" report -endpoint "$OPENSTACK_EMULATOR_URL" || report_status=$?
detaches=$(grep -c ' attachment.delete ' "$work/emulator.log" || true)
tokens=$(grep -c ' identity.token.create ' "$work/emulator.log" || true)
echo
echo "detach DELETEs: $detaches (one per attachment); Keystone token requests: $tokens"

require_empty_state demo-openstack
if [ "$report_status" -ne 0 ]; then
  echo "demo-openstack: the report failed (a deprecated Cinder action was called, or the emulator did not answer)" >&2
  exit 1
fi
if [ "$detaches" -ne 2 ]; then
  echo "demo-openstack: $detaches detach DELETEs for 2 attachments" >&2
  exit 1
fi
step "Done: everything created was destroyed, each attachment with one DELETE, and Cinder's os-detach was never used."
