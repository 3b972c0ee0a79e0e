"""RDB persistence: files moved both ways between Debian's redis-server 7.0.15 and corvid (same DEBUG DIGEST and
encodings), corrupt and truncated files, SAVE/BGSAVE/save points/SHUTDOWN, -LOADING, -MISCONF, DUMP/RESTORE
payloads exchanged with Redis."""

import os
import shutil
import signal
import time

import pytest

from conftest import ServerProcess, wait_until

REDIS_BIN = "/usr/bin/redis-server"
pytestmark = pytest.mark.corvid_only

DEBUG = ["--enable-debug-command", "yes"]


@pytest.fixture
def redis_server(tmp_path):
    """Factory for oracle servers (stopped by pid at the end)."""
    started = []

    def start(args=(), subdir="redis"):
        srv = ServerProcess(tmp_path / ("%s%d" % (subdir, len(started))), args=list(DEBUG) + list(args),
                            binary=REDIS_BIN)
        started.append(srv)
        return srv.start()

    yield start
    for srv in started:
        srv.stop(signal.SIGKILL if srv.alive() else signal.SIGTERM)


def fill_dataset(c):
    """Every type in every encoding Redis 7.0 writes, TTLs, several databases, binary-safe names."""
    c.set("str:int", "12345")
    c.set("str:neg", "-7")
    c.set("str:bigint", "9223372036854775807")
    c.set("str:embstr", "hello world")
    c.set("str:raw", "x" * 100)  # compressible: LZF
    c.set("str:rand", os.urandom(200))  # incompressible
    c.set("str:empty", "")
    c.set(b"bin\x00key\xff", b"\x00\x01\x02")
    c.set("str:ttl", "v", px=10_000_000)
    c.append("str:appended", "abc")
    c.rpush("list:small", "a", "b", "1", "-2", "300000", "x" * 70)
    c.rpush("list:big", *["element-%d" % i for i in range(2000)])
    c.rpush("list:ints", *range(-500, 500))
    c.sadd("set:intset", 1, 2, 3, -100, 70000, 5_000_000_000)
    c.sadd("set:hash", "a", "b", "c", "1")
    c.sadd("set:bigint", *range(1000))  # past set-max-intset-entries: hashtable of ints
    c.zadd("zset:lp", {"a": 1, "b": 2.5, "c": -3, "d": float("inf"), "e": float("-inf"), "f": 0.1})
    c.zadd("zset:sl", {"m%d" % i: i * 1.5 for i in range(300)})
    c.zadd("zset:long", {"y" * 100: 1, "z": 2})  # long member: skiplist
    c.hset("hash:lp", mapping={"f1": "v1", "f2": "2", "f3": "-3"})
    c.hset("hash:ht", mapping={"f%d" % i: "v%d" % i for i in range(300)})
    c.hset("hash:long", mapping={"f": "v" * 100})
    c.expire("hash:lp", 100000)
    c.execute_command("SELECT", 2)
    c.set("db2:key", "in db 2")
    c.rpush("db2:list", "x")
    c.execute_command("SELECT", 0)


def dataset_snapshot(c):
    """Contents, types, encodings and TTL presence of every key of dbs 0..3 (streams: XINFO STREAM FULL)."""
    out = {}
    for db in range(4):
        c.execute_command("SELECT", db)
        for k in c.keys("*"):
            t = c.type(k)
            enc = c.object("encoding", k)
            if t == b"string":
                v = c.get(k)
            elif t == b"list":
                v = c.lrange(k, 0, -1)
            elif t == b"set":
                v = sorted(c.smembers(k))
            elif t == b"zset":
                v = c.zrange(k, 0, -1, withscores=True)
            elif t == b"stream":
                v = c.execute_command("XINFO", "STREAM", k, "FULL")
            else:
                v = sorted(c.hgetall(k).items())
            out[(db, k)] = (t, enc, v, c.ttl(k) > 0)
    c.execute_command("SELECT", 0)
    return out


