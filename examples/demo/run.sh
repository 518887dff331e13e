#!/usr/bin/env bash
# `make demo`: build the provider and the SCP emulator, start the emulator on loopback, run
# `terraform apply` then `terraform destroy` on examples/demo, and show what the emulator saw.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work="$root/.demo"
bin="$root/bin"
terraform=${TERRAFORM:-terraform}
export CHECKPOINT_DISABLE=1

# shellcheck source=examples/demo/lib.sh
source "$root/examples/demo/lib.sh"
require_tools demo

step "Building the provider and the emulator"
mkdir -p "$bin"
(cd "$root" && go build -o "$bin/terraform-provider-scp" . && go build -o "$bin/scp-emulator" ./internal/cmd/scp-emulator)

fresh_workdir demo

step "Starting the SCP emulator on loopback"
start_emulator "$bin/scp-emulator" -listen 127.0.0.1:0
echo "endpoint $SCP_ENDPOINT, access key $SCP_ACCESS_KEY (the emulator's demo credentials)"
echo "request log: $work/emulator.log"

apply_and_destroy

step "What the emulator did"
"$bin/scp-emulator" report -endpoint "$SCP_ENDPOINT"

require_empty_state demo
step "Done: everything created was destroyed, and every operation was waited for."
