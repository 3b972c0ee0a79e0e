"""The server as a replication master, with Debian's redis-server 7.0.15 as its replica, and corvid too.

Runs against corvid, and against Redis itself with CORVID_SERVER=/usr/bin/redis-server.
"""

import os
import re
import socket
import subprocess

import pytest

from conftest import SERVER_BIN, ServerProcess, wait_until

REDIS = "/usr/bin/redis-server"
MASTER_ARGS = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"]


def info(client, section):
    return client.info(section)


def link_up(replica):
    return info(replica, "replication").get("master_link_status") == "up"


@pytest.fixture(params=["redis-replica", "corvid-replica"])
def start_replica(request, tmp_path):
    binary = REDIS if request.param == "redis-replica" else SERVER_BIN
    started = []

    def start(master_port, args=()):
        srv = ServerProcess(tmp_path / ("replica%d" % len(started)), binary=binary,
                            args=["--replicaof", "127.0.0.1", str(master_port), "--enable-debug-command", "yes"]
                            + list(args))
        started.append(srv)
        srv.start()
        return srv

    yield start
    for srv in started:
        srv.stop()


def synced(master, replica):
    """True once the replica has applied everything the master produced."""
    off = info(master, "replication")["master_repl_offset"]
    return link_up(replica) and info(replica, "replication")["slave_repl_offset"] == off


def fill_every_type(m):
    m.set("str", "v")
    m.set("int", 12345)
    m.set("ttl", "x", ex=1000)
    m.hset("hash", mapping={"a": 1, "b": "two"})
    m.hset("bighash", mapping={"f%d" % i: "v" * 100 for i in range(200)})
    m.rpush("list", *range(50))
    m.sadd("set", "a", "b", "c")
    m.sadd("intset", *range(20))
    m.zadd("zset", {"a": 1.5, "b": 2})
    m.zadd("bigzset", {"m%d" % i: i for i in range(300)})
    m.xadd("stream", {"f": "v"})
    m.pfadd("hll", "a", "b", "c")
    m.lpush("biglist", *("x" * 200 for _ in range(1000)))
    m.xgroup_create("stream", "group", id="0")
    m.function_load("#!lua name=lib\nredis.register_function('f', function() return 1 end)")


SYNC_MODES = {"diskless": ["--repl-diskless-sync", "yes"], "disk": ["--repl-diskless-sync", "no"]}


@pytest.mark.parametrize("mode", sorted(SYNC_MODES))
def test_full_sync_carries_every_type(start_server, start_replica, mode):
    master = start_server(MASTER_ARGS + SYNC_MODES[mode])
    m = master.client()
    fill_every_type(m)
    m2 = master.client(db=2)
    m2.set("in-db-2", "yes")
    m2.zadd("z2", {"x": 1})
    rep = start_replica(master.port)
    s = rep.client()
    assert wait_until(lambda: link_up(s))
    assert wait_until(lambda: s.execute_command("DEBUG", "DIGEST") == m.execute_command("DEBUG", "DIGEST"))
    assert rep.client(db=2).get("in-db-2") == "yes"
    libs = s.execute_command("FUNCTION", "LIST")  # functions travel in the RDB too
    assert [lib[:2] for lib in libs] == [["library_name", "lib"]]
    mi = info(m, "replication")
    assert mi["role"] == "master"
    assert mi["connected_slaves"] == 1
    assert mi["repl_backlog_active"] == 1
    assert wait_until(lambda: info(m, "replication")["slave0"]["state"] == "online")
    assert info(m, "replication")["slave0"]["port"] == rep.port
    assert info(m, "stats")["sync_full"] == 1
    replicas = [c for c in m.client_list() if "S" in c["flags"]]
    assert len(replicas) == 1
    assert [c["id"] for c in m.client_list(_type="replica")] == [replicas[0]["id"]]


