"""Keyspace notifications, compared with Debian's redis-server 7.0.15.

Each script runs against corvid and against the oracle; a second connection subscribed to every
keyspace/keyevent channel collects the messages each command publishes (a PING on the subscriber after
every command marks where that command's messages end). The message lists must be identical.
"""

import os

import pytest

from conftest import ServerProcess, is_oracle
from resp import encode

ORACLE = "/usr/bin/redis-server"

pytestmark = pytest.mark.skipif(is_oracle() or not os.path.exists(ORACLE),
                                reason="differential: needs corvid and the oracle")

SCRIPTS = {
    "strings": [
        "SET s v", "SET s v2 EX 100", "SETNX s x", "SETNX s2 x", "SETEX s3 100 v", "PSETEX s4 100000 v",
        "GETSET s v3", "MSET a 1 b 2", "MSETNX a 1 c 3", "MSETNX c 3 d 4", "APPEND a x", "APPEND new y",
        "SETRANGE a 3 zz", "SETRANGE e 0 ''", "SETRANGE a 0 ''", "INCR n", "DECR n", "INCRBY n 5", "DECRBY n 2",
        "INCRBYFLOAT f 1.5", "GETEX s EX 100", "GETEX s PERSIST", "GETEX s PXAT 1", "GETDEL a", "GETDEL nokey",
        "GET missing", "MGET a missing", "INCR s4",
    ],
    "generic": [
        "SET k v", "EXPIRE k 100", "PEXPIRE k 100000", "EXPIREAT k 99999999999", "PERSIST k", "PERSIST k",
        "EXPIRE k 100 NX", "EXPIRE k 100 NX", "RENAME k k2", "RENAME k2 k2", "SET k3 v", "RENAMENX k2 k3",
        "RENAMENX k2 k4", "COPY k4 k5", "COPY k4 k5", "COPY k4 k5 REPLACE", "COPY k4 k6 DB 1", "MOVE k6 2",
        "MOVE k5 1", "DEL k3 k4 nokey", "UNLINK k5", "SET t v", "EXPIRE t 0", "SET t v", "PEXPIREAT t 1",
        "EXISTS t", "TYPE t", "SET x 1", "DEL x",
    ],
    "hashes": [
        "HSET h a 1 b 2", "HSET h a 1", "HSETNX h a 3", "HSETNX h c 3", "HMSET h d 4", "HINCRBY h n 5",
        "HINCRBYFLOAT h f 1.5", "HDEL h a nofield", "HDEL h zz", "HDEL h b c d n f", "HDEL h a", "HGET h a",
    ],
    "lists": [
        "RPUSH l a b c d e", "LPUSH l z", "LPUSHX nol x", "RPUSHX l f", "LPOP l", "RPOP l 2", "LPOP l 0",
        "LSET l 0 q", "LINSERT l BEFORE q p", "LINSERT l BEFORE nopivot p", "LREM l 0 p", "LREM l 0 nothing",
        "LTRIM l 0 1", "LTRIM nol 0 1", "RPUSH src 1 2", "LMOVE src dst LEFT RIGHT", "RPOPLPUSH src dst",
        "RPOPLPUSH src dst", "LMOVE dst dst LEFT LEFT", "LMPOP 2 nol dst RIGHT COUNT 5", "RPUSH b1 x",
        "BLPOP nol b1 1", "RPUSH b2 x y", "BRPOP b2 1", "BLMOVE b2 b3 LEFT LEFT 1", "BLMPOP 1 2 b3 nol LEFT",
        "LTRIM l 5 10", "LPOP l", "RPUSH one x", "RPOP one",
    ],
    "sets": [
        "SADD s a b c 1", "SADD s a", "SREM s a zz", "SREM s zz", "SPOP s", "SPOP s 0", "SADD t 1 2 3",
        "SMOVE t u 1", "SMOVE t u 9", "SMOVE u t 1", "SINTERSTORE d t u", "SUNIONSTORE d t u",
        "SDIFFSTORE d t t", "SDIFFSTORE d t t", "SADD big 1 2 3", "SPOP big 10", "SADD one x", "SREM one x",
        "SADD a 1", "SADD b 1", "SINTERSTORE d a b", "SMOVE a b 1",
    ],
    "zsets": [
        "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 a", "ZADD z NX 5 a", "ZADD z INCR 1 a", "ZINCRBY z 2 b",
        "ZREM z a nomember", "ZREM z zz", "ZADD z 4 d 5 e 6 f", "ZREMRANGEBYRANK z 0 0",
        "ZREMRANGEBYSCORE z 5 5", "ZREMRANGEBYLEX z - +", "ZADD z 1 a 2 b 3 c", "ZPOPMIN z", "ZPOPMAX z 5",
        "ZPOPMIN z", "ZADD y 1 a 2 b", "ZADD x 2 b 3 c", "ZUNIONSTORE u 2 x y", "ZINTERSTORE i 2 x y",
        "ZDIFFSTORE df 2 x y", "ZDIFFSTORE df 2 x x", "ZRANGESTORE rs y 0 -1", "ZRANGESTORE rs y 5 10",
        "BZPOPMIN y 1", "BZPOPMAX y 1", "ZMPOP 2 nokey x MIN COUNT 10", "ZADD w 1 a", "BZMPOP 1 1 w MAX",
    ],
    "bits_hll_geo": [
        "SETBIT b 7 1", "SETBIT b 7 1", "SETBIT b 100 0", "SETBIT b 7 0", "BITFIELD b SET u8 0 1 INCRBY u8 0 0",
        "BITFIELD b GET u8 0", "BITFIELD b OVERFLOW FAIL INCRBY u8 0 300", "BITFIELD b2 SET u8 0 0",
        "BITOP OR d b b2", "BITOP AND d nokey", "BITOP AND d nokey", "PFADD h a b c", "PFADD h a", "PFADD h2",
        "PFCOUNT h", "PFMERGE m h h2", "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
        "GEOADD g XX 1 1 nope", "GEORADIUS g 15 37 200 km STORE gs", "GEORADIUS g 15 37 200 km STOREDIST gs",
        "GEORADIUS g 0 0 1 km STORE gs", "GEOSEARCHSTORE gs2 g FROMLONLAT 15 37 BYRADIUS 200 km",
        "GEOSEARCHSTORE gs2 g FROMLONLAT 0 0 BYRADIUS 1 km",
    ],
    "streams": [
        "XADD x 1-1 a 1", "XADD x 2-1 a 2", "XADD x 3-1 a 3", "XADD x MAXLEN 2 4-1 a 4", "XADD x 1-1 a 1",
        "XADD nx NOMKSTREAM 1-1 a 1", "XDEL x 3-1", "XDEL x 9-9", "XTRIM x MAXLEN 1", "XTRIM x MAXLEN 5",
        "XGROUP CREATE x g 0", "XGROUP CREATE y g $ MKSTREAM", "XGROUP CREATE x g 0", "XGROUP SETID x g 0",
        "XGROUP CREATECONSUMER x g c1", "XGROUP CREATECONSUMER x g c1", "XREADGROUP GROUP g c2 STREAMS x >",
        "XACK x g 4-1", "XADD x 5-1 a 5", "XREADGROUP GROUP g c2 STREAMS x >", "XCLAIM x g c3 0 5-1",
        "XAUTOCLAIM x g c4 0 0", "XGROUP DELCONSUMER x g c1", "XGROUP DELCONSUMER x g nobody", "XSETID x 9-9",
        "XGROUP DESTROY x g", "XGROUP DESTROY x g", "XREAD STREAMS x 0", "XDEL x 5-1", "DEL x",
    ],
    "transactions": [
        "MULTI", "SET m 1", "INCR m", "LPUSH ml a", "EXEC",
    ],
}

