#!/bin/sh
# One container, three processes: Redis (private, in memory), an inference replica, the gateway.
# The gateway runs in the foreground; if the replica exits, the container stops so the Space restarts it.
set -eu
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp
(cd /opt/inference && node main.js; kill -TERM $$) &
cd /app
exec node main.js
