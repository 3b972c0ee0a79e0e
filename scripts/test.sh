#!/usr/bin/env bash
# Set-up, build, and run every test: unit tests (release and ASan/UBSan), integration tests and the
# differential runner against Debian's redis-server (release binary, then the sanitizer binary), and the
# Node.js client tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh --sanitize
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== unit tests (release)"
ctest --test-dir build --output-on-failure -j 2
echo "== unit tests (ASan/UBSan)"
ctest --test-dir build-asan --output-on-failure -j 2
echo "== integration + differential tests (release)"
bash tests/run_python_tests.sh "$PWD/build/src/corvid-server"
echo "== integration + differential tests (ASan/UBSan)"
COMPAT_COUNT=${COMPAT_COUNT_ASAN:-50} bash tests/run_python_tests.sh "$PWD/build-asan/src/corvid-server"
echo "== Node.js client tests: ioredis, node-redis (release)"
bash tests/run_client_tests.sh "$PWD/build/src/corvid-server"
echo "all tests passed"
