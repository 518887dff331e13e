#!/usr/bin/env bash
# Installs the Debian packages the local OpenStack needs, when any is missing.
# Only the library packages: the daemon packages (keystone, nova-api, ...) would
# configure a system database through debconf and pull in qemu, libvirt, lvm2.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
	python3-keystone python3-glance python3-placement python3-nova python3-cinder python3-neutron
	mariadb-server python3-pymysql rabbitmq-server uwsgi-core uwsgi-plugin-python3
	curl iproute2 procps
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	step "packages: all ${#PACKAGES[@]} installed"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}); run as root to install them"
command -v apt-get >/dev/null || die "packages missing (${missing[*]}) and no apt-get: this needs Debian 12"

# Package scripts must not start MariaDB or RabbitMQ on the ports the cloud uses.
prc=/usr/sbin/policy-rc.d
added_prc=
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\n# Written by tools/openstack/install.sh: package scripts start no daemon.\nexit 101\n' >"$prc"
	chmod 755 "$prc"
	added_prc=1
elif ! grep -q 'exit 101' "$prc"; then
	die "$prc exists and does not answer 101; package scripts would start MariaDB and RabbitMQ"
fi

mkdir -p "$LOGS"
step "packages: installing ${#missing[@]} missing (${missing[*]}); log: $LOGS/apt.log"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update >>"$LOGS/apt.log" 2>&1; then
	fail_service apt "$LOGS/apt.log" "apt-get update failed: the Debian archive cannot be reached"
fi
if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1; then
	fail_service apt "$LOGS/apt.log" "apt-get install failed: the packages cannot be installed"
fi
[ -z "$added_prc" ] || rm -f "$prc"
step "packages: installed"