def digest(c):
    return c.execute_command("DEBUG", "DIGEST")


def test_redis_rdb_loads_into_corvid(redis_server, start_server):
    # list-compress-depth makes Redis write LZF-compressed quicklist nodes.
    red = redis_server(["--list-compress-depth", "1"])
    rc = red.client(decode_responses=False)
    fill_dataset(rc)
    assert rc.save()
    want_digest, want = digest(rc), dataset_snapshot(rc)
    cor = start_server(DEBUG)
    cor.stop()
    shutil.copy(os.path.join(red.dir, "dump.rdb"), os.path.join(cor.dir, "dump.rdb"))
    cor.start()
    cc = cor.client(decode_responses=False)
    assert digest(cc) == want_digest
    assert dataset_snapshot(cc) == want
    assert "Done loading RDB, keys loaded: %d, keys expired: 0." % len(want) in cor.output()
    info = cc.info("persistence")
    assert info["rdb_last_load_keys_loaded"] == len(want)


@pytest.mark.parametrize("opts", [[], ["--rdbcompression", "no"], ["--rdbchecksum", "no"]])
def test_corvid_rdb_loads_into_redis(redis_server, start_server, opts):
    cor = start_server(DEBUG + opts)
    cc = cor.client(decode_responses=False)
    fill_dataset(cc)
    assert cc.save()
    want_digest, want = digest(cc), dataset_snapshot(cc)
    red = redis_server()
    red.stop()
    shutil.copy(os.path.join(cor.dir, "dump.rdb"), os.path.join(red.dir, "dump.rdb"))
    red.start()
    rc = red.client(decode_responses=False)
    assert digest(rc) == want_digest
    assert dataset_snapshot(rc) == want
    # and back: what Redis loaded, saved again by Redis, loads into corvid identically
    assert rc.save()
    cor.stop()
    shutil.copy(os.path.join(red.dir, "dump.rdb"), os.path.join(cor.dir, "dump.rdb"))
    cor.start()
    assert digest(cor.client(decode_responses=False)) == want_digest


