"""Streams in RDB files and DUMP payloads, exchanged with Debian's redis-server 7.0.15: files both ways, DEBUG
RELOAD, DUMP/RESTORE both ways, Redis 5-6.2 payloads (type 15), and corrupted payloads refused without a crash."""

import os
import shutil
import struct
import subprocess

import pytest

from test_rdb import DEBUG, crc64, digest, fuzzed_payloads, redis_server  # noqa: F401 - redis_server is a fixture

pytestmark = pytest.mark.corvid_only

NODE_CFG = ["--stream-node-max-entries", "5"]


def fill_streams(c):
    """Streams with several nodes, tombstones, trimmed heads, mixed field sets, groups, PELs and consumers."""
    for i in range(1, 23):
        fields = {"f": i, "g": "v%d" % i} if i % 4 else {"other": "x" * i, "n": -i}
        c.xadd("s:multi", fields, id="%d-%d" % (1000 + i // 3, i))
    for i in (2, 3, 7, 11, 12, 13):
        c.xdel("s:multi", "%d-%d" % (1000 + i // 3, i))
    c.xgroup_create("s:multi", "g1", id="0")
    c.xgroup_create("s:multi", "g2", id="$")
    c.xgroup_create("s:multi", "g3", id="1003-8")
    c.xreadgroup("g1", "alice", {"s:multi": ">"}, count=4)
    c.xreadgroup("g1", "bob", {"s:multi": ">"}, count=3)
    c.xreadgroup("g1", "carol", {"s:multi": ">"}, count=2, noack=True)
    c.xack("s:multi", "g1", "1000-1")
    c.xclaim("s:multi", "g1", "bob", 0, ["1001-4"])
    c.xgroup_createconsumer("s:multi", "g2", "idle")
    c.xadd("s:trim", {"a": 1}, id="1-1")
    for i in range(2, 40):
        c.xadd("s:trim", {"a": i, b"bin\x00": b"\xff\x00"}, id="1-%d" % i)
    c.xtrim("s:trim", maxlen=17)
    c.xgroup_create("s:trim", "lagging", id="0")
    c.xadd("s:empty", {"a": 1}, id="5-5")
    c.xdel("s:empty", "5-5")
    c.xgroup_create("s:empty", "eg", id="$")
    c.xgroup_create("s:mk", "g", id="$", mkstream=True)
    c.xadd("s:big", {"field": "y" * 300, "int": 12345}, id="7-0")


def stream_snapshot(c):
    out = {}
    for k in sorted(c.keys("s:*")):
        info = c.execute_command("XINFO", "STREAM", k, "FULL")
        groups = c.execute_command("XINFO", "GROUPS", k)
        pend = [c.xpending(k, g[1]) for g in groups]
        ext = [[(e["message_id"], e["consumer"], e["times_delivered"]) for e in c.xpending_range(k, g[1], "-", "+", 100)]
               for g in groups]  # not the idle time: it moves
        out[k] = (info, groups, pend, ext, c.xrange(k), c.xrevrange(k), c.execute_command("DEBUG", "DIGEST-VALUE", k))
    return out


def move_file(src, dst):
    """Saves src's streams, loads its dump.rdb into dst (restarted) and checks both show the same streams."""
    sc = src.client(decode_responses=False)
    fill_streams(sc)
    assert sc.save()
    want, want_digest = stream_snapshot(sc), digest(sc)
    dst.stop()
    shutil.copy(os.path.join(src.dir, "dump.rdb"), os.path.join(dst.dir, "dump.rdb"))
    dst.start()
    dc = dst.client(decode_responses=False)
    assert stream_snapshot(dc) == want
    assert digest(dc) == want_digest
    return dc


def test_redis_file_loads_into_corvid(redis_server, start_server):
    cc = move_file(redis_server(NODE_CFG), start_server(DEBUG + NODE_CFG))
    # the loaded streams keep working: new IDs continue after the loaded last IDs
    assert cc.xadd("s:multi", {"new": 1}) > b"1007-22"
    assert cc.xreadgroup("g2", "idle", {"s:multi": ">"})[0][1][0][1] == {b"new": b"1"}


@pytest.mark.parametrize("opts", [[], ["--rdbcompression", "no"]])
def test_corvid_file_loads_into_redis(redis_server, start_server, opts):
    cor = start_server(DEBUG + NODE_CFG + opts)
    move_file(cor, redis_server(NODE_CFG))
    out = subprocess.run(["/usr/bin/redis-check-rdb", os.path.join(cor.dir, "dump.rdb")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "RDB looks OK" in out.stdout, out.stdout + out.stderr


def test_same_bytes_as_redis(redis_server, start_server):
    """Same commands, same DUMP payload bytes (uncompressed: corvid's LZF output differs from Redis')."""
    rc = redis_server(NODE_CFG + ["--rdbcompression", "no"]).client(decode_responses=False)
    cc = start_server(DEBUG + NODE_CFG + ["--rdbcompression", "no"]).client(decode_responses=False)
    fill_streams(rc)
    fill_streams(cc)
    for k in rc.keys("s:*"):
        if k != b"s:multi":  # its consumers' seen times differ
            assert cc.dump(k) == rc.dump(k), k


def test_debug_reload(start_server):
    cor = start_server(DEBUG + NODE_CFG)
    c = cor.client(decode_responses=False)
    fill_streams(c)
    before = stream_snapshot(c)
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    assert stream_snapshot(c) == before


def test_dump_restore_both_ways(redis_server, start_server):
    rc = redis_server(NODE_CFG).client(decode_responses=False)
    fill_streams(rc)
    cc = start_server(DEBUG + NODE_CFG).client(decode_responses=False)
    want = stream_snapshot(rc)
    for k in rc.keys("s:*"):
        assert cc.restore(k, 0, rc.dump(k))
    assert stream_snapshot(cc) == want
    for k in rc.keys("s:*"):
        assert rc.restore(k, 0, cc.dump(k), replace=True)
    assert stream_snapshot(rc) == want


# ---- a minimal RDB reader to turn type-19 payloads into Redis 5-6.2 type-15 ones ----

def _len(b, i):
    t = b[i] >> 6
    if t == 0:
        return b[i] & 0x3F, i + 1
    if t == 1:
        return ((b[i] & 0x3F) << 8) | b[i + 1], i + 2
    if b[i] == 0x80:
        return struct.unpack(">I", b[i + 1:i + 5])[0], i + 5
    if b[i] == 0x81:
        return struct.unpack(">Q", b[i + 1:i + 9])[0], i + 9
    raise AssertionError("encoded length")


def _skip_str(b, i):
    if b[i] >> 6 == 3:
        kind = b[i] & 0x3F
        if kind == 3:
            clen, i = _len(b, i + 1)
            _, i = _len(b, i)
            return i + clen
        return i + 1 + (1, 2, 4)[kind]
    n, i = _len(b, i)
    return i + n


def to_type15(payload):
    b = payload[:-10]
    assert b[0] == 19
    out = bytearray([15])
    i = 1
    nodes, j = _len(b, i)
    for _ in range(nodes):
        j = _skip_str(b, _skip_str(b, j))
    for _ in range(3):  # length, last ms, last seq
        _, j = _len(b, j)
    out += b[i:j]
    for _ in range(5):  # first id, max deleted id, entries added: dropped
        _, j = _len(b, j)
    i = j
    groups, j = _len(b, j)
    for _ in range(groups):
        j = _skip_str(b, j)
        _, j = _len(b, j)
        _, j = _len(b, j)
        out += b[i:j]
        _, j = _len(b, j)  # entries read: dropped
        i = j
        pel, j = _len(b, j)
        for _ in range(pel):
            _, j = _len(b, j + 24)
        consumers, j = _len(b, j)
        for _ in range(consumers):
            j = _skip_str(b, j) + 8
            n, j = _len(b, j)
            j += 16 * n
    out += b[i:j]
    assert j == len(b)
    out += payload[-10:-8]
    return bytes(out) + struct.pack("<Q", crc64(out))


def test_type15_payloads(redis_server, start_server):
    rc = redis_server(NODE_CFG + ["--rdbcompression", "no"]).client(decode_responses=False)
    fill_streams(rc)
    cc = start_server(DEBUG + NODE_CFG).client(decode_responses=False)
    for k in rc.keys("s:*"):
        old = to_type15(rc.dump(k))
        assert rc.restore(b"old:" + k, 0, old)
        assert cc.restore(b"old:" + k, 0, old)
    rc.delete(*rc.keys("s:*"))
    for c in (rc, cc):
        for k in c.keys("old:*"):
            c.rename(k, k[4:])
    assert stream_snapshot(cc) == stream_snapshot(rc)


# ---- corrupted payloads ----

def _payload(body, version=b"\x0a\x00"):
    body = bytes(body) + version
    return body + struct.pack("<Q", crc64(body))


def _lp(*items):
    """A listpack of small ints (0..127) and short strings."""
    enc = b""
    for it in items:
        if isinstance(it, int):
            e = bytes([it])
        else:
            e = bytes([0x80 | len(it)]) + it
        enc += e + bytes([len(e)])
    total = 6 + len(enc) + 1
    return struct.pack("<IH", total, len(items)) + enc + b"\xff"


def _str(s):
    assert len(s) < 64
    return bytes([len(s)]) + s


def _stream(lp, key=b"\x00" * 7 + b"\x01" + b"\x00" * 8, length=1, last=(1, 0), tail=b"\x00\x00\x00\x00\x00\x01\x00"):
    """A type-19 body with one node; tail = first id, max deleted id, entries added, groups count."""
    return (bytes([19, 1]) + _str(key) + _str(lp) + bytes([length, last[0], last[1]]) + tail)


GOOD_NODE = (1, 0, 1, b"f", 0, 2, 0, 0, b"v", 4)  # one entry 1-0, same fields as master: f=v


def _group(pel_ids=(), consumer_ids=()):
    g = b"\x01" + _str(b"g") + b"\x01\x00\x01"  # one group "g", last id 1-0, entries read 1
    g += bytes([len(pel_ids)])
    for ms in pel_ids:
        g += struct.pack(">QQ", ms, 0) + struct.pack("<Q", 1000) + b"\x01"
    g += b"\x01" + _str(b"c") + struct.pack("<Q", 1000) + bytes([len(consumer_ids)])
    for ms in consumer_ids:
        g += struct.pack(">QQ", ms, 0)
    return g


CORRUPT = {
    "node key size": _stream(_lp(*GOOD_NODE), key=b"\x00" * 15),
    "bad listpack": _stream(_lp(*GOOD_NODE)[:-1] + b"\x00"),
    "empty listpack": _stream(_lp()),
    "count mismatch": _stream(_lp(2, 0, 1, b"f", 0, 2, 0, 0, b"v", 4), length=2),
    "lp-count": _stream(_lp(1, 0, 1, b"f", 0, 2, 0, 0, b"v", 5)),
    "missing value": _stream(_lp(1, 0, 1, b"f", 0, 2, 0, 0, 3)),
    "no terminator": _stream(_lp(1, 0, 1, b"f", 2, 0, 0, b"v", 4)),
    "string counter": _stream(_lp(b"1", 0, 1, b"f", 0, 2, 0, 0, b"v", 4)),
    "length mismatch": _stream(_lp(*GOOD_NODE), length=3),
    "pel without consumer": _stream(_lp(*GOOD_NODE), tail=b"\x00\x00\x00\x00\x00\x01" + _group([1], [])),
    "consumer id not in pel": _stream(_lp(*GOOD_NODE), tail=b"\x00\x00\x00\x00\x00\x01" + _group([1], [1, 2])),
    "duplicated pel id": _stream(_lp(*GOOD_NODE), tail=b"\x00\x00\x00\x00\x00\x01" + _group([1, 1], [1])),
    "truncated": _stream(_lp(*GOOD_NODE))[:-12],
}


def test_handmade_payloads(redis_server, start_server):
    rc = redis_server(["--sanitize-dump-payload", "yes"]).client(decode_responses=False)
    cc = start_server(DEBUG).client(decode_responses=False)
    good = _payload(_stream(_lp(*GOOD_NODE), tail=b"\x00\x00\x00\x00\x00\x01" + _group([1], [1])))
    for c in (rc, cc):
        assert c.restore("good", 0, good)
    assert cc.xrange("good") == rc.xrange("good") == [(b"1-0", {b"f": b"v"})]
    assert cc.execute_command("XINFO", "STREAM", "good", "FULL") == rc.execute_command("XINFO", "STREAM", "good",
                                                                                       "FULL")
    for name, body in CORRUPT.items():
        for c in (rc, cc):
            with pytest.raises(Exception, match="Bad data format"):
                c.restore("bad", 0, _payload(body))
            assert c.exists("bad") == 0, name
    assert cc.ping()


def test_fuzzed_payloads_never_crash(start_server):
    cor = start_server(DEBUG + NODE_CFG)
    c = cor.client(decode_responses=False)
    fill_streams(c)
    payloads = [c.dump(k) for k in c.keys("s:*")]
    for p in fuzzed_payloads(payloads, seed=19):
        try:
            c.restore("fuzz", 0, p, replace=True)
            c.execute_command("XINFO", "STREAM", "fuzz", "FULL")
            c.xrange("fuzz")
            c.xrevrange("fuzz")
            c.execute_command("DEBUG", "DIGEST-VALUE", "fuzz")
            c.xadd("fuzz", {"a": "b"})
            for g in c.execute_command("XINFO", "GROUPS", "fuzz"):
                c.xpending_range("fuzz", g[1], "-", "+", 10)
                c.xreadgroup(g[1], "fz", {"fuzz": ">"}, count=3)
                c.xautoclaim("fuzz", g[1], "fz", 0, "0-0", count=5)
        except Exception as e:  # noqa: BLE001 - a reply error is fine, a dead server is not
            assert "Bad data format" in str(e) or "WRONGTYPE" in str(e) or "ERR" in str(e), e
    assert c.ping()
