"""SLOWLOG, LATENCY (monitor and histograms) and INFO latencystats: reply shapes and contents that do not
depend on timing. Runs against Redis too (CORVID_SERVER=/usr/bin/redis-server)."""

import subprocess
import threading

import pytest
import redis

from conftest import wait_until


@pytest.fixture
def obs(r):
    r.config_set("slowlog-log-slower-than", 0)
    r.slowlog_reset()
    yield r
    r.config_set("slowlog-log-slower-than", 10000)
    r.config_set("slowlog-max-len", 128)
    r.config_set("latency-monitor-threshold", 0)
    r.config_set("latency-tracking", "yes")
    r.config_set("latency-tracking-info-percentiles", "50 99 99.9")
    r.execute_command("LATENCY", "RESET")


def raw_slowlog(r, n):
    return r.execute_command("SLOWLOG", "GET", n)


def test_slowlog_entry_fields(obs, server):
    obs.client_setname("obs-client")
    obs.set("k", "v")
    entries = raw_slowlog(obs, 1)
    assert len(entries) == 1
    eid, ts, dur, args, peer, name = entries[0]
    assert args == ["SET", "k", "v"]
    assert isinstance(eid, int) and isinstance(ts, int) and dur >= 0
    assert abs(ts - int(obs.time()[0])) <= 2
    assert peer == obs.client_info()["addr"]
    assert name == "obs-client"
    # ids grow; newest first
    obs.get("k")
    newer = raw_slowlog(obs, 2)
    assert newer[0][0] > newer[1][0] and newer[0][3] == ["GET", "k"]


def test_slowlog_truncates_arguments_and_long_strings(obs):
    obs.execute_command("DEL", *["k%d" % i for i in range(40)])
    args = raw_slowlog(obs, 1)[0][3]
    assert len(args) == 32
    assert args[:2] == ["DEL", "k0"] and args[30] == "k29"
    assert args[31] == "... (10 more arguments)"
    obs.set("long", "x" * 200)
    args = raw_slowlog(obs, 1)[0][3]
    assert args[2] == "x" * 128 + "... (72 more bytes)"


def test_slowlog_redacts_passwords_and_skips_exec(obs):
    with pytest.raises(redis.ResponseError):
        obs.execute_command("AUTH", "user", "secret")
    assert raw_slowlog(obs, 1)[0][3] == ["AUTH", "(redacted)", "(redacted)"]
    p = obs.pipeline(transaction=True)
    p.set("a", "1")
    p.incr("a")
    p.execute()
    names = [e[3][0].lower() for e in raw_slowlog(obs, 4)]
    assert names[:3] == ["incrby", "set", "multi"]
    assert "exec" not in names


def test_slowlog_len_reset_max_len_and_threshold(obs):
    obs.config_set("slowlog-max-len", 3)
    for i in range(10):
        obs.set("k%d" % i, i)
    assert obs.slowlog_len() == 3
    assert obs.execute_command("SLOWLOG", "RESET") in (b"OK", "OK", True)
    assert obs.slowlog_len() == 1  # the RESET itself is logged after it ran
    obs.config_set("slowlog-log-slower-than", -1)
    obs.execute_command("SLOWLOG", "RESET")
    obs.set("x", 1)
    assert obs.slowlog_len() == 0
    assert len(raw_slowlog(obs, -1)) == 0
    with pytest.raises(redis.ResponseError, match="count should be greater than or equal to -1"):
        raw_slowlog(obs, -2)


def test_latency_monitor_events(start_server):
    obs = start_server(args=["--enable-debug-command", "yes"]).client()
    obs.config_set("latency-monitor-threshold", 10)
    obs.execute_command("DEBUG", "SLEEP", "0.03")
    latest = obs.execute_command("LATENCY", "LATEST")
    events = {e[0]: e for e in latest}
    assert "command" in events
    name, when, last, worst = events["command"]
    assert last >= 30 and worst >= last and abs(when - int(obs.time()[0])) <= 2
    history = obs.execute_command("LATENCY", "HISTORY", "command")
    assert len(history) == 1 and history[0][1] == last
    graph = obs.execute_command("LATENCY", "GRAPH", "command")
    if isinstance(graph, bytes):
        graph = graph.decode()
    lines = graph.split("\n")
    assert lines[0] == "command - high %d ms, low %d ms (all time high %d ms)" % (last, last, worst)
    assert lines[1] == "-" * 80
    assert lines[5] == "_" and lines[7] == "0" and lines[8] == "s"
    doctor = obs.execute_command("LATENCY", "DOCTOR")
    if isinstance(doctor, bytes):
        doctor = doctor.decode()
    assert "1. command: 1 latency spikes" in doctor
    assert obs.execute_command("LATENCY", "RESET", "command", "nosuch") == 1
    assert obs.execute_command("LATENCY", "LATEST") == []
    with pytest.raises(redis.ResponseError, match="No samples available for event 'command'"):
        obs.execute_command("LATENCY", "GRAPH", "command")


