"""MIGRATE from the server under test to a target (corvid and Debian's redis-server): keys move with their
TTLs, COPY/REPLACE/KEYS/AUTH, the target's errors are relayed, unreachable targets give IOERR, and the move is
propagated as DEL. Also passes with CORVID_SERVER=/usr/bin/redis-server."""
import glob
import os

import pytest
import redis

from conftest import SERVER_BIN, ServerProcess, free_port

REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture(params=["corvid", "redis"])
def target(request, tmp_path):
    binary = SERVER_BIN if request.param == "corvid" else REDIS_SERVER
    if not os.path.exists(binary):
        pytest.skip("needs " + binary)
    srv = ServerProcess(tmp_path / "target", binary=binary, args=["--requirepass", "pw"]).start()
    yield srv
    srv.stop()


def test_keys_move_with_their_ttls(start_server, target):
    src = start_server().client()
    dst = target.client(password="pw")
    src.set("s", "v")
    src.rpush("l", *range(200))
    src.set("t", "x", px=100000)
    src.hset("h", mapping={"f%d" % i: i for i in range(10)})
    assert src.execute_command("MIGRATE", "127.0.0.1", target.port, "s", 0, 1000, "AUTH", "pw") == "OK"
    assert src.exists("s") == 0 and dst.get("s") == "v"
    assert src.execute_command("MIGRATE", "127.0.0.1", target.port, "", 2, 1000, "AUTH", "pw",
                               "KEYS", "l", "t", "missing") == "OK"
    assert src.exists("l", "t") == 0
    dst2 = target.client(password="pw", db=2)
    assert dst2.lrange("l", 0, -1) == [str(i) for i in range(200)]
    assert 90000 < dst2.pttl("t") <= 100000
    # COPY keeps the source key; without REPLACE an existing target key is the target's error
    assert src.execute_command("MIGRATE", "127.0.0.1", target.port, "h", 0, 1000, "COPY", "AUTH", "pw") == "OK"
    assert src.hlen("h") == 10 and dst.hlen("h") == 10
    with pytest.raises(redis.ResponseError,
                       match="^Target instance replied with error: BUSYKEY Target key name already exists.$"):
        src.execute_command("MIGRATE", "127.0.0.1", target.port, "h", 0, 1000, "AUTH", "pw")
    assert src.hlen("h") == 10
    src.hset("h", "new", "1")
    assert src.execute_command("MIGRATE", "127.0.0.1", target.port, "h", 0, 1000, "REPLACE", "AUTH2",
                               "default", "pw") == "OK"
    assert src.exists("h") == 0 and dst.hget("h", "new") == "1"
    assert src.execute_command("MIGRATE", "127.0.0.1", target.port, "missing", 0, 1000) == "NOKEY"


def test_target_errors_and_unreachable_targets(start_server, target):
    src = start_server().client()
    src.set("k", "v")
    with pytest.raises(redis.ResponseError, match="^Target instance replied with error: NOAUTH"):
        src.execute_command("MIGRATE", "127.0.0.1", target.port, "k", 0, 1000)
    with pytest.raises(redis.ResponseError, match="^Target instance replied with error: WRONGPASS"):
        src.execute_command("MIGRATE", "127.0.0.1", target.port, "k", 0, 1000, "AUTH", "bad")
    assert src.get("k") == "v"
    with pytest.raises(redis.ResponseError, match="^IOERR error or timeout writing to target instance$"):
        src.execute_command("MIGRATE", "127.0.0.1", free_port(), "k", 0, 1000)
    assert src.get("k") == "v"


def test_argument_errors(start_server):
    src = start_server().client()
    src.set("k", "v")
    for args, msg in ((("k", 0, 100, "KEYS", "a"), "the key argument must be set to the empty string"),
                      (("k", 0, 100, "AUTH"), "syntax error"), (("k", 0, 100, "AUTH2", "u"), "syntax error"),
                      (("k", 0, 100, "BOGUS"), "syntax error"), (("k", "x", 100), "not an integer"),
                      (("k", 0, "x"), "not an integer")):
        with pytest.raises(redis.ResponseError, match=msg):
            src.execute_command("MIGRATE", "127.0.0.1", 1, *args)
    assert src.execute_command("COMMAND GETKEYS", "MIGRATE", "h", 1, "", 0, 5, "AUTH2", "u", "p", "KEYS", "a",
                               "b") == ["a", "b"]


def test_a_migration_is_propagated_as_del(start_server, target):
    srv = start_server(args=["--appendonly", "yes", "--appendfsync", "always"])
    src = srv.client()
    src.set("a", "1")
    src.set("b", "2")
    assert src.execute_command("MIGRATE", "127.0.0.1", target.port, "", 0, 1000, "AUTH", "pw",
                               "KEYS", "a", "b") == "OK"
    incr = [f for f in glob.glob(os.path.join(srv.dir, "appendonlydir", "*.incr.aof"))]
    data = b"".join(open(f, "rb").read() for f in incr)
    assert b"*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nb\r\n" in data
    assert b"MIGRATE" not in data.upper()
