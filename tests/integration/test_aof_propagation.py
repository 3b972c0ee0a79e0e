"""Propagation by effect, against Redis 7.0.15: the same commands sent to corvid and to Debian's redis-server
(both with appendonly yes) must leave the same commands in their incremental AOF files, up to absolute
millisecond timestamps taken from each server's clock. Then corvid's AOF must rebuild its dataset: DEBUG
LOADAOF keeps DEBUG DIGEST, and a Redis started on a copy of corvid's appendonlydir has the same digest.
"""

import glob
import os
import random
import shutil
import time

import pytest

from conftest import ServerProcess
from resp import RawConnection, encode

REDIS_SERVER = "/usr/bin/redis-server"
AOF_ARGS = ["--appendonly", "yes", "--appendfsync", "always", "--save", "", "--enable-debug-command", "yes"]
CLOCK_SLACK_MS = 5000  # two servers' "now" for the same command differ by the time between their replies

pytestmark = pytest.mark.skipif(not os.path.exists(REDIS_SERVER), reason="needs Debian's redis-server")


def parse_aof(data):
    """The commands of a command-form AOF file, as lists of str (latin-1, so any byte survives)."""
    cmds, i = [], 0
    while i < len(data):
        assert data[i:i + 1] == b"*", "not a multibulk at offset %d: %r" % (i, data[i:i + 40])
        j = data.index(b"\r\n", i)
        argc, argv, i = int(data[i + 1:j]), [], j + 2
        for _ in range(argc):
            j = data.index(b"\r\n", i)
            n = int(data[i + 1:j])
            argv.append(data[j + 2:j + 2 + n].decode("latin-1"))
            i = j + 2 + n + 2
        cmds.append(argv)
    return cmds


def incr_commands(srv):
    files = sorted(glob.glob(os.path.join(srv.dir, "appendonlydir", "*.incr.aof")))
    assert files, "no incremental AOF file in %s" % srv.dir
    with open(files[-1], "rb") as f:
        return parse_aof(f.read())


def _ms(s):
    return s.isdigit() and len(s) >= 12


def same_arg(a, b):
    """Equal, or both absolute millisecond times (alone or as a stream ID's ms part) within the clock slack."""
    if a == b:
        return True
    ams, _, aseq = a.partition("-")
    bms, _, bseq = b.partition("-")
    return _ms(ams) and _ms(bms) and aseq == bseq and abs(int(ams) - int(bms)) <= CLOCK_SLACK_MS


def assert_same_commands(expected, got):
    for k, (e, g) in enumerate(zip(expected, got)):
        ok = len(e) == len(g) and all(same_arg(x, y) for x, y in zip(e, g))
        assert ok, "command %d differs:\n redis:  %r\n corvid: %r\nredis:  %r\ncorvid: %r" % (
            k, e, g, expected, got)
    assert len(expected) == len(got), "redis wrote %d commands, corvid %d:\nredis:  %r\ncorvid: %r" % (
        len(expected), len(got), expected, got)


