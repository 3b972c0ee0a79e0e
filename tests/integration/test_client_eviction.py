"""maxmemory-clients client eviction (Redis 7.0): clients whose buffers push the clients' total memory past the
limit are closed, biggest first, unless CLIENT NO-EVICT is on; INFO evicted_clients counts them. Runs against
Redis too (CORVID_SERVER=/usr/bin/redis-server)."""

import socket

import pytest
import redis
from conftest import wait_until

MB = 1024 * 1024


@pytest.fixture
def ce(r):
    """r (with CLIENT NO-EVICT on, so only the test's own clients are candidates) and fresh statistics; the
    limits are restored afterwards."""
    r.execute_command("CLIENT", "NO-EVICT", "on")
    r.config_resetstat()
    yield r
    r.config_set("maxmemory-clients", 0)
    r.config_set("maxmemory", 0)
    r.execute_command("CLIENT", "NO-EVICT", "off")


def evicted(r):
    return r.info("stats")["evicted_clients"]


def client_names(r):
    return {c["name"] for c in r.client_list()}


def raw_client(server, name, no_evict=False):
    """A plain socket that named itself (and set NO-EVICT if asked), replies read."""
    s = socket.create_connection(("127.0.0.1", server.port))
    cmds = [["CLIENT", "SETNAME", name]] + ([["CLIENT", "NO-EVICT", "on"]] if no_evict else [])
    for cmd in cmds:
        s.sendall(b"*%d\r\n" % len(cmd) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in cmd))
        assert s.recv(100) == b"+OK\r\n"
    return s


def send_partial_big_argument(s, total=10 * MB, sent=3 * MB):
    """Starts a SET whose value is total bytes long and sends only `sent` of them: the query buffer grows."""
    try:
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % total)
        s.sendall(b"x" * sent)
    except (BrokenPipeError, ConnectionResetError):
        pass  # evicted before everything was sent


def closed_by_server(s):
    s.settimeout(10)
    try:
        while True:
            data = s.recv(1 << 20)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_limit_accepts_bytes_and_percentages(ce):
    ce.config_set("maxmemory-clients", "10%")
    assert ce.config_get("maxmemory-clients") == {"maxmemory-clients": "10%"}
    ce.config_set("maxmemory-clients", "3mb")
    assert ce.config_get("maxmemory-clients") == {"maxmemory-clients": "3145728"}


def test_client_with_a_big_query_buffer_is_evicted(ce, server):
    ce.config_set("maxmemory-clients", "2mb")
    s = raw_client(server, "bigq")
    send_partial_big_argument(s)
    assert closed_by_server(s)
    assert evicted(ce) == 1
    assert "bigq" not in client_names(ce)
    assert ce.ping()


def test_client_with_a_big_output_buffer_is_evicted(ce, server):
    ce.set("big", "v" * (16 * MB))
    ce.config_set("maxmemory-clients", "2mb")
    s = raw_client(server, "bigout")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET big\r\n")  # and read nothing: the reply stays in the server's output buffer
    assert wait_until(lambda: evicted(ce) == 1)
    assert "bigout" not in client_names(ce)
    s.close()


def test_no_evict_clients_are_kept(ce, server):
    ce.config_set("maxmemory-clients", "2mb")
    kept = raw_client(server, "kept", no_evict=True)
    send_partial_big_argument(kept)
    assert wait_until(lambda: ce.client_list() and any(
        c["name"] == "kept" and int(c["qbuf"]) >= 3 * MB for c in ce.client_list()))
    # Over the limit because of a client that may not be evicted: the evictable ones go, even small ones.
    small = raw_client(server, "small")
    small.sendall(b"PING\r\n")
    assert closed_by_server(small)
    assert "kept" in client_names(ce)
    assert evicted(ce) >= 1
    kept.close()


def test_percentage_of_maxmemory(ce, server):
    ce.config_set("maxmemory", "100mb")
    ce.config_set("maxmemory-clients", "2%")
    s = raw_client(server, "bigq")
    send_partial_big_argument(s)
    assert closed_by_server(s)
    assert evicted(ce) == 1


def test_percentage_without_maxmemory_is_off(ce, server):
    ce.config_set("maxmemory-clients", "2%")
    s = raw_client(server, "bigq")
    send_partial_big_argument(s)
    assert not closed_by_server_within(s, 1.0)
    assert evicted(ce) == 0
    s.close()


def closed_by_server_within(s, seconds):
    s.settimeout(seconds)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False


def test_subscriber_with_a_big_output_buffer_is_evicted(ce, server):
    ce.config_set("maxmemory-clients", "2mb")
    sub = raw_client(server, "sub")
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sub.sendall(b"SUBSCRIBE ch\r\n")
    assert wait_until(lambda: ce.pubsub_numsub("ch") == [("ch", 1)])
    for _ in range(8):
        ce.publish("ch", "m" * MB)
        if evicted(ce):
            break
    assert wait_until(lambda: evicted(ce) == 1)
    assert ce.pubsub_numsub("ch") == [("ch", 0)]
    sub.close()


def test_biggest_client_goes_first(ce, server):
    ce.config_set("maxmemory-clients", "8mb")
    small = raw_client(server, "small")
    small.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % (4 * MB) + b"x" * (64 * 1024))
    big = raw_client(server, "big")
    send_partial_big_argument(big)
    assert closed_by_server(big)
    assert evicted(ce) == 1
    assert "small" in client_names(ce)
    small.close()


def test_clients_memory_counts_buffers_and_drops_when_clients_go(ce, server):
    base = ce.info("memory")["mem_clients_normal"]
    s = raw_client(server, "bigq")
    send_partial_big_argument(s)
    assert wait_until(lambda: ce.info("memory")["mem_clients_normal"] >= base + 3 * MB)
    s.close()
    assert wait_until(lambda: ce.info("memory")["mem_clients_normal"] < base + MB)
    killer = raw_client(server, "self")
    killer.sendall(b"CLIENT ID\r\n")
    own_id = int(killer.recv(100)[1:-2])
    killer.sendall(b"CLIENT KILL ID %d SKIPME no\r\n" % own_id)  # a client closed by its own command
    assert closed_by_server(killer)
    assert wait_until(lambda: ce.info("memory")["mem_clients_normal"] < base + MB)
