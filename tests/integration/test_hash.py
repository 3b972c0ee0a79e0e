"""Hashes through redis-py, as an application would use them."""

import collections

import pytest
import redis


def test_hset_hget_roundtrip(r):
    assert r.hset("user:1", mapping={"name": "ada", "lang": "en", "visits": 3}) == 3
    assert r.hset("user:1", "lang", "fr") == 0
    assert r.hget("user:1", "lang") == "fr"
    assert r.hget("user:1", "missing") is None
    assert r.hget("nokey", "f") is None
    assert r.hgetall("user:1") == {"name": "ada", "lang": "fr", "visits": "3"}
    assert r.hkeys("user:1") == ["name", "lang", "visits"]
    assert r.hvals("user:1") == ["ada", "fr", "3"]
    assert r.hlen("user:1") == 3
    assert r.hmget("user:1", ["name", "nope", "visits"]) == ["ada", None, "3"]
    assert r.hexists("user:1", "name") is True
    assert r.hexists("user:1", "nope") is False
    assert r.hstrlen("user:1", "name") == 3
    assert r.type("user:1") == "hash"
    assert r.object("encoding", "user:1") == "listpack"
    assert r.hgetall("nokey") == {}


def test_hsetnx_and_hmset(r):
    assert r.hsetnx("h", "a", "1") == 1
    assert r.hsetnx("h", "a", "2") == 0
    assert r.hget("h", "a") == "1"
    assert r.execute_command("HMSET", "h", "b", "2", "c", "3") is True  # redis-py maps +OK to True
    assert r.hgetall("h") == {"a": "1", "b": "2", "c": "3"}


def test_hdel_removes_empty_key(r):
    r.hset("h", mapping={"a": 1, "b": 2})
    r.expire("h", 100)
    assert r.hdel("h", "a", "a", "zz") == 1
    assert r.ttl("h") > 0
    assert r.hdel("h", "b") == 1
    assert r.exists("h") == 0
    assert r.hdel("h", "b") == 0


def test_binary_fields_and_values(server):
    c = server.client(decode_responses=False)
    c.flushall()
    field, value = b"\x00f\xff\r\n", bytes(range(256))
    assert c.hset(b"bin\x00key", field, value) == 1
    assert c.hget(b"bin\x00key", field) == value
    assert c.hstrlen(b"bin\x00key", field) == 256
    assert c.hgetall(b"bin\x00key") == {field: value}
    assert c.object("encoding", b"bin\x00key") == b"hashtable"  # 256 bytes > hash-max-listpack-value
    c.close()


def test_hincrby_and_hincrbyfloat(r):
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -15) == -10
    assert r.hincrbyfloat("h", "f", 1.5) == 1.5
    assert r.hincrbyfloat("h", "f", 0.1) == pytest.approx(1.6)
    assert r.hget("h", "f") == "1.6"
    r.hset("h", "s", "abc")
    with pytest.raises(redis.ResponseError, match="hash value is not an integer"):
        r.hincrby("h", "s", 1)
    with pytest.raises(redis.ResponseError, match="hash value is not a float"):
        r.hincrbyfloat("h", "s", 1)
    r.hset("h", "max", 2**63 - 1)
    with pytest.raises(redis.ResponseError, match="increment or decrement would overflow"):
        r.hincrby("h", "max", 1)
    with pytest.raises(redis.ResponseError, match="value is NaN or Infinity"):
        r.hincrbyfloat("h", "f", float("inf"))


def test_wrongtype(r):
    r.set("s", "x")
    for call in (lambda: r.hset("s", "f", "v"), lambda: r.hget("s", "f"), lambda: r.hgetall("s"),
                 lambda: r.hdel("s", "f"), lambda: r.hlen("s"), lambda: r.hincrby("s", "f", 1),
                 lambda: r.hrandfield("s"), lambda: r.hscan("s")):
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            call()
    r.hset("h", "f", "v")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        r.get("h")


def test_encoding_transitions(r):
    r.hset("h", mapping={"f%d" % i: i for i in range(512)})
    assert r.object("encoding", "h") == "listpack"
    r.hset("h", "f512", 512)
    assert r.object("encoding", "h") == "hashtable"
    r.hset("v", "f", "x" * 64)
    assert r.object("encoding", "v") == "listpack"
    r.hset("v", "g", "x" * 65)
    assert r.object("encoding", "v") == "hashtable"
    r.config_set("hash-max-listpack-entries", 1)
    try:
        r.hset("small", mapping={"a": 1, "b": 2})
        assert r.object("encoding", "small") == "hashtable"
    finally:
        r.config_set("hash-max-listpack-entries", 512)


def test_big_hash_pipeline_and_hscan_iter(r):
    n = 20000
    with r.pipeline(transaction=False) as p:
        for i in range(0, n, 1000):
            p.hset("big", mapping={"field:%d" % j: "value:%d" % j for j in range(i, i + 1000)})
        p.execute()
    assert r.hlen("big") == n
    assert r.object("encoding", "big") == "hashtable"
    seen = dict(r.hscan_iter("big", count=100))
    assert len(seen) == n
    assert seen["field:12345"] == "value:12345"
    matched = dict(r.hscan_iter("big", match="field:1234*"))
    assert set(matched) == {"field:1234"} | {"field:1234%d" % d for d in range(10)}
    cursor, page = r.hscan("big", 0, count=10)
    assert cursor != 0 and 0 < len(page) < 200
    assert sorted(r.hkeys("big")) == sorted("field:%d" % i for i in range(n))
    assert r.hdel("big", *["field:%d" % i for i in range(n)]) == n
    assert r.exists("big") == 0


