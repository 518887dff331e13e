#!/usr/bin/env bash
# Stops what up.sh started, and only that: the process groups recorded in
# $OPENSTACK_DIR/run. Works after a partial or failed start too. Waits until the
# processes are gone and the ports are free. The work folder stays (logs, configs).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$OS_TOOLS/services.sh"

if [ ! -f "$RUN/services" ]; then
	step "nothing recorded in $RUN: OpenStack is not running from $OPENSTACK_DIR"
	exit 0
fi
rm -f "$RUN/up.done"

# The API services first, the message bus and the database last, so that no
# service logs a storm of reconnects while it stops.
mapfile -t names < <(tac "$RUN/services")
stop_group() { # stop_group NAME...: TERM to each, then wait up to 20 s, then KILL.
	local name pid pids=() deadline
	for name in "$@"; do
		pid=$(stop_service "$name") && [ -n "$pid" ] && pids+=("$pid")
	done
	deadline=$((SECONDS + 20))
	for pid in "${pids[@]}"; do
		while group_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
		if group_alive "$pid"; then
			echo "[$(elapsed)] process group $pid did not stop in 20 s: killing it" >&2
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}
last=()
first=()
for name in "${names[@]}"; do
	case $name in mariadb | rabbitmq | epmd) last+=("$name") ;; *) first+=("$name") ;; esac
done
[ ${#first[@]} -eq 0 ] || stop_group "${first[@]}"
step "stopped: ${first[*]:-no OpenStack service}"
for name in rabbitmq epmd mariadb; do
	case " ${last[*]} " in *" $name "*) stop_group "$name" ;; esac
done
step "stopped: ${last[*]:-no database or message bus}"

deadline=$((SECONDS + 30))
while :; do
	busy=
	for port in $ALL_PORTS; do port_busy "$port" && busy="$busy $port"; done
	[ -n "$busy" ] || break
	[ $SECONDS -lt $deadline ] || die "ports still in use after the stop:$busy ($(listeners "$busy" | tr -s ' ' | tr '\n' ';'))"
	sleep 0.5
done
for name in "${names[@]}"; do rm -f "$RUN/$name.pid"; done
rm -f "$RUN/services"
step "OpenStack is down; nothing listens on its ports (logs kept in $LOGS)"
