"""Client-side caching (CLIENT TRACKING), compared with Debian's redis-server 7.0.15.

Each scenario is a list of steps (connection, command) run against corvid and the oracle. After each step
every other connection is sent a PING and read up to its PONG, so each connection's frames (replies,
invalidation pushes, __redis__:invalidate messages) are collected in a deterministic order; the frame lists
of every connection must be identical on both servers. Client ids differ between servers, so "$id:NAME" in a
command is replaced by the id of connection NAME on that server.
"""

import os

import pytest

from conftest import ServerProcess, is_oracle
from resp import Push, encode

ORACLE = "/usr/bin/redis-server"

pytestmark = pytest.mark.skipif(is_oracle() or not os.path.exists(ORACLE),
                                reason="differential: needs corvid and the oracle")

SCENARIOS = {
    "resp3_default": [
        ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON"), ("a", "GET k"), ("a", "MGET k k2 k3"),
        ("w", "SET k v"), ("w", "SET k v2"), ("a", "GET k"), ("a", "SET k mine"), ("a", "GET k"),
        ("w", "MSET k2 1 k3 2"), ("a", "CLIENT TRACKINGINFO"), ("a", "CLIENT GETREDIR"),
        ("a", "GET h"), ("w", "HSET h f v"), ("a", "HGET h f"), ("w", "DEL h"), ("a", "GET k"),
        ("w", "FLUSHALL"), ("a", "GET k"), ("a", "FLUSHDB"), ("a", "CLIENT TRACKING OFF"), ("w", "SET k x"),
        ("a", "CLIENT TRACKINGINFO"), ("a", "CLIENT GETREDIR"),
    ],
    "resp3_multi": [
        ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON"), ("a", "GET k"), ("a", "GET j"), ("a", "MULTI"),
        ("a", "SET k 1"), ("a", "SET j 2"), ("a", "GET k"), ("a", "EXEC"), ("w", "SET k 3"),
    ],
    "noloop": [
        ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON NOLOOP"), ("a", "GET k"), ("a", "SET k 1"),
        ("w", "SET k 2"), ("a", "GET k"), ("w", "SET k 3"), ("a", "CLIENT TRACKINGINFO"),
    ],
    "optin_optout": [
        ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON OPTIN"), ("a", "GET x"), ("a", "CLIENT CACHING YES"),
        ("a", "GET y"), ("a", "GET z"), ("w", "MSET x 1 y 2 z 3"), ("a", "CLIENT CACHING YES"),
        ("a", "CLIENT TRACKINGINFO"), ("a", "CLIENT CACHING NO"), ("a", "CLIENT TRACKING OFF"),
        ("a", "CLIENT TRACKING ON OPTOUT"), ("a", "GET x"), ("a", "CLIENT CACHING NO"), ("a", "GET y"),
        ("w", "MSET x 1 y 2"), ("a", "CLIENT TRACKING ON OPTIN"), ("a", "CLIENT CACHING YES"),
    ],
    "redirect_resp2": [
        ("b", "SUBSCRIBE __redis__:invalidate"), ("a", "CLIENT TRACKING ON REDIRECT $id:b"),
        ("a", "GET k"), ("a", "CLIENT GETREDIR"), ("w", "SET k 1"), ("a", "GET k"), ("a", "GET m"),
        ("a", "SET k 2"), ("w", "FLUSHDB"), ("a", "CLIENT TRACKINGINFO"),
    ],
    "redirect_resp3": [
        ("b", "HELLO 3"), ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON REDIRECT $id:b"), ("a", "GET k"),
        ("w", "SET k 1"), ("a", "GET k"), ("a", "SET k 2"),
    ],
    "redirect_unsubscribed_resp2": [
        ("a", "CLIENT TRACKING ON REDIRECT $id:b"), ("a", "GET k"), ("w", "SET k 1"), ("b", "GET k"),
    ],
    "bcast": [
        ("a", "HELLO 3"), ("a", "CLIENT TRACKING ON BCAST PREFIX user: PREFIX job:"),
        ("c", "HELLO 3"), ("c", "CLIENT TRACKING ON BCAST"), ("d", "HELLO 3"),
        ("d", "CLIENT TRACKING ON BCAST PREFIX job: NOLOOP"),
        ("w", "SET user:1 x"), ("w", "MSET job:2 a user:9 b other c"), ("d", "SET job:7 z"),
        ("d", "MSET job:8 z user:3 y"), ("a", "CLIENT TRACKINGINFO"), ("w", "DEL user:1 job:2"),
        ("w", "FLUSHALL"), ("a", "CLIENT TRACKING OFF"), ("w", "SET user:1 again"),
    ],
    "errors": [
        ("a", "CLIENT TRACKING ON PREFIX x"), ("a", "CLIENT TRACKING ON OPTIN OPTOUT"),
        ("a", "CLIENT TRACKING ON BCAST OPTIN"), ("a", "CLIENT TRACKING ON REDIRECT 0"),
        ("a", "CLIENT TRACKING ON REDIRECT 999999"), ("a", "CLIENT TRACKING ON REDIRECT abc"),
        ("a", "CLIENT TRACKING MAYBE"), ("a", "CLIENT TRACKING ON FOO"), ("a", "CLIENT TRACKING"),
        ("a", "CLIENT CACHING YES"), ("a", "CLIENT TRACKING ON BCAST PREFIX ab PREFIX abc"),
        ("a", "CLIENT TRACKING ON BCAST PREFIX a"), ("a", "CLIENT TRACKING ON BCAST PREFIX ab"),
        ("a", "CLIENT TRACKING ON"), ("a", "CLIENT CACHING YES"), ("a", "CLIENT CACHING maybe"),
        ("a", "CLIENT TRACKING OFF"), ("a", "CLIENT TRACKING ON OPTIN"), ("a", "CLIENT TRACKING ON OPTOUT"),
        ("a", "CLIENT CACHING NO"), ("a", "CLIENT TRACKING ON REDIRECT $id:w REDIRECT $id:w"),
        ("a", "RESET"), ("a", "CLIENT TRACKINGINFO"),
    ],
}


