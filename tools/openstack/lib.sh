# Shared helpers for the local OpenStack scripts (sourced, not run).
# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this file

# The scripts run OpenStack's own Python: the Debian one, never a python3 found first on PATH.
PY=/usr/bin/python3
OS_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OS_REPO=$(cd "$OS_TOOLS/../.." && pwd)
OPENSTACK_DIR=${OPENSTACK_DIR:-$OS_REPO/.openstack}
case $OPENSTACK_DIR in /*) ;; *) OPENSTACK_DIR=$PWD/$OPENSTACK_DIR ;; esac
LOGS=$OPENSTACK_DIR/logs
RUN=$OPENSTACK_DIR/run
OS_START_SECONDS=${OS_START_SECONDS:-$(date +%s.%N)}
export OPENSTACK_DIR OS_START_SECONDS

# Every port the cloud listens on, all on 127.0.0.1. OPENSTACK_PORT_OFFSET moves them all,
# so that a second cloud can run beside the first; the offset a cloud was started with is
# kept in its work folder, for openstack-down and a second openstack-up.
if [ -z "${OPENSTACK_PORT_OFFSET:-}" ] && [ -f "$OPENSTACK_DIR/port-offset" ]; then
	OPENSTACK_PORT_OFFSET=$(cat "$OPENSTACK_DIR/port-offset")
fi
OPENSTACK_PORT_OFFSET=${OPENSTACK_PORT_OFFSET:-0}
case $OPENSTACK_PORT_OFFSET in *[!0-9]*) echo "OPENSTACK_PORT_OFFSET must be a number" >&2; exit 2 ;; esac
PORT_MYSQL=$((3306 + OPENSTACK_PORT_OFFSET))
PORT_AMQP=$((5672 + OPENSTACK_PORT_OFFSET))
PORT_EPMD=$((4369 + OPENSTACK_PORT_OFFSET))
PORT_RABBIT_DIST=$((25672 + OPENSTACK_PORT_OFFSET))
PORT_KEYSTONE=$((5000 + OPENSTACK_PORT_OFFSET))
PORT_GLANCE=$((9292 + OPENSTACK_PORT_OFFSET))
PORT_PLACEMENT=$((8778 + OPENSTACK_PORT_OFFSET))
PORT_NOVA=$((8774 + OPENSTACK_PORT_OFFSET))
PORT_CINDER=$((8776 + OPENSTACK_PORT_OFFSET))
PORT_NEUTRON=$((9696 + OPENSTACK_PORT_OFFSET))
export PORT_KEYSTONE PORT_GLANCE PORT_PLACEMENT PORT_NOVA PORT_CINDER PORT_NEUTRON
ALL_PORTS="$PORT_KEYSTONE $PORT_GLANCE $PORT_PLACEMENT $PORT_NOVA $PORT_CINDER $PORT_NEUTRON $PORT_AMQP $PORT_RABBIT_DIST $PORT_EPMD $PORT_MYSQL"

elapsed() { awk -v s="$OS_START_SECONDS" -v n="$(date +%s.%N)" 'BEGIN { printf "%6.1fs", n - s }'; }
step() { echo "[$(elapsed)] $*"; }
# What a failed start leaves running stays for inspection; this stops it.
STOP_HINT="stop what did start with: make openstack-down OPENSTACK_DIR=$OPENSTACK_DIR"
die() {
	echo "[$(elapsed)] FAILED: $*" >&2
	[ ! -f "$RUN/services" ] || echo "          $STOP_HINT" >&2
	exit 1
}
# fail_service NAME LOG MESSAGE: the failure names the service and the log to read.
fail_service() {
	echo "[$(elapsed)] FAILED: $1: $3" >&2
	echo "          read the log: $2" >&2
	if [ -s "$2" ]; then
		echo "          its last lines:" >&2
		tail -n 15 "$2" | sed 's/^/            /' >&2
	fi
	[ ! -f "$RUN/services" ] || echo "          $STOP_HINT" >&2
	exit 1
}

# port_busy PORT: true when something listens on 127.0.0.1:PORT (or on every address).
port_busy() { ss -Hltn "sport = :$1" | grep -q .; }
# listeners PORT...: the listening sockets on these ports, with their processes.
listeners() { ss -Hltnp | grep -E ":($(echo "$*" | tr ' ' '|'))\b" || true; }
