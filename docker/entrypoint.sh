#!/bin/sh
# Runs corvid-server in the foreground; arguments are passed as on redis-server's command line.
set -e
exec /usr/local/bin/corvid-server "$@"
