#!/usr/bin/env bash
# Prints the summed resident memory of every process the cloud started.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
total=0
count=0
[ -f "$RUN/services" ] || { echo "nothing running"; exit 0; }
while read -r name; do
	pid=$(cat "$RUN/$name.pid" 2>/dev/null) || continue
	for p in $(pgrep -g "$pid" 2>/dev/null); do
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
		[ -n "$kb" ] || continue
		total=$((total + kb))
		count=$((count + 1))
	done
done <"$RUN/services"
awk -v kb="$total" -v n="$count" 'BEGIN { printf "%d processes, %.2f GiB summed RSS\n", n, kb / 1048576 }'
