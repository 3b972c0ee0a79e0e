"""Bitmaps, BITFIELD counters, HyperLogLog and geo indexes through redis-py, as applications use them: daily
activity bitmaps, saturating counters packed in one string, unique-visitor estimates (and sketches moved
between corvid and Redis), and a store locator."""

import os

import pytest
import redis

from conftest import ServerProcess, is_oracle

ORACLE = "/usr/bin/redis-server"


def test_daily_active_users(r):
    days = {"dau:mon": [1, 5, 9, 100, 4000], "dau:tue": [5, 9, 77, 4000], "dau:wed": [9, 4000, 4001]}
    for key, users in days.items():
        for uid in users:
            assert r.setbit(key, uid, 1) == 0
    assert r.setbit("dau:mon", 5, 1) == 1  # already active
    assert [r.bitcount(k) for k in days] == [5, 4, 3]
    assert r.getbit("dau:tue", 77) == 1 and r.getbit("dau:tue", 78) == 0 and r.getbit("dau:tue", 10**6) == 0
    # users active every day / on any day
    assert r.bitop("AND", "dau:all3", *days) == r.strlen("dau:wed")
    assert [i for i in range(4100) if r.getbit("dau:all3", i)] == [9, 4000]
    r.bitop("OR", "dau:any", *days)
    assert r.bitcount("dau:any") == 7
    # first active user, first inactive one, and counts over bit ranges
    assert r.bitpos("dau:mon", 1) == 1
    assert r.bitpos("dau:mon", 0) == 0
    assert r.bitpos("dau:wed", 1, 1) == 9
    assert r.bitcount("dau:mon", 0, 0) == 2  # ids 1 and 5 are in the first byte
    assert r.execute_command("BITCOUNT", "dau:mon", 2, 9, "BIT") == 2
    assert r.execute_command("BITPOS", "dau:mon", 1, 6, 99, "BIT") == 9
    with pytest.raises(redis.ResponseError, match="bit offset is not an integer or out of range"):
        r.setbit("dau:mon", 2**32, 1)
    r.set("plain", "x")
    r.lpush("list", "a")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        r.bitcount("list")


def test_bitfield_counters(r):
    bf = r.bitfield("counters")
    # four unsigned 8-bit counters, saturating
    res = bf.overflow("SAT").incrby("u8", "#0", 200).incrby("u8", "#0", 100).incrby("u8", "#1", 7) \
        .get("u8", "#0").get("u8", "#1").execute()
    assert res == [200, 255, 7, 255, 7]
    # a signed counter wraps by default, FAIL refuses the change
    assert r.bitfield("counters").incrby("i8", 16, 127).incrby("i8", 16, 1).execute() == [127, -128]
    assert r.bitfield("counters").overflow("FAIL").incrby("i8", 16, -1).execute() == [None]
    assert r.bitfield("counters").get("i8", 16).execute() == [-128]
    assert r.strlen("counters") == 3
    assert r.execute_command("BITFIELD_RO", "counters", "GET", "u16", 0) == [255 * 256 + 7]
    with pytest.raises(redis.ResponseError, match="BITFIELD_RO only supports the GET subcommand"):
        r.execute_command("BITFIELD_RO", "counters", "SET", "u8", 0, 1)
    with pytest.raises(redis.ResponseError, match="Invalid bitfield type"):
        r.bitfield("counters").get("u64", 0).execute()


def test_unique_visitors(r):
    pipe = r.pipeline(transaction=False)
    for i in range(0, 50000, 1000):
        pipe.pfadd("visitors:a", *("user%d" % j for j in range(i, i + 1000)))
    for i in range(25000, 75000, 1000):
        pipe.pfadd("visitors:b", *("user%d" % j for j in range(i, i + 1000)))
    pipe.execute()
    a, b = r.pfcount("visitors:a"), r.pfcount("visitors:b")
    assert abs(a - 50000) < 50000 * 0.02 and abs(b - 50000) < 50000 * 0.02
    union = r.pfcount("visitors:a", "visitors:b")
    assert abs(union - 75000) < 75000 * 0.02
    assert r.pfmerge("visitors:all", "visitors:a", "visitors:b")
    assert r.pfcount("visitors:all") == union
    assert r.pfadd("visitors:a", "user1") == 0  # already counted: no register changes
    assert r.execute_command("PFDEBUG", "ENCODING", "visitors:a") == "dense"
    assert r.pfadd("small", "x", "y") == 1
    assert r.execute_command("PFDEBUG", "ENCODING", "small") == "sparse"
    r.set("notasketch", "hello")
    with pytest.raises(redis.ResponseError, match="Key is not a valid HyperLogLog string value"):
        r.pfadd("notasketch", "a")
    assert r.execute_command("PFSELFTEST") == "OK"


