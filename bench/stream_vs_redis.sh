#!/bin/bash
# Streams side by side with Debian's redis-server in the same run:
#   XADD throughput at pipeline 1 and 16, XRANGE of 100 entries, an XREADGROUP COUNT 100 + XACK cycle
#   (entries/s), and used_memory / RSS after 1M entries of 3 fields.
# usage: bench/stream_vs_redis.sh build/src/corvid-server [requests]   (default 100000; the machine may be shared)
set -u
C=${1:?corvid binary}; N=${2:-100000}; R=/usr/bin/redis-server
d=$(mktemp -d)
pc_port=$((20000 + RANDOM % 20000)); pr_port=$((pc_port + 1))
$C --port $pc_port --bind 127.0.0.1 --save '' --appendonly no --dir $d >/dev/null 2>&1 & pc=$!
$R --port $pr_port --bind 127.0.0.1 --save '' --appendonly no --dir $d >/dev/null 2>&1 & pr=$!
trap 'kill $pc $pr 2>/dev/null; rm -rf $d' EXIT
for p in $pc_port $pr_port; do
  for _ in $(seq 50); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done
done

rps() {  # port, pipeline, command... -> requests per second
  local p=$1 pl=$2; shift 2
  redis-benchmark -p $p -n $N -c 50 -P $pl -r 1000000 --csv "$@" 2>/dev/null | tail -1 | awk -F'","' '{print $2}' | tr -d '"'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
report() {  # name, corvid value, redis value
  printf "%-28s corvid %12s   redis %12s   ratio %s\n" "$1" "$2" "$3" "$(ratio "$2" "$3")"
}

for pl in 1 16; do
  c=$(rps $pc_port $pl xadd bench:add '*' f1 __rand_int__ f2 v2 f3 v3)
  r=$(rps $pr_port $pl xadd bench:add '*' f1 __rand_int__ f2 v2 f3 v3)
  report "XADD P$pl (req/s)" "$c" "$r"
done

for p in $pc_port $pr_port; do
  redis-benchmark -p $p -n 10000 -c 1 -P 100 xadd bench:range '*' f1 __rand_int__ f2 v2 f3 v3 >/dev/null 2>&1
done
c=$(rps $pc_port 1 xrange bench:range - + COUNT 100)
r=$(rps $pr_port 1 xrange bench:range - + COUNT 100)
report "XRANGE COUNT 100 (req/s)" "$c" "$r"

cycle() {  # port -> entries consumed and acked per second
  /usr/bin/python3 - "$1" "$N" <<'PY'
import sys, time, redis
port, n = int(sys.argv[1]), int(sys.argv[2])
r = redis.Redis(port=port)
r.delete("bench:q")
p = r.pipeline(transaction=False)
for i in range(n):
    p.xadd("bench:q", {"f1": i, "f2": "v2", "f3": "v3"})
    if i % 1000 == 999:
        p.execute()
p.execute()
r.xgroup_create("bench:q", "g", id="0")
done, t0 = 0, time.perf_counter()
while done < n:
    got = r.xreadgroup("g", "c", {"bench:q": ">"}, count=100)
    if not got:
        break
    ids = [eid for eid, _ in got[0][1]]
    r.xack("bench:q", "g", *ids)
    done += len(ids)
print(int(done / (time.perf_counter() - t0)))
PY
}
c=$(cycle $pc_port); r=$(cycle $pr_port)
report "XREADGROUP+XACK (entries/s)" "$c" "$r"

for p in $pc_port $pr_port; do redis-cli -p $p flushall >/dev/null; done
mem() {  # port pid -> "used_memory rss"
  redis-benchmark -p $1 -n 1000000 -c 50 -P 16 xadd bench:mem '*' f1 __rand_int__ f2 value-two f3 3 >/dev/null 2>&1
  local um; um=$(redis-cli -p $1 info memory | tr -d '\r' | awk -F: '/^used_memory:/{print $2}')
  echo "$um $(awk '/VmRSS/{print $2*1024}' /proc/$2/status) $(redis-cli -p $1 xlen bench:mem)"
}
read -r cu cr cl <<<"$(mem $pc_port $pc)"; read -r ru rr rl <<<"$(mem $pr_port $pr)"
report "1M entries used_memory (B)" "$cu" "$ru"
report "1M entries RSS (B)" "$cr" "$rr"
echo "entries: corvid $cl redis $rl"