@pytest.mark.parametrize("mode", sorted(SYNC_MODES))
def test_writes_during_the_transfer_follow_the_rdb(start_server, start_replica, mode):
    # Each key takes the child 100 microseconds: the RDB is written while the writes below are made.
    master = start_server(MASTER_ARGS + SYNC_MODES[mode] + ["--rdb-key-save-delay", "100"])
    m = master.client()
    m.execute_command("DEBUG", "POPULATE", 5000, "key", 1000)  # a 5 MB RDB: sent in many chunks
    rep = start_replica(master.port)
    s = rep.client()
    assert wait_until(lambda: info(m, "replication").get("slave0", {}).get("state") == "wait_bgsave")
    written = 0
    while not link_up(s) and written < 20000:
        m.set("during:%d" % written, written)
        m.incr("counter")
        written += 1
    assert written > 0
    assert wait_until(lambda: synced(m, s))
    assert s.get("counter") == str(written)
    assert s.execute_command("DEBUG", "DIGEST") == m.execute_command("DEBUG", "DIGEST")


def test_writes_stream_to_the_replica(start_server, start_replica):
    master = start_server(MASTER_ARGS)
    m = master.client()
    rep = start_replica(master.port)
    s = rep.client()
    assert wait_until(lambda: link_up(s))
    m.set("a", "1")
    m.expire("a", 500)
    m.incr("counter")
    with m.pipeline(transaction=True) as p:
        p.lpush("l", "x", "y")
        p.sadd("s", "m")
        p.execute()
    m.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('incrby', KEYS[1], 5)", 1, "lua", "10")
    m3 = master.client(db=3)
    m3.hset("h3", "f", "v")
    m.set("short", "gone soon", px=50)
    m.set("after", "z")
    assert wait_until(lambda: synced(m, s))
    assert s.get("lua") == "15"
    assert 0 < s.ttl("a") <= 500
    assert rep.client(db=3).hget("h3", "f") == "v"
    # The key that expired on the master is deleted on the replica by the DEL the master streams.
    assert wait_until(lambda: m.dbsize() == 6 and synced(m, s) and s.dbsize() == 6)
    assert s.execute_command("DEBUG", "DIGEST") == m.execute_command("DEBUG", "DIGEST")


def test_wait_and_role(start_server, start_replica):
    master = start_server(MASTER_ARGS)
    m = master.client()
    assert m.execute_command("WAIT", 1, 10) == 0  # no replicas: times out with 0
    rep = start_replica(master.port)
    s = rep.client()
    assert wait_until(lambda: link_up(s))
    m.set("k", "v")
    assert m.execute_command("WAIT", 1, 5000) == 1
    assert m.execute_command("WAIT", 2, 50) == 1  # times out with what it has
    role = m.execute_command("ROLE")
    assert role[0] == "master"
    assert isinstance(role[1], int) and role[1] > 0
    assert wait_until(lambda: len(m.execute_command("ROLE")[2]) == 1)
    ip, port, offset = m.execute_command("ROLE")[2][0]
    assert (ip, port) == ("127.0.0.1", str(rep.port))
    assert int(offset) > 0
    with pytest.raises(Exception, match="timeout is negative"):
        m.execute_command("WAIT", 1, -1)


def test_partial_resync_after_the_replica_link_is_killed(start_server, start_replica):
    master = start_server(MASTER_ARGS)
    m = master.client()
    rep = start_replica(master.port)
    s = rep.client()
    m.set("before", "1")
    assert wait_until(lambda: synced(m, s))
    assert m.execute_command("CLIENT", "KILL", "TYPE", "replica") == 1
    m.set("while-away", "2")
    assert wait_until(lambda: info(m, "stats")["sync_partial_ok"] == 1)
    assert wait_until(lambda: synced(m, s) and s.get("while-away") == "2")
    st = info(m, "stats")
    assert st["sync_full"] == 1 and st["sync_partial_err"] == 0
    assert st["total_net_repl_output_bytes"] > 0
    m.config_resetstat()
    assert info(m, "stats")["sync_partial_ok"] == 0
    assert s.execute_command("DEBUG", "DIGEST") == m.execute_command("DEBUG", "DIGEST")


