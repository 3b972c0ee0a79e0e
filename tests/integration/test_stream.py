"""Streams through redis-py, as applications use them: a job queue with consumer groups (produce, consume, a
consumer crashing, its work claimed and acknowledged by another), capped logs, and blocking reads served across
connections in arrival order. Waits are bounded; nothing asserts on elapsed time."""

import pytest
import redis
from conftest import wait_until
from test_list import Waiter, blocked_clients


def start_blocked(server, r, *command):
    before = blocked_clients(r)
    t = Waiter(server, *command)
    t.start()
    assert wait_until(lambda: blocked_clients(r) > before), "the reader never blocked"
    return t


def test_job_queue_with_crash_and_claim(r):
    # Producer adds jobs with auto IDs; the IDs grow.
    ids = [r.xadd("jobs", {"task": "resize", "n": i}) for i in range(10)]
    assert ids == sorted(ids, key=lambda s: tuple(int(p) for p in s.split("-")))
    assert r.xlen("jobs") == 10
    r.xgroup_create("jobs", "workers", id="0")

    # Two workers take jobs; "crashy" takes 3 and dies without acking.
    got = r.xreadgroup("workers", "crashy", {"jobs": ">"}, count=3)
    crashed = [eid for eid, _ in got[0][1]]
    assert crashed == ids[:3]
    got = r.xreadgroup("workers", "steady", {"jobs": ">"}, count=100)
    done = [eid for eid, fields in got[0][1]]
    assert done == ids[3:]
    assert r.xack("jobs", "workers", *done) == 7

    summary = r.xpending("jobs", "workers")
    assert summary["pending"] == 3
    assert summary["min"] == ids[0] and summary["max"] == ids[2]
    assert summary["consumers"] == [{"name": "crashy", "pending": 3}]

    # The survivor claims the dead worker's jobs and finishes them.
    claimed = r.xautoclaim("jobs", "workers", "steady", min_idle_time=0, start_id="0-0", count=2)
    assert claimed[0] == ids[2]  # the cursor to continue from
    assert [eid for eid, _ in claimed[1]] == ids[:2]
    rest = r.xclaim("jobs", "workers", "steady", min_idle_time=0, message_ids=[ids[2]])
    assert rest[0][0] == ids[2] and rest[0][1] == {"task": "resize", "n": "2"}
    detail = r.xpending_range("jobs", "workers", min="-", max="+", count=10)
    assert [d["consumer"] for d in detail] == ["steady"] * 3
    assert [d["times_delivered"] for d in detail] == [2, 2, 2]
    assert r.xack("jobs", "workers", *crashed) == 3
    assert r.xpending("jobs", "workers")["pending"] == 0

    groups = r.xinfo_groups("jobs")
    assert groups[0]["name"] == "workers" and groups[0]["lag"] == 0 and groups[0]["entries-read"] == 10
    consumers = {c["name"]: c["pending"] for c in r.xinfo_consumers("jobs", "workers")}
    assert consumers == {"crashy": 0, "steady": 0}
    assert r.xgroup_delconsumer("jobs", "workers", "crashy") == 0


def test_history_read_after_restart_of_a_consumer(r):
    r.xadd("s", {"a": "1"}, id="1-1")
    r.xadd("s", {"a": "2"}, id="2-1")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"})
    # The consumer comes back and re-reads its own pending entries from 0.
    again = r.xreadgroup("g", "c", {"s": "0"})
    assert [eid for eid, _ in again[0][1]] == ["1-1", "2-1"]
    r.xdel("s", "1-1")
    again = r.xreadgroup("g", "c", {"s": "0"})
    assert again[0][1][0][0] == "1-1" and not again[0][1][0][1]  # a deleted entry: its ID and nil
    assert r.xpending_range("s", "g", "-", "+", 10)[1]["times_delivered"] == 3