@pytest.mark.skipif(is_oracle() or not os.path.exists(ORACLE), reason="needs corvid and the oracle")
def test_sketches_move_between_corvid_and_redis(r, tmp_path):
    oracle = ServerProcess(tmp_path, binary=ORACLE).start()
    try:
        o = oracle.client(decode_responses=False)
        rb = redis.Redis(host="127.0.0.1", port=r.connection_pool.connection_kwargs["port"], decode_responses=False)
        for n in (3, 200, 5000):  # sparse, sparse with many opcodes, dense
            elements = ["e%d-%d" % (n, i) for i in range(n)]
            rb.pfadd("mine%d" % n, *elements)
            o.pfadd("theirs%d" % n, *elements)
            mine, theirs = rb.get("mine%d" % n), o.get("theirs%d" % n)
            assert mine == theirs
            # a sketch written by one server and read by the other counts the same
            o.set("from_corvid", mine)
            rb.set("from_redis", theirs)
            assert o.pfcount("from_corvid") == rb.pfcount("from_redis") == rb.pfcount("mine%d" % n)
            # and keeps being edited identically
            o.pfadd("from_corvid", "extra1", "extra2")
            rb.pfadd("from_redis", "extra1", "extra2")
            assert o.get("from_corvid") == rb.get("from_redis")
    finally:
        oracle.stop()


def test_store_locator(r):
    stores = [(13.361389, 38.115556, "palermo"), (15.087269, 37.502669, "catania"),
              (13.583333, 37.316667, "agrigento"), (12.496366, 41.902782, "rome")]
    assert r.geoadd("stores", [v for s in stores for v in s]) == 4
    assert r.zcard("stores") == 4  # a geo index is a sorted set
    near = r.geosearch("stores", longitude=15, latitude=37, radius=200, unit="km", sort="ASC", withdist=True)
    assert [m for m, _ in near] == ["catania", "agrigento", "palermo"]
    assert near[0][1] == 56.4413
    closest = r.geosearch("stores", member="palermo", radius=1000, unit="km", sort="ASC", count=2)
    assert closest == ["palermo", "agrigento"]
    assert r.geodist("stores", "palermo", "catania", unit="km") == 166.2742
    assert r.geohash("stores", "palermo", "nowhere") == ["sqc8b49rny0", None]
    pos = r.geopos("stores", "rome")[0]
    assert abs(pos[0] - 12.496366) < 1e-5 and abs(pos[1] - 41.902782) < 1e-5
    assert r.geosearchstore("sicily", "stores", longitude=14, latitude=37.6, width=400, height=200, unit="km",
                            storedist=True) == 3
    assert [m for m, _ in r.zrange("sicily", 0, -1, withscores=True)] == ["agrigento", "palermo", "catania"]
    assert r.georadius("stores", 15, 37, 200, unit="km", store="radius_store") == 3
    assert r.zscore("radius_store", "palermo") == r.zscore("stores", "palermo")
    with pytest.raises(redis.ResponseError, match="invalid longitude,latitude pair"):
        r.geoadd("stores", [200, 100, "nowhere"])


@pytest.mark.skipif(is_oracle() or not os.path.exists(ORACLE), reason="needs corvid and the oracle")
def test_random_sketch_edits_match_redis_byte_for_byte(r, tmp_path):
    """Random PFADD batches and PFMERGEs over a few keys, through sparse edits, promotions (a small
    hll-sparse-max-bytes on some keys' runs) and dense merges: every sketch equals Redis' after every step."""
    import random
    rng = random.Random(2024)
    oracle = ServerProcess(tmp_path, binary=ORACLE).start()
    try:
        o = oracle.client(decode_responses=False)
        rb = redis.Redis(host="127.0.0.1", port=r.connection_pool.connection_kwargs["port"], decode_responses=False)
        keys = ["rs0", "rs1", "rs2", "rs3"]
        seen = set()
        for step in range(300):
            if step % 100 == 0:
                limit = rng.choice([300, 1000, 3000])
                for c in (o, rb):
                    c.config_set("hll-sparse-max-bytes", limit)
            key = rng.choice(keys)
            if rng.random() < 0.8:
                n = rng.choice([1, 2, 5, 20, 100])
                elements = ["x%d" % rng.randrange(20000) for _ in range(n)]
                assert rb.pfadd(key, *elements) == o.pfadd(key, *elements)
            else:
                sources = rng.sample(keys, rng.randint(1, 3))
                assert rb.pfmerge(key, *sources) == o.pfmerge(key, *sources)
            if rng.random() < 0.3:
                assert rb.pfcount(key) == o.pfcount(key)
            assert rb.get(key) == o.get(key), "step %d key %s" % (step, key)
            seen.add(rb.execute_command("PFDEBUG", "ENCODING", key))
        assert rb.pfcount(*keys) == o.pfcount(*keys)
        assert seen == {b"sparse", b"dense"}  # the run went through both encodings
    finally:
        rb.config_set("hll-sparse-max-bytes", 3000)
        oracle.stop()
