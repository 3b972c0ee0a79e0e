"""maxmemory and the eight maxmemory-policy values: what gets evicted, OOM errors, and what operators see
(evicted_keys, "evicted" notifications, WATCH, OBJECT FREQ / IDLETIME). Runs against Redis too
(CORVID_SERVER=/usr/bin/redis-server)."""

import time

import pytest
import redis
from conftest import wait_until

VALUE = "v" * 100
OOM = "command not allowed when used memory > 'maxmemory'."


@pytest.fixture
def mm(r):
    """r with fresh statistics, and maxmemory settings restored afterwards."""
    r.config_resetstat()
    yield r
    r.config_set("maxmemory", 0)
    r.config_set("maxmemory-policy", "noeviction")
    r.config_set("notify-keyspace-events", "")
    r.flushall()


def limit_above_current(r, extra=2 * 1024 * 1024):
    """Sets maxmemory to the current used_memory plus extra bytes; returns it."""
    limit = r.info("memory")["used_memory"] + extra
    r.config_set("maxmemory", limit)
    return limit


def fill(r, prefix, n, ttl=None, start=0):
    """Writes n keys prefix:i (i from start) in pipelined batches; returns the errors replied."""
    errors = []
    for base in range(start, start + n, 500):
        p = r.pipeline(transaction=False)
        for i in range(base, min(base + 500, start + n)):
            if ttl:
                p.set("%s:%d" % (prefix, i), VALUE, ex=ttl)
            else:
                p.set("%s:%d" % (prefix, i), VALUE)
        errors += [x for x in p.execute(raise_on_error=False) if isinstance(x, Exception)]
    return errors


def count(r, prefix, n):
    p = r.pipeline(transaction=False)
    for i in range(n):
        p.exists("%s:%d" % (prefix, i))
    return sum(p.execute())


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu", "allkeys-random"])
def test_allkeys_policies_stay_under_the_limit(mm, policy):
    mm.config_set("maxmemory-policy", policy)
    limit = limit_above_current(mm)
    assert fill(mm, "k", 40000) == []  # ~8 MB of writes into a 2 MB budget: nothing refused
    assert mm.info("stats")["evicted_keys"] > 0
    assert 0 < mm.dbsize() < 40000
    mm.ping()
    assert mm.info("memory")["used_memory"] <= limit * 1.05


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_volatile_policies_evict_only_keys_with_a_ttl(mm, policy):
    mm.config_set("maxmemory-policy", policy)
    limit_above_current(mm, 3 * 1024 * 1024)
    assert fill(mm, "keep", 3000) == []
    assert fill(mm, "tmp", 30000, ttl=1000) == []
    assert mm.info("stats")["evicted_keys"] > 0
    assert count(mm, "keep", 3000) == 3000
    # only persistent keys left to write over: the limit holds and writes are refused
    errors = fill(mm, "more", 30000)
    assert errors and all(str(e).endswith(OOM) for e in errors)
    assert count(mm, "keep", 3000) == 3000


def test_noeviction_refuses_denyoom_commands_but_serves_reads_and_deletes(mm):
    limit_above_current(mm, 1024 * 1024)
    errors = fill(mm, "k", 20000)
    assert errors
    assert mm.info("stats")["evicted_keys"] == 0
    mm.config_set("maxmemory", 1)
    with pytest.raises(redis.ResponseError) as e:
        mm.set("new", "x")
    assert str(e.value).endswith(OOM)
    assert mm.get("k:0") == VALUE
    assert mm.delete("k:0", "k:1") == 2
    assert "errorstat_OOM" in mm.info("errorstats")


def test_oom_inside_multi_aborts_the_transaction(mm):
    fill(mm, "k", 2000)
    mm.config_set("maxmemory", 1)
    p = mm.pipeline(transaction=True)
    p.get("k:1")
    p.set("x", "y")
    with pytest.raises(redis.ResponseError) as e:
        p.execute()
    assert "EXECABORT" in str(e.value) or "maxmemory" in str(e.value)
    mm.config_set("maxmemory", 0)


def test_oom_at_exec_aborts_and_ends_the_transaction(mm, server):
    mm.set("x", "y")
    conn = server.raw()
    assert conn.call("MULTI") == b"OK"
    assert conn.call("SET", "k", "v") == b"QUEUED"
    mm.config_set("maxmemory", 1)
    reply = conn.call("EXEC")
    assert str(reply).endswith("EXECABORT Transaction discarded because of: OOM " + OOM)
    assert conn.call("GET", "x") == b"y"  # no longer in MULTI
    assert conn.call("MULTI") == b"OK"
    assert str(conn.call("GET", "x")).endswith(OOM)  # anything queued is refused
    mm.config_set("maxmemory", 0)
    assert "previous errors" in str(conn.call("EXEC"))
    conn.close()


