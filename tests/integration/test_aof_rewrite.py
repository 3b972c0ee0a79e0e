"""The command-form AOF base (`aof-use-rdb-preamble no`) against Debian's redis-server 7.0.15: the same dataset in
both servers, BGREWRITEAOF in each, the two appendonly.aof.N.base.aof files compared command by command, and
Redis (and corvid) started on corvid's appendonlydir holding the same dataset (DEBUG DIGEST).

What legitimately differs, and how the comparison handles it:
  - the order of keys inside a database, of libraries, and of the elements of hashtable sets/hashes and skiplist
    zsets: Redis walks its dicts, whose hash is seeded at random per process, so even two Redis processes
    disagree. Keys are compared as a mapping; the elements of those encodings are compared as multisets (and the
    command shapes, e.g. batches of 64, must still be equal). Everything else is compared byte for byte.
  - PEXPIREAT times (TTLs set relative to each server's clock) and XCLAIM TIME values (delivery times of pending
    entries, each server's clock at XREADGROUP): masked."""

import os
import shutil
import time

import pytest

from conftest import ServerProcess, wait_until
from test_rdb import DEBUG, REDIS_BIN, digest, fill_dataset, redis_server  # noqa: F401 - redis_server is a fixture
from test_rdb_stream import fill_streams

pytestmark = pytest.mark.corvid_only

AOF = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"]
LIBRARY = "#!lua name=aoflib\nredis.register_function('aof_f', function(keys, args) return 'ok' end)"
UNORDERED_ENCODINGS = {b"hashtable", b"skiplist"}


def fill(c):
    """Every type and encoding (test_rdb's dataset), streams with groups/PEL/consumers, TTLs, dbs 0-3, a library."""
    fill_dataset(c)
    c.set("str:rand", bytes(range(256)) * 2)  # fill_dataset's random bytes, made the same in both servers
    fill_streams(c)
    c.pexpireat("s:big", 4102444800123)
    c.execute_command("SELECT", 3)
    c.sadd("db3:set", *range(100))  # intset, two SADD batches
    c.pexpireat("db3:set", 4102444800000)
    c.execute_command("SELECT", 0)
    c.function_load(LIBRARY)


def rewrite(srv):
    """BGREWRITEAOF on srv, waiting for it to finish; returns the bytes of the new base file."""
    c = srv.client()
    idle = lambda: not c.info("persistence")["aof_rewrite_in_progress"] and \
        not c.info("persistence")["aof_rewrite_scheduled"]
    assert wait_until(idle)
    before = manifest_base(srv)
    c.bgrewriteaof()
    assert wait_until(lambda: idle() and manifest_base(srv) != before)
    assert c.info("persistence")["aof_last_bgrewrite_status"] == "ok"
    with open(os.path.join(srv.dir, "appendonlydir", manifest_base(srv)), "rb") as f:
        return f.read()


def manifest_base(srv):
    """The base file the manifest names (None before there is one)."""
    try:
        with open(os.path.join(srv.dir, "appendonlydir", "appendonly.aof.manifest"), "rb") as f:
            lines = f.read().decode().splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        words = line.split()
        if words and words[words.index("type") + 1] == "b":
            return words[words.index("file") + 1]
    return None


def parse(data):
    """The commands (argv lists) of a RESP command stream."""
    i, cmds = 0, []
    while i < len(data):
        assert data[i:i + 1] == b"*", data[i:i + 40]
        j = data.index(b"\r\n", i)
        argc, argv, i = int(data[i + 1:j]), [], j + 2
        for _ in range(argc):
            assert data[i:i + 1] == b"$"
            j = data.index(b"\r\n", i)
            n = int(data[i + 1:j])
            argv.append(data[j + 2:j + 2 + n])
            assert data[j + 2 + n:j + 4 + n] == b"\r\n"
            i = j + 4 + n
        cmds.append(argv)
    return cmds


def key_of(argv):
    return argv[2] if argv[0] == b"XGROUP" else argv[1]


def masked(argv):
    if argv[0] == b"PEXPIREAT":
        return argv[:2] + [b"<ms>"]
    if argv[0] == b"XCLAIM":
        return argv[:7] + [b"<ms>"] + argv[8:]
    return argv


