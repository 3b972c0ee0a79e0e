#!/bin/bash
# redis-benchmark tests (by default the collection ones), corvid against Debian's redis-server in the same run,
# with the server CPU per request.
# usage: bench/throughput_vs_redis.sh build/src/corvid-server
# env:   TESTS (redis-benchmark -t list), PIPELINE ("1 16"), ROUNDS (5), REQUESTS (-n at P1, 100000),
#        REQUESTS_PIPELINED (-n at P>1, 1000000), PIN (1: servers on CPU 1, redis-benchmark on CPU 0),
#        TLS (1: the benchmark connects over TLS to tls-port, certificates made by bench/make_test_certs.sh)
# For each test and pipeline depth, rounds alternate between the two servers; it prints the median requests/s
# of each, their ratio corvid/redis, the median server CPU time per request (user + system, from
# /proc/PID/stat) and the ratio redis/corvid of that (> 1: corvid spends less CPU per request). When
# redis-benchmark saturates its core (most rows on a 2-core machine), requests/s measures the client as much
# as the server and the CPU column is the steadier comparison. An lrange test's CPU includes the LPUSH
# warm-up redis-benchmark runs before it (same -n).
set -eu
C=$(realpath "$1"); R=/usr/bin/redis-server
TESTS=${TESTS:-lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,lrange_300,lrange_600}
PIPELINE=${PIPELINE:-1 16}; ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-100000}; REQUESTS_PIPELINED=${REQUESTS_PIPELINED:-1000000}
if [ "${PIN:-1}" = 1 ]; then on_server="taskset -c 1"; on_client="taskset -c 0"; else on_server=""; on_client=""; fi
d=$(mktemp -d)
pc=$((20000 + RANDOM % 20000)); pr=$((pc + 1))
tls_server=(); tls_client=(); bc=$pc; br=$pr  # the ports redis-benchmark uses
if [ "${TLS:-0}" = 1 ]; then
  bash "$(dirname "$0")/make_test_certs.sh" "$d"
  tls_server=(--tls-cert-file "$d/server.crt" --tls-key-file "$d/server.key" --tls-ca-cert-file "$d/ca.crt")
  tls_client=(--tls --cacert "$d/ca.crt" --cert "$d/client.crt" --key "$d/client.key")
  bc=$((pc + 2)); br=$((pc + 3))
fi
$on_server "$C" --port $pc --bind 127.0.0.1 --save '' --appendonly no --dir "$d" ${tls_server[@]+"${tls_server[@]}"} \
  $([ $bc != $pc ] && echo --tls-port $bc) >/dev/null 2>&1 & cpid=$!
$on_server "$R" --port $pr --bind 127.0.0.1 --save '' --appendonly no --dir "$d" ${tls_server[@]+"${tls_server[@]}"} \
  $([ $br != $pr ] && echo --tls-port $br) >/dev/null 2>&1 & rpid=$!
trap 'kill $cpid $rpid 2>/dev/null; rm -rf "$d"' EXIT
for p in $pc $pr; do
  for _ in $(seq 50); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p $p ping >/dev/null || { echo "no server on port $p" >&2; exit 1; }
done
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }  # user + system CPU of a process, in clock ticks
hz=$(getconf CLK_TCK)
one() {  # port benchmark-port pid test pipeline requests -> "requests/s cpu-us-per-request"
  local port=$1; shift
  local t0 t1 v
  t0=$(ticks $2)
  # the row of this test (lrange tests print their LPUSH warm-up row first)
  v=$($on_client redis-benchmark -p $1 ${tls_client[@]+"${tls_client[@]}"} -t $3 -P $4 -c 50 -n $5 -d 3 -r 100000 --csv -q 2>/dev/null |
      awk -F'","' -v t="$(echo "$3" | tr a-z A-Z)" '{sub(/^"/, "", $1)} $1 == t || index($1, t " ") == 1 {
        gsub(/"/, "", $2); print $2; exit}')
  t1=$(ticks $2)
  redis-cli -p $port flushall >/dev/null
  echo "${v:-0} $(echo "($t1 - $t0) * 1000000 / $hz / $5" | bc -l)"
}
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf '%-11s %3s %11s %11s %6s %9s %9s %6s\n' test P corvid/s redis/s ratio "corvid us" "redis us" ratio
for P in $PIPELINE; do
  n=$REQUESTS; [ "$P" -gt 1 ] && n=$REQUESTS_PIPELINED
  for t in ${TESTS//,/ }; do
    : >"$d/a"; : >"$d/b"
    for _ in $(seq "$ROUNDS"); do one $pc $bc $cpid $t $P $n >>"$d/a"; one $pr $br $rpid $t $P $n >>"$d/b"; done
    ra=$(cut -d' ' -f1 "$d/a" | median); rb=$(cut -d' ' -f1 "$d/b" | median)
    ca=$(cut -d' ' -f2 "$d/a" | median); cb=$(cut -d' ' -f2 "$d/b" | median)
    printf '%-11s %3s %11.0f %11.0f %6.2f %9.2f %9.2f %6.2f\n' "$t" "$P" "$ra" "$rb" "$(echo "$ra / $rb" | bc -l)" \
      "$ca" "$cb" "$(echo "$cb / ($ca + 0.000001)" | bc -l)"
  done
done