def test_latency_histogram_and_info_latencystats(obs):
    obs.config_resetstat()
    for i in range(5):
        obs.set("h%d" % i, i)
    obs.config_get("maxmemory")
    reply = obs.execute_command("LATENCY", "HISTOGRAM", "set", "config")
    # redis-py flattens maps to lists in RESP2
    hist = dict(zip(reply[0::2], reply[1::2]))
    assert set(hist) == {"set", "config|get"} or set(hist) >= {"set", "config|get"}
    fields = dict(zip(hist["set"][0::2], hist["set"][1::2]))
    assert fields["calls"] == 5
    buckets = fields["histogram_usec"]
    counts = buckets[1::2]
    assert counts == sorted(counts) and counts[-1] == 5
    assert all(b in (1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16909, 33818)
               for b in buckets[0::2])
    info = obs.info("latencystats")
    line = info["latency_percentiles_usec_set"]
    assert set(line) == {"p50", "p99", "p99.9"}
    assert line["p50"] <= line["p99"] <= line["p99.9"]
    obs.config_set("latency-tracking-info-percentiles", "0 50 100")
    assert set(obs.info("latencystats")["latency_percentiles_usec_set"]) == {"p0", "p50", "p100"}
    obs.config_set("latency-tracking", "no")
    assert obs.info("latencystats") == {}
    obs.config_set("latency-tracking", "yes")
    obs.config_resetstat()
    assert "latency_percentiles_usec_set" not in obs.info("latencystats")


def test_memory_usage_and_stats(r):
    r.set("small", "v")
    small = r.memory_usage("small")
    assert 0 < small <= 72  # Redis 7.0.15 answers 72 for this key
    r.rpush("list", *range(1000))
    assert r.memory_usage("list") > small
    assert r.memory_usage("list", samples=0) == r.memory_usage("list") or not is_corvid(r)
    assert r.memory_usage("missing") is None
    stats = r.execute_command("MEMORY", "STATS")
    stats = dict(zip(stats[0::2], stats[1::2]))
    for field in ("peak.allocated", "total.allocated", "startup.allocated", "overhead.total", "keys.count",
                  "dataset.bytes", "fragmentation", "db.0"):
        assert field in stats
    assert stats["keys.count"] == 2
    assert stats["peak.allocated"] >= stats["total.allocated"] * 0.9
    doctor = r.execute_command("MEMORY", "DOCTOR")
    assert "Sam" in (doctor.decode() if isinstance(doctor, bytes) else doctor)
    assert r.execute_command("MEMORY", "PURGE") in ("OK", b"OK", True)
    stats_text = r.execute_command("MEMORY", "MALLOC-STATS")
    if r.info("memory")["mem_allocator"].startswith("jemalloc"):
        assert "jemalloc statistics" in stats_text
    else:
        assert stats_text == "Stats not supported for the current allocator"


def test_memory_usage_samples(r):
    """SAMPLES n measures n elements (list: nodes) and scales to the size; 0 measures all; 5 by default."""
    def usage(key, samples=None):
        return r.memory_usage(key) if samples is None else r.memory_usage(key, samples=samples)

    # The first elements in iteration order are big, the rest small: few samples overestimate.
    members = {"big%d" % i + "x" * 2000: i for i in range(5)}
    members.update({"m%d" % i: 10 + i for i in range(2000)})
    r.zadd("z", members)  # a skiplist is sampled in score order
    r.rpush("l", *["y" * 100000] * 5)  # five 100 KB nodes, then nodes of small integers
    for base in range(0, 50000, 5000):
        r.rpush("l", *range(base, base + 5000))
    for key in ("z", "l"):
        exact = usage(key, 0)
        assert usage(key) == usage(key, 5) > 3 * exact
        assert usage(key, 100000) == exact
        assert exact <= usage(key, 64) < usage(key, 5)
    # Hashtables: measuring everything gives the payload's size, whatever order the table has.
    r.hset("h", mapping={"f%d" % i: ("v" * 1000 if i % 2 else "v") for i in range(3000)})
    r.sadd("s", *[("s%d" % i) + ("w" * 1000 if i % 2 else "") for i in range(3000)])
    for key in ("h", "s"):
        exact = usage(key, 0)
        assert 1500 * 1000 < exact < 2 * 1500 * 1000
        assert usage(key, 100000) == exact
        assert usage(key) == usage(key, 5)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("MEMORY", "USAGE", "h", "SAMPLES", -1)


