"""Sorted sets through redis-py, as applications use them: a leaderboard, a delayed-job schedule, rate windows,
set algebra over rankings, and blocking pops served across connections. Waits are bounded; nothing asserts on
elapsed time."""

import math
import random

import pytest
import redis
from resp import encode
# The blocking-command helpers (a Waiter thread per blocked client, bounded polling) are shared with the list tests.
from conftest import wait_until
from test_list import blocked_clients, start_blocked


def test_leaderboard_workflow(r):
    players = {"ann": 120, "bob": 95, "cid": 120, "dee": 300, "eve": 15}
    assert r.zadd("board", players) == 5
    assert r.zcard("board") == 5
    # ties are ordered by member
    assert r.zrevrange("board", 0, 2, withscores=True) == [("dee", 300.0), ("cid", 120.0), ("ann", 120.0)]
    assert r.zrevrank("board", "ann") == 2
    assert r.zrank("board", "eve") == 0
    # points come in
    assert r.zincrby("board", 200, "eve") == 215.0
    assert r.zadd("board", {"bob": 500}, gt=True, ch=True) == 1
    assert r.zadd("board", {"bob": 10}, gt=True, ch=True) == 0
    assert r.zscore("board", "bob") == 500.0
    assert r.zrevrange("board", 0, 0) == ["bob"]
    # pages of 2, from the top
    page1 = r.zrevrangebyscore("board", "+inf", "-inf", start=0, num=2, withscores=True)
    page2 = r.zrevrangebyscore("board", "+inf", "-inf", start=2, num=2, withscores=True)
    assert page1 == [("bob", 500.0), ("dee", 300.0)]
    assert page2 == [("eve", 215.0), ("cid", 120.0)]
    assert r.zcount("board", 100, "(300") == 3
    assert r.zmscore("board", ["ann", "nobody", "dee"]) == [120.0, None, 300.0]
    # keep the top 3 only
    assert r.zremrangebyrank("board", 0, -4) == 2
    assert r.zrange("board", 0, -1) == ["eve", "dee", "bob"]
    assert r.zpopmax("board") == [("bob", 500.0)]
    assert r.zpopmin("board", 5) == [("eve", 215.0), ("dee", 300.0)]
    assert r.exists("board") == 0


def test_big_leaderboard_converts_and_stays_consistent(r):
    rnd = random.Random(5)
    scores = {"player:%05d" % i: rnd.randint(0, 10_000) for i in range(5000)}
    pipe = r.pipeline(transaction=False)
    items = list(scores.items())
    for i in range(0, len(items), 500):
        pipe.zadd("big", dict(items[i:i + 500]))
    pipe.execute()
    assert r.object("encoding", "big") == "skiplist"
    expected = sorted(scores.items(), key=lambda kv: (kv[1], kv[0]))
    assert r.zcard("big") == 5000
    assert r.zrange("big", 0, 9, withscores=True) == [(m, float(s)) for m, s in expected[:10]]
    assert r.zrange("big", -5, -1) == [m for m, _ in expected[-5:]]
    for m, _ in rnd.sample(expected, 50):
        rank = expected.index((m, scores[m]))
        assert r.zrank("big", m) == rank
        assert r.zrevrank("big", m) == 4999 - rank
    in_range = [m for m, s in expected if 2000 <= s < 2100]
    assert r.zrangebyscore("big", 2000, "(2100") == in_range
    assert r.zcount("big", 2000, "(2100") == len(in_range)
    assert r.zremrangebyscore("big", 2000, "(2100") == len(in_range)
    assert r.zcard("big") == 5000 - len(in_range)
    # a full ZSCAN returns every member (possibly more than once) with its score
    seen = dict(r.zscan_iter("big", count=100))
    assert len(seen) == 5000 - len(in_range)
    assert all(seen[m] == float(scores[m]) for m in list(seen)[:100])
    assert dict(r.zscan_iter("big", match="player:0000*")) == {
        m: float(scores[m]) for m in scores if m.startswith("player:0000") and m not in in_range}


def test_delayed_jobs_schedule(r):
    now = 1_700_000_000
    jobs = {"job:%d" % i: now + i * 10 for i in range(10)}
    r.zadd("schedule", jobs)
    due = r.zrangebyscore("schedule", "-inf", now + 35)
    assert due == ["job:0", "job:1", "job:2", "job:3"]
    # claim them atomically one by one
    claimed = [r.zpopmin("schedule")[0][0] for _ in due]
    assert claimed == due
    assert r.zrange("schedule", 0, 0, withscores=True) == [("job:4", float(now + 40))]
    # reschedule job:9 earlier, only if earlier (LT)
    assert r.zadd("schedule", {"job:9": now}, lt=True, ch=True) == 1
    assert r.zadd("schedule", {"job:9": now + 1000}, lt=True, ch=True) == 0
    assert r.zrange("schedule", 0, 0) == ["job:9"]
    assert r.zmpop(1, ["schedule"], max=True, count=2) == ["schedule", [["job:8", str(now + 80)],
                                                                        ["job:7", str(now + 70)]]]


