#!/bin/bash
# Memory side by side:  used_memory and RSS after DEBUG POPULATE 1000000 for corvid and Debian redis-server, same run.
# usage: bench/mem_vs_redis.sh build/src/corvid-server
C=$1; R=/usr/bin/redis-server; d=$(mktemp -d)
$C --port 7611 --save '' --appendonly no --dir $d --enable-debug-command yes >/dev/null 2>&1 & pc=$!
$R --port 7612 --save '' --appendonly no --dir $d --enable-debug-command yes >/dev/null 2>&1 & pr=$!
sleep 1
for p in 7611 7612; do
  redis-cli -p $p debug populate 1000000 >/dev/null
  um=$(redis-cli -p $p info memory | tr -d '\r' | awk -F: '/^used_memory:/{print $2}')
  pid=$([ $p = 7611 ] && echo $pc || echo $pr)
  rss=$(awk '/VmRSS/{print $2*1024}' /proc/$pid/status)
  echo "port=$p $([ $p = 7611 ] && echo corvid || echo redis) keys=$(redis-cli -p $p dbsize) used_memory=$um rss=$rss"
done
kill $pc $pr; rm -rf $d