def is_corvid(r):
    return "corvid_version" in r.info("server")


def test_info_memory_and_stats_fields(r):
    info = r.info("everything")
    for field in ("used_memory_startup", "used_memory_dataset_perc", "allocator_frag_bytes", "rss_overhead_ratio",
                  "mem_clients_normal", "mem_not_counted_for_evict", "instantaneous_ops_per_sec",
                  "instantaneous_input_kbps", "total_eviction_exceeded_time", "current_eviction_exceeded_time",
                  "expire_cycle_cpu_milliseconds", "evicted_keys", "keyspace_hits", "mem_fragmentation_ratio"):
        assert field in info, field
    assert info["used_memory_startup"] <= info["used_memory"]
    assert info["used_memory_peak"] >= info["used_memory_startup"]


def cli_output(server, *args, timeout=20):
    return server.cli(*args, timeout=timeout).stdout


def test_redis_cli_bigkeys_memkeys_hotkeys_and_stat(r, server):
    r.rpush("biglist", *range(100))
    r.hset("bighash", mapping={"f%d" % i: i for i in range(10)})
    r.set("bigstring", "x" * 500)
    for i in range(50):
        r.set("s%d" % i, i)
    out = cli_output(server, "--bigkeys")
    assert "Biggest   list found '\"biglist\"' has 100 items" in out
    assert "Biggest   hash found '\"bighash\"' has 10 fields" in out
    assert "Biggest string found '\"bigstring\"' has 500 bytes" in out
    assert "Sampled 53 keys in the keyspace!" in out
    out = cli_output(server, "--memkeys")
    assert "Biggest   list found '\"biglist\"' has" in out and "Sampled 53 keys" in out
    # without an LFU policy redis-cli refuses (OBJECT FREQ answers an error)
    assert "LFU" in server.cli("--hotkeys").stderr
    r.config_set("maxmemory-policy", "allkeys-lfu")
    try:
        r.set("hot", "x")
        for _ in range(200):
            r.get("hot")
        out = cli_output(server, "--hotkeys")
        assert 'keyname: "hot"' in out
        assert "Sampled 54 keys" in out
    finally:
        r.config_set("maxmemory-policy", "noeviction")
    try:
        subprocess.run(["stdbuf", "-o0", "redis-cli", "-p", str(server.port), "--stat", "-i", "0.2"],
                       capture_output=True, text=True, timeout=1.5)
        out = ""
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
    lines = out.splitlines()
    assert lines[0].startswith("------- data ------")
    assert lines[2].split()[0] == "54"  # keys


def test_unlink_and_lazy_user_del_free_big_values_in_the_background(r):
    r.config_resetstat()
    base = r.info("memory")["lazyfreed_objects"]
    r.hset("bigh", mapping={"f%d" % i: i for i in range(20000)})
    r.rpush("smalllist", *range(1000))  # a few quicklist nodes: freed at once
    r.sadd("small", 1, 2, 3)
    assert r.unlink("bigh", "smalllist", "small", "nokey") == 3
    assert r.dbsize() == 0
    assert wait_until(lambda: r.info("memory")["lazyfreed_objects"] == base + 1)
    assert r.info("memory")["lazyfree_pending_objects"] == 0
    r.config_set("lazyfree-lazy-user-del", "yes")
    try:
        r.zadd("bigz", {"m%d" % i: i for i in range(20000)})
        assert r.delete("bigz") == 1
        assert wait_until(lambda: r.info("memory")["lazyfreed_objects"] == base + 2)
    finally:
        r.config_set("lazyfree-lazy-user-del", "no")


def test_client_list_argv_mem(server):
    # argv-mem: the arguments of the command a client is running (the caller's own CLIENT LIST/INFO) or blocked
    # in; 0 for idle clients. Same figures as Redis 7.0.15.
    r = server.client()
    info = dict(f.split("=", 1) for f in r.execute_command("CLIENT", "INFO").split())
    assert info["argv-mem"] == "10"  # "client" + "info"
    waiter = server.client()
    wid = waiter.client_id()
    t = threading.Thread(target=lambda: waiter.blpop("argv:key", 0))
    t.start()
    try:
        assert wait_until(lambda: r.info("clients")["blocked_clients"] == 1)
        lines = {int(c["id"]): c for c in r.client_list()}
        assert lines[wid]["argv-mem"] == "14"  # "blpop" + "argv:key" + "0"
        assert lines[r.client_id()]["argv-mem"] == "10"  # "client" + "list"
    finally:
        r.rpush("argv:key", "x")
        t.join(timeout=30)
