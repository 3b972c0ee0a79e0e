#!/usr/bin/env bash
# Soak version of the AOF durability test: N rounds (default 200) of "write with acknowledgements, SIGKILL at a
# random moment, restart, check every acknowledged write is there" for appendfsync always and everysec.
# Usage: bench/aof_crash_soak.sh [build/src/corvid-server] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
export CORVID_SERVER="$(realpath "${1:-build/src/corvid-server}")"
export AOF_CRASH_ROUNDS="${2:-200}"
exec /usr/bin/python3 -m pytest -q tests/integration/test_aof.py -k sigkill
