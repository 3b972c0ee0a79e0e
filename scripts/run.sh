#!/usr/bin/env bash
# Set-up, build, and start corvid on 6379 with conf/corvid.conf (in the foreground; extra args are passed on).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec build/src/corvid-server conf/corvid.conf "$@"
