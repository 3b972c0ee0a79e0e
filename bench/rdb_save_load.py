#!/usr/bin/python3
"""SAVE and start-up load time of an RDB file with N mixed keys, corvid against Redis in the same run.

Usage: bench/rdb_save_load.py CORVID_BIN [--redis /usr/bin/redis-server] [--keys 1000000]

Each server gets the same dataset: 80% strings (DEBUG POPULATE), the rest small hashes, lists, sets and zsets
(listpack/intset encodings) plus a few big collections. Reports SAVE wall time, file size and the load time the
server logs ("DB loaded from disk: X seconds"), and corvid/Redis ratios (lower is better for corvid).
Then BGSAVE while redis-benchmark overwrites the strings: the peak memory of parent + child during the save (sum of
their proportional set sizes, sampled every 10 ms) and the copy-on-write size the server reports
(rdb_last_cow_size).
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import redis


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, workdir, port):
    log = os.path.join(workdir, "server.log")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, "--save", "",
                             "--appendonly", "no", "--enable-debug-command", "yes", "--logfile", log],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = redis.Redis(port=port, socket_timeout=600)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if c.ping():
                return proc, c, log
        except (redis.ConnectionError, redis.BusyLoadingError):
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def stop(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def fill(c, n):
    strings = n * 8 // 10
    c.execute_command("DEBUG", "POPULATE", strings, "str", 20)
    rest = n - strings
    p = c.pipeline(transaction=False)
    for i in range(rest):
        kind = i % 4
        if kind == 0:
            p.hset("h:%d" % i, mapping={"name": "user%d" % i, "age": i % 90, "city": "somewhere"})
        elif kind == 1:
            p.rpush("l:%d" % i, "a", "b", i, "d")
        elif kind == 2:
            p.sadd("s:%d" % i, 1, 2, 3, i)
        else:
            p.zadd("z:%d" % i, {"x": 1, "y": 2.5, "m%d" % i: i})
        if i % 1000 == 999:
            p.execute()
    p.rpush("biglist", *range(100000))
    p.hset("bighash", mapping={"f%d" % i: i for i in range(100000)})
    p.zadd("bigzset", {"m%d" % i: i for i in range(100000)})
    p.execute()


def pss(pid):
    """Proportional set size of a process in bytes (shared pages split between the processes sharing them)."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def bgsave_under_writes(proc, c, port, n):
    """Peak parent+child memory during a BGSAVE while clients overwrite keys; returns (peak bytes, cow bytes)."""
    load = subprocess.Popen(["redis-benchmark", "-p", str(port), "-t", "set", "-n", "100000000", "-r", str(n * 8 // 10),
                             "-d", "20", "-c", "20", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        c.bgsave()
        peak = 0
        while True:
            peak = max(peak, pss(proc.pid) + sum(pss(k) for k in children(proc.pid)))
            if c.info("persistence")["rdb_bgsave_in_progress"] == 0:
                break
            time.sleep(0.01)
    finally:
        load.kill()
        load.wait()
    return peak, c.info("persistence")["rdb_last_cow_size"]


def measure(binary, n):
    work = tempfile.mkdtemp(prefix="rdbbench-")
    try:
        port = free_port()
        proc, c, log = start(binary, work, port)
        fill(c, n)
        dbsize = c.dbsize()
        t0 = time.monotonic()
        c.save()
        save_s = time.monotonic() - t0
        size = os.path.getsize(os.path.join(work, "dump.rdb"))
        stop(proc)
        proc, c, log = start(binary, work, port)
        assert c.dbsize() == dbsize
        before = pss(proc.pid)
        peak, cow = bgsave_under_writes(proc, c, port, n)
        stop(proc)
        with open(log) as f:
            m = re.findall(r"DB loaded from disk: ([0-9.]+) seconds", f.read())
        return {"keys": dbsize, "save_s": save_s, "load_s": float(m[-1]), "bytes": size, "before": before,
                "peak": peak, "cow": cow}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corvid")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--keys", type=int, default=1000000)
    a = ap.parse_args()
    cor = measure(a.corvid, a.keys)
    red = measure(a.redis, a.keys)
    print("%-8s %10s %10s %10s %12s %12s %14s %12s" % ("server", "keys", "SAVE s", "load s", "file bytes",
                                                     "PSS before", "BGSAVE peak", "CoW bytes"))
    for name, r in (("corvid", cor), ("redis", red)):
        print("%-8s %10d %10.3f %10.3f %12d %12d %14d %12d" % (name, r["keys"], r["save_s"], r["load_s"], r["bytes"],
                                                             r["before"], r["peak"], r["cow"]))
    print("ratio corvid/redis: SAVE %.2f, load %.2f, file size %.3f, BGSAVE peak memory %.2f" %
          (cor["save_s"] / red["save_s"], cor["load_s"] / max(red["load_s"], 1e-3), cor["bytes"] / red["bytes"],
           cor["peak"] / max(red["peak"], 1)))


if __name__ == "__main__":
    main()