# Flag sets to run every script under: all classes with both channel kinds, and narrower selections.
FLAGS = ["KEA", "Kg$lshz", "Ex", "KEAnm"]


def parse(command):
    words = command.split(" ")
    return [b"" if w == "''" else w.encode() for w in words]


def collect(srv, flags, script):
    """Runs script on srv with notify-keyspace-events=flags; returns one message list per command."""
    cmd = srv.raw()
    sub = srv.raw()
    try:
        assert cmd.call("FLUSHALL") == b"OK"
        assert cmd.call("CONFIG", "SET", "notify-keyspace-events", flags) == b"OK"
        sub.call("PSUBSCRIBE", "__key*__:*")
        out = []
        for line in script:
            cmd.send(encode(*parse(line)))
            reply = cmd.read()
            sub.send(encode("PING"))
            messages = []
            while True:
                frame = sub.read()
                if frame[0] == b"pong":
                    break
                messages.append(tuple(frame))
            if isinstance(reply, Exception):
                reply = "error: %s" % reply
            elif "SPOP" in line:
                reply = "(random member)"
            out.append((line, reply, messages))
        cmd.call("CONFIG", "SET", "notify-keyspace-events", "")
        return out
    finally:
        cmd.close()
        sub.close()


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("oracle"), binary=ORACLE).start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_events_match_redis(server, oracle, name, flags):
    ours = collect(server, flags, SCRIPTS[name])
    theirs = collect(oracle, flags, SCRIPTS[name])
    for mine, redis_ in zip(ours, theirs):
        assert mine == redis_, "command %r" % mine[0]


def test_expired_event_from_active_expiry(server):
    cmd = server.raw()
    sub = server.raw()
    try:
        cmd.call("FLUSHALL")
        cmd.call("CONFIG", "SET", "notify-keyspace-events", "Ex")
        sub.call("SUBSCRIBE", "__keyevent@0__:expired")
        cmd.call("SET", "gone", "v", "PX", "1")
        # Nobody touches the key: the active expiry cycle must find it and publish the event.
        assert sub.read() == [b"message", b"__keyevent@0__:expired", b"gone"]
    finally:
        cmd.call("CONFIG", "SET", "notify-keyspace-events", "")
        cmd.close()
        sub.close()
