#!/usr/bin/env bash
# Build a Terraform or OpenTofu CLI of a given version from its Go module and cache it,
# so that the acceptance tests can run against it:
#
#   tools/terraform-versions.sh terraform@1.5.7 tofu@1.10.10
#   make test TERRAFORM="$(tools/terraform-versions.sh terraform@1.5.7)"
#
# Prints the path of each binary, one a line, in the order asked. Without arguments it builds
# the versions the README's "Supported Terraform versions" section was measured with.
#
# Only the Go module proxy is used (no release downloads): the module is fetched with
# `go mod download`, copied out of the read-only module cache and built there with
# `go build`, at the lowest CPU priority. A cold build takes several minutes on 2 cores.
#
# Since 1.13 Terraform keeps most remote-state backends (s3, gcs, azurerm, ...) and
# internal/legacy as nested Go modules, which a module download leaves out. The build copy
# drops them (see prune_nested_modules); the local, http, inmem, remote and cloud backends stay,
# which is all the acceptance tests use.
#
# Binaries live in ${TF_CLI_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/terraform-provider-scp/cli}/<name>-<version>/.
# Remove that directory to rebuild.
set -euo pipefail

export CHECKPOINT_DISABLE=1
export TF_CLI_CONFIG_FILE=/dev/null

cache_root=${TF_CLI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-scp/cli}
default_versions=(terraform@1.5.7 terraform@1.11.4 tofu@1.10.10)

usage() {
	echo "usage: $0 [terraform@VERSION | tofu@VERSION]..." >&2
	exit 2
}

# prune_nested_modules DIR: in a copy of Terraform's module at DIR, drops every nested module
# that go.mod replaces with a directory the download did not include: its replace and require
# lines from go.mod, and for a remote-state backend its import and registration from the
# backend list. A module without such replaces is left as it is.
prune_nested_modules() {
	local dir=$1 init=$1/internal/backend/init/init.go mod path alias
	while read -r mod path; do
		[ -d "$dir/$path" ] && continue
		echo "  leaving out $mod (a nested module the download does not include)" >&2
		sed -i -e "\#^replace $mod => #d" -e "\#^[[:space:]]*$mod v#d" "$dir/go.mod"
		[ -f "$init" ] || continue
		alias=$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"$mod\"\$#\1#p" "$init")
		[ -n "$alias" ] || continue
		sed -i -e "\#\"$mod\"\$#d" -e "/[[:space:]]$alias\.New(/d" "$init"
	done < <(sed -n 's#^replace \([^ ]*\) => \(\./[^ ]*\)$#\1 \2#p' "$dir/go.mod")
}

# build NAME VERSION: prints the cached binary's path, building it first when it is missing.
# A subshell, so that its EXIT trap removes its own copy of the sources.
build() (
	local name=$1 version=$2 module pkg ldflags
	case $name in
	terraform)
		module=github.com/hashicorp/terraform
		pkg=.
		# Without this 1.6 and later call themselves <version>-dev.
		ldflags="-s -w -X github.com/hashicorp/terraform/version.dev=no"
		;;
	tofu | opentofu)
		name=tofu
		module=github.com/opentofu/opentofu
		pkg=./cmd/tofu
		# Without this the binary calls itself <version>-dev.
		ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no"
		;;
	*) usage ;;
	esac

	local dir=$cache_root/$name-$version
	local bin=$dir/$name
	if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
		echo "$bin"
		return
	fi

	echo "building $name $version from $module@v$version (cached in $dir) ..." >&2
	local info src
	# On failure go prints the reason into the JSON's "Error" field and exits non-zero.
	info=$(go mod download -json "$module@v$version") || true
	src=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	if [ -z "$src" ] || [ ! -d "$src" ]; then
		echo "error: could not download $module@v$version:" >&2
		printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/  \1/p' >&2
		exit 1
	fi

	local work
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	cp -R "$src/." "$work/"
	chmod -R u+w "$work"
	prune_nested_modules "$work"

	mkdir -p "$dir"
	local start=$SECONDS
	(
		cd "$work"
		# -mod=mod: the module's go.sum may lack entries for platforms it was not released on,
		# and it lets go drop the requirements only the pruned backends had.
		CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local nice -n 19 \
			go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" "$pkg"
	)
	mv "$bin.tmp" "$bin"
	echo "built $name $version in $((SECONDS - start))s: $("$bin" version | head -n 1)" >&2
	echo "$bin"
)

if [ $# -eq 0 ]; then
	set -- "${default_versions[@]}"
fi
for arg in "$@"; do
	case $arg in
	-h | --help) usage ;;
	*@*) build "${arg%%@*}" "${arg#*@}" ;;
	*) usage ;;
	esac
done
