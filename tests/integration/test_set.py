"""Sets through redis-py, as an application uses them: membership, algebra against a Python model, encodings
at the intset limit, SSCAN's guarantee on big sets, RESP3 shapes, and the uniformity of SRANDMEMBER and SPOP.

The statistical tests draw large samples and accept wide bands (at least 6 standard deviations), so a fair
server never fails them, while a biased one (e.g. favouring short hash chains or the intset's ends) does.
"""

import random

import pytest
import redis

from resp import ReplyError


def counts(values):
    out = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def pipelined(r, rounds, queue, batch=500):
    """Calls queue(pipe) `rounds` times, sending batch rounds per pipeline; returns all replies in order."""
    out = []
    for start in range(0, rounds, batch):
        pipe = r.pipeline(transaction=False)
        for _ in range(min(batch, rounds - start)):
            queue(pipe)
        out += pipe.execute()
    return out


def assert_uniform(hits, population, expected, sigmas=6.0):
    """Every member of population was seen about `expected` times (binomial-ish spread)."""
    assert set(hits) <= set(population), set(hits) - set(population)
    spread = sigmas * expected ** 0.5
    for m in population:
        n = hits.get(m, 0)
        assert expected - spread <= n <= expected + spread, (m, n, expected)


def test_membership_basics(r):
    assert r.sadd("s", "a", "b", "c", "a") == 3
    assert r.sadd("s", "c", "d") == 1
    assert r.scard("s") == 4
    assert r.smembers("s") == {"a", "b", "c", "d"}
    assert r.sismember("s", "a")
    assert not r.sismember("s", "zz")
    assert r.smismember("s", ["a", "zz", "d"]) == [1, 0, 1]
    assert r.smismember("missing", ["a"]) == [0]
    assert r.srem("s", "a", "zz") == 1
    assert r.srem("s", "b", "c", "d") == 3
    assert r.exists("s") == 0  # an emptied set is deleted
    assert r.smembers("s") == set()
    assert r.scard("s") == 0
    assert r.type("s") == "none"


def test_binary_members(server):
    c = server.client(decode_responses=False)
    c.flushall()
    members = [b"\x00", b"\xff\xfe", b"a\r\nb", b"", bytes(range(256))]
    assert c.sadd(b"bin\x00key", *members) == len(members)
    assert c.smembers(b"bin\x00key") == set(members)
    for m in members:
        assert c.sismember(b"bin\x00key", m)
    assert c.srem(b"bin\x00key", b"\x00") == 1
    assert c.scard(b"bin\x00key") == len(members) - 1
    c.close()


def test_wrongtype(r):
    r.set("str", "x")
    r.sadd("s", "1")
    for call in (lambda: r.sadd("str", "a"), lambda: r.srem("str", "a"), lambda: r.smembers("str"),
                 lambda: r.sinter("s", "str"), lambda: r.sunionstore("d", "s", "str"),
                 lambda: r.smove("s", "str", "1"), lambda: r.spop("str"), lambda: r.srandmember("str", 2),
                 lambda: r.sscan("str", 0), lambda: r.sintercard(2, ["missing", "str"])):
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            call()
    assert r.smove("missing", "str", "1") == 0  # a missing source is checked first


def test_encoding_follows_the_intset_limit(r):
    r.sadd("s", *range(512))
    assert r.object("encoding", "s") == "intset"
    r.sadd("s", 511)
    assert r.object("encoding", "s") == "intset"
    r.sadd("s", 512)
    assert r.object("encoding", "s") == "hashtable"
    assert r.scard("s") == 513
    r.srem("s", *range(100, 513))
    assert r.object("encoding", "s") == "hashtable"  # never converts back
    assert r.smembers("s") == {str(i) for i in range(100)}
    r.sadd("t", 1, 2, 3)
    r.sadd("t", "01")
    assert r.object("encoding", "t") == "hashtable"
    assert r.smembers("t") == {"1", "2", "3", "01"}
    # The limit is read at each add.
    assert r.config_set("set-max-intset-entries", 2)
    try:
        r.sadd("u", 1, 2)
        assert r.object("encoding", "u") == "intset"
        r.sadd("u", 3)
        assert r.object("encoding", "u") == "hashtable"
        r.sadd("v", 1, 2)
        assert r.sunionstore("w", "v") == 2
        assert r.object("encoding", "w") == "intset"
    finally:
        r.config_set("set-max-intset-entries", 512)


