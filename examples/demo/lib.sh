# Shared steps of the demos (examples/demo/run.sh, examples/demo-openstack/run.sh), sourced by
# them: the caller sets root, work, bin and terraform.

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# require_tools NAME: Terraform (>= 1.5.7) and Go must be on PATH.
require_tools() {
  command -v "$terraform" >/dev/null || { echo "$1: terraform (>= 1.5.7) must be on PATH" >&2; exit 1; }
  command -v go >/dev/null || { echo "$1: go must be on PATH" >&2; exit 1; }
}

# fresh_workdir EXAMPLE: an empty $work holding examples/EXAMPLE/main.tf.
fresh_workdir() {
  rm -rf "$work"
  mkdir -p "$work"
  cp "$root/examples/$1/main.tf" "$work/"
}

# start_emulator BINARY ARGS...: start it in the background with -env-file "$work/emulator.env",
# stop it when the script exits, wait until it has written the file, and source it.
start_emulator() {
  "$@" -env-file "$work/emulator.env" >"$work/emulator.out" 2>"$work/emulator.log" &
  emulator_pid=$!
  trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    [ -s "$work/emulator.env" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
    sleep 0.1
  done
  # shellcheck disable=SC1091
  source "$work/emulator.env"
}

# use_built_provider: point Terraform at the freshly built provider with a dev_overrides CLI
# configuration of our own, so no registry is needed.
use_built_provider() {
  cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "scp-community/scp" = "$bin"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraform.rc"
}

# apply_and_destroy: with the built provider, in $work, terraform apply, then terraform destroy.
# The caller stays in $work.
apply_and_destroy() {
  use_built_provider
  cd "$work"

  step "terraform apply"
  "$terraform" apply -auto-approve -compact-warnings

  step "terraform destroy"
  "$terraform" destroy -auto-approve -compact-warnings
}

# require_empty_state NAME: fail unless the destroy left nothing in the state.
require_empty_state() {
  local remaining
  remaining=$("$terraform" state list | wc -l)
  if [ "$remaining" -ne 0 ]; then
    echo "$1: $remaining resources are still in the state" >&2
    exit 1
  fi
}
