# Starting and stopping the cloud's processes (sourced by up.sh and down.sh).
# Each service runs in its own session (setsid), so its process id is also its
# process group: down.sh ends the group, workers and helpers included.
# shellcheck shell=bash

# launch NAME COMMAND...: starts a service in the background, its output in
# logs/NAME.log, its process id in run/NAME.pid.
launch() {
	local name=$1
	shift
	mkdir -p "$LOGS" "$RUN"
	setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
	echo $! >"$RUN/$name.pid"
	# Not this script's job any more: its end is reported by wait_until, not by bash.
	disown $!
	echo "$name" >>"$RUN/services"
}

# main_of NAME MODULE:FUNCTION: the Python that runs a console-script entry point
# (the library packages install few of the scripts themselves).
main_of() {
	echo "import sys; from ${2%%:*} import ${2##*:} as main; sys.argv[0] = '$1'; sys.exit(main())"
}

# pyentry NAME MODULE:FUNCTION ARGS...: runs an entry point under the Debian Python.
pyentry() {
	local name=$1 entry=$2
	shift 2
	"$PY" -c "$(main_of "$name" "$entry")" "$@"
}

# alive NAME: true while the recorded process of NAME runs.
alive() {
	local pid
	pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null
}

# wait_until SECONDS NAME CHECK...: runs CHECK every half second until it succeeds;
# fails naming the service and its log if it does not within SECONDS, or if the
# service's process ends.
wait_until() {
	local limit=$1 name=$2
	shift 2
	local deadline=$((SECONDS + limit))
	while ! "$@" >/dev/null 2>&1; do
		if [ -f "$RUN/$name.pid" ] && ! alive "$name"; then
			fail_service "$name" "$LOGS/$name.log" "the process ended while starting"
		fi
		if [ $SECONDS -ge $deadline ]; then
			fail_service "$name" "$LOGS/$name.log" "not ready after ${limit}s ($*)"
		fi
		sleep 0.5
	done
}

# http_answers URL: true when the URL answers any HTTP status below 500.
http_answers() {
	local code
	code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1") || return 1
	[ "$code" -ge 100 ] && [ "$code" -lt 500 ]
}

# stop_service NAME: ends the process group of NAME (TERM, then KILL after 15 s).
stop_service() {
	local name=$1 pid
	pid=$(cat "$RUN/$name.pid" 2>/dev/null) || return 0
	if kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	fi
	echo "$pid"
}

group_alive() { kill -0 -- "-$1" 2>/dev/null || kill -0 "$1" 2>/dev/null; }
