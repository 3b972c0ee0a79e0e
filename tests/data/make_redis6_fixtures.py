#!/usr/bin/python3
"""Writes the Redis 6 fixtures test_redis6_files.py loads: redis6-dump.rdb (RDB version 9: ziplist encodings,
stream type 15) and redis6-appendonly.aof (a single-file AOF: RDB preamble, then commands), both from a real
Redis 6.0.16 (Debian bullseye's redis-tools package, whose redis-check-rdb binary is the server).

Usage: tests/data/make_redis6_fixtures.py /path/to/redis-6.0-server [outdir]
Getting the binary without touching the system's apt state:
  printf 'deb http://deb.debian.org/debian bullseye main\\n' > /tmp/r6/bullseye.list
  A="-o Dir::Etc::sourcelist=/tmp/r6/bullseye.list -o Dir::Etc::sourceparts=/dev/null
     -o Dir::State::Lists=/tmp/r6/lists -o Dir::Cache=/tmp/r6/cache"
  apt-get $A update && apt-get $A download redis-tools=5:6.0.16-1+deb11u2 libssl1.1
  dpkg-deb -x redis-tools_*.deb x; dpkg-deb -x libssl1.1_*.deb x
  LD_LIBRARY_PATH=x/usr/lib/x86_64-linux-gnu x/usr/bin/redis-check-rdb --port ...   (argv[0] must say redis-server)
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import redis


def fill(c):
    """Every type in the encodings Redis 6.0 writes (ziplist lists/hashes/zsets, quicklist, intset, streams)."""
    c.set("str:int", "12345")
    c.set("str:embstr", "hello world")
    c.set("str:raw", "x" * 100)
    c.set("str:ttl", "v", px=10_000_000_000)
    c.set(b"bin\x00key", b"\x00\xff")
    c.rpush("list:small", "a", "b", "1", "-2", "300000", "x" * 70)
    c.rpush("list:big", *["element-%d" % i for i in range(2000)])
    c.sadd("set:intset", 1, 2, 3, -100, 70000, 5_000_000_000)
    c.sadd("set:hash", "a", "b", "c")
    c.zadd("zset:zl", {"a": 1, "b": 2.5, "c": -3, "d": float("inf")})
    c.zadd("zset:sl", {"m%d" % i: i * 1.5 for i in range(300)})
    c.hset("hash:zl", mapping={"f1": "v1", "f2": "2"})
    c.hset("hash:ht", mapping={"f%d" % i: "v%d" % i for i in range(300)})
    c.expire("hash:zl", 10_000_000)
    for i in range(50):
        c.xadd("stream", {"f": i, "g": "x" * (i % 5)}, id="%d-%d" % (1000 + i // 3, i % 3))
    c.xdel("stream", "1001-1")
    c.xgroup_create("stream", "g1", id="0")
    c.xgroup_create("stream", "g2", id="1005-0")
    c.xreadgroup("g1", "alice", {"stream": ">"}, count=5)
    c.xreadgroup("g1", "bob", {"stream": ">"}, count=3)
    c.xack("stream", "g1", "1000-1")
    c.xadd("stream:empty", {"a": 1}, id="5-1")
    c.xdel("stream:empty", "5-1")
    c.execute_command("SELECT", 3)
    c.set("db3:key", "in db 3")
    c.execute_command("SELECT", 0)


def main():
    binary, out = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__)))
    work = tempfile.mkdtemp()
    exe = os.path.join(work, "redis-server")
    os.symlink(os.path.abspath(binary), exe)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--dir", work, "--save", "",
                             "--appendonly", "yes", "--aof-use-rdb-preamble", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = redis.Redis(port=port)
        for _ in range(100):
            try:
                c.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        fill(c)
        c.save()
        c.bgrewriteaof()
        while c.info("persistence")["aof_rewrite_in_progress"] or c.info("persistence")["aof_rewrite_scheduled"]:
            time.sleep(0.05)
        time.sleep(0.5)
        c.set("after:rewrite", "tail")  # in the AOF's command tail
        c.incr("counter")
        c.rpush("list:small", "tail")
        time.sleep(1.5)  # everysec
        shutil.copy(os.path.join(work, "dump.rdb"), os.path.join(out, "redis6-dump.rdb"))
        shutil.copy(os.path.join(work, "appendonly.aof"), os.path.join(out, "redis6-appendonly.aof"))
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
