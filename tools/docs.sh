#!/usr/bin/env bash
# Generates docs/ from the provider schema, templates/ and examples/ with
# tfplugindocs, without touching the network.
#
# tfplugindocs can export the schema itself, but then it builds the provider,
# looks for Terraform on PATH and, failing that, downloads one. We do the
# export ourselves instead, with the Terraform we were given:
#
#   1. go build the provider into a temporary plugin directory;
#   2. write a CLI config whose dev_overrides point registry.terraform.io/hashicorp/scp
#      at that directory (tfplugindocs looks the schema up under "scp" or
#      "registry.terraform.io/hashicorp/scp", so we use the implied hashicorp/
#      address rather than scp-community/; the binary does not care);
#   3. run `terraform providers schema -json` against `provider "scp" {}`
#      (no init is needed with dev_overrides);
#   4. run `tfplugindocs generate --providers-schema ...`, which then never
#      builds, downloads or runs anything, and `tfplugindocs validate`.
#
# Environment:
#   TERRAFORM     Terraform CLI to use (default: terraform on PATH)
#   TFPLUGINDOCS  tfplugindocs binary (default: bin/tfplugindocs)
#   SCHEMA_OUT    if set, the exported schema JSON is also copied there
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

die() { echo "docs: $*" >&2; exit 1; }

TERRAFORM=${TERRAFORM:-$(command -v terraform || true)}
TFPLUGINDOCS=${TFPLUGINDOCS:-$root/bin/tfplugindocs}
[ -n "$TERRAFORM" ] && [ -x "$TERRAFORM" ] ||
	die "no Terraform CLI found: put terraform on PATH or set TERRAFORM=/path/to/terraform"
[ -x "$TFPLUGINDOCS" ] || die "$TFPLUGINDOCS is missing: run 'make tools' (or 'make docs')"

export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE

work=$(mktemp -d "${TMPDIR:-/tmp}/scp-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins" "$work/config"

echo "docs: building the provider"
go build -o "$work/plugins/terraform-provider-scp" .

cat >"$work/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/scp" = "$work/plugins"
  }
  # Nothing else may be installed: this run must stay offline.
  filesystem_mirror {
    path    = "$work/empty-mirror"
    include = ["registry.terraform.io/*/*"]
  }
}
EOF
mkdir -p "$work/empty-mirror"
export TF_CLI_CONFIG_FILE="$work/terraformrc"

printf 'provider "scp" {}\n' >"$work/config/main.tf"

echo "docs: exporting the schema with $("$TERRAFORM" version | sed -n 1p) ($TERRAFORM)"
if ! (cd "$work/config" && "$TERRAFORM" providers schema -json >"$work/schema.json" 2>"$work/schema.err"); then
	cat "$work/schema.err" >&2
	die "terraform providers schema failed (does the provider build and serve a schema?)"
fi
grep -q '"registry.terraform.io/hashicorp/scp"' "$work/schema.json" ||
	die "the exported schema has no entry for the scp provider"
if [ -n "${SCHEMA_OUT:-}" ]; then
	cp "$work/schema.json" "$SCHEMA_OUT"
fi

echo "docs: rendering docs/ with $(go version -m "$TFPLUGINDOCS" | awk '$1 == "mod" {print $2, $3}')"
"$TFPLUGINDOCS" generate \
	--provider-dir "$root" \
	--provider-name scp \
	--rendered-provider-name "Samsung Cloud Platform (SCP)" \
	--providers-schema "$work/schema.json" \
	--examples-dir examples \
	--website-source-dir templates \
	--rendered-website-dir docs \
	--website-temp-dir "$work/website"

# validate logs every file it looks at; show that only when it fails.
if ! "$TFPLUGINDOCS" validate \
	--provider-dir "$root" \
	--provider-name scp \
	--providers-schema "$work/schema.json" >"$work/validate.log" 2>&1; then
	grep -v '\[DEBUG\]' "$work/validate.log" >&2
	die "tfplugindocs validate found problems in docs/ (see above)"
fi
echo "docs: tfplugindocs validate passed"

echo "docs: done"
