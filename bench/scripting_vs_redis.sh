#!/usr/bin/env bash
# Scripting throughput side by side: corvid vs Debian's redis-server, same machine, same run.
#   eval_incr:  EVAL "return redis.call('incr',KEYS[1])" 1 k        at -P 1 and -P 16
#   evalsha_rl: EVALSHA of a sliding-window rate limiter (ZREMRANGEBYSCORE, ZCARD, ZADD, PEXPIRE) over random keys
# The median requests/s of ROUNDS runs per side and their ratio (corvid/redis) are printed.
# usage: bench/scripting_vs_redis.sh build/src/corvid-server [REFERENCE_BIN]
# env:   REQUESTS (-n, 200000), CLIENTS (-c, 50), ROUNDS (3), KEYSPACE (-r, 10000)
set -eu
CAND=${1:?corvid server binary}
REF=${2:-$(command -v redis-server)}
REQUESTS=${REQUESTS:-200000}; CLIENTS=${CLIENTS:-50}; ROUNDS=${ROUNDS:-3}; KEYSPACE=${KEYSPACE:-10000}
PA=${PORT_A:-$((20000 + RANDOM % 20000))}; PB=${PORT_B:-$((40000 + RANDOM % 20000))}
work=$(mktemp -d)
start() { # bin port
  "$1" --port "$2" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --logfile "$work/$2.log" >/dev/null 2>&1 &
  echo $! >"$work/$2.pid"
  for _ in $(seq 100); do redis-cli -p "$2" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server on port $2 did not answer PING" >&2; return 1
}
stop() { kill "$(cat "$work/$1.pid")" 2>/dev/null || true; }
trap 'stop $PA; stop $PB; rm -rf "$work"' EXIT
start "$CAND" $PA; start "$REF" $PB

LIMITER='local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
if redis.call("ZCARD", key) < limit then
  redis.call("ZADD", key, now, ARGV[4]) redis.call("PEXPIRE", key, window) return 1
end
return 0'
SHA=$(redis-cli -p $PA script load "$LIMITER")
[ "$SHA" = "$(redis-cli -p $PB script load "$LIMITER")" ] || { echo "SCRIPT LOAD differs" >&2; exit 1; }

rps() { # port pipeline command...
  local port=$1 p=$2; shift 2
  redis-benchmark -p "$port" -P "$p" -c "$CLIENTS" -n "$REQUESTS" -r "$KEYSPACE" --csv -q "$@" 2>/dev/null \
    | awk -F'","' 'NR>1 || !/^"test"/ {gsub(/"/,"",$2); print $2; exit}'
}
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
row() { # name pipeline command...
  local name=$1 p=$2; shift 2
  : >"$work/a"; : >"$work/b"
  for _ in $(seq "$ROUNDS"); do
    rps $PA "$p" "$@" >>"$work/a"; rps $PB "$p" "$@" >>"$work/b"
  done
  local a b
  a=$(median <"$work/a"); b=$(median <"$work/b")
  printf '%-12s %3s %14s %14s %7s\n' "$name" "$p" "${a:-fail}" "${b:-fail}" \
    "$(awk -v a="${a:-0}" -v b="${b:-0}" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "n/a"}')"
}
printf '%-12s %3s %14s %14s %7s\n' test P corvid redis ratio
row eval_incr 1 eval "return redis.call('incr',KEYS[1])" 1 k
row eval_incr 16 eval "return redis.call('incr',KEYS[1])" 1 k
row evalsha_rl 1 evalsha "$SHA" 1 rl:__rand_int__ 1000 100 10 req
row evalsha_rl 16 evalsha "$SHA" 1 rl:__rand_int__ 1000 100 10 req
