#!/bin/sh
# Downstream task of the dummy processing-container.
set -eu
for c in channel1 channel2; do
	echo "downstream: $c/dummy.txt: $(cat /home/downstream/$c/dummy.txt)"
done
if touch /home/downstream/channel1/write-test 2>/dev/null; then
	echo "downstream: channel1 is writable, want read-only"
	exit 1
fi
echo "downstream: inputs are read-only"
limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
echo "downstream: memory limit $limit"
echo "downstream: TIME_SLEEP=${TIME_SLEEP}"