def test_raw_psync_stream(start_server):
    master = start_server(["--repl-diskless-sync", "no", "--repl-ping-replica-period", "1"])
    m = master.client()
    m.set("k", "v")
    with master.raw() as c:
        assert c.call("REPLCONF", "listening-port", "4321") == b"OK"
        assert c.call("REPLCONF", "capa", "eof", "capa", "psync2") == b"OK"
        c.send(b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
        line = c.read_line().lstrip(b"\n")  # newlines are keepalives
        match = re.fullmatch(rb"\+FULLRESYNC ([0-9a-f]{40}) (\d+)", line)
        assert match
        replid, offset = match.group(1).decode(), int(match.group(2))
        assert replid == info(m, "replication")["master_replid"]
        line = c.read_line().lstrip(b"\n")
        assert line.startswith(b"$")
        size = int(line[1:])  # the RDB, with no CRLF after it
        assert wait_until(lambda: len(c.buf + _drain(c)) >= size)
        assert c.buf.startswith(b"REDIS")
        c.buf = c.buf[size:]
        m.set("after", "1")
        # The stream: a SELECT, the write, and PINGs every second; offsets count its bytes.
        want = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n"
        assert wait_until(lambda: want in c.buf + _drain(c))
        assert wait_until(lambda: b"*1\r\n$4\r\nping\r\n" in c.buf + _drain(c))
        assert info(m, "replication")["master_repl_offset"] > offset
        assert m.client_list(_type="replica")[0]["flags"] == "S"


def _drain(c):
    """Reads what arrived (without waiting long) into c.buf; returns b""."""
    try:
        c.sock.settimeout(0.05)
        data = c.sock.recv(1 << 20)
        c.buf += data
    except (TimeoutError, OSError):
        pass
    return b""


def test_replica_silent_for_repl_timeout_is_dropped(start_server):
    master = start_server(["--repl-diskless-sync", "no", "--repl-timeout", "2", "--repl-ping-replica-period", "1"])
    m = master.client()
    with master.raw() as c:
        c.call("REPLCONF", "listening-port", "4321")
        c.send(b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
        assert wait_until(lambda: info(m, "replication")["connected_slaves"] == 1)
        assert wait_until(lambda: info(m, "replication")["connected_slaves"] == 0, limit=15)


def test_replconf_errors_and_min_replicas(start_server):
    master = start_server()
    with master.raw() as c:
        assert str(c.call("REPLCONF", "foo", "bar")) == "ERR Unrecognized REPLCONF option: foo"
        assert str(c.call("REPLCONF", "listening-port")) == "ERR syntax error"
        assert str(c.call("REPLCONF", "listening-port", "x")) == "ERR value is not an integer or out of range"
        assert str(c.call("REPLCONF", "ip-address", "x" * 300)) == (
            "ERR REPLCONF ip-address provided by replica instance is too long: 300 bytes")
        c.send(b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$2\r\n10\r\n")  # no reply to ACK
        assert c.call("PING") == b"PONG"
        assert str(c.call("PSYNC", "?", "x")) == "ERR value is not an integer or out of range"
        assert c.call("CONFIG", "SET", "min-replicas-to-write", "1") == b"OK"
        assert str(c.call("SET", "a", "1")) == "NOREPLICAS Not enough good replicas to write."
        assert b"min_slaves_good_slaves:0\r\n" in c.call("INFO", "replication")
        assert str(c.call("EVAL", "return redis.call('set', 'a', '1')", "0")).startswith(
            "NOREPLICAS Not enough good replicas to write.")
        assert str(c.call("EVAL", "#!lua\nreturn 1", "0")) == "NOREPLICAS Not enough good replicas to write."
        assert c.call("EVAL", "#!lua flags=no-writes\nreturn 1", "0") == 1
        # A transaction queued while writes were allowed is refused at EXEC.
        assert c.call("CONFIG", "SET", "min-replicas-to-write", "0") == b"OK"
        assert c.call("MULTI") == b"OK"
        assert c.call("SET", "a", "2") == b"QUEUED"
        with master.raw() as admin:
            assert admin.call("CONFIG", "SET", "min-replicas-to-write", "1") == b"OK"
        assert str(c.call("EXEC")) == "EXECABORT Transaction discarded because of: NOREPLICAS Not enough good " \
            "replicas to write."
        assert c.call("GET", "a") is None
        assert c.call("CONFIG", "SET", "min-replicas-to-write", "0") == b"OK"
        assert c.call("SET", "a", "1") == b"OK"


@pytest.mark.parametrize("mode", sorted(SYNC_MODES))
def test_redis_cli_rdb_takes_a_snapshot(start_server, tmp_path, mode):
    master = start_server(MASTER_ARGS + SYNC_MODES[mode])
    m = master.client()
    m.execute_command("DEBUG", "POPULATE", 100)
    out = tmp_path / "snap.rdb"
    res = master.cli("--rdb", str(out))
    assert res.returncode == 0, res.stderr
    check = subprocess.run(["/usr/bin/redis-check-rdb", str(out)], capture_output=True, text=True)
    assert "100 keys read" in check.stdout
    assert wait_until(lambda: info(m, "replication")["connected_slaves"] == 0)


def test_backlog_is_freed_after_repl_backlog_ttl_without_replicas(start_server):
    master = start_server(["--repl-diskless-sync", "no", "--repl-backlog-ttl", "1"])
    m = master.client()
    assert info(m, "replication")["repl_backlog_active"] == 0
    with master.raw() as c:
        c.send(b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
        assert wait_until(lambda: info(m, "replication")["connected_slaves"] == 1)
        replid = info(m, "replication")["master_replid"]
        assert info(m, "replication")["repl_backlog_active"] == 1
    assert wait_until(lambda: info(m, "replication")["repl_backlog_active"] == 0)
    assert info(m, "replication")["master_replid"] != replid


def test_client_unblock_ends_a_wait(start_server):
    master = start_server()
    m = master.client()
    with master.raw() as c:
        cid = c.call("CLIENT", "ID")
        c.send(b"*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n")
        assert wait_until(lambda: info(m, "clients")["blocked_clients"] == 1)
        assert m.client_unblock(cid) == 1
        assert c.read() == 0
        c.send(b"*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n")
        assert wait_until(lambda: info(m, "clients")["blocked_clients"] == 1)
        assert m.client_unblock(cid, error=True) == 1
        assert str(c.read()) == "UNBLOCKED client unblocked via CLIENT UNBLOCK"
        assert c.call("WAIT", "0", "0") == 0


def test_the_bgsave_stops_when_its_only_replica_leaves(start_server):
    # 100 ms a key: the child would run for minutes. (A diskless child stops too; Redis notices only when the
    # child next writes to its pipe.)
    master = start_server(MASTER_ARGS + SYNC_MODES["disk"] + ["--rdb-key-save-delay", "100000"])
    m = master.client()
    m.execute_command("DEBUG", "POPULATE", 1000)
    with master.raw() as c:
        assert c.call("REPLCONF", "capa", "eof") == b"OK"
        c.send(b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
        assert wait_until(lambda: info(m, "persistence")["rdb_bgsave_in_progress"] == 1)
    assert wait_until(lambda: info(m, "persistence")["rdb_bgsave_in_progress"] == 0)
    assert info(m, "replication")["connected_slaves"] == 0


def test_a_diskless_transfer_waits_for_a_slow_replica(start_server):
    master = start_server(MASTER_ARGS + SYNC_MODES["diskless"])
    m = master.client()
    with master.client(decode_responses=False).pipeline(transaction=False) as p:
        for i in range(20000):  # a 20 MB RDB (random bytes do not compress)
            p.set("k%d" % i, os.urandom(1000))
        p.execute()
    with master.raw(timeout=30) as c:
        assert c.call("REPLCONF", "capa", "eof") == b"OK"
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        c.send(b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
        assert wait_until(lambda: info(m, "persistence")["rdb_bgsave_in_progress"] == 1)
        # The replica reads nothing: the master holds back what the child writes rather than buffering it all.
        # (Without back-pressure the child is done and the master holds the whole RDB well within this second.)
        assert not wait_until(lambda: info(m, "memory")["mem_clients_slaves"] > 4 * 1024 * 1024
                              or info(m, "persistence")["rdb_bgsave_in_progress"] == 0, limit=1.0)
        line = c.read_line().lstrip(b"\n")
        assert line.startswith(b"+FULLRESYNC")
        line = c.read_line()
        assert line.startswith(b"$EOF:")
        mark = line[5:]
        assert len(mark) == 40
        assert wait_until(lambda: c.buf.endswith(mark) or _drain(c) or c.buf.endswith(mark), limit=60)
        assert len(c.buf) > 20 * 1000 * 1000