class Pair:
    """A Redis and a corvid, both with the AOF on; commands go to both."""

    def __init__(self, tmp_path, corvid_binary, args=()):
        self.redis = ServerProcess(tmp_path / "redis", args=AOF_ARGS + list(args), binary=REDIS_SERVER).start()
        self.corvid = ServerProcess(tmp_path / "corvid", args=AOF_ARGS + list(args), binary=corvid_binary).start()
        self.conns = [RawConnection(self.redis.port), RawConnection(self.corvid.port)]
        self.side = {}
        self.blocked = 0  # side connections waiting for their reply
        self.tmp_path = tmp_path

    def run(self, *cmds):
        """Sends each command (a list of args) to both; returns the [redis, corvid] replies of the last."""
        replies = None
        for cmd in cmds:
            replies = [c.call(*cmd) for c in self.conns]
        return replies

    def send_side(self, name, *cmd):
        """Sends cmd without reading the reply on a second connection per server (a client that blocks)."""
        if name not in self.side:
            self.side[name] = [RawConnection(self.redis.port), RawConnection(self.corvid.port)]
        for c in self.side[name]:
            c.send(encode(*cmd))
        self.blocked += 1
        for conn in self.conns:
            assert wait_blocked(conn, self.blocked), "the command on %s did not block" % name

    def read_side(self, name):
        self.blocked -= 1
        return [c.read() for c in self.side[name]]

    def aof(self):
        self.run(["PING"])
        return incr_commands(self.redis), incr_commands(self.corvid)

    def check_corvid_aof_rebuilds(self):
        """corvid's AOF rebuilds its dataset: in corvid (DEBUG LOADAOF) and in a Redis started on a copy."""
        c = self.conns[1]
        digest = c.call("DEBUG", "DIGEST")
        copy = self.tmp_path / "redis-on-corvid-aof"
        os.makedirs(copy)
        shutil.copytree(os.path.join(self.corvid.dir, "appendonlydir"), copy / "appendonlydir")
        assert c.call("DEBUG", "LOADAOF") == b"OK"
        assert c.call("DEBUG", "DIGEST") == digest
        other = ServerProcess(copy, args=AOF_ARGS, binary=REDIS_SERVER).start()
        try:
            with RawConnection(other.port) as oc:
                assert oc.call("DEBUG", "DIGEST") == digest, other.output()
        finally:
            other.stop()

    def close(self):
        for conns in [self.conns] + list(self.side.values()):
            for c in conns:
                c.close()
        self.redis.stop()
        self.corvid.stop()


