#!/bin/bash
# Proves that compat.py reports no difference between two identical servers and catches
# deliberate differences. Usage: tests/compat/selftest/selftest.sh [REDIS_BIN]
set -u
here="$(cd "$(dirname "$0")" && pwd)"
compat="$here/../compat.py"
cases="$here/../cases"
redis="${1:-/usr/bin/redis-server}"
broken="$here/broken_server.py"
py=/usr/bin/python3
status=0

expect() {  # expect pass|fail LABEL ARGS...
  local want="$1" label="$2"; shift 2
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  local last; last="$(printf '%s\n' "$out" | tail -n 1)"
  if [[ "$want" == pass && $rc -eq 0 && "$last" == *", 0 failed" ]]; then
    echo "ok   $label: $last"
  elif [[ "$want" == fail && $rc -ne 0 && "$out" == *"=== DIFFERENCE"* ]]; then
    echo "ok   $label: caught ($(printf '%s\n' "$out" | grep -m1 '^>>'))"
  else
    echo "FAIL $label (wanted $want, exit $rc): $last"
    printf '%s\n' "$out" | tail -n 30
    status=1
  fi
}

if $py -m pytest -q -p no:cacheprovider "$here/test_harness.py" >/dev/null; then
  echo "ok   harness unit tests"
else
  echo "FAIL harness unit tests ($py -m pytest -q $here/test_harness.py)"
  status=1
fi
expect pass "redis vs redis, cases" $py "$compat" --corvid "$redis" --redis "$redis" --cases "$cases"
expect pass "redis vs redis, random" $py "$compat" --corvid "$redis" --redis "$redis" --seed 7 --count 100
expect pass "transparent proxy, cases" env BROKEN_MODE=none $py "$compat" --corvid "$broken" --redis "$redis" --cases "$cases"
for mode in errtext embstr resp3null noclose lru; do
  expect fail "broken '$mode', cases" env BROKEN_MODE=$mode $py "$compat" --corvid "$broken" --redis "$redis" --cases "$cases"
done
for mode in errtext embstr lru; do
  expect fail "broken '$mode', random" env BROKEN_MODE=$mode $py "$compat" --corvid "$broken" --redis "$redis" --seed 7 --count 100
done
exit $status