def test_algebra_against_a_model(r):
    rng = random.Random(7)
    universe = [str(i) for i in range(60)] + ["m%d" % i for i in range(60)]
    model = {}
    for k in range(6):
        members = set(rng.sample(universe, rng.randint(1, 80)))
        if k == 5:
            members = {m for m in members if m.isdigit()}  # one intset
        model["s%d" % k] = members
        r.sadd("s%d" % k, *members)
    keys = list(model) + ["missing"]
    for _ in range(200):
        ks = rng.sample(keys, rng.randint(1, 4))
        sets = [model.get(k, set()) for k in ks]
        inter = set.intersection(*sets)
        union = set.union(*sets)
        diff = sets[0].difference(*sets[1:])
        assert r.sinter(*ks) == inter
        assert r.sunion(*ks) == union
        assert r.sdiff(*ks) == diff
        assert r.sintercard(len(ks), ks) == len(inter)
        limit = rng.randint(0, 5)
        assert r.sintercard(len(ks), ks, limit=limit) == (min(limit, len(inter)) if limit else len(inter))
        assert r.sinterstore("dst", *ks) == len(inter)
        assert r.smembers("dst") == inter
        assert r.exists("dst") == (1 if inter else 0)
        assert r.sunionstore("dst", *ks) == len(union)
        assert r.sdiffstore("dst", *ks) == len(diff)
        assert r.smembers("dst") == diff


def test_store_replaces_value_and_ttl(r):
    r.sadd("a", 1, 2)
    r.set("dst", "x", ex=100)
    assert r.sunionstore("dst", "a") == 2
    assert r.ttl("dst") == -1
    assert r.type("dst") == "set"
    assert r.sinterstore("dst", "a", "missing") == 0
    assert r.exists("dst") == 0


def test_smove(r):
    r.sadd("src", "a", "b")
    assert r.smove("src", "dst", "a") == 1
    assert r.smove("src", "dst", "zz") == 0
    assert r.smove("src", "src", "b") == 1
    assert r.smove("src", "dst", "b") == 1
    assert r.exists("src") == 0
    assert r.smembers("dst") == {"a", "b"}
    r.sadd("i", 5)
    assert r.smove("i", "newint", 5) == 1
    assert r.object("encoding", "newint") == "intset"


def test_spop_and_srandmember_edges(r):
    assert r.spop("missing") is None
    assert r.spop("missing", 3) == []
    assert r.srandmember("missing") is None
    assert r.srandmember("missing", 3) == []
    r.sadd("s", "a", "b", "c")
    assert r.spop("s", 0) == []
    assert sorted(r.srandmember("s", 10)) == ["a", "b", "c"]
    assert len(r.srandmember("s", -10)) == 10
    with pytest.raises(redis.ResponseError, match="out of range, must be positive"):
        r.spop("s", -1)
    with pytest.raises(redis.ResponseError, match="value must between"):
        r.srandmember("s", -(2 ** 63))
    assert sorted(r.spop("s", 5)) == ["a", "b", "c"]
    assert r.exists("s") == 0


def test_spop_drains_without_repeats(r):
    for key, members in (("h", ["m%d" % i for i in range(300)]), ("i", [str(i) for i in range(300)])):
        r.sadd(key, *members)
        got = []
        while r.exists(key):
            got += r.spop(key, 7)
        assert sorted(got) == sorted(members)


def test_spop_most_of_a_set_keeps_the_rest_and_ttl(r):
    r.sadd("h", "x", *range(40))
    r.srem("h", "x")
    r.expire("h", 1000)
    popped = r.spop("h", 38)
    rest = r.smembers("h")
    assert len(popped) == 38 and len(rest) == 2
    assert set(popped) | rest == {str(i) for i in range(40)}
    assert r.object("encoding", "h") == "intset"  # rebuilt from the two kept integers
    assert r.ttl("h") > 0


def test_sscan_returns_every_member_of_a_big_set(r):
    members = {"member:%d" % i for i in range(20000)}
    batch = list(members)
    for i in range(0, len(batch), 1000):
        r.sadd("big", *batch[i:i + 1000])
    seen = set()
    cursor = 0
    calls = 0
    while True:
        cursor, items = r.sscan("big", cursor, count=100)
        seen.update(items)
        calls += 1
        if cursor == 0:
            break
        assert calls < 10000
    assert seen == members
    # MATCH filters after the walk.
    cursor, items = 0, []
    while True:
        cursor, part = r.sscan("big", cursor, match="member:1999*", count=500)
        items += part
        if cursor == 0:
            break
    assert set(items) == {m for m in members if m.startswith("member:1999")}
    # An intset comes back whole in one call whatever the cursor.
    r.sadd("ints", *range(100))
    assert r.sscan("ints", 12345) == (0, [str(i) for i in range(100)])


def test_sscan_survives_growth_and_shrinking(r):
    r.sadd("g", *["k%d" % i for i in range(1000)])
    seen = set()
    cursor, step = 0, 0
    while True:
        cursor, items = r.sscan("g", cursor, count=50)
        seen.update(items)
        step += 1
        if step % 3 == 0:  # grow the table during the scan
            r.sadd("g", *["extra%d_%d" % (step, i) for i in range(200)])
        if cursor == 0:
            break
    assert {"k%d" % i for i in range(1000)} <= seen
    r.srem("g", *["extra%d_%d" % (s, i) for s in range(step + 1) for i in range(200)])
    seen = set()
    cursor = 0
    while True:
        cursor, items = r.sscan("g", cursor, count=50)
        seen.update(items)
        if cursor == 0:
            break
    assert seen == {"k%d" % i for i in range(1000)}


