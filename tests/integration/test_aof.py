"""The multi-part AOF: files created at start-up, restarts, BGREWRITEAOF, CONFIG SET appendonly, truncated and corrupt
files, AOF directories moved both ways between Debian's redis-server 7.0.15 and corvid (same DEBUG DIGEST; Redis'
redis-check-aof accepts corvid's files), and the SIGKILL durability test."""

import os
import random
import shutil
import signal
import subprocess
import threading

import pytest
import redis

from conftest import wait_until
from test_aof_rewrite import fill as fill_everything
from test_rdb import DEBUG, dataset_snapshot, digest, fill_dataset, redis_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.corvid_only

AOF = ["--appendonly", "yes"] + DEBUG


def aof_dir(srv):
    return os.path.join(srv.dir, "appendonlydir")


def manifest(srv):
    with open(os.path.join(aof_dir(srv), "appendonly.aof.manifest")) as f:
        return f.read().splitlines()


def incr_path(srv):
    last = [line for line in manifest(srv) if line.endswith("type i")][-1]
    return os.path.join(aof_dir(srv), last.split()[1])


def rewrite_done(c):
    return wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0
                      and c.info("persistence")["aof_rewrite_scheduled"] == 0)


def check_aof(srv):
    out = subprocess.run(["/usr/bin/redis-check-aof", os.path.join(aof_dir(srv), "appendonly.aof.manifest")],
                         capture_output=True, text=True)
    return out.returncode, out.stdout + out.stderr


def test_start_creates_base_and_incr_and_restart_loads(start_server):
    cor = start_server(AOF)
    assert manifest(cor) == ["file appendonly.aof.1.base.rdb seq 1 type b",
                             "file appendonly.aof.1.incr.aof seq 1 type i"]
    c = cor.client(decode_responses=False)
    fill_dataset(c)
    want_digest, want = digest(c), dataset_snapshot(c)
    assert c.info("persistence")["aof_enabled"] == 1
    cor.stop()
    cor.start()
    c = cor.client(decode_responses=False)
    assert digest(c) == want_digest
    assert dataset_snapshot(c) == want
    assert "Opening AOF incr file appendonly.aof.1.incr.aof on server start" in cor.output()
    assert c.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert digest(c) == want_digest


def test_bgrewriteaof_replaces_base_and_keeps_writes(start_server):
    cor = start_server(AOF)
    c = cor.client()
    for i in range(100):
        c.set("k%d" % i, i)
    assert c.bgrewriteaof() in (True, b"Background append only file rewriting started",
                                "Background append only file rewriting started")
    for i in range(100, 200):  # during and after the rewrite
        c.set("k%d" % i, i)
    assert rewrite_done(c)
    assert manifest(cor) == ["file appendonly.aof.2.base.rdb seq 2 type b",
                             "file appendonly.aof.2.incr.aof seq 2 type i"]
    # the history files are removed in the background
    assert wait_until(lambda: sorted(os.listdir(aof_dir(cor))) == [
        "appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"])
    info = c.info("persistence")
    assert info["aof_rewrites"] == 1 and info["aof_last_bgrewrite_status"] == "ok"
    want = digest(c)
    assert check_aof(cor)[0] == 0
    cor.stop()
    cor.start()
    c = cor.client()
    assert digest(c) == want and c.dbsize() == 200


def test_config_set_appendonly_at_run_time(start_server):
    cor = start_server(DEBUG)
    c = cor.client()
    c.set("before", "1")
    assert c.config_set("appendonly", "yes")
    assert rewrite_done(c)
    c.set("after", "2")
    assert c.info("persistence")["aof_enabled"] == 1
    want = digest(c)
    cor.stop()
    cor.args += ["--appendonly", "yes"]
    cor.start()
    c = cor.client()
    assert digest(c) == want and c.get("before") == "1" and c.get("after") == "2"
    assert c.config_set("appendonly", "no")
    c.set("not-logged", "3")
    assert c.info("persistence")["aof_enabled"] == 0
    c.execute_command("DEBUG", "LOADAOF")
    assert c.get("not-logged") is None and c.get("after") == "2"


def test_timestamp_annotations_are_accepted(start_server, redis_server):
    cor = start_server(AOF + ["--aof-timestamp-enabled", "yes"])
    c = cor.client()
    c.set("a", "1")
    c.incr("n")
    with open(incr_path(cor), "rb") as f:
        assert f.read().startswith(b"#TS:")
    want = digest(c)
    assert check_aof(cor)[0] == 0
    c.execute_command("DEBUG", "LOADAOF")
    assert digest(c) == want


def append_raw(srv, data):
    with open(incr_path(srv), "ab") as f:
        f.write(data)