def test_sliding_window_rate_limit(r):
    window = []
    for t in range(100):
        pipe = r.pipeline(transaction=False)
        pipe.zremrangebyscore("rl", "-inf", "(%d" % (t - 10))
        pipe.zadd("rl", {"req:%d" % t: t})
        pipe.zcard("rl")
        _, _, count = pipe.execute()
        window = [x for x in window + [t] if x >= t - 10]
        assert count == len(window)
    assert r.zrange("rl", 0, -1) == ["req:%d" % t for t in window]


def test_set_algebra_over_rankings(r):
    r.zadd("math", {"ann": 90, "bob": 70, "cid": 50})
    r.zadd("art", {"ann": 60, "bob": 95, "dee": 80})
    r.sadd("club", "ann", "dee")
    assert r.zunionstore("total", {"math": 1, "art": 2}) == 4
    assert r.zrange("total", 0, -1, withscores=True) == [
        ("cid", 50.0), ("dee", 160.0), ("ann", 210.0), ("bob", 260.0)]
    assert r.zinterstore("best", ["math", "art"], aggregate="MAX") == 2
    assert r.zrange("best", 0, -1, withscores=True) == [("ann", 90.0), ("bob", 95.0)]
    assert r.zdiff(["math", "art"], withscores=True) == ["cid", "50"]
    assert r.zinter(["total", "club"], withscores=True) == [("dee", 161.0), ("ann", 211.0)]
    assert r.zunion(["club", "math"], aggregate="MIN", withscores=True) == [
        ("ann", 1.0), ("dee", 1.0), ("cid", 50.0), ("bob", 70.0)]
    assert r.zintercard(3, ["math", "art", "club"]) == 1
    assert r.zintercard(2, ["math", "art"], limit=1) == 1
    assert r.zdiffstore("none", ["math", "math"]) == 0
    assert r.exists("none") == 0
    assert r.zrangestore("top2", "total", 0, 1, desc=True) == 2
    assert r.zrange("top2", 0, -1) == ["ann", "bob"]
    assert r.object("encoding", "top2") == "listpack"


def test_lex_ranges_for_autocomplete(r):
    words = ["apple", "apply", "apricot", "banana", "band", "bandana", "can"]
    r.zadd("words", {w: 0 for w in words})
    assert r.zrangebylex("words", "[ap", "(aq") == ["apple", "apply", "apricot"]
    assert r.zrangebylex("words", "[band", "(bane") == ["band", "bandana"]
    assert r.zlexcount("words", "-", "+") == 7
    assert r.zrevrangebylex("words", "+", "[b", start=0, num=2) == ["can", "bandana"]
    assert r.zremrangebylex("words", "[b", "(c") == 3
    assert r.zrange("words", 0, -1) == ["apple", "apply", "apricot", "can"]


def test_scores_print_like_redis(r):
    r.zadd("f", {"a": 0.1, "b": 1e17, "c": float("inf"), "d": -0.0, "e": 2.5})
    raw = r.execute_command("ZRANGE", "f", 0, -1, "WITHSCORES")
    assert raw == ["d", "0", "a", "0.10000000000000001", "e", "2.5", "b", "1e+17", "c", "inf"]
    with pytest.raises(redis.ResponseError, match="not a valid float"):
        r.zadd("f", {"x": "nan"})
    with pytest.raises(redis.ResponseError, match="resulting score is not a number"):
        r.zincrby("f", float("-inf"), "c")
    assert math.isinf(r.zscore("f", "c"))


def test_binary_members(server):
    c = server.client(decode_responses=False)
    c.delete(b"bin")
    members = {b"\x00": 1, b"\xff\xfe": 2, b"a\r\nb": 3, bytes(range(200)): 4}
    assert c.zadd(b"bin", members) == 4
    assert c.object("encoding", b"bin") == b"skiplist"  # one member is longer than 64 bytes
    assert c.zrange(b"bin", 0, -1) == list(members)
    assert c.zscore(b"bin", bytes(range(200))) == 4.0
    assert c.zrem(b"bin", b"\x00", bytes(range(200))) == 2
    assert c.zrange(b"bin", 0, -1, withscores=True) == [(b"\xff\xfe", 2.0), (b"a\r\nb", 3.0)]
    c.close()