def test_redis_check_rdb_accepts_corvid_file(start_server):
    cor = start_server(DEBUG)
    fill_dataset(cor.client(decode_responses=False))
    assert cor.client().save()
    import subprocess
    out = subprocess.run(["/usr/bin/redis-check-rdb", os.path.join(cor.dir, "dump.rdb")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "RDB looks OK" in out.stdout


def test_debug_reload_and_restart_keep_dataset(start_server):
    cor = start_server(DEBUG)
    c = cor.client(decode_responses=False)
    fill_dataset(c)
    before = digest(c)
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    assert digest(c) == before
    assert "DB reloaded by DEBUG RELOAD" in cor.output()
    # NOSAVE NOFLUSH MERGE: the file's keys replace the ones present, others stay
    c.set("str:int", "changed")
    c.set("extra", "kept")
    assert c.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"OK"
    assert c.get("str:int") == b"12345" and c.get("extra") == b"kept"
    c.delete("extra")
    with pytest.raises(Exception, match="only supports the MERGE, NOFLUSH and NOSAVE options"):
        c.execute_command("DEBUG", "RELOAD", "bogus")
    # SHUTDOWN SAVE writes the file even without save points; restart loads it
    c.shutdown(save=True)  # redis-py swallows the closed connection
    assert cor.wait_exit() == 0
    cor.start()
    assert digest(cor.client(decode_responses=False)) == before


def test_sigterm_saves_when_save_points_exist(start_server):
    cor = start_server(DEBUG + ["--save", "3600 1"])
    c = cor.client()
    c.set("k", "v")
    c.rpush("l", 1, 2, 3)
    before = digest(c)
    assert cor.stop(signal.SIGTERM) == 0
    assert "Saving the final RDB snapshot before exiting." in cor.output()
    cor.start()
    assert digest(cor.client()) == before


def test_no_save_without_save_points(start_server):
    cor = start_server(DEBUG)
    cor.client().set("k", "v")
    cor.stop(signal.SIGTERM)
    assert not os.path.exists(os.path.join(cor.dir, "dump.rdb"))


def test_shutdown_on_sigterm_flags(start_server):
    cor = start_server(DEBUG + ["--shutdown-on-sigterm", "save"])
    cor.client().set("k", "v")
    assert cor.stop(signal.SIGTERM) == 0
    assert os.path.exists(os.path.join(cor.dir, "dump.rdb"))
    os.unlink(os.path.join(cor.dir, "dump.rdb"))
    cor.args += ["--save", "1 1", "--shutdown-on-sigterm", "nosave"]
    cor.start()
    cor.client().set("k", "v")
    assert cor.stop(signal.SIGTERM) == 0
    assert not os.path.exists(os.path.join(cor.dir, "dump.rdb"))


def test_shutdown_nosave_and_failed_save(start_server, tmp_path):
    cor = start_server(DEBUG + ["--save", "3600 1", "--enable-protected-configs", "yes"])
    c = cor.client()
    c.set("k", "v")
    gone = tmp_path / "gone2"
    gone.mkdir()
    c.config_set("dir", str(gone))
    gone.rmdir()
    with pytest.raises(Exception, match="Errors trying to SHUTDOWN. Check logs."):
        c.shutdown()
    assert c.ping()
    with pytest.raises(Exception, match="syntax error"):
        c.execute_command("SHUTDOWN", "SAVE", "NOSAVE")
    c.shutdown(nosave=True)
    assert cor.wait_exit() == 0


def corrupt_copy(src, dst, mutate):
    with open(src, "rb") as f:
        data = bytearray(f.read())
    data = mutate(data)
    with open(dst, "wb") as f:
        f.write(data)


@pytest.mark.parametrize("kind", ["truncated", "checksum", "garbage"])
def test_corrupt_rdb_refuses_to_start(start_server, kind):
    cor = start_server(DEBUG)
    c = cor.client()
    c.rpush("list", *range(1000))
    c.set("k", "v" * 1000)
    assert c.save()
    cor.stop()
    path = os.path.join(cor.dir, "dump.rdb")

    def mutate(d):
        if kind == "truncated":
            return d[: len(d) // 2]
        if kind == "checksum":
            d[-1] ^= 0xFF
            return d
        d[len(d) // 2: len(d) // 2 + 16] = b"\xfe" * 16
        return d

    corrupt_copy(path, path, mutate)
    cor.start(wait=False)
    assert cor.wait_exit() != 0
    out = cor.output()
    if kind == "checksum":
        assert "Wrong RDB checksum" in out
    else:
        assert "Internal error in RDB reading offset" in out
        assert "Terminating server after rdb file reading failure." in out


def test_bgsave_while_writing(start_server):
    # rdb-key-save-delay (microseconds per key) keeps the child busy while the parent keeps serving writes.
    cor = start_server(DEBUG + ["--rdb-key-save-delay", "2000"])
    c = cor.client()
    for i in range(200):
        c.set("key:%d" % i, i)
    snapshot = digest(c)
    assert c.bgsave() is True
    assert c.info("persistence")["rdb_bgsave_in_progress"] == 1
    with pytest.raises(Exception, match="Background save already in progress"):
        c.bgsave()
    with pytest.raises(Exception, match="Background save already in progress"):
        c.save()
    for i in range(200):
        c.set("key:%d" % i, "changed")
        c.set("new:%d" % i, i)
    assert wait_until(lambda: c.info("persistence")["rdb_bgsave_in_progress"] == 0, limit=30)
    info = c.info("persistence")
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_changes_since_last_save"] == 400
    assert "Background saving terminated with success" in cor.output()
    # the file holds the dataset as it was at fork time
    c.config_set("rdb-key-save-delay", 0)
    c.execute_command("DEBUG", "RELOAD", "NOSAVE")
    assert digest(c) == snapshot


def test_save_points_trigger_bgsave(start_server):
    cor = start_server(DEBUG + ["--save", "1 1"])
    c = cor.client()
    c.set("a", 1)
    assert wait_until(lambda: c.info("persistence")["rdb_changes_since_last_save"] == 0, limit=20)
    assert "1 changes in 1 seconds. Saving..." in cor.output()
    assert os.path.exists(os.path.join(cor.dir, "dump.rdb"))
    assert c.lastsave() is not None


def test_misconf_after_failed_bgsave(start_server, tmp_path):
    cor = start_server(DEBUG + ["--save", "3600 1", "--enable-protected-configs", "yes"])
    c = cor.client()
    gone = tmp_path / "gone"
    gone.mkdir()
    c.config_set("dir", str(gone))
    gone.rmdir()
    assert c.bgsave()
    assert wait_until(lambda: c.info("persistence")["rdb_last_bgsave_status"] == "err", limit=20)
    with pytest.raises(Exception, match="^MISCONF Redis is configured to save RDB snapshots"):
        c.set("k", "v")
    with pytest.raises(Exception, match="MISCONF"):
        c.ping()
    assert c.get("k") is None  # reads still work
    c.config_set("stop-writes-on-bgsave-error", "no")
    assert c.set("k", "v")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    c.config_set("dir", cor.dir)
    assert c.save()  # a good save clears the condition
    assert c.set("k", "v2")


def test_loading_replies(start_server):
    cor = start_server(DEBUG)
    c = cor.client()
    c.execute_command("DEBUG", "POPULATE", 1500)
    assert c.save()
    cor.stop()
    cor.args += ["--key-load-delay", "300", "--loading-process-events-interval-bytes", "1024"]
    cor.start(wait=False)

    def loading_reply():
        try:
            with cor.raw(timeout=5) as rc:
                return rc.call("PING")
        except OSError:
            return None

    reply = wait_until(lambda: loading_reply(), limit=20)
    assert "LOADING Redis is loading the dataset in memory" in str(reply)
    with cor.raw(timeout=5) as rc:
        info = rc.call("INFO", "persistence")
    assert b"loading:1" in info or b"loading:0" in info
    cor.wait_ready()
    assert cor.client().dbsize() == 1500


def test_dump_restore_with_redis(redis_server, start_server):
    red = redis_server()
    rc = red.client(decode_responses=False)
    fill_dataset(rc)
    cor = start_server(DEBUG)
    cc = cor.client(decode_responses=False)
    keys = rc.keys("*")
    for k in keys:
        payload = rc.dump(k)
        ttl = max(rc.pttl(k), 0)
        assert cc.restore(k, ttl, payload)
        assert cc.execute_command("DEBUG", "DIGEST-VALUE", k) == rc.execute_command("DEBUG", "DIGEST-VALUE", k)
        assert cc.object("encoding", k) == rc.object("encoding", k)
        back = cc.dump(k)
        assert rc.restore(k, ttl, back, replace=True)
        assert rc.execute_command("DEBUG", "DIGEST-VALUE", k) == cc.execute_command("DEBUG", "DIGEST-VALUE", k)


def test_restore_errors_and_options(start_server):
    cor = start_server(DEBUG)
    c = cor.client(decode_responses=False)
    c.set("a", "1")
    payload = c.dump("a")
    assert payload == b"\x00\xc0\x01\x0a\x00" + payload[5:]
    assert c.dump("missing") is None
    errs = [
        (["RESTORE", "a", 0, payload], "BUSYKEY Target key name already exists."),
        (["RESTORE", "k", -1, payload], "Invalid TTL value, must be >= 0"),
        (["RESTORE", "k", "x", payload], "value is not an integer or out of range"),
        (["RESTORE", "k", 0, b"abc"], "DUMP payload version or checksum are wrong"),
        (["RESTORE", "k", 0, payload[:-1] + bytes([payload[-1] ^ 1])], "DUMP payload version or checksum are wrong"),
        (["RESTORE", "k", 0, payload, "IDLETIME", -1], "Invalid IDLETIME value, must be >= 0"),
        (["RESTORE", "k", 0, payload, "FREQ", 300], "Invalid FREQ value, must be >= 0 and <= 255"),
        (["RESTORE", "k", 0, payload, "IDLETIME", 1, "FREQ", 3], "syntax error"),
        (["RESTORE", "k", 0, payload, "foo"], "syntax error"),
    ]
    for cmd, msg in errs:
        with pytest.raises(Exception, match=msg):
            c.execute_command(*cmd)
    # a newer RDB version is refused
    import struct
    body = payload[:-10] + struct.pack("<H", 11)
    with pytest.raises(Exception, match="DUMP payload version or checksum are wrong"):
        c.execute_command("RESTORE", "k", 0, body + payload[-8:])
    assert c.restore("a", 0, payload, replace=True)
    assert c.restore("t", 5000, payload)
    assert 0 < c.pttl("t") <= 5000
    assert c.restore("abs", int(time.time() * 1000) + 100000, payload, absttl=True)
    assert 90 < c.ttl("abs") <= 100
    assert c.restore("past", 1, payload, absttl=True)  # already expired: OK, nothing stored
    assert c.exists("past") == 0
    assert c.restore("idle", 0, payload, idletime=1000)
    assert c.object("idletime", "idle") >= 1000
    c.config_set("maxmemory-policy", "allkeys-lfu")
    assert c.restore("freq", 0, payload, frequency=42)
    assert c.object("freq", "freq") == 42


def _crc64_table():
    poly = int("{:064b}".format(0xAD93D23594C935A9)[::-1], 2)  # reflected Jones polynomial
    table = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc64_table()


def crc64(data):
    crc = 0
    for b in data:
        crc = _CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def test_crc64_matches_redis_payloads(redis_server):
    rc = redis_server().client(decode_responses=False)
    rc.set("k", "v" * 50)
    p = rc.dump("k")
    import struct
    assert struct.unpack("<Q", p[-8:])[0] == crc64(p[:-8])


def fuzzed_payloads(payloads, seed, count=3000):
    """Yields count DUMP payloads made from the given ones by 1-3 random byte flips (and, one time in five, a cut),
    the RDB version kept and the CRC64 recomputed so that they reach the decoder."""
    import random
    import struct
    rnd = random.Random(seed)
    for _ in range(count):
        p = bytearray(rnd.choice(payloads)[:-8])
        for _ in range(rnd.randint(1, 3)):
            pos = rnd.randrange(len(p) - 2)  # keep the RDB version
            p[pos] = rnd.randrange(256)
        if rnd.random() < 0.2:
            cut = rnd.randrange(1, len(p) - 2)
            p = p[:cut] + p[-2:]
        yield bytes(p) + struct.pack("<Q", crc64(p))


def test_restore_of_corrupted_payloads_never_crashes(start_server):
    """Random byte flips inside valid payloads of every encoding, re-checksummed so that they reach the decoder:
    each RESTORE either succeeds or fails with an error, and the server keeps serving."""
    cor = start_server(DEBUG)
    c = cor.client(decode_responses=False)
    fill_dataset(c)
    payloads = [c.dump(k) for k in c.keys("*")]
    for p in fuzzed_payloads(payloads, seed=8):
        try:
            c.restore("fuzz", 0, p, replace=True)
            c.execute_command("DEBUG", "DIGEST-VALUE", "fuzz")
            t = c.type("fuzz")
            if t == b"list":
                c.lrange("fuzz", 0, -1)
            elif t == b"zset":
                c.zrange("fuzz", 0, -1, withscores=True)
            elif t == b"hash":
                c.hgetall("fuzz")
            elif t == b"set":
                c.smembers("fuzz")
        except Exception as e:  # noqa: BLE001 - a reply error is fine, a dead server is not
            assert "Bad data format" in str(e) or "WRONGTYPE" in str(e), e
    assert c.ping()


FUNCTION_LIB = ("#!lua name=rdblib\n"
                "redis.register_function('rdbfn', function(keys, args) return 'from ' .. args[1] end)\n"
                "redis.register_function{function_name='rdbro', callback=function() return 1 end,"
                " flags={'no-writes'}}\n")


def _libraries(c):
    """FUNCTION LIST WITHCODE as {name: (code, sorted function entries)}."""
    out = {}
    for lib in c.execute_command("FUNCTION", "LIST", "WITHCODE"):
        d = dict(zip(lib[::2], lib[1::2]))
        out[d["library_name"]] = (d["library_code"], sorted(repr(f) for f in d["functions"]))
    return out


def _function_moves(src, dst, src_dir, dst_dir):
    """Loads FUNCTION_LIB into src, saves, and starts dst on src's dump.rdb; returns dst's client."""
    sc = src.client()
    assert sc.execute_command("FUNCTION", "LOAD", FUNCTION_LIB) == "rdblib"
    sc.set("k", "v")
    assert sc.save()
    want = _libraries(sc)
    dst.stop()
    shutil.copy(os.path.join(src_dir, "dump.rdb"), os.path.join(dst_dir, "dump.rdb"))
    dst.start()
    dc = dst.client()
    assert _libraries(dc) == want
    assert dc.execute_command("FCALL", "rdbfn", 0, "rdb") == "from rdb"
    assert dc.get("k") == "v"
    return dc


def test_functions_survive_rdb_both_ways(redis_server, start_server):
    red = redis_server()
    cor = start_server(DEBUG)
    _function_moves(red, cor, red.dir, cor.dir)
    red2 = redis_server(subdir="back")
    cor.client().execute_command("FUNCTION", "FLUSH")
    _function_moves(cor, red2, cor.dir, red2.dir)


def test_functions_survive_debug_reload(start_server):
    cc = start_server(DEBUG).client()
    cc.execute_command("FUNCTION", "LOAD", FUNCTION_LIB)
    assert cc.execute_command("DEBUG", "RELOAD") == "OK"
    assert cc.execute_command("FCALL_RO", "rdbro", 0) == 1


def test_bgsave_progress_fields(start_server, redis_server):
    # While the child saves, INFO persistence reports its progress as Redis 7.0 does (the child reports every
    # 1024 keys, at most once a second); the fields return to 0 when it ends. Checked on both servers.
    for srv in (start_server(DEBUG), redis_server()):
        c = srv.client()
        c.execute_command("DEBUG", "POPULATE", 20000)
        c.config_set("rdb-key-save-delay", 100)  # microseconds per key: 2-4 s in all
        assert c.bgsave() is True

        def reported():
            info = c.info("persistence")
            return info if info["current_save_keys_processed"] > 0 else None

        info = wait_until(reported, limit=30)
        assert info, c.info("persistence")
        assert info["current_save_keys_total"] == 20000
        assert 0 < info["current_save_keys_processed"] < 20000
        assert info["current_fork_perc"] == round(100 * info["current_save_keys_processed"] / 20000, 2)
        assert info["current_cow_size"] <= info["current_cow_peak"]
        c.config_set("rdb-key-save-delay", 0)  # the child keeps the value it forked with
        assert wait_until(lambda: c.info("persistence")["rdb_bgsave_in_progress"] == 0, limit=60)
        info = c.info("persistence")
        for field in ("current_save_keys_total", "current_save_keys_processed", "current_cow_size",
                      "current_cow_peak", "current_fork_perc"):
            assert info[field] == 0, (field, info)
        assert info["rdb_last_bgsave_status"] == "ok"
