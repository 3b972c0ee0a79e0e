#!/bin/bash
# PUBLISH fan-out and MULTI/EXEC throughput, corvid against Debian's redis-server in the same run.
#   - PUBLISH to 1, 10 and 100 subscribers (redis-cli subscribers reading everything), redis-benchmark -c 50,
#     at -P 1 and -P 16;
#   - a pipeline of 200000 MULTI / SET / INCR / EXEC transactions pushed with redis-cli --pipe.
# Each figure is the median of ROUNDS (3) runs; the ratio is corvid/redis.
# usage: bench/pubsub_tx_vs_redis.sh build/src/corvid-server
set -eu
C=${1:?corvid binary}; R=/usr/bin/redis-server
ROUNDS=${ROUNDS:-3}; PC=$((20000 + RANDOM % 20000)); PR=$((PC + 1))
d=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$d"; }
trap cleanup EXIT
start() {  # bin port
  "$1" --port "$2" --save '' --appendonly no --dir "$d" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do redis-cli -p "$2" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server on $2 did not start" >&2; exit 1
}
start "$C" $PC; start "$R" $PR
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "n/a"}'; }
subscribe() {  # port count: starts count subscribers of channel "ch"
  for _ in $(seq "$2"); do redis-cli -p "$1" subscribe ch >/dev/null 2>&1 & pids+=($!); done
  local want=$2
  for _ in $(seq 200); do
    [ "$(redis-cli -p "$1" pubsub numsub ch | tail -1)" -ge "$want" ] && return 0; sleep 0.05
  done
}
publish_rps() {  # port pipeline
  redis-benchmark -p "$1" -c 50 -n 200000 -P "$2" --csv -q publish ch hello 2>/dev/null \
    | awk -F'","' '!/^"test"/ {gsub(/"/,"",$2); print $2; exit}'
}
printf '%-22s %3s %12s %12s %6s\n' test P corvid redis ratio
subs=0
for n in 1 10 100; do
  subscribe $PC $((n - subs)); subscribe $PR $((n - subs)); subs=$n
  for P in 1 16; do
    : >"$d/a"; : >"$d/b"
    for _ in $(seq "$ROUNDS"); do publish_rps $PC $P >>"$d/a"; publish_rps $PR $P >>"$d/b"; done
    a=$(median <"$d/a"); b=$(median <"$d/b")
    printf '%-22s %3s %12s %12s %6s\n' "publish_${n}_subscribers" "$P" "$a" "$b" "$(ratio "$a" "$b")"
  done
done
# MULTI / SET / INCR / EXEC x 200000 through one connection's pipe.
awk 'BEGIN{for(i=0;i<200000;i++){k="k" (i%1000); printf "MULTI\r\nSET %s v\r\nINCR c%s\r\nEXEC\r\n", k, i%100}}' >"$d/tx.txt"
tx_rate() {  # port -> transactions/s
  local t0 t1
  t0=$(date +%s%N); redis-cli -p "$1" --pipe <"$d/tx.txt" >/dev/null; t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) 'BEGIN{printf "%.0f", 200000 / (ns / 1e9)}'
}
: >"$d/a"; : >"$d/b"
for _ in $(seq "$ROUNDS"); do tx_rate $PC >>"$d/a"; tx_rate $PR >>"$d/b"; done
a=$(median <"$d/a"); b=$(median <"$d/b")
printf '%-22s %3s %12s %12s %6s\n' "multi_set_incr_exec" pipe "$a" "$b" "$(ratio "$a" "$b")"
