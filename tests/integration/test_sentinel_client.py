"""Debian's redis-sentinel monitoring a corvid master (failover: test_sentinel_failover.py).

The sentinel connects, reads INFO, PINGs, publishes its hello messages on __sentinel__:hello through the master's
pub/sub, and marks the master down when it stops answering. Also passes with CORVID_SERVER=/usr/bin/redis-server.
"""
import os
import shutil
import signal
import subprocess

import pytest
import redis

from conftest import free_port, wait_until

SENTINEL = shutil.which("redis-sentinel")


@pytest.fixture
def sentinel(tmp_path, server):
    if SENTINEL is None:
        pytest.skip("redis-sentinel is not installed")
    port = free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor m 127.0.0.1 %d 1\n"
                    "sentinel down-after-milliseconds m 1000\n" % (port, tmp_path, server.port))
    proc = subprocess.Popen([SENTINEL, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)
    try:
        assert wait_until(lambda: _answers(client)), "redis-sentinel did not start"
        yield client
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def _answers(client):
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def master_state(s):
    flat = s.execute_command("SENTINEL", "MASTER", "m")
    return dict(zip(flat[0::2], flat[1::2]))


def test_sentinel_sees_a_healthy_master(sentinel, server):
    assert wait_until(lambda: master_state(sentinel).get("role-reported") == "master", limit=20)
    state = master_state(sentinel)
    assert state["flags"] == "master"
    assert state["ip"] == "127.0.0.1" and state["port"] == str(server.port)
    assert sentinel.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m") == ["127.0.0.1", str(server.port)]
    assert sentinel.execute_command("SENTINEL", "CKQUORUM", "m").startswith("OK 1 usable Sentinels")
    # its hello messages go through the master's pub/sub
    ps = server.client().pubsub()
    ps.subscribe("__sentinel__:hello")
    hello = wait_until(lambda: (lambda m: m if m and m["type"] == "message" else None)(ps.get_message(timeout=1)),
                       limit=10)
    assert hello and ("127.0.0.1,%d," % server.port) in hello["data"]


def test_sentinel_marks_a_stopped_master_down(sentinel, server):
    assert wait_until(lambda: master_state(sentinel).get("role-reported") == "master", limit=20)
    os.kill(server.proc.pid, signal.SIGSTOP)
    try:
        assert wait_until(lambda: "s_down" in master_state(sentinel)["flags"], limit=20)
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
    assert wait_until(lambda: "s_down" not in master_state(sentinel)["flags"], limit=20)