def structure(data, encodings):
    """(libraries, {db: {key: commands}}) of a base file; encodings[(db, key)] is the key's OBJECT ENCODING.

    Commands of keys in an unordered encoding become (the command shapes, the sorted elements)."""
    libs, dbs, db = [], {}, None
    for argv in parse(data):
        if argv[:2] == [b"FUNCTION", b"LOAD"]:
            assert db is None, "FUNCTION LOAD after the first SELECT"
            libs.append(argv[2])
        elif argv[0] == b"SELECT":
            db = int(argv[1])
            assert db not in dbs
            dbs[db] = {}
        else:
            dbs[db].setdefault(key_of(argv), []).append(masked(argv))
    for db, keys in dbs.items():
        for key, cmds in keys.items():
            if encodings[(db, key)] in UNORDERED_ENCODINGS:
                width = 2 if cmds[0][0] in (b"ZADD", b"HMSET") else 1
                shapes = [(argv[0], len(argv)) for argv in cmds if argv[0] != b"PEXPIREAT"]
                elems = sorted(tuple(argv[i:i + width]) for argv in cmds if argv[0] != b"PEXPIREAT"
                               for i in range(2, len(argv), width))
                keys[key] = (shapes, elems, [argv for argv in cmds if argv[0] == b"PEXPIREAT"])
    return sorted(libs), dbs


def encodings_of(c):
    out = {}
    for db in range(16):
        c.execute_command("SELECT", db)
        for k in c.keys("*"):
            out[(db, k)] = c.object("encoding", k)
    c.execute_command("SELECT", 0)
    return out


def test_base_file_matches_redis_and_loads_into_redis(redis_server, start_server):
    red = redis_server(AOF)
    rc = red.client(decode_responses=False)
    fill(rc)
    cor = start_server(DEBUG + AOF)
    cc = cor.client(decode_responses=False)
    fill(cc)
    assert digest(cc) == digest(rc)
    encodings = encodings_of(rc)
    assert encodings_of(cc) == encodings

    red_base, cor_base = rewrite(red), rewrite(cor)
    assert structure(cor_base, encodings) == structure(red_base, encodings)
    assert len(cor_base) == len(red_base)

    # Redis started on corvid's appendonlydir (manifest, base and incr files) holds corvid's dataset.
    want = digest(cc)
    cc.set("after:rewrite", "in the incr file")
    want_after = digest(cc)
    assert want_after != want
    red2 = ServerProcess(os.path.join(os.path.dirname(red.dir), "redis-on-corvid"), args=DEBUG + AOF,
                         binary=REDIS_BIN)
    shutil.copytree(os.path.join(cor.dir, "appendonlydir"), os.path.join(red2.dir, "appendonlydir"))
    red2.start()
    try:
        r2 = red2.client(decode_responses=False)
        assert wait_until(lambda: r2.info("persistence")["loading"] == 0)
        assert digest(r2) == want_after
        assert r2.fcall("aof_f", 0) == b"ok"
    finally:
        red2.stop()
    # and corvid restarted on it holds it too
    cor.stop()
    cor.start()
    cc = cor.client(decode_responses=False)
    assert digest(cc) == want_after
    assert cc.fcall("aof_f", 0) == b"ok"


def test_empty_stream_and_expired_keys_are_written(redis_server, start_server):
    """An emptied stream (the XADD MAXLEN 0 trick) and a key already expired but not yet removed."""
    servers = [redis_server(AOF), start_server(DEBUG + AOF)]
    when = int(time.time() * 1000) + 200
    for srv in servers:
        c = srv.client(decode_responses=False)
        c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        c.xadd("s", {"a": "1"}, id="3-3")
        c.xdel("s", "3-3")
        c.set("gone", "x", pxat=when)
    while time.time() * 1000 <= when + 10:  # until the key's time has passed (it stays: nothing touches it)
        time.sleep(0.05)
    header = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
    stream = (b"*7\r\n$4\r\nXADD\r\n$1\r\ns\r\n$6\r\nMAXLEN\r\n$1\r\n0\r\n$3\r\n0-1\r\n$1\r\nx\r\n$1\r\ny\r\n"
              b"*7\r\n$6\r\nXSETID\r\n$1\r\ns\r\n$3\r\n3-3\r\n$12\r\nENTRIESADDED\r\n$1\r\n1\r\n"
              b"$12\r\nMAXDELETEDID\r\n$3\r\n3-3\r\n")
    gone = (b"*3\r\n$3\r\nSET\r\n$4\r\ngone\r\n$1\r\nx\r\n"
            b"*3\r\n$9\r\nPEXPIREAT\r\n$4\r\ngone\r\n$13\r\n%d\r\n" % when)
    for srv in servers:
        assert rewrite(srv) in (header + stream + gone, header + gone + stream), srv.binary
