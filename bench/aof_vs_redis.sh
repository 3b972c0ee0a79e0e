#!/bin/bash
# Write throughput with the AOF on, side by side with Debian's redis-server in the same run: SET, INCR, LPUSH at
# pipeline 1 and 16 under appendfsync everysec (and always with FSYNC=always), medians of ROUNDS runs, plus the
# AOF size each server wrote, and the start-up load time of an AOF of 1M SETs.
# usage: bench/aof_vs_redis.sh build/src/corvid-server [requests]   (env FSYNC=everysec|always|no, ROUNDS=3)
set -u
C=${1:?corvid binary}; N=${2:-200000}; R=/usr/bin/redis-server
FSYNC=${FSYNC:-everysec}; ROUNDS=${ROUNDS:-3}
d=$(mktemp -d); mkdir -p $d/c $d/r
pc_port=$((20000 + RANDOM % 20000)); pr_port=$((pc_port + 1))
opts=(--bind 127.0.0.1 --save '' --appendonly yes --appendfsync $FSYNC --auto-aof-rewrite-percentage 0)
$C --port $pc_port "${opts[@]}" --dir $d/c >/dev/null 2>&1 & pc=$!
$R --port $pr_port "${opts[@]}" --dir $d/r >/dev/null 2>&1 & pr=$!
trap 'kill $pc $pr 2>/dev/null; rm -rf $d' EXIT
for p in $pc_port $pr_port; do
  for _ in $(seq 50); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done
done
rps() {  # port, test, pipeline -> requests per second
  redis-benchmark -p $1 -t $2 -P $3 -n $N -c 50 -r 100000 -d 3 --csv -q 2>/dev/null | grep -v "^\"test\"" | head -1 | awk -F'","' '{print $2}' | tr -d '"'
}
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "appendfsync $FSYNC, $N requests, 50 clients, median of $ROUNDS"
printf '%-8s %3s %12s %12s %7s\n' test P corvid redis ratio
for pl in 1 16; do
  for t in set incr lpush; do
    a=$(for _ in $(seq $ROUNDS); do rps $pc_port $t $pl; done | median)
    b=$(for _ in $(seq $ROUNDS); do rps $pr_port $t $pl; done | median)
    printf '%-8s %3s %12s %12s %7s\n' $t $pl "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')"
  done
done
for p in $pc_port $pr_port; do
  echo "port $p aof_current_size: $(redis-cli -p $p info persistence | tr -d '\r' | awk -F: '/^aof_current_size/{print $2}')"
done

# Load time of an AOF made of 1M SETs (incr file, no base rewrite): each server restarts on its own directory.
for side in c r; do
  port=$([ $side = c ] && echo $pc_port || echo $pr_port)
  redis-benchmark -p $port -t set -n 1000000 -r 100000000 -d 20 -c 50 -P 64 -q >/dev/null 2>&1
done
kill $pc $pr; wait $pc $pr 2>/dev/null
$C --port $pc_port "${opts[@]}" --dir $d/c --logfile $d/c/load.log >/dev/null 2>&1 & pc=$!
$R --port $pr_port "${opts[@]}" --dir $d/r --logfile $d/r/load.log >/dev/null 2>&1 & pr=$!
for p in $pc_port $pr_port; do
  for _ in $(seq 600); do redis-cli -p $p ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
done
lc=$(grep -o 'DB loaded from append only file: [0-9.]*' $d/c/load.log | awk '{print $NF}')
lr=$(grep -o 'DB loaded from append only file: [0-9.]*' $d/r/load.log | awk '{print $NF}')
echo "AOF load (1M SETs + the runs above): corvid ${lc}s ($(redis-cli -p $pc_port dbsize) keys), redis ${lr}s ($(redis-cli -p $pr_port dbsize) keys), ratio $(awk -v a="$lc" -v b="$lr" 'BEGIN{printf "%.2f", a/b}')"