def test_capped_log_and_ranges(r):
    for i in range(1, 1001):
        r.xadd("log", {"line": "entry %d" % i}, id="%d-0" % i, maxlen=500, approximate=False)
    assert r.xlen("log") == 500
    first = r.xrange("log", count=1)[0][0]
    assert first == "501-0"
    assert [eid for eid, _ in r.xrevrange("log", count=3)] == ["1000-0", "999-0", "998-0"]
    assert [eid for eid, _ in r.xrange("log", min="(600-0", max="603-0")] == ["601-0", "602-0", "603-0"]
    # Approximate trimming removes whole nodes only and never goes below the threshold.
    # Nodes hold 100 entries (701-800, 801-900, 901-1000 remain): two whole nodes go, a third would cross 250.
    assert r.xtrim("log", maxlen=250, approximate=True) == 200
    assert r.xlen("log") == 300
    assert r.xtrim("log", minid="900-0", approximate=False) == 199
    assert r.xrange("log", count=1)[0][0] == "900-0"
    info = r.xinfo_stream("log")
    assert info["length"] == r.xlen("log")
    assert info["last-generated-id"] == "1000-0"
    assert info["entries-added"] == 1000


def test_blocking_xread_served_in_arrival_order(server, r):
    r.xadd("ev", {"x": "0"}, id="1-0")
    first = start_blocked(server, r, "XREAD", "BLOCK", "0", "STREAMS", "ev", "$")
    second = start_blocked(server, r, "XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "ev", "$")
    r.xadd("ev", {"x": "1"}, id="2-0")
    assert first.result() == [["ev", [("2-0", {"x": "1"})]]]
    assert second.result()[0][1][0][0] == "2-0"
    assert blocked_clients(r) == 0
    # A timeout answers nil.
    assert r.xread({"ev": "$"}, block=50) == []


def test_blocking_xreadgroup_shares_work(server, r):
    r.xgroup_create("q", "g", id="$", mkstream=True)
    a = start_blocked(server, r, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "q", ">")
    b = start_blocked(server, r, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "q", ">")
    r.xadd("q", {"job": "1"}, id="1-0")
    assert a.result()[0][1][0][0] == "1-0"
    assert wait_until(lambda: blocked_clients(r) == 1)
    r.xadd("q", {"job": "2"}, id="2-0")
    assert b.result()[0][1][0][0] == "2-0"
    owners = {d["message_id"]: d["consumer"] for d in r.xpending_range("q", "g", "-", "+", 10)}
    assert owners == {"1-0": "a", "2-0": "b"}


def test_blocked_group_reader_sees_group_or_stream_vanish(server, r):
    r.xgroup_create("q", "g", id="$", mkstream=True)
    t = start_blocked(server, r, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "q", ">")
    r.xgroup_destroy("q", "g")
    with pytest.raises(redis.ResponseError, match="NOGROUP"):
        t.result()
    r.xgroup_create("q", "g", id="$")
    t = start_blocked(server, r, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "q", ">")
    r.delete("q")
    with pytest.raises(redis.ResponseError, match="UNBLOCKED the stream key no longer exists"):
        t.result()


def test_transactions_do_not_block_and_watch_sees_xadd(server, r):
    r.xadd("m", {"a": "1"}, id="1-0")
    p = r.pipeline(transaction=True)
    p.xread({"m": "$"}, block=0)
    p.xlen("m")
    assert p.execute() == [[], 1]  # redis-py maps the nil of a read that cannot block to []
    w = server.client()
    with w.pipeline() as pipe:
        pipe.watch("m")
        r.xadd("m", {"a": "2"}, id="2-0")
        pipe.multi()
        pipe.xlen("m")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    w.close()


def test_command_getkeys_and_type(r):
    assert r.command_getkeys("XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0") == ["a", "b"]
    assert r.command_getkeys("XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", ">") == ["k"]
    r.xadd("t", {"f": "v"})
    assert r.type("t") == "stream"
    assert r.object("encoding", "t") == "stream"
