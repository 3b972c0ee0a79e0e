"""A client blocked on several keys is served from the key that became ready first (Redis' ready_keys order),
not from the first of its keys in argument order, when one transaction fills several of them. Runs against
Redis too (CORVID_SERVER=/usr/bin/redis-server)."""

import threading

import pytest
from conftest import wait_until


class Blocked:
    """cmd run on its own connection in a thread; built once the server counts `blocked` blocked clients."""

    def __init__(self, server, r, cmd, blocked):
        self.client = server.client()
        self.out = []
        self.thread = threading.Thread(target=lambda: self.out.append(self.client.execute_command(*cmd)))
        self.thread.start()
        assert wait_until(lambda: r.info("clients")["blocked_clients"] == blocked)

    def reply(self):
        """The reply as plain lists (after waiting for it)."""
        self.thread.join(10)
        self.client.close()
        assert self.out, "the blocked command was not served"
        return plain(self.out[0])


def run_blocked(server, r, cmd, fill):
    """Runs cmd until it blocks, then fill(pipeline) in one MULTI/EXEC; returns cmd's reply."""
    b = Blocked(server, r, cmd, 1)
    p = r.pipeline(transaction=True)
    fill(p)
    p.execute()
    return b.reply()


CASES = [
    (["BLPOP", "a", "b", 0], lambda p: p.rpush("b", "x").rpush("a", "y"), ["b", "x"]),
    (["BRPOP", "a", "b", 0], lambda p: p.rpush("b", "x").rpush("a", "y"), ["b", "x"]),
    (["BLMPOP", 0, 2, "a", "b", "LEFT"], lambda p: p.rpush("b", "x").rpush("a", "y"), ["b", ["x"]]),
    (["BZPOPMIN", "a", "b", 0], lambda p: p.zadd("b", {"x": 1}).zadd("a", {"y": 1}), ["b", "x", "1"]),
    (["BZMPOP", 0, 2, "a", "b", "MIN"], lambda p: p.zadd("b", {"x": 1}).zadd("a", {"y": 1}), ["b", [["x", "1"]]]),
    (["XREAD", "BLOCK", 0, "STREAMS", "a", "b", "$", "$"],
     lambda p: p.xadd("b", {"f": "x"}, id="1-1").xadd("a", {"f": "y"}, id="1-1"), [["b", [["1-1", ["f", "x"]]]]]),
    # The first ready key was emptied again inside the transaction: the next ready key serves the client.
    (["BLPOP", "a", "b", 0], lambda p: p.rpush("b", "x").rpush("a", "y").lpop("b"), ["a", "y"]),
]


def plain(v):
    """redis-py's parsed replies (tuples, floats) as plain lists of strings."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return [x for kv in v.items() for x in plain(kv)]
    if isinstance(v, float):
        return "%g" % v
    return v


@pytest.mark.parametrize("cmd,fill,want", CASES, ids=[" ".join(map(str, c[0][:2])) for c in CASES])
def test_blocked_client_is_served_from_the_first_ready_key(r, server, cmd, fill, want):
    assert run_blocked(server, r, cmd, fill) == want


def test_two_clients_are_served_in_ready_key_order(r, server):
    """Client 1 waits on a and b, client 2 on b: b's push goes to client 1 (it waited first on b), so a's
    element is left for nobody and client 2 keeps waiting."""
    c1 = Blocked(server, r, ["BLPOP", "a", "b", 0], 1)
    c2 = Blocked(server, r, ["BLPOP", "b", 5], 2)
    r.pipeline(transaction=True).rpush("b", "x").rpush("a", "y").execute()
    assert c1.reply() == ["b", "x"]
    assert r.lrange("a", 0, -1) == ["y"]
    assert r.info("clients")["blocked_clients"] == 1
    r.rpush("b", "z")
    assert c2.reply() == ["b", "z"]


def test_a_ready_key_emptied_again_does_not_let_a_client_jump_another_keys_queue(r, server):
    """Client 1 waits on a, then client 2 on b and a. b becomes ready but is emptied again in the same
    transaction: client 2 is not served from a on b's account; a serves its own queue, client 1 first."""
    c1 = Blocked(server, r, ["BLPOP", "a", 0], 1)
    c2 = Blocked(server, r, ["BLPOP", "b", "a", 5], 2)
    r.pipeline(transaction=True).rpush("b", "x").rpush("a", "y").lpop("b").execute()
    assert c1.reply() == ["a", "y"]
    assert r.info("clients")["blocked_clients"] == 1
    r.rpush("b", "z")
    assert c2.reply() == ["b", "z"]