def test_truncated_tail_is_cut_when_allowed(start_server):
    cor = start_server(AOF)
    c = cor.client()
    c.set("kept", "1")
    cor.stop()
    size = os.path.getsize(incr_path(cor))
    append_raw(cor, b"*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1\r")  # cut inside the last argument
    cor.start()
    c = cor.client()
    assert c.get("kept") == "1" and c.get("lost") is None
    assert "!!! Truncating the AOF appendonly.aof.1.incr.aof at offset %d !!!" % size in cor.output()
    assert os.path.getsize(incr_path(cor)) == size
    c.set("after", "2")  # appends after the cut
    cor.stop()
    cor.start()
    assert cor.client().get("after") == "2"


def test_truncated_tail_refused_without_aof_load_truncated(start_server):
    cor = start_server(AOF + ["--aof-load-truncated", "no"])
    cor.client().set("kept", "1")
    cor.stop()
    append_raw(cor, b"*2\r\n$3\r\nDEL\r\n$4\r\nke")
    with pytest.raises(RuntimeError):
        cor.start()
    assert "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof" in cor.output()


def test_incomplete_transaction_is_reverted(start_server):
    cor = start_server(AOF)
    cor.client().set("kept", "1")
    cor.stop()
    append_raw(cor, b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n")
    cor.start()
    c = cor.client()
    assert c.get("kept") == "1" and c.get("half") is None
    assert "Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof" in cor.output()


@pytest.mark.parametrize("garbage,message", [
    (b"+OK\r\n", "Bad file format reading the append only file appendonly.aof.1.incr.aof"),
    (b"*2\r\n$7\r\nNOSUCHC\r\n$1\r\na\r\n", "Unknown command 'NOSUCHC' reading the append only file"),
    (b"*1\r\n$3\r\nSET\r\n", "Wrong number of arguments for 'SET'"),
])
def test_corrupt_incr_file_refuses_to_start(start_server, garbage, message):
    cor = start_server(AOF)
    cor.client().set("kept", "1")
    cor.stop()
    append_raw(cor, garbage)
    with pytest.raises(RuntimeError):
        cor.start()
    assert message in cor.output()


def test_corrupt_manifest_and_missing_file_refuse_to_start(start_server):
    cor = start_server(AOF)
    cor.stop()
    os.unlink(os.path.join(aof_dir(cor), "appendonly.aof.1.incr.aof"))
    with pytest.raises(RuntimeError):
        cor.start()
    with open(os.path.join(aof_dir(cor), "appendonly.aof.manifest"), "w") as f:
        f.write("file x seq\n")
    with pytest.raises(RuntimeError):
        cor.start()
    assert "Invalid AOF manifest file format" in cor.output()


def masked_seen_time(v):
    """v with every consumer's seen-time set to 0: replaying an AOF's XCLAIM / XREADGROUP sets it to the load time
    (in Redis as in corvid)."""
    if isinstance(v, list):
        return [0 if i > 0 and v[i - 1] == b"seen-time" else masked_seen_time(x) for i, x in enumerate(v)]
    if isinstance(v, tuple):
        return tuple(masked_seen_time(x) for x in v)
    return v


def state(c):
    """Every key (types, encodings, contents, TTL presence; streams in full) and the function libraries."""
    return {k: masked_seen_time(v) for k, v in dataset_snapshot(c).items()}, c.function_list()


def start_on_copy(srv, source):
    """Restarts srv on a copy of source's AOF directory (in place of its own); returns srv."""
    srv.stop()
    shutil.rmtree(aof_dir(srv))
    shutil.copytree(aof_dir(source), aof_dir(srv))
    return srv.start()


def test_redis_aof_dir_loads_into_corvid(redis_server, start_server):
    red = redis_server(["--appendonly", "yes"])
    rc = red.client(decode_responses=False)
    fill_everything(rc)
    rc.bgrewriteaof()
    assert rewrite_done(rc)
    rc.set("after-rewrite", "x")
    rc.incr("counter")
    want_digest, want = digest(rc), state(rc)
    red.stop()
    cor = start_on_copy(start_server(AOF), red)
    cc = cor.client(decode_responses=False)
    assert digest(cc) == want_digest
    assert state(cc) == want
    cc.set("written-by-corvid", "1")  # appended to Redis' incr file
    want_digest = digest(cc)
    cor.stop()
    cor.start()
    assert digest(cor.client(decode_responses=False)) == want_digest


@pytest.mark.parametrize("rewrite", [False, True])
def test_corvid_aof_dir_loads_into_redis(redis_server, start_server, rewrite):
    cor = start_server(AOF)
    cc = cor.client(decode_responses=False)
    fill_everything(cc)
    if rewrite:
        cc.bgrewriteaof()
        assert rewrite_done(cc)
        cc.set("after-rewrite", "x")
    cc.sadd("set:hash", "more")
    cc.expire("str:int", 100000)
    want_digest, want = digest(cc), state(cc)
    code, out = check_aof(cor)
    assert code == 0, out
    assert "All AOF files and manifest are valid" in out
    cor.stop()
    red = start_on_copy(redis_server(["--appendonly", "yes"]), cor)
    rc = red.client(decode_responses=False)
    assert digest(rc) == want_digest
    assert state(rc) == want


def writer(port, name, acked, stop):
    """Writes name:0, name:1, ... one at a time; records each write the server acknowledged."""
    c = redis.Redis(port=port, socket_timeout=5)
    i = 0
    try:
        while not stop.is_set():
            c.set("%s:%d" % (name, i), i)
            acked.append(i)
            i += 1
    except (redis.ConnectionError, redis.TimeoutError):
        pass


def kill_while_writing(srv, rng, most):
    """Starts two writers, SIGKILLs the server after a random number (up to most) of acknowledged writes; returns
    the acks."""
    acks = {"a": [], "b": []}
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(srv.port, n, acks[n], stop)) for n in acks]
    for t in threads:
        t.start()
    target = rng.randint(10, most)
    assert wait_until(lambda: len(acks["a"]) + len(acks["b"]) >= target, limit=60)
    srv.stop(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join()
    return acks


@pytest.mark.parametrize("fsync", ["always", "everysec"])
def test_sigkill_loses_no_acknowledged_write(start_server, fsync):
    rng = random.Random(20261207)
    cor = start_server(AOF + ["--appendfsync", fsync])
    # bench/aof_crash_soak.sh runs many more rounds.
    rounds = int(os.environ.get("AOF_CRASH_ROUNDS", "20" if fsync == "always" else "5"))
    for _ in range(rounds):
        acks = kill_while_writing(cor, rng, 300 if fsync == "always" else 3000)
        cor.start()
        c = cor.client()
        for name, done in acks.items():
            # Every acknowledged write is there; what is there has no holes (the AOF is a prefix of the writes).
            present = [int(k.split(":")[1]) for k in c.keys(name + ":*")]
            assert set(done) <= set(present)
            assert sorted(present) == list(range(len(present)))
        c.flushall()


def test_old_style_single_file_aof_is_migrated(redis_server, start_server):
    # A Redis 6 appendonly.aof: an RDB preamble followed by commands. Redis 7.0.15 and corvid both move it into
    # the AOF directory as the base and load it to the same dataset.
    red = redis_server()
    rc = red.client(decode_responses=False)
    fill_dataset(rc)
    assert rc.save()
    with open(os.path.join(red.dir, "dump.rdb"), "rb") as f:
        legacy = f.read() + b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$2\r\nok\r\n"
    red.stop()
    digests = []
    for srv in (redis_server(["--appendonly", "yes"]), start_server(AOF)):
        srv.stop()
        shutil.rmtree(aof_dir(srv))
        with open(os.path.join(srv.dir, "appendonly.aof"), "wb") as f:
            f.write(legacy)
        srv.start()
        c = srv.client(decode_responses=False)
        assert c.get("tail") == b"ok"
        digests.append(digest(c))
        assert manifest(srv)[0] == "file appendonly.aof seq 1 type b"
        assert ("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory "
                "(appendonlydir).") in srv.output()
    assert digests[0] == digests[1]


def test_disable_auto_gc_keeps_history_files(start_server):
    cor = start_server(AOF + ["--aof-disable-auto-gc", "yes"])
    c = cor.client()
    c.set("a", "1")
    c.bgrewriteaof()
    assert rewrite_done(c)
    assert manifest(cor) == ["file appendonly.aof.2.base.rdb seq 2 type b",
                             "file appendonly.aof.1.incr.aof seq 1 type h",
                             "file appendonly.aof.1.base.rdb seq 1 type h",
                             "file appendonly.aof.2.incr.aof seq 2 type i"]
    assert os.path.exists(os.path.join(aof_dir(cor), "appendonly.aof.1.incr.aof"))
    assert check_aof(cor)[0] == 0
    c.set("b", "2")
    want = digest(c)
    c.config_set("aof-disable-auto-gc", "no")
    cor.stop()
    cor.args += ["--aof-disable-auto-gc", "no"]
    cor.start()  # history removed at start-up
    assert digest(cor.client()) == want
    assert [line for line in manifest(cor) if line.endswith("type h")] == []
    assert wait_until(lambda: not os.path.exists(os.path.join(aof_dir(cor), "appendonly.aof.1.incr.aof")))


def test_keys_expired_while_replaying_are_used_as_written(start_server, redis_server):
    # The AOF says: k got a TTL that has passed since, then INCR k (run live before k expired). Replay keeps k
    # until loading ends (as Redis): INCR makes it 11 with its TTL, then it expires. Expiring it during the replay
    # would leave a fresh k = 1 without TTL.
    tail = (b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n10\r\n$4\r\nPXAT\r\n$13\r\n1000000000000\r\n"
            b"*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$4\r\ncopy\r\n$1\r\nx\r\n")
    results = []
    for srv in (start_server(AOF), redis_server(["--appendonly", "yes"])):
        srv.stop()
        append_raw(srv, tail)
        srv.start()
        c = srv.client()
        results.append((c.get("k"), c.get("copy"), c.dbsize()))
    assert results[0] == results[1] == (None, "x", 1)