def test_resp3_shapes(r3):
    assert r3.call("SADD", "s", "1", "2", "x") == 3
    assert r3.call("SMEMBERS", "s") == {b"1", b"2", b"x"}
    assert r3.call("SMEMBERS", "missing") == set()
    assert r3.call("SINTER", "s", "s") == {b"1", b"2", b"x"}
    assert r3.call("SUNION", "s", "missing") == {b"1", b"2", b"x"}
    assert r3.call("SDIFF", "s", "missing") == {b"1", b"2", b"x"}
    assert r3.call("SPOP", "missing", "2") == set()
    assert r3.call("SPOP", "missing") is None
    assert r3.call("SRANDMEMBER", "missing") is None
    assert r3.call("SRANDMEMBER", "missing", "2") == []
    assert sorted(r3.call("SRANDMEMBER", "s", "5")) == [b"1", b"2", b"x"]
    assert r3.call("SMISMEMBER", "s", "1", "9") == [1, 0]
    assert r3.call("SISMEMBER", "s", "1") == 1
    assert r3.call("SINTERCARD", "1", "s") == 3
    popped = r3.call("SPOP", "s", "5")
    assert popped == {b"1", b"2", b"x"}
    err = r3.call("SPOP", "s", "-1")
    assert isinstance(err, ReplyError)


@pytest.mark.corvid_only  # Redis' dictGetFairRandomKey is visibly skewed on hashtables
def test_srandmember_single_draws_are_uniform(r):
    for key, members in (("h", ["member:%d" % i for i in range(100)]), ("i", [str(i * 3) for i in range(100)])):
        r.sadd(key, *members)
        # One call with a negative count: 100,000 draws with repetition.
        draws = r.srandmember(key, -100000)
        assert len(draws) == 100000
        assert_uniform(counts(draws), members, 1000)
        # Single-member calls.
        assert_uniform(counts(pipelined(r, 20000, lambda p: p.srandmember(key))), members, 200)


@pytest.mark.corvid_only  # Redis' dictGetFairRandomKey is visibly skewed on hashtables
def test_srandmember_distinct_selections_are_uniform(r):
    members = ["e%d" % i for i in range(60)]
    r.sadd("h", *members)
    # count*3 <= size (draw until distinct) and count*3 > size (choose among all).
    for count, calls in ((5, 6000), (40, 1500)):
        hits = {}
        for reply in pipelined(r, calls, lambda p: p.srandmember("h", count)):
            assert len(reply) == count and len(set(reply)) == count
            for m in reply:
                hits[m] = hits.get(m, 0) + 1
        assert_uniform(hits, members, calls * count / 60)


@pytest.mark.corvid_only  # Redis' dictGetFairRandomKey is visibly skewed on hashtables
def test_spop_is_uniform(r):
    members = ["p%d" % i for i in range(30)] + [str(i) for i in range(10)]
    rounds = 12000
    replies = pipelined(r, rounds, lambda p: p.delete("s").sadd("s", *members).spop("s"))
    assert_uniform(counts(replies[2::3]), members, rounds / len(members))
    # With a count: a small part (drawn one by one) and most of the set (the kept part is drawn).
    for count, rounds in ((3, 4000), (36, 800)):
        hits = {}
        for reply in pipelined(r, rounds, lambda p: p.delete("s").sadd("s", *members).spop("s", count))[2::3]:
            assert len(reply) == count and len(set(reply)) == count
            for m in reply:
                hits[m] = hits.get(m, 0) + 1
        assert_uniform(hits, members, rounds * count / len(members))


def test_intset_spop_is_uniform(r):
    members = [str(v) for v in (-(2 ** 63), -70000, -5, 0, 1, 2, 40000, 2 ** 40, 2 ** 63 - 1)]
    rounds = 9000
    replies = pipelined(r, rounds, lambda p: p.sadd("i", *members).spop("i").delete("i"))
    assert_uniform(counts(replies[1::3]), members, rounds / len(members))


def test_large_set_operations(r):
    for i in range(0, 200000, 5000):
        r.sadd("a", *["v%d" % j for j in range(i, i + 5000)])
        r.sadd("b", *["v%d" % j for j in range(i + 100000, i + 105000)])
    assert r.scard("a") == 200000
    assert r.sintercard(2, ["a", "b"]) == 100000
    assert r.sintercard(2, ["a", "b"], limit=10) == 10
    assert r.sinterstore("c", "a", "b") == 100000
    assert r.sdiffstore("d", "a", "b") == 100000
    assert r.sunionstore("e", "a", "b") == 300000
    assert r.sismember("d", "v5") and not r.sismember("d", "v150000")
    assert len(r.spop("e", 290000)) == 290000
    assert r.scard("e") == 10000
    rest = r.smembers("e")
    assert len(rest) == 10000 and all(m.startswith("v") for m in rest)
    assert r.srem("a", *["v%d" % j for j in range(199000)]) == 199000
    assert r.scard("a") == 1000