def test_random_members(r):
    r.zadd("rz", {"m%d" % i: i for i in range(20)})
    picks = r.zrandmember("rz", 5)
    assert len(picks) == 5 and len(set(picks)) == 5
    assert all(r.zscore("rz", m) is not None for m in picks)
    assert len(r.zrandmember("rz", -50)) == 50
    everything = r.zrandmember("rz", 100, withscores=True)
    assert everything == [x for i in range(19, -1, -1) for x in ("m%d" % i, str(i))]
    assert r.zrandmember("rz") in {"m%d" % i for i in range(20)}
    assert r.zrandmember("missing") is None


def test_resp3_doubles_and_pairs(r3):
    assert r3.call("ZADD", "z", "1.5", "a", "inf", "b", "2", "c") == 3
    assert r3.call("ZSCORE", "z", "a") == 1.5
    assert r3.call("ZSCORE", "z", "nope") is None
    assert r3.call("ZMSCORE", "z", "b", "nope") == [float("inf"), None]
    assert r3.call("ZRANGE", "z", 0, -1, "WITHSCORES") == [[b"a", 1.5], [b"c", 2.0], [b"b", float("inf")]]
    assert r3.call("ZPOPMIN", "z") == [b"a", 1.5]
    assert r3.call("ZPOPMAX", "z", 1) == [[b"b", float("inf")]]
    assert r3.call("ZMPOP", 1, "z", "MIN") == [b"z", [[b"c", 2.0]]]
    assert r3.call("BZPOPMIN", "z", "0.01") is None


def test_wrong_type_errors(r):
    r.set("s", "x")
    for call in (lambda: r.zadd("s", {"a": 1}), lambda: r.zrange("s", 0, -1), lambda: r.zscore("s", "a"),
                 lambda: r.zunionstore("d", ["s"]), lambda: r.zpopmin("s"), lambda: r.bzpopmin(["s"], timeout=1),
                 lambda: r.zrandmember("s")):
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            call()
    assert r.get("s") == "x"


def test_blocking_pop_woken_by_zadd_from_another_thread(server, r):
    w = start_blocked(server, r, "BZPOPMIN", "inbox", 0)
    producer = server.client()
    assert producer.zadd("inbox", {"low": 1, "high": 9}) == 2
    assert w.result() == ("inbox", "low", 1.0)
    assert r.zrange("inbox", 0, -1) == ["high"]
    producer.close()


def test_blocking_pops_are_served_first_come_first_served(server, r):
    waiters = [start_blocked(server, r, "BZPOPMAX", "fifo", 0) for _ in range(3)]
    r.zadd("fifo", {"a": 1, "b": 2})
    assert waiters[0].result() == ("fifo", "b", 2.0)
    assert waiters[1].result() == ("fifo", "a", 1.0)
    assert waiters[2].is_alive()
    r.zincrby("fifo", 5, "c")
    assert waiters[2].result() == ("fifo", "c", 5.0)
    assert r.exists("fifo") == 0


def test_blocking_variants(server, r):
    w = start_blocked(server, r, "BZMPOP", 0, 2, "x", "y", "MAX", "COUNT", 2)
    r.zadd("y", {"1": 1, "2": 2, "3": 3})
    assert w.result() == ["y", [["3", "3"], ["2", "2"]]]
    assert r.zrange("y", 0, -1) == ["1"]
    r.zadd("src", {"a": 1, "b": 2})
    w = start_blocked(server, r, "BZPOPMIN", "k1", "dst", 0)
    assert r.zunionstore("dst", ["src"]) == 2
    assert w.result() == ("dst", "a", 1.0)
    w = start_blocked(server, r, "BZPOPMAX", "ranged", 0)
    assert r.zrangestore("ranged", "src", 0, 0) == 1
    assert w.result() == ("ranged", "a", 1.0)


def test_blocking_pop_times_out(server, r):
    c = server.client()
    assert c.bzpopmin(["never"], timeout=0.05) is None
    assert c.execute_command("BZMPOP", "0.05", 1, "never", "MIN") is None
    c.close()
    assert blocked_clients(r) == 0


def test_blocked_client_disconnect_is_forgotten(server, r):
    conn = server.raw()
    conn.send(encode("BZPOPMIN", "gone", 0))
    assert wait_until(lambda: blocked_clients(r) == 1)
    conn.close()
    assert wait_until(lambda: blocked_clients(r) == 0)
    r.zadd("gone", {"a": 1})
    assert r.zcard("gone") == 1