def test_volatile_ttl_evicts_the_nearest_expiry_first(mm):
    mm.config_set("maxmemory-policy", "volatile-ttl")
    limit_above_current(mm, 1024 * 1024)
    assert fill(mm, "long", 3000, ttl=100000) == []
    assert fill(mm, "short", 30000, ttl=1000) == []
    stats = mm.info("stats")
    assert count(mm, "long", 3000) >= 2900, (stats["evicted_keys"], stats["expired_keys"], mm.dbsize(), mm.time())


def test_lru_keeps_recently_used_keys(mm):
    mm.config_set("maxmemory-policy", "allkeys-lru")
    mm.config_set("maxmemory-samples", 10)
    base = mm.info("memory")["used_memory"]
    fill(mm, "cold", 20000)
    fill(mm, "hot", 2000)
    time.sleep(1.1)  # the LRU clock ticks in seconds
    p = mm.pipeline(transaction=False)
    for i in range(2000):
        p.get("hot:%d" % i)
    p.execute()
    used = mm.info("memory")["used_memory"]
    limit = base + (used - base) // 3
    mm.config_set("maxmemory", limit)  # two thirds of the keys must go
    # eviction works to a time budget per loop turn and goes on in later turns until under the limit
    # (a bounded wait: under ASan on a loaded machine this takes seconds)
    assert wait_until(lambda: mm.info("memory")["used_memory"] <= limit, limit=60), \
        (mm.info("memory")["used_memory"], limit, mm.dbsize(), mm.info("stats")["evicted_keys"])
    evicted = mm.info("stats")["evicted_keys"]
    assert evicted > 500
    assert 2000 - count(mm, "hot", 2000) <= evicted // 10  # nearly all of the evicted keys were cold
    mm.config_set("maxmemory-samples", 5)


def test_lfu_counter_and_frequent_keys_survive(mm):
    mm.config_set("maxmemory-policy", "allkeys-lfu")
    mm.set("f", "hello")
    assert mm.object("freq", "f") == 5
    for _ in range(100):
        mm.get("f")
    assert mm.object("freq", "f") > 5
    with pytest.raises(redis.ResponseError, match="An LFU maxmemory policy is selected"):
        mm.object("idletime", "f")
    fill(mm, "hot", 300)
    for _ in range(20):
        p = mm.pipeline(transaction=False)
        for i in range(300):
            p.get("hot:%d" % i)
        p.execute()
    limit_above_current(mm, 1024 * 1024)
    fill(mm, "cold", 30000)
    assert count(mm, "hot", 300) >= 270


def test_evicted_keys_are_notified_and_fail_watch(mm, server):
    mm.config_set("maxmemory-policy", "allkeys-random")
    mm.config_set("notify-keyspace-events", "Ee")
    mm.set("watched", "x")
    watcher = server.client()
    pipe = watcher.pipeline(transaction=True)
    pipe.watch("watched")
    sub = server.client().pubsub()
    sub.subscribe("__keyevent@0__:evicted")
    assert sub.get_message(timeout=2)["type"] == "subscribe"
    limit_above_current(mm, 512 * 1024)
    fill(mm, "k", 20000)
    assert not mm.exists("watched") or True
    evicted = set()
    while True:
        m = sub.get_message(timeout=0.5)
        if m is None:
            break
        evicted.add(m["data"])
    assert len(evicted) > 0
    if "watched" in evicted:
        pipe.multi()
        pipe.set("watched", "y")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    pipe.reset()
    sub.close()
    watcher.close()


def test_eviction_of_a_watched_key_fails_the_transaction(mm, server):
    mm.config_set("maxmemory-policy", "allkeys-lru")
    mm.set("w", "x")
    watcher = server.client()
    pipe = watcher.pipeline(transaction=True)
    pipe.watch("w")
    mm.config_set("maxmemory", 1)  # every key goes at the next command
    mm.ping()
    assert mm.dbsize() == 0
    mm.config_set("maxmemory", 0)
    pipe.multi()
    pipe.set("w", "y")
    with pytest.raises(redis.WatchError):
        pipe.execute()
    watcher.close()


def test_object_idletime_under_lru(mm):
    mm.set("i", "x")
    assert mm.object("idletime", "i") <= 1
    with pytest.raises(redis.ResponseError, match="An LFU maxmemory policy is not selected"):
        mm.object("freq", "i")


