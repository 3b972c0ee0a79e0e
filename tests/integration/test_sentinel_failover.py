"""Debian's redis-sentinel failing over a corvid master to a corvid replica, then turning the old master into a
replica of the new one. Also passes with CORVID_SERVER=/usr/bin/redis-server."""
import os
import shutil
import signal
import subprocess

import pytest
import redis

from conftest import free_port, wait_until

SENTINEL = shutil.which("redis-sentinel")


def _answers(client):
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def _role(client):
    try:
        return client.execute_command("ROLE")[0]
    except redis.exceptions.ConnectionError:
        return None


def _state(flat):
    return dict(zip(flat[0::2], flat[1::2]))


@pytest.fixture
def sentinel_for(tmp_path):
    procs = []

    def start(master_port):
        if SENTINEL is None:
            pytest.skip("redis-sentinel is not installed")
        port = free_port()
        conf = tmp_path / "sentinel.conf"
        conf.write_text("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor m 127.0.0.1 %d 1\n"
                        "sentinel down-after-milliseconds m 1000\nsentinel failover-timeout m 10000\n"
                        % (port, tmp_path, master_port))
        procs.append(subprocess.Popen([SENTINEL, str(conf)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)
        assert wait_until(lambda: _answers(client)), "redis-sentinel did not start"
        return client

    yield start
    for p in procs:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=15)


def test_failover_promotes_the_replica_and_demotes_the_old_master(start_server, sentinel_for):
    master = start_server()
    replica = start_server(args=["--replicaof", "127.0.0.1", str(master.port)])
    m, r = master.client(), replica.client()
    m.set("before", "1")
    assert wait_until(lambda: r.get("before") == "1", limit=20)
    s = sentinel_for(master.port)
    # the sentinel finds the replica through the master's INFO replication
    assert wait_until(lambda: len(s.execute_command("SENTINEL", "REPLICAS", "m")) == 1, limit=30)
    assert wait_until(lambda: _state(s.execute_command("SENTINEL", "REPLICAS", "m")[0]).get(
        "master-link-status") == "ok", limit=30)
    os.kill(master.proc.pid, signal.SIGSTOP)
    try:
        assert wait_until(lambda: s.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m")
                          == ["127.0.0.1", str(replica.port)], limit=60)
        assert wait_until(lambda: _role(r) == "master", limit=30)
        r.set("after", "2")  # the promoted replica takes writes
    finally:
        os.kill(master.proc.pid, signal.SIGCONT)
    # the old master comes back and is reconfigured as a replica of the new one, and gets its writes
    assert wait_until(lambda: _role(m) == "slave", limit=60)
    assert wait_until(lambda: m.get("after") == "2", limit=30)
    assert m.get("before") == "1"
