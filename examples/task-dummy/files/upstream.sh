#!/bin/sh
# Upstream task of the dummy processing-container.
set -eu
i=0
while [ "$i" -lt "${TIME_SLEEP:-0}" ]; do
	echo "upstream: iteration $i"
	sleep 1
	i=$((i + 1))
done
echo "$MESSAGE" > /home/upstream/channel1/dummy.txt
echo "$MESSAGE" > /home/upstream/channel2/dummy.txt
if [ "${PAYLOAD_KIB:-0}" -gt 0 ]; then
	dd if=/dev/zero of=/home/upstream/channel1/payload.txt bs=1024 count="$PAYLOAD_KIB" 2>/dev/null
fi
echo "upstream: wrote channel1 and channel2"
