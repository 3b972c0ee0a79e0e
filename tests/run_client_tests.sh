#!/bin/bash
# Runs the Node.js client tests (ioredis, node-redis) against a server binary.
# Usage: tests/run_client_tests.sh BIN
# Installs the pinned packages of tests/integration/node (npm ci, from the lock file) when missing.
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 SERVER_BINARY" >&2
  exit 2
fi
bin="$(realpath -s "$1")"
dir="$(cd "$(dirname "$0")/integration/node" && pwd)"
if [[ ! -d "$dir/node_modules/ioredis" || ! -d "$dir/node_modules/redis" ]]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$dir"
CORVID_SERVER="$bin" node --test --test-reporter=spec
