#!/bin/bash
# Runs the Python test suites against a server binary:
#   1. tests/integration (pytest, through redis-py and redis-cli)
#   2. tests/compat (differential run against Debian's redis-server: case files + 200 random streams)
# Usage: tests/run_python_tests.sh BIN [REDIS_BIN]
# Exits non-zero if either fails; pytest collecting no tests (exit 5) counts as a failure.
set -u
if [[ $# -lt 1 ]]; then
  echo "usage: $0 SERVER_BINARY [ORACLE_REDIS_SERVER]" >&2
  exit 2
fi
# absolute, but symlinks kept: /usr/bin/redis-server is a link that dispatches on its name
bin="$(realpath -s "$1")"
oracle="${2:-/usr/bin/redis-server}"
here="$(cd "$(dirname "$0")" && pwd)"
py=/usr/bin/python3

if [[ ! -x "$bin" ]]; then
  echo "run_python_tests: $bin is not an executable" >&2
  exit 2
fi

CORVID_SERVER="$bin" "$py" -m pytest -q "$here/integration"
pytest_rc=$?
if [[ $pytest_rc -eq 5 ]]; then
  echo "run_python_tests: pytest collected no tests" >&2
fi

"$py" "$here/compat/compat.py" --corvid "$bin" --redis "$oracle" --cases "$here/compat/cases" \
  --seed 1 --count "${COMPAT_COUNT:-200}"
compat_rc=$?

echo "run_python_tests: integration exit $pytest_rc, compat exit $compat_rc"
if [[ $pytest_rc -ne 0 || $compat_rc -ne 0 ]]; then
  exit 1
fi
exit 0
