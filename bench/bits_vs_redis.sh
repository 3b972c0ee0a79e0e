#!/bin/bash
# PFADD, PFCOUNT and BITCOUNT over a 64 MB bitmap: corvid and Debian's redis-server side by side, same run.
# usage: bench/bits_vs_redis.sh build/src/corvid-server [requests]
# Prints requests/s for each server and their ratio corvid/redis, then the server CPU time per request (from
# /proc/PID/stat, so less sensitive to other load on the machine) and the ratio redis/corvid (> 1: corvid uses
# less CPU). Both servers and redis-benchmark share the machine: requests/s move between runs.
set -eu
C=$(realpath "$1"); R=/usr/bin/redis-server; N=${2:-100000}
d=$(mktemp -d)
pc=$((20000 + RANDOM % 20000)); pr=$((pc + 1))
$C --port $pc --bind 127.0.0.1 --save '' --appendonly no --dir "$d" >/dev/null 2>&1 & cpid=$!
$R --port $pr --bind 127.0.0.1 --save '' --appendonly no --dir "$d" >/dev/null 2>&1 & rpid=$!
trap 'kill $cpid $rpid 2>/dev/null; rm -rf "$d"' EXIT
for p in $pc $pr; do
  for _ in $(seq 50); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done
  # a dense sketch, a second one for the union, and a 64 MB bitmap of random bytes
  redis-benchmark -p $p -q -n 20000 -r 1000000 pfadd hll __rand_int__ >/dev/null
  redis-benchmark -p $p -q -n 20000 -r 1000000 pfadd hll2 __rand_int__ >/dev/null
  head -c 1048576 /dev/urandom > "$d/chunk"
  for i in $(seq 0 63); do redis-cli -p $p -x setrange big $((i * 1048576)) < "$d/chunk" >/dev/null; done
done
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }  # user + system CPU of a process, in clock ticks
hz=$(getconf CLK_TCK)
rps() {  # port, pid, requests, command...: "requests/s cpu-us-per-request"
  local p=$1 pid=$2 n=$3; shift 3
  local t0 t1 v
  t0=$(ticks $pid)
  v=$(redis-benchmark -p $p -q -n $n -r 1000000 "$@" | tr '\r' '\n' |
      awk '/requests per second/{for (i = 1; i < NF; i++) if ($(i + 1) == "requests") v = $i} END{print v}')
  t1=$(ticks $pid)
  echo "$v $(echo "($t1 - $t0) * 1000000 / $hz / $n" | bc -l)"
}
printf "%-26s %11s %11s %6s %9s %9s %6s\n" test corvid/s redis/s ratio "corvid us" "redis us" ratio
run() {  # name, requests, command...
  local name=$1 n=$2; shift 2
  local a b
  a=($(rps $pc $cpid $n "$@")); b=($(rps $pr $rpid $n "$@"))
  printf "%-26s %11.0f %11.0f %6.2f %9.2f %9.2f %6.2f\n" "$name" "${a[0]}" "${b[0]}" "$(echo "${a[0]} / ${b[0]}" | bc -l)" \
    "${a[1]}" "${b[1]}" "$(echo "${b[1]} / (${a[1]} + 0.000001)" | bc -l)"
}
run "PFADD (P1)" $N pfadd hll __rand_int__
run "PFADD (P16)" $N -P 16 pfadd hll __rand_int__
run "PFADD 10 elements (P16)" $((N / 5)) -P 16 pfadd hll3 __rand_int__ a__rand_int__ b__rand_int__ \
  c__rand_int__ d__rand_int__ e__rand_int__ f__rand_int__ g__rand_int__ h__rand_int__ i__rand_int__
run "PFCOUNT cached (P16)" $N -P 16 pfcount hll
run "PFCOUNT union of 2" $((N / 20)) pfcount hll hll2
run "BITCOUNT 64MB" $((N / 500 + 10)) bitcount big
run "BITCOUNT 64MB BIT range" $((N / 500 + 10)) bitcount big 5 536870000 BIT
