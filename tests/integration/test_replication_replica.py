"""The replica side of replication: the server under test replicates a real Redis 7.0 master (Debian's
redis-server) through REPLICAOF: full resync (disk-based and diskless RDB transfer), the command stream, partial
resync after a dropped link, read-only replica behaviour, INFO/ROLE, and promotion with REPLICAOF NO ONE."""

import os
import signal
import socket

import pytest
import redis

from conftest import ServerProcess, free_port, wait_until

REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture
def master(tmp_path):
    srv = ServerProcess(tmp_path / "master", binary=REDIS_SERVER,
                        args=["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]).start()
    yield srv
    srv.stop(signal.SIGKILL if srv.alive() else signal.SIGTERM)


@pytest.fixture
def replica(start_server):
    return start_server(args=["--enable-debug-command", "yes"])


def info(client, section="replication"):
    return client.info(section)


def link_up(client):
    return info(client).get("master_link_status") == "up"


def attach(replica, master):
    rc = replica.client()
    assert rc.execute_command("REPLICAOF", "127.0.0.1", str(master.port)) == "OK"
    assert wait_until(lambda: link_up(rc), limit=20), replica.output()
    return rc


def in_sync(mc, rc):
    """The replica applied everything the master produced and holds the same data."""
    return (info(mc)["master_repl_offset"] == info(rc)["slave_repl_offset"]
            and mc.execute_command("DEBUG", "DIGEST") == rc.execute_command("DEBUG", "DIGEST"))


def fill_every_type(mc):
    for db in (0, 3):
        c = redis.Redis(port=mc.connection_pool.connection_kwargs["port"], db=db, decode_responses=True)
        c.set("str", "value")
        c.set("int", 12345)
        c.set("big", "x" * 100000)
        c.set("ttl", "v", ex=1000)
        c.rpush("list", *range(200))
        c.rpush("smalllist", "a", "b")
        c.sadd("intset", *range(50))
        c.sadd("set", *("m%d" % i for i in range(300)))
        c.hset("hash", mapping={"f%d" % i: i for i in range(10)})
        c.hset("bighash", mapping={"f%d" % i: "v" * 100 for i in range(600)})
        c.zadd("zset", {"a": 1, "b": 2.5})
        c.zadd("bigzset", {"m%d" % i: i for i in range(300)})
        c.xadd("stream", {"f": "v"})
        c.xgroup_create("stream", "g", id="0")
        c.pfadd("hll", *range(100))
        c.setbit("bits", 1000, 1)
        c.close()


@pytest.mark.parametrize("diskless", ["yes", "no"])
def test_full_sync_copies_every_type(master, replica, diskless):
    mc = master.client()
    mc.config_set("repl-diskless-sync", diskless)
    fill_every_type(mc)
    mc.execute_command("DEBUG", "POPULATE", "30000", "key", "50")  # a snapshot that takes many reads
    rc = attach(replica, master)
    assert wait_until(lambda: in_sync(mc, rc))
    assert rc.get("big") == "x" * 100000
    assert 0 < rc.ttl("ttl") <= 1000
    assert rc.xinfo_groups("stream")[0]["name"] == "g"
    assert mc.info("stats")["sync_full"] == 1


def test_stream_applies_writes(master, replica):
    mc = master.client()
    mc.set("before", "1")
    rc = attach(replica, master)
    mc.set("a", "1")
    mc.expire("a", 500)
    mc.incr("counter")
    mc.lpush("l", "x", "y")
    p = mc.pipeline(transaction=True)
    p.set("t1", "1").incr("t2").sadd("s", "m")
    p.execute()
    mc.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('hset', 'h', 'f', 'v')", 1, "lua", "val")
    m5 = redis.Redis(port=master.port, db=5, decode_responses=True)
    m5.set("in5", "five")
    mc.set("huge", "y" * 3000000)  # one command across many reads
    mc.set("gone", "soon", px=50)
    assert wait_until(lambda: mc.get("gone") is None and mc.exists("gone") == 0)
    assert wait_until(lambda: in_sync(mc, rc))
    assert rc.get("a") == "1" and 0 < rc.ttl("a") <= 500
    assert rc.get("t1") == "1" and rc.get("t2") == "1" and rc.smembers("s") == {"m"}
    assert rc.get("lua") == "val" and rc.hget("h", "f") == "v"
    assert redis.Redis(port=replica.port, db=5, decode_responses=True).get("in5") == "five"
    assert rc.exists("gone") == 0
    assert rc.strlen("huge") == 3000000
    m5.close()


def test_replica_is_read_only(master, replica):
    rc = attach(replica, master)
    with pytest.raises(redis.ResponseError, match="^You can't write against a read only replica.$"):
        rc.set("k", "v")
    raw = replica.raw()
    assert raw.call("MULTI") == b"OK"
    err = raw.call("INCR", "k")
    assert "READONLY You can't write against a read only replica." in str(err)
    raw.close()
    with pytest.raises(redis.ResponseError, match="^You can't write against a read only replica. script: "):
        rc.eval("return redis.call('set', 'k', 'v')", 0)
    assert rc.eval("return redis.call('get', 'k')", 0) is None
    rc.config_set("replica-read-only", "no")
    assert rc.set("k", "v")
    assert rc.get("k") == "v"


def master_key_left_to_expire(master, replica, key):
    """Attaches the replica, then writes key with a short TTL on a master that does not expire keys actively, so
    its DEL comes only when the master itself touches the key. Returns the two clients."""
    mc = master.client()
    rc = attach(replica, master)
    mc.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    mc.set(key, "v", px=50)
    assert wait_until(lambda: in_sync(mc, rc))
    return mc, rc


def test_logically_expired_keys_read_as_missing(master, replica):
    mc, rc = master_key_left_to_expire(master, replica, "k")
    assert wait_until(lambda: rc.get("k") is None)
    assert rc.exists("k") == 0
    assert rc.dbsize() == 1  # still there, waiting for the master's DEL
    assert mc.get("k") is None  # the master expires it on access and propagates the DEL
    assert wait_until(lambda: rc.dbsize() == 0)


def test_info_and_role(master, replica):
    rc = attach(replica, master)
    i = info(rc)
    assert i["role"] == "slave"
    assert i["master_host"] == "127.0.0.1" and i["master_port"] == master.port
    assert i["master_link_status"] == "up" and i["master_sync_in_progress"] == 0
    assert i["slave_priority"] == 100 and i["slave_read_only"] == 1 and i["replica_announced"] == 1
    assert i["master_replid"] == info(master.client())["master_replid"]
    assert rc.info("stats")["total_net_repl_input_bytes"] > 0  # the snapshot at least
    keys = list(i.keys())
    order = ["role", "master_host", "master_port", "master_link_status", "master_last_io_seconds_ago",
             "master_sync_in_progress", "slave_read_repl_offset", "slave_repl_offset", "slave_priority",
             "slave_read_only", "replica_announced", "connected_slaves", "master_failover_state",
             "master_replid", "master_replid2", "master_repl_offset", "second_repl_offset"]
    assert [k for k in keys if k in order] == order
    role = rc.execute_command("ROLE")
    assert role[:4] == ["slave", "127.0.0.1", master.port, "connected"]
    assert role[4] == i["slave_repl_offset"]
    assert rc.execute_command("REPLICAOF", "127.0.0.1", str(master.port)) == "OK Already connected to specified master"
    mc = master.client()
    assert wait_until(lambda: len(mc.execute_command("ROLE")[2]) == 1)
    assert int(mc.execute_command("ROLE")[2][0][1]) == replica.port  # REPLCONF listening-port


def test_replicaof_errors(replica):
    rc = replica.client()
    for port in ("abc", "70000", "-1"):
        with pytest.raises(redis.ResponseError, match="^Invalid master port$"):
            rc.execute_command("REPLICAOF", "127.0.0.1", port)
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'replicaof' command"):
        rc.execute_command("REPLICAOF", "127.0.0.1")
    assert rc.execute_command("REPLICAOF", "NO", "ONE") == "OK"
    assert info(rc)["role"] == "master"


def test_link_down_states(replica):
    rc = replica.client()
    port = free_port()  # nothing listens there: the link stays down
    assert rc.execute_command("REPLICAOF", "127.0.0.1", str(port)) == "OK"
    role = rc.execute_command("ROLE")
    assert role[0] == "slave" and role[2] == port and role[3] in ("connect", "connecting") and role[4] == -1
    i = info(rc)
    assert i["master_link_status"] == "down" and i["master_last_io_seconds_ago"] == -1
    assert "master_link_down_since_seconds" in i
    assert rc.get("x") is None  # stale data is served by default
    rc.config_set("replica-serve-stale-data", "no")
    with pytest.raises(redis.ResponseError, match="^MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.$"):
        rc.get("x")
    assert info(rc)["role"] == "slave"  # INFO is flagged stale


def test_partial_resync_after_link_drop(master, replica):
    mc = master.client()
    rc = attach(replica, master)
    mc.set("a", "1")
    assert wait_until(lambda: in_sync(mc, rc))
    partial_before = mc.info("stats")["sync_partial_ok"]
    assert mc.execute_command("CLIENT", "KILL", "TYPE", "replica") == 1
    mc.set("b", "2")  # written while the link is down: comes with the partial resync
    assert wait_until(lambda: mc.info("stats")["sync_partial_ok"] > partial_before, limit=20), replica.output()
    assert wait_until(lambda: link_up(rc) and in_sync(mc, rc))
    assert rc.get("b") == "2"
    assert mc.info("stats")["sync_full"] == 1


def test_ack_offsets_reach_master(master, replica):
    mc = master.client()
    rc = attach(replica, master)
    mc.set("k", "v")
    assert mc.execute_command("WAIT", 1, 5000) == 1
    assert wait_until(lambda: info(mc).get("slave0", {}).get("offset") == info(mc)["master_repl_offset"])


def test_promotion_with_replicaof_no_one(master, replica):
    mc = master.client()
    rc = attach(replica, master)
    mc.set("k", "v")
    assert wait_until(lambda: in_sync(mc, rc))
    old = info(rc)
    assert rc.execute_command("REPLICAOF", "NO", "ONE") == "OK"
    new = info(rc)
    assert new["role"] == "master"
    assert new["master_replid2"] == old["master_replid"]
    assert new["second_repl_offset"] == old["master_repl_offset"] + 1
    assert new["master_replid"] != old["master_replid"]
    assert rc.set("k2", "v2") and rc.get("k") == "v"
    assert rc.execute_command("ROLE")[0] == "master"


def test_replicaof_directive_and_rewrite(master, start_server, tmp_path):
    conf = "replicaof 127.0.0.1 %d\nenable-debug-command yes\nsave \"\"\n" % master.port
    replica = start_server(config_text=conf)
    rc = replica.client()
    master.client().set("k", "v")
    assert wait_until(lambda: link_up(rc), limit=20), replica.output()
    assert wait_until(lambda: rc.get("k") == "v")
    assert rc.config_get("replicaof") == {"replicaof": "127.0.0.1 %d" % master.port}
    rc.execute_command("REPLICAOF", "NO", "ONE")
    rc.config_rewrite()
    with open(replica.config_path) as f:
        assert not [line for line in f if line.startswith("replicaof")]
    rc.execute_command("REPLICAOF", "127.0.0.1", str(master.port))
    rc.config_rewrite()
    with open(replica.config_path) as f:
        assert "replicaof 127.0.0.1 %d\n" % master.port in f.readlines()


def test_applied_writes_reach_the_replica_aof(master, start_server):
    replica = start_server(args=["--appendonly", "yes", "--enable-debug-command", "yes"])
    mc = master.client()
    mc.set("before", "1")
    rc = attach(replica, master)
    mc.set("after", "2")
    mc.hset("h", "f", "v")
    assert wait_until(lambda: in_sync(mc, rc))
    # The full resync started an AOF rewrite from the new dataset: wait for it to be on disk.
    assert wait_until(lambda: (lambda p: p["aof_rewrites"] >= 1 and not p["aof_rewrite_in_progress"]
                               and not p["aof_rewrite_scheduled"])(rc.info("persistence")))
    digest = rc.execute_command("DEBUG", "DIGEST")
    assert rc.execute_command("DEBUG", "LOADAOF") == "OK"  # reloads the dataset from the AOF files
    assert rc.execute_command("DEBUG", "DIGEST") == digest
    assert rc.get("before") == "1" and rc.get("after") == "2"


@pytest.mark.parametrize("user", [None, "repl"])
def test_masterauth(tmp_path, start_server, user):
    master = ServerProcess(tmp_path / "authmaster", binary=REDIS_SERVER,
                           args=["--repl-diskless-sync-delay", "0", "--requirepass", "secret"]).start()
    try:
        mc = master.client(password="secret")
        mc.acl_setuser("repl", enabled=True, passwords=["+replpass"], commands=["+psync", "+replconf", "+ping"])
        mc.set("k", "v")
        replica = start_server(args=["--replica-announce-ip", "127.0.0.9"])
        rc = replica.client()
        if user:
            rc.config_set("masteruser", user)
            rc.config_set("masterauth", "replpass")
        else:
            rc.config_set("masterauth", "secret")
        rc.execute_command("REPLICAOF", "127.0.0.1", str(master.port))
        assert wait_until(lambda: link_up(rc), limit=20), replica.output()
        assert wait_until(lambda: rc.get("k") == "v")
        assert wait_until(lambda: "slave0" in mc.info("replication"))
        assert mc.info("replication")["slave0"]["ip"] == "127.0.0.9"  # REPLCONF ip-address
    finally:
        master.stop()


def test_wrong_masterauth_keeps_the_link_down(tmp_path, start_server):
    master = ServerProcess(tmp_path / "authmaster", binary=REDIS_SERVER, args=["--requirepass", "secret"]).start()
    try:
        replica = start_server(args=["--masterauth", "wrong"])
        rc = replica.client()
        rc.execute_command("REPLICAOF", "127.0.0.1", str(master.port))
        # The master refuses the AUTH; the replica logs it and keeps retrying without ever syncing.
        assert wait_until(lambda: replica.output().count("Unable to AUTH to MASTER: -WRONGPASS") >= 2, limit=20)
        assert info(rc)["master_link_status"] == "down"
        assert master.client(password="secret").info("stats")["sync_full"] == 0
    finally:
        master.stop()


def test_master_client_listed_and_killable(master, replica):
    mc = master.client()
    rc = attach(replica, master)
    listed = rc.execute_command("CLIENT", "LIST", "TYPE", "master")
    assert "addr=127.0.0.1:%d " % master.port in listed and " flags=M " in listed and "user=(superuser)" in listed
    assert "flags=M" not in rc.execute_command("CLIENT", "LIST", "TYPE", "normal")
    assert rc.execute_command("CLIENT", "KILL", "USER", "default", "SKIPME", "yes") == 0  # not the master's user
    partial_before = mc.info("stats")["sync_partial_ok"]
    assert rc.execute_command("CLIENT", "KILL", "TYPE", "master") == 1
    mc.set("k", "v")
    assert wait_until(lambda: mc.info("stats")["sync_partial_ok"] > partial_before, limit=20), replica.output()
    assert wait_until(lambda: link_up(rc) and in_sync(mc, rc))
    assert rc.get("k") == "v"


def test_clients_get_loading_while_the_snapshot_loads(master, start_server):
    mc = master.client()
    mc.execute_command("DEBUG", "POPULATE", "2000")
    # 1 ms per key: the load takes about two seconds, with clients served every KB.
    replica = start_server(args=["--key-load-delay", "1000", "--loading-process-events-interval-bytes", "1024"])
    rc = replica.client()
    rc.execute_command("REPLICAOF", "127.0.0.1", str(master.port))
    assert wait_until(lambda: rc.info("persistence")["loading"] == 1), replica.output()
    with pytest.raises(redis.BusyLoadingError):
        rc.get("key:1")
    assert wait_until(lambda: link_up(rc), limit=30)
    assert rc.dbsize() == 2000


def test_switching_masters_resyncs_fully(master, replica, tmp_path):
    other = ServerProcess(tmp_path / "other", binary=REDIS_SERVER,
                          args=["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]).start()
    try:
        mc, oc = master.client(), other.client()
        mc.set("from", "first")
        oc.set("from", "second")
        oc.set("only", "second")
        rc = attach(replica, master)
        assert wait_until(lambda: in_sync(mc, rc))
        rc = attach(replica, other)
        assert wait_until(lambda: in_sync(oc, rc)), replica.output()
        assert rc.get("from") == "second" and rc.get("only") == "second"
        assert info(rc)["master_port"] == other.port
        assert oc.info("stats")["sync_full"] == 1
    finally:
        other.stop()


def test_master_restart_means_full_resync(tmp_path, replica):
    args = ["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]
    master = ServerProcess(tmp_path / "m1", binary=REDIS_SERVER, args=args).start()
    try:
        master.client().set("k", "old")
        rc = attach(replica, master)
        assert wait_until(lambda: rc.get("k") == "old")
        old_id = info(rc)["master_replid"]
        master.stop()
        assert wait_until(lambda: info(rc)["master_link_status"] == "down")
        master = ServerProcess(tmp_path / "m2", binary=REDIS_SERVER, args=args, port=master.port).start()
        master.client().set("k", "new")
        assert wait_until(lambda: link_up(rc) and rc.get("k") == "new", limit=20), replica.output()
        assert info(rc)["master_replid"] != old_id
        assert wait_until(lambda: in_sync(master.client(), rc))
    finally:
        master.stop()


class FakeMaster:
    """A listening socket that plays a master's side of the handshake step by step, recording what it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.conn = None

    def accept(self):
        self.sock.settimeout(10)
        self.conn, _ = self.sock.accept()
        self.conn.settimeout(10)

    def expect(self, *commands):
        """Reads until the given commands (as RESP multibulk) arrived; returns the bytes."""
        want = b"".join(b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in c)
                        for c in ([x.encode() if isinstance(x, str) else x for x in cmd] for cmd in commands))
        got = b""
        while len(got) < len(want):
            chunk = self.conn.recv(65536)
            if not chunk:
                break
            got += chunk
        assert got == want
        return got

    def send(self, data):
        self.conn.sendall(data)

    def close(self):
        if self.conn:
            self.conn.close()
        self.sock.close()


def rdb_of_one_key(workdir):
    """An RDB image holding a = "1", written by a throwaway Redis."""
    srv = ServerProcess(workdir, binary=REDIS_SERVER).start()
    try:
        c = srv.client()
        c.set("a", "1")
        c.save()
    finally:
        srv.stop()
    with open(os.path.join(str(workdir), "dump.rdb"), "rb") as f:
        return f.read()


def test_handshake_bytes_and_sync_states(replica, tmp_path):
    rdb = rdb_of_one_key(tmp_path / "rdbmaker")
    rc = replica.client()
    own = info(rc)
    fake = FakeMaster()
    try:
        rc.execute_command("REPLICAOF", "127.0.0.1", str(fake.port))
        fake.accept()
        fake.expect(["PING"])
        assert rc.execute_command("ROLE")[3] == "handshake"
        fake.send(b"+PONG\r\n")
        fake.expect(["REPLCONF", "listening-port", str(replica.port)], ["REPLCONF", "capa", "eof", "capa", "psync2"])
        fake.send(b"+OK\r\n+OK\r\n")
        # No cached master: the replica offers its own history.
        fake.expect(["PSYNC", own["master_replid"], str(own["master_repl_offset"] + 1)])
        replid = "abcdef0123" * 4
        fake.send(b"\n+FULLRESYNC %s 100\r\n\n\n" % replid.encode())
        assert wait_until(lambda: rc.execute_command("ROLE")[3] == "sync")
        i = info(rc)
        assert i["master_sync_in_progress"] == 1 and i["master_link_status"] == "down"
        fake.send(b"$%d\r\n" % len(rdb) + rdb[:10])
        assert wait_until(lambda: info(rc).get("master_sync_read_bytes") == 10)
        i = info(rc)
        assert i["master_sync_total_bytes"] == len(rdb) and i["master_sync_left_bytes"] == len(rdb) - 10
        set_b = b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
        fake.send(rdb[10:] + set_b)
        assert wait_until(lambda: link_up(rc))
        assert wait_until(lambda: rc.get("b") == "2")
        assert rc.get("a") == "1"
        i = info(rc)
        assert i["master_replid"] == replid and i["slave_repl_offset"] == 100 + len(set_b)
        getack = b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"
        fake.send(getack)
        acks = b""
        off = str(100 + len(set_b)).encode()
        want = b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%d\r\n%s\r\n" % (len(off), off)
        while want not in acks:  # the per-second ACKs may come first
            acks += fake.conn.recv(65536)
        offset = 100 + len(set_b) + len(getack)
        assert wait_until(lambda: info(rc)["slave_repl_offset"] == offset)
        # A transaction counts in the applied offset once its EXEC ran.
        multi = b"*1\r\n$5\r\nMULTI\r\n" + b"*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
        fake.send(multi)
        assert wait_until(lambda: info(rc)["slave_read_repl_offset"] == offset + len(multi))
        assert info(rc)["slave_repl_offset"] == offset and rc.get("n") is None
        fake.send(b"*1\r\n$4\r\nEXEC\r\n")
        assert wait_until(lambda: info(rc)["slave_repl_offset"] == offset + len(multi) + 14)
        assert rc.get("n") == "1"
    finally:
        fake.close()


def test_restarted_replica_resyncs_partially(master, start_server):
    mc = master.client()
    mc.set("a", "1")
    conf = "replicaof 127.0.0.1 %d\nsave \"\"\nenable-debug-command yes\n" % master.port
    replica = start_server(config_text=conf)
    rc = replica.client()
    assert wait_until(lambda: link_up(rc), limit=20), replica.output()
    m3 = redis.Redis(port=master.port, db=3)
    m3.set("in3", "x")  # the stream is left in db 3: the saved RDB says so
    assert wait_until(lambda: in_sync(mc, rc))
    with pytest.raises(redis.ConnectionError):
        rc.execute_command("SHUTDOWN", "SAVE")
    replica.wait_exit()
    m3.set("while-down", "y")  # no SELECT comes before this one
    replica.start()
    rc = replica.client()
    assert wait_until(lambda: link_up(rc) and in_sync(mc, rc), limit=20), replica.output()
    assert redis.Redis(port=replica.port, db=3).get("while-down") == b"y"
    stats = mc.info("stats")
    assert stats["sync_full"] == 1 and stats["sync_partial_ok"] == 1
    m3.close()


def test_functions_reach_the_replica(master, replica):
    mc = master.client()
    lib = "#!lua name=lib1\nredis.register_function{function_name='get1', callback=function(keys) " \
          "return redis.call('get', keys[1]) end, flags={'no-writes'}}"
    mc.function_load(lib)  # in the snapshot
    mc.set("k", "v")
    rc = attach(replica, master)
    assert rc.fcall_ro("get1", 1, "k") == "v"
    mc.function_load(lib.replace("lib1", "lib2").replace("get1", "get2"))  # down the stream
    assert wait_until(lambda: in_sync(mc, rc))
    assert rc.fcall_ro("get2", 1, "k") == "v"


def test_writable_replica_expires_its_own_keys(master, replica):
    mc, rc = master_key_left_to_expire(master, replica, "from-master")
    rc.config_set("replica-read-only", "no")
    rc.set("own", "v", px=50)
    rc.set("own-no-ttl", "v")
    # The replica deletes its own expired key, not the master's (that waits for the master's DEL).
    assert wait_until(lambda: rc.dbsize() == 2)
    assert rc.exists("own-no-ttl") == 1 and rc.get("from-master") is None
    assert mc.get("from-master") is None  # the master deletes it now and sends the DEL
    assert wait_until(lambda: rc.dbsize() == 1)


def test_client_pause_holds_the_master_stream(master, replica):
    mc = master.client()
    rc = attach(replica, master)
    mc.set("k", "old")
    assert wait_until(lambda: in_sync(mc, rc))
    applied = info(rc)["slave_repl_offset"]
    rc.execute_command("CLIENT", "PAUSE", "100000", "WRITE")
    mc.set("k", "new")
    # The write is read but not applied while the pause lasts.
    assert wait_until(lambda: info(rc)["slave_read_repl_offset"] > applied)
    assert rc.get("k") == "old" and info(rc)["slave_repl_offset"] == applied
    rc.execute_command("CLIENT", "UNPAUSE")
    assert wait_until(lambda: in_sync(mc, rc))
    assert rc.get("k") == "new"