def test_rename_move_and_swapdb_keep_the_lfu_counter(mm):
    mm.config_set("maxmemory-policy", "allkeys-lfu")
    mm.set("src", "v")
    payload = mm.dump("src")
    mm.restore("k", 0, payload, frequency=100)
    assert mm.object("freq", "k") == 100
    assert mm.rename("k", "k2")
    assert mm.object("freq", "k2") == 100
    assert mm.move("k2", 1)
    assert mm.swapdb(0, 1)
    assert mm.object("freq", "k2") == 100
    assert mm.copy("k2", "k3")  # a copy is a new object
    assert mm.object("freq", "k3") == 5


def test_swapdb_keeps_the_idle_time_and_rename_touches(mm):
    mm.set("src", "v")
    payload = mm.dump("src")
    mm.restore("k", 0, payload, idletime=1000)
    assert mm.swapdb(0, 1)
    mm.execute_command("SELECT", 1)
    try:
        assert mm.object("idletime", "k") >= 1000
        assert mm.rename("k", "k2")  # RENAME looks the key up for writing: an access
        assert mm.object("idletime", "k2") <= 1
    finally:
        mm.execute_command("SELECT", 0)


def test_keyspace_does_not_grow_its_table_into_eviction(start_server):
    """A write whose keyspace table growth (8192 buckets, 64 KB) would cross maxmemory leaves the table at its
    size instead of evicting for it (the table may hold up to 1.618 keys per bucket first)."""
    srv = start_server(args=["--enable-debug-command", "yes"])
    r = srv.client()
    r.config_set("maxmemory-policy", "allkeys-random")
    r.config_set("latency-tracking", "no")  # Redis allocates a command's latency histogram at its first call
    r.execute_command("DEBUG", "POPULATE", 4096)
    assert "table size: 4096\n" in r.execute_command("DEBUG", "HTSTATS", 0)
    r.config_set("maxmemory", r.info("memory")["used_memory"] + 10 * 1024)
    r.set("k1", "v1")
    r.set("k2", "v2")
    assert r.dbsize() == 4098
    assert r.info("stats")["evicted_keys"] == 0
    stats = r.execute_command("DEBUG", "HTSTATS", 0)
    assert "table size: 4096\n number of elements: 4098\n" in stats
    assert stats.startswith("[Dictionary HT]\nHash table 0 stats (main hash table):\n")
    assert stats.endswith("[Expires HT]\nHash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n")


def test_debug_htstats_text(start_server):
    srv = start_server(args=["--enable-debug-command", "yes"])
    r = srv.client()
    for i in range(100):
        r.set("k%d" % i, i, ex=1000 if i % 2 else None)
    keys, expires = r.execute_command("DEBUG", "HTSTATS", 0).split("[Expires HT]\n")
    assert keys.startswith("[Dictionary HT]\nHash table 0 stats (main hash table):\n")
    for text, n in ((keys, 100), (expires, 50)):
        # each table (a second one while rehashing): its header, sizes, and a distribution adding up to them
        tables = text.split("Hash table ")[1:]
        assert sum(int(t.split("number of elements: ")[1].split("\n")[0]) for t in tables) == n
        for t in tables:
            lines = t.split("\n")
            size, used, slots = (int(lines[i].split(": ")[1]) for i in (1, 2, 3))
            assert lines[5] == " avg chain length (counted): %.2f" % (used / slots)
            assert lines[7] == " Chain length distribution:"
            dist = {int(l.split(":")[0]): int(l.split(": ")[1].split(" ")[0]) for l in lines[8:] if l}
            assert sum(dist.values()) == size and dist.get(0, 0) == size - slots
            assert sum(k * v for k, v in dist.items()) == used and max(dist) == int(lines[4].split(": ")[1])
    for bad, err in (("x", "value is not an integer"), ("16", "Out of range database"), ("-1", "Out of range database")):
        with pytest.raises(redis.ResponseError, match=err):
            r.execute_command("DEBUG", "HTSTATS", bad)
    with pytest.raises(redis.ResponseError, match="unknown subcommand or wrong number of arguments for 'htstats'"):
        r.execute_command("DEBUG", "htstats", 0, "full")


def test_lua_heap_is_not_used_memory(mm):
    """The scripting VM's heap shows as used_memory_vm_eval and does not count against maxmemory (Redis' Lua
    allocates outside its memory counter): a script that builds a large table evicts nothing."""
    mm.config_set("maxmemory-policy", "allkeys-random")
    fill(mm, "k", 2000)
    mm.eval("return 1", 0)  # the VM exists before the limit is taken
    limit_above_current(mm, 256 * 1024)
    assert mm.eval("local t = {} for i = 1, 100000 do t[i] = 'x' .. i end return #t", 0) == 100000
    assert mm.info("memory")["used_memory_vm_eval"] > 1024 * 1024  # the table is garbage, not yet collected
    mm.set("after", "1")
    assert mm.info("stats")["evicted_keys"] == 0
    assert mm.dbsize() == 2001