def is_pong(frame):
    return frame == b"PONG" or frame == [b"pong", b""]


class Session:
    """Named raw connections to one server, with their collected frames."""

    def __init__(self, srv):
        self.srv = srv
        self.conns = {}
        self.frames = {}
        self.ids = {}

    def conn(self, name):
        if name not in self.conns:
            c = self.srv.raw()
            self.ids[name] = c.call("CLIENT", "ID")
            self.conns[name] = c
            self.frames[name] = []
        return self.conns[name]

    def run(self, actor, command):
        words = command.split(" ")
        for i, w in enumerate(words):
            if w.startswith("$id:"):
                self.conn(w[4:])
                words[i] = str(self.ids[w[4:]])
        c = self.conn(actor)
        c.send(encode(*words))
        while True:  # invalidation pushes may precede the reply
            frame = c.read()
            self.frames[actor].append(normalise(frame))
            if not isinstance(frame, Push):
                break
        for name in self.conns:
            if name != actor:
                self.barrier(name)

    def barrier(self, name):
        c = self.conns[name]
        c.send(encode("PING"))
        while True:
            frame = c.read()
            if is_pong(frame):
                return
            self.frames[name].append(normalise(frame))

    def finish(self):
        for name in self.conns:
            self.barrier(name)
        for c in self.conns.values():
            c.close()
        return self.frames


def normalise(frame):
    if isinstance(frame, Exception):
        return ("error", str(frame))
    if isinstance(frame, Push):
        return ("push", [normalise(x) for x in frame])
    if isinstance(frame, list):
        return [normalise(x) for x in frame]
    if isinstance(frame, dict):
        if b"proto" in frame:
            return "(HELLO reply)"
        return {k: normalise(v) for k, v in frame.items()}
    if isinstance(frame, set):
        return ("set", sorted(frame))
    return frame


def play(srv, steps):
    r = srv.raw()
    r.call("FLUSHALL")
    r.close()
    # Client ids are compared by name below: push them past the small integers the scenarios reply.
    for _ in range(30):
        srv.raw().close()
    s = Session(srv)
    for actor, command in steps:
        s.run(actor, command)
    frames = s.finish()
    # Client ids differ between the servers: compare them by the connection they name.
    by_id = {v: "<id:%s>" % k for k, v in s.ids.items()}
    return {name: [replace_ids(f, by_id) for f in fl] for name, fl in frames.items()}


def replace_ids(frame, by_id):
    if isinstance(frame, int) and frame in by_id:
        return by_id[frame]
    if isinstance(frame, list):
        return [replace_ids(x, by_id) for x in frame]
    if isinstance(frame, tuple):
        return tuple(replace_ids(x, by_id) for x in frame)
    if isinstance(frame, dict):
        return {k: replace_ids(v, by_id) for k, v in frame.items()}
    return frame


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("oracle"), binary=ORACLE).start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_tracking_matches_redis(server, oracle, name):
    ours = play(server, SCENARIOS[name])
    theirs = play(oracle, SCENARIOS[name])
    assert ours == theirs


def test_tracking_info_counters(server):
    a = server.raw()
    w = server.raw()
    try:
        w.call("FLUSHALL")
        a.call("HELLO", "3")
        a.call("CLIENT", "TRACKING", "ON")
        a.call("MGET", "t1", "t2", "t3")
        info = w.call("INFO", "everything").decode()
        assert "tracking_clients:1" in info
        assert "tracking_total_keys:3" in info
        assert "tracking_total_items:3" in info
        w.call("SET", "t1", "x")
        assert a.read() == Push([b"invalidate", [b"t1"]])
        assert "tracking_total_keys:2" in w.call("INFO", "stats").decode()
        flags = [line for line in w.call("CLIENT", "LIST").decode().splitlines() if "cmd=mget" in line]
        assert flags and " flags=t " in flags[0] and " redir=0 " in flags[0]
    finally:
        a.close()
        w.close()


def test_tracking_table_max_keys_evicts_with_invalidation(server):
    a = server.raw()
    w = server.raw()
    try:
        w.call("FLUSHALL")
        w.call("CONFIG", "SET", "tracking-table-max-keys", "2")
        a.call("HELLO", "3")
        a.call("CLIENT", "TRACKING", "ON")
        assert a.call("MGET", "m1", "m2", "m3") == [None, None, None]
        # One of the three keys had to go: its client hears about it at once.
        push = a.read()
        assert isinstance(push, Push) and push[0] == b"invalidate" and len(push[1]) == 1
        assert "tracking_total_keys:2" in w.call("INFO", "stats").decode()
    finally:
        w.call("CONFIG", "SET", "tracking-table-max-keys", "1000000")
        a.close()
        w.close()