def wait_blocked(conn, n):
    """True once the server reports n blocked clients (bounded wait)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if ("blocked_clients:%d\r\n" % n) in conn.call("INFO", "clients").decode():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def pair(tmp_path, server_binary):
    p = Pair(tmp_path, server_binary)
    yield p
    p.close()


@pytest.fixture
def lazy_pair(tmp_path, server_binary):
    p = Pair(tmp_path, server_binary, ["--lazyfree-lazy-expire", "yes"])
    yield p
    p.close()


def check_group(pair, lines):
    """Runs lines (space-separated commands, or argument lists) on both and compares the AOFs."""
    pair.run(*[line.split(" ") if isinstance(line, str) else line for line in lines])
    expected, got = pair.aof()
    assert_same_commands(expected, got)
    pair.check_corvid_aof_rebuilds()


def test_expire_family(pair):
    check_group(pair, [
        "SET k v", "EXPIRE k 100", "PEXPIRE k 200000 GT", "EXPIREAT k 99999999999 XX", "PEXPIREAT k 99999999999999",
        "EXPIRE k 100 NX", "PEXPIRE k 100000 LT", "EXPIRE nokey 10",
        "SET d v", "EXPIRE d -1", "SET d v", "PEXPIREAT d 1", "SET d v", "EXPIREAT d 0",
    ])


def test_expire_in_the_past_is_unlink_under_lazyfree(lazy_pair):
    check_group(lazy_pair, ["SET d v", "EXPIRE d 0", "SET g v", "GETEX g PXAT 1", "SET h v", "PEXPIRE h -5"])


def test_set_family_with_expiry(pair):
    check_group(pair, [
        "SET a 1 EX 100", "SET a 2 PX 100000 GET", "SET a 3 EXAT 99999999999 XX GET",
        "SET b 1 PXAT 99999999999999 NX", "SET b 2 EX 100 NX", "SET c 1 KEEPTTL", "SET e 1 EX 100 XX",
        "SETEX s 100 v", "PSETEX s 100000 v", "SETNX n 1", "GETSET s w", "GETSET fresh w", "GETDEL fresh",
        "GETDEL fresh",
    ])


def test_getex(pair):
    check_group(pair, [
        "SET s v", "GETEX s EX 100", "GETEX s PX 100000", "GETEX s EXAT 99999999999", "GETEX s PXAT 99999999999999",
        "GETEX s PERSIST", "GETEX s PERSIST", "GETEX s", "GETEX nokey EX 100", "GETEX s EXAT 1",
    ])


def test_float_increments(pair):
    check_group(pair, [
        "SET f 1.5", "INCRBYFLOAT f 2", "EXPIRE f 100", "INCRBYFLOAT f 1e3", "INCRBYFLOAT newf 0.1",
        "HINCRBYFLOAT h f 1.5", "HINCRBYFLOAT h f 2.25e2",
    ])


def test_list_pops_that_block(pair):
    check_group(pair, [
        "RPUSH l a b c d e f g h i j k l m n", "BLPOP l 0", "BRPOP nol l 0", "BLMOVE l l2 LEFT RIGHT 0",
        "BLMOVE l l2 right left 0", "BRPOPLPUSH l l2 0", "LMPOP 2 nol l LEFT COUNT 2", "BLMPOP 0 1 l RIGHT COUNT 3",
        "LMPOP 1 l2 LEFT", "RPUSH one x", "LMPOP 1 one LEFT COUNT 5", "LMOVE l l2 LEFT LEFT", "RPOPLPUSH l l",
        "LPOP l 2", "SET str x", "BLMOVE l str LEFT RIGHT 0",
    ])


def test_zset_pops_that_block(pair):
    check_group(pair, [
        "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h", "BZPOPMIN z 0", "BZPOPMAX nokey z 0", "ZMPOP 1 z MIN COUNT 2",
        "BZMPOP 0 1 z MAX COUNT 2", "ZMPOP 1 z MAX", "ZPOPMIN z 1", "ZMPOP 2 nokey z MIN COUNT 10",
    ])


def test_clients_served_after_blocking(pair):
    pair.send_side("b1", "BLPOP", "l1", "0")
    pair.send_side("b2", "BLMPOP", "0", "2", "l3", "l1", "RIGHT", "COUNT", "2")
    pair.run(["RPUSH", "l1", "a", "b", "c", "d"])
    assert pair.read_side("b1") == [[b"l1", b"a"]] * 2
    pair.read_side("b2")
    pair.send_side("b3", "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
    pair.run(["RPUSH", "src", "x"])
    pair.read_side("b3")
    pair.send_side("b4", "BZPOPMIN", "z", "0")
    pair.run(["ZADD", "z", "1", "a", "2", "b"])
    pair.read_side("b4")
    pair.send_side("b5", "BRPOPLPUSH", "src", "dst", "0")
    pair.run(["MULTI"], ["RPUSH", "src", "y"], ["RPUSH", "src", "z"], ["EXEC"])
    pair.read_side("b5")
    pair.run(["XGROUP", "CREATE", "st", "g", "$", "MKSTREAM"])
    pair.send_side("b6", "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "st", ">")
    pair.run(["XADD", "st", "1-1", "a", "b"])
    pair.read_side("b6")
    expected, got = pair.aof()
    assert_same_commands(expected, got)
    pair.check_corvid_aof_rebuilds()


def test_spop_propagates_the_members_drawn(pair):
    pair.run(["SADD", "s1", "a"], ["SADD", "s2", "a", "b", "c"], ["SADD", "big"] + [str(i) for i in range(30)])
    replies = [pair.run(["SPOP", "s1"]), pair.run(["SPOP", "s2", "3"]), pair.run(["SPOP", "big", "3"]),
               pair.run(["SPOP", "big", "25"]), pair.run(["SPOP", "big", "0"]), pair.run(["SPOP", "nokey", "2"])]
    expected, got = pair.aof()
    # The members are random: compare the commands with SREM's member masked, then each server's SREMs of
    # "big" with the members it replied.
    def mask(cmds):
        return [cmd[:2] + ["*"] if cmd[0] == "SREM" and cmd[1] == "big" else cmd for cmd in cmds]

    assert_same_commands(mask(expected), mask(got))
    for side, cmds in ((0, expected), (1, got)):
        srem = [cmd[2] for cmd in cmds if cmd[0] == "SREM" and cmd[1] == "big"]
        popped = [m.decode() for m in replies[2][side] + replies[3][side]]
        assert sorted(srem) == sorted(popped)
    assert ["DEL", "s2"] in got and ["SREM", "s1", "a"] in got
    pair.check_corvid_aof_rebuilds()


def test_restore_with_relative_ttl(pair):
    pair.run(["SET", "k", "v"])
    payload = pair.run(["DUMP", "k"])[0]
    for cmd in (["RESTORE", "k2", "100000", payload], ["RESTORE", "k3", "0", payload],
                ["RESTORE", "k2", "100000", payload, "IDLETIME", "5", "REPLACE"],
                ["RESTORE", "k5", "99999999999999", payload, "ABSTTL"], ["RESTORE", "k6", "1", payload, "ABSTTL"],
                ["RESTORE", "k", "1", payload, "ABSTTL", "REPLACE"]):
        pair.run(cmd)
    expected, got = pair.aof()
    assert_same_commands(expected, got)
    pair.check_corvid_aof_rebuilds()


def test_streams(pair):
    check_group(pair, [
        "XADD st * f v", "XADD st 99999999999999-* f v", "XADD st MAXLEN ~ 2 * f v", "XADD st MAXLEN 2 * f v",
        "XADD st MINID ~ 0 * f v", "XADD st MAXLEN ~ 2 LIMIT 10 * f v", "XADD st2 MAXLEN ~ 0 1-1 f v",
        "XTRIM st MAXLEN ~ 1", "XTRIM st MAXLEN 1", "XADD st NOMKSTREAM 99999999999999-5 a b",
        "XGROUP CREATE st g $", "XGROUP CREATE st g2 0 ENTRIESREAD 0", "XADD st 99999999999999-7 f v",
        "XADD st 99999999999999-8 f v", "XREADGROUP GROUP g2 c1 COUNT 1 STREAMS st >",
        "XREADGROUP GROUP g2 c1 STREAMS st >", "XREADGROUP GROUP g2 c1 STREAMS st 0",
        "XREADGROUP GROUP g c2 NOACK STREAMS st >", "XDEL st 99999999999999-7",
        "XCLAIM st g2 c3 0 99999999999999-8 99999999999999-7", "XAUTOCLAIM st g2 c4 0 0",
        "XCLAIM st g2 c3 0 99999999999999-8 JUSTID LASTID 99999999999999-9",
        "XCLAIM st g2 c3 0 99999999999999-1 JUSTID LASTID 99999999999999-10",
        "XCLAIM st g2 c3 0 99999999999999-8 IDLE 5 RETRYCOUNT 7", "XGROUP SETID st g $ ENTRIESREAD 3",
        "XADD st 99999999999999-11 f v", "XREADGROUP GROUP g c9 NOACK COUNT 1 STREAMS st >",
        "XACK st g2 99999999999999-8", "XGROUP DELCONSUMER st g2 c1", "XGROUP DESTROY st g",
        "XADD t 1-1 f v", "XADD t 1-2 f v", "XADD t MAXLEN 1 1-3 f v", "XADD t MINID ~ 0 1-4 f v",
        "XGROUP CREATE t g 0", "XCLAIM t g c 0 1-4", "XCLAIM t g c 0 1-4 FORCE", "XCLAIM t g c 0 1-3 FORCE JUSTID",
    ])


def test_commands_propagated_as_sent_or_rewritten(pair):
    check_group(pair, [
        "FLUSHDB", "FLUSHALL", "SET a 1", "RPUSH l 3 1 2", "SORT l STORE dst", "SORT nolist STORE dst3",
        "SADD s1 a", "SADD s2 b", "SINTERSTORE dst4 s1 s2", "SUNIONSTORE u s1 s2", "ZADD z 1 a",
        "ZRANGESTORE zr z 5 10", "GEOADD g 13.361389 38.115556 Palermo", "GEOADD g 13.361389 38.115556 Palermo",
        "GEOADD g NX CH 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
        "GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km ASC", "RENAME a b", "SET x 1", "MOVE x 1",
        "COPY b b2", "SWAPDB 0 1", "SWAPDB 0 1", "SWAPDB 2 2", "PFADD h a b c", "PFADD h a", "PFCOUNT h", "LREM l 0 9",
        "SELECT 3", "SET in3 v", "SELECT 0", "MULTI", "SELECT 1", "SET m 1 EX 100", "SELECT 0", "INCRBYFLOAT f 1",
        "EXEC",
    ])


def test_scripts_and_functions_propagate_their_effects(pair):
    check_group(pair, [
        "SADD s a",
        ["EVAL", "return redis.call('spop', KEYS[1])", "1", "s"],
        ["EVAL", "redis.call('set', 'x6', 'v'); redis.call('expire', 'x6', 100)", "0"],
        ["FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function(keys, args) "
         "return redis.call('incrbyfloat', keys[1], 1) end)"],
        "FCALL f 1 fl", "FUNCTION DELETE lib", "FUNCTION FLUSH", "FUNCTION FLUSH", "SCRIPT FLUSH",
    ])


def test_scripts_honour_set_repl(pair):
    # What a script keeps out of the AOF is not rebuilt from it: only the files are compared.
    pair.run(["EVAL", "redis.set_repl(redis.REPL_NONE); redis.call('set', 'x1', 'v'); "
              "redis.set_repl(redis.REPL_ALL); redis.call('set', 'x2', 'v')", "0"],
             ["EVAL", "redis.set_repl(redis.REPL_AOF); redis.call('set', 'x3', 'v'); "
              "redis.set_repl(redis.REPL_SLAVE); redis.call('set', 'x4', 'v')", "0"],
             ["EVAL", "redis.call('set', 'x5', 'v'); redis.call('set', 'x6', 'v'); "
              "redis.set_repl(redis.REPL_NONE); redis.call('del', 'x5')", "0"])
    expected, got = pair.aof()
    assert_same_commands(expected, got)


def random_commands(seed, n):
    """n commands drawn with seed over a few keys: the families whose propagation is rewritten."""
    rng = random.Random(seed)
    keys = ["k%d" % i for i in range(5)]

    def member():
        return rng.choice("abcdefgh")

    gens = [
        # (No time in the past: such a key lingers until the expiry cycle meets it, at a moment of its own.)
        lambda k: ["SET", k, member()] + rng.choice([["EX", "100"], ["PX", "100000"], ["EXAT", "99999999999"],
                                                     ["PXAT", "99999999999999"]]),
        lambda k: ["EXPIRE", k, str(rng.choice([-1, 0, 100, 1000]))] + rng.choice([[], ["NX"], ["XX"], ["GT"]]),
        lambda k: ["GETEX", k, rng.choice(["EX", "PX"]), str(rng.randint(1000, 100000))],
        lambda k: ["INCRBYFLOAT", k, "%.3f" % rng.uniform(-10, 10)],
        lambda k: ["HINCRBYFLOAT", k, member(), "%.2f" % rng.uniform(-10, 10)],
        lambda k: ["SADD", k] + [member() for _ in range(rng.randint(1, 5))],
        lambda k: ["SPOP", k] + rng.choice([[], [str(rng.randint(0, 6))]]),
        lambda k: ["RPUSH", k] + [member() for _ in range(rng.randint(1, 5))],
        lambda k: ["BLPOP", k, "0.01"],
        lambda k: ["LMPOP", "2", k, rng.choice(keys), rng.choice(["LEFT", "RIGHT"]), "COUNT", str(rng.randint(1, 4))],
        lambda k: ["BLMOVE", k, rng.choice(keys), "LEFT", "RIGHT", "0.01"],
        lambda k: ["ZADD", k, str(rng.randint(0, 9)), member()],
        lambda k: ["BZPOPMIN", k, "0.01"],
        lambda k: ["ZMPOP", "1", k, rng.choice(["MIN", "MAX"]), "COUNT", str(rng.randint(1, 3))],
        lambda k: ["XADD", k, "MAXLEN", "~", str(rng.randint(0, 4)), "*", "f", member()],
        lambda k: ["XGROUP", "CREATE", k, "g", "0"],
        lambda k: ["XREADGROUP", "GROUP", "g", member(), "COUNT", "2"] + rng.choice([[], ["NOACK"]])
        + ["STREAMS", k, ">"],
        lambda k: ["XAUTOCLAIM", k, "g", member(), "0", "0", "COUNT", "2"],
        lambda k: ["DEL", k],
    ]
    return [rng.choice(gens)(rng.choice(keys)) for _ in range(n)]


def test_random_command_stream(tmp_path, server_binary):
    """A seeded random stream over a few keys: each server's AOF rebuilds its dataset, and Redis rebuilds
    corvid's from corvid's AOF."""
    p = Pair(tmp_path, server_binary)
    try:
        p.run(*random_commands(8, 1500))
        for side, conn in enumerate(p.conns):
            digest = conn.call("DEBUG", "DIGEST")
            assert conn.call("DEBUG", "LOADAOF") == b"OK"
            assert conn.call("DEBUG", "DIGEST") == digest, "server %d changed after reloading its AOF" % side
        p.check_corvid_aof_rebuilds()
    finally:
        p.close()
