#!/usr/bin/python3
"""Eviction quality: a cache-aside workload (GET; on a miss SET) with Zipf-distributed keys against corvid and
Debian's redis-server in the same run, both with the same maxmemory and maxmemory-policy; prints each hit rate
and the ratio. Both servers start on free loopback ports and are stopped by pid.

usage: bench/eviction_hitrate.py build/src/corvid-server [--policies allkeys-lru,allkeys-lfu]
       [--keys 100000] [--requests 200000] [--budget-mb 2] [--zipf 0.9] [--seed 1]
"""

import argparse
import bisect
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

import redis

VALUE = "v" * 100


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, workdir):
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, decode_responses=True)
    for _ in range(200):
        try:
            client.ping()
            return proc, client
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("%s did not start" % binary)


def zipf_cdf(n, s):
    weights = [1.0 / (i ** s) for i in range(1, n + 1)]
    total = sum(weights)
    acc, cdf = 0.0, []
    for w in weights:
        acc += w / total
        cdf.append(acc)
    return cdf


def run(client, policy, budget, keys, seed, cdf, requests):
    client.flushall()
    client.config_set("maxmemory", 0)
    client.config_set("maxmemory-policy", policy)
    base = client.info("memory")["used_memory"]
    client.config_set("maxmemory", base + budget)
    rng = random.Random(seed)
    # the same permutation for both servers: popular ranks are not clustered by key name
    names = ["key:%d" % i for i in range(keys)]
    rng.shuffle(names)
    hits = misses = 0
    warmup = requests // 5
    done = 0
    while done < requests:
        batch = [names[bisect.bisect_left(cdf, rng.random())] for _ in range(1000)]
        p = client.pipeline(transaction=False)
        for k in batch:
            p.get(k)
        got = p.execute()
        p = client.pipeline(transaction=False)
        for k, v in zip(batch, got):
            if v is None:
                p.set(k, VALUE)
        p.execute()
        if done >= warmup:
            h = sum(1 for v in got if v is not None)
            hits += h
            misses += len(got) - h
        done += len(batch)
    info = client.info()
    return hits / (hits + misses), info["evicted_keys"], client.dbsize()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corvid")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--policies", default="allkeys-lru,allkeys-lfu,allkeys-random")
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--budget-mb", type=float, default=2)
    ap.add_argument("--zipf", type=float, default=0.9)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    cdf = zipf_cdf(a.keys, a.zipf)
    budget = int(a.budget_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory() as d:
        procs = []
        try:
            pc, cc = start(os.path.abspath(a.corvid), d)
            procs.append(pc)
            pr, rc = start(a.redis, d)
            procs.append(pr)
            print("%d keys, zipf s=%.2f, %d requests (first 20%% warm-up), budget %.1f MB above the empty server"
                  % (a.keys, a.zipf, a.requests, a.budget_mb))
            print("%-16s %12s %12s %8s   %s   %s" % ("policy", "corvid hit", "redis hit", "ratio", "keys kept c/r", "evicted c/r"))
            for policy in a.policies.split(","):
                hc, ec, kc = run(cc, policy, budget, a.keys, a.seed, cdf, a.requests)
                hr, er, kr = run(rc, policy, budget, a.keys, a.seed, cdf, a.requests)
                print("%-16s %11.2f%% %11.2f%% %8.3f   %d/%d   %d/%d" % (policy, hc * 100, hr * 100, hc / hr, kc,
                                                                    kr, ec, er))
        finally:
            for p in procs:
                p.kill()
                p.wait()


if __name__ == "__main__":
    main()