def test_hscan_listpack_returns_all_at_once(r):
    r.hset("h", mapping={"a": 1, "b": 2, "ab": 3})
    assert r.hscan("h", 0) == (0, {"a": "1", "b": "2", "ab": "3"})
    assert r.hscan("h", 0, match="a*") == (0, {"a": "1", "ab": "3"})
    assert r.hscan("nokey", 0) == (0, {})


@pytest.mark.parametrize("size", [5, 300])
def test_hrandfield_shapes_and_uniformity(r, size):
    fields = {"f%d" % i: "v%d" % i for i in range(size)}
    r.config_set("hash-max-listpack-entries", 128)
    try:
        r.hset("h", mapping=fields)
        assert r.object("encoding", "h") == ("listpack" if size <= 128 else "hashtable")
        assert r.hrandfield("h") in fields
        assert r.hrandfield("h", 0) == []
        assert r.hrandfield("nokey") is None
        assert r.hrandfield("nokey", 3) == []
        # count >= size: the whole hash; positive counts are distinct, negative ones may repeat.
        assert sorted(r.hrandfield("h", size + 10)) == sorted(fields)
        for count in (1, 2, size // 3, size // 3 + 1, size - 1):
            picks = r.hrandfield("h", count)
            assert len(picks) == count and len(set(picks)) == count and set(picks) <= set(fields)
        pairs = r.hrandfield("h", -7, withvalues=True)
        assert len(pairs) == 14
        for f, v in zip(pairs[::2], pairs[1::2]):
            assert fields[f] == v
        hist = collections.Counter(r.hrandfield("h", -size * 50))
        assert set(hist) == set(fields)
    finally:
        r.config_set("hash-max-listpack-entries", 512)


@pytest.mark.corvid_only  # Redis' dictGetFairRandomKey is visibly skewed on hashtables; corvid's picks are not
@pytest.mark.parametrize("size", [5, 300, 5000])
def test_hrandfield_negative_count_is_uniform(r, size):
    r.config_set("hash-max-listpack-entries", 128)
    try:
        fields = ["f%d" % i for i in range(size)]
        for i in range(0, size, 1000):
            r.hset("h", mapping={f: 1 for f in fields[i:i + 1000]})
        draws = size * 200
        hist = collections.Counter()
        for _ in range(0, draws, 100000):
            hist.update(r.hrandfield("h", -min(100000, draws)))
        draws = sum(hist.values())
        assert set(hist) == set(fields)
        mean = draws / size
        chi2 = sum((hist[f] - mean) ** 2 / mean for f in fields)
        # size-1 degrees of freedom: mean size-1, standard deviation sqrt(2(size-1)); allow 6 of them.
        assert chi2 < (size - 1) + 6 * (2 * (size - 1)) ** 0.5
    finally:
        r.config_set("hash-max-listpack-entries", 512)


def test_hrandfield_errors(r):
    r.hset("h", "a", 1)
    with pytest.raises(redis.ResponseError, match="value is out of range"):
        r.execute_command("HRANDFIELD", "h", -(2**62), "WITHVALUES")
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("HRANDFIELD", "h", 1, "WITHVALUES", "x")
    with pytest.raises(redis.ResponseError, match="not an integer"):
        r.execute_command("HRANDFIELD", "h", "x")


def test_resp3_shapes(r3):
    assert r3.call("HSET", "h", "a", "1", "b", "2") == 2
    assert r3.call("HGETALL", "h") == {b"a": b"1", b"b": b"2"}
    assert r3.call("HGETALL", "nokey") == {}
    assert r3.call("HGET", "h", "x") is None
    assert r3.call("HRANDFIELD", "h", 2, "WITHVALUES") == [[b"a", b"1"], [b"b", b"2"]]
    pairs = r3.call("HRANDFIELD", "h", -3, "WITHVALUES")
    assert len(pairs) == 3 and all(p in ([b"a", b"1"], [b"b", b"2"]) for p in pairs)
    assert r3.call("HRANDFIELD", "nokey") is None


def test_pipeline_copy_rename(r):
    with r.pipeline(transaction=False) as p:
        p.hset("h", "a", 1)
        p.hincrby("h", "a", 2)
        p.hget("h", "a")
        assert p.execute() == [1, 3, "3"]
    assert r.copy("h", "h2")
    r.hset("h2", "b", 1)
    assert r.hgetall("h") == {"a": "3"}
    assert r.rename("h2", "h3")
    assert r.hgetall("h3") == {"a": "3", "b": "1"}
    r.hset("big", mapping={"f%d" % i: i for i in range(1000)})
    assert r.copy("big", "big2")
    assert r.object("encoding", "big2") == "hashtable"
    assert r.hgetall("big2") == r.hgetall("big")


def test_digest_matches_for_both_encodings(start_server):
    srv = start_server(args=["--enable-debug-command", "yes"])
    c = srv.client()
    c.hset("a", mapping={"x": 1, "y": 2, "z": 3})
    c.hset("b", mapping={"z": 3, "y": 2, "x": 1, "w" * 100: 0})
    c.hdel("b", "w" * 100)
    assert c.object("encoding", "b") == "hashtable"
    da, db_ = c.execute_command("DEBUG", "DIGEST-VALUE", "a", "b")
    assert da == db_
    c.close()
