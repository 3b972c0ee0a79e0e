"""Start-up, configuration, limits, authentication, protocol abuse and shutdown."""

import signal
import socket
import subprocess
import time

import pytest
import redis

from conftest import SERVER_BIN, free_port
from resp import ReplyError


def test_config_file_and_command_line_override(start_server, tmp_path):
    file_port = free_port()
    conf = "\n".join([
        "# a comment line",
        "port %d" % file_port,
        "bind 127.0.0.1",
        'save ""',
        "appendonly no",
        "timeout 17",
        "maxmemory 10mb",
        "maxmemory-policy allkeys-lru",
        "",
    ])
    srv = start_server(config_text=conf)
    assert srv.port != file_port
    c = srv.client()
    assert c.config_get("port") == {"port": str(srv.port)}
    assert c.config_get("timeout") == {"timeout": "17"}
    assert c.config_get("maxmemory") == {"maxmemory": str(10 * 1024 * 1024)}
    assert c.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    assert c.config_get("bind") == {"bind": "127.0.0.1"}
    # the port from the file is not served: the command line won
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", file_port), timeout=1).close()
    c.close()


def test_config_set_then_get(start_server):
    srv = start_server()
    c = srv.client()
    assert c.config_set("timeout", "33") is True
    assert c.config_get("timeout") == {"timeout": "33"}
    with pytest.raises(redis.ResponseError, match="Unknown option or number of arguments"):
        c.config_set("no-such-option", "1")
    c.close()


def test_bad_config_file_exits(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("port %d\nthis-is-not-a-directive yes\n" % free_port())
    out = subprocess.run([SERVER_BIN, str(conf)], capture_output=True, text=True, timeout=30,
                         cwd=str(tmp_path))
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "Bad directive or wrong number of arguments" in text
    assert "this-is-not-a-directive" in text


def test_bad_command_line_option_exits(tmp_path):
    out = subprocess.run([SERVER_BIN, "--port", str(free_port()), "--no-such-option", "1"],
                         capture_output=True, text=True, timeout=30, cwd=str(tmp_path))
    assert out.returncode != 0
    assert "Bad directive or wrong number of arguments" in out.stdout + out.stderr


def test_maxclients(start_server):
    srv = start_server(args=["--maxclients", "2"])
    first = srv.raw()
    # wait until the start-up probe connection has gone away, so only `first` is counted
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        listing = first.call("CLIENT", "LIST")
        if len(listing.strip().splitlines()) == 1:
            break
        time.sleep(0.05)
    second = srv.raw()
    assert second.call("PING") == b"PONG"
    third = srv.raw()
    # the server answers the third connection with an error and closes it, without a request
    data = third.read_until_closed()
    assert data == b"-ERR max number of clients reached\r\n"
    # through redis-py the refusal surfaces as a ConnectionError (its text depends on whether
    # redis-py notices the unsolicited error before or after sending its command)
    c = srv.client()
    with pytest.raises(redis.ConnectionError):
        c.ping()
    c.close()
    assert first.call("PING") == b"PONG"
    second.close()
    third.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # a slot frees up once the server sees the close
        with srv.raw() as again:
            if again.call("PING") == b"PONG":
                break
        time.sleep(0.05)
    else:
        pytest.fail("no client slot became free after closing a connection")
    first.close()


def test_requirepass(start_server):
    srv = start_server(args=["--requirepass", "s3cret"])
    with srv.raw() as c:
        reply = c.call("GET", "k")
        assert isinstance(reply, ReplyError)
        assert str(reply) == "NOAUTH Authentication required."
        reply = c.call("AUTH", "wrong")
        assert str(reply) == "WRONGPASS invalid username-password pair or user is disabled."
        assert c.call("AUTH", "s3cret") == b"OK"
        assert c.call("SET", "k", "v") == b"OK"
        assert c.call("GET", "k") == b"v"
    anon = srv.client()
    with pytest.raises(redis.AuthenticationError):
        anon.get("k")
    anon.close()
    authed = srv.client(password="s3cret")
    assert authed.get("k") == "v"
    authed.close()
    out = srv.cli("-a", "s3cret", "--no-auth-warning", "get", "k")
    assert out.stdout == "v\n"


def test_protocol_garbage_closes_only_that_client(start_server):
    srv = start_server()
    bystander = srv.client()
    bystander.set("k", "still here")
    with srv.raw() as bad:
        bad.send(b"*abc\r\n")
        assert bad.read_until_closed() == b"-ERR Protocol error: invalid multibulk length\r\n"
    with srv.raw() as bad:
        bad.send(b"*1\r\n$2147483648\r\n")  # a 2 GB bulk announced
        assert bad.read_until_closed() == b"-ERR Protocol error: invalid bulk length\r\n"
    with srv.raw() as bad:
        bad.send(b"*1\r\n$4\r\nPING\r\n*1\r\n+PING\r\n")
        data = bad.read_until_closed()
        assert data == b"+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n"
    with srv.raw() as bad:
        bad.send(b"x" * (70 * 1024))  # an inline request with no newline past 64 KB
        assert bad.read_until_closed() == b"-ERR Protocol error: too big inline request\r\n"
    with srv.raw() as bad:
        bad.send(bytes(range(1, 256)) * 64)  # binary junk: parsed as inline lines
        data = bad.read_until_closed()
        assert data == (b"-ERR unknown command '\x01\x02\x03\x04\x05\x06\x07\x08', "
                        b"with args beginning with: \r\n"
                        b"-ERR Protocol error: unbalanced quotes in request\r\n")
    assert bystander.get("k") == "still here"
    assert srv.alive()
    bystander.close()


def test_huge_multibulk_count_waits_for_arguments(start_server):
    srv = start_server()
    with srv.raw() as slow:
        slow.send(b"*2000000000\r\n")
        assert not slow.is_closed(wait=0.5)
        c = srv.client()
        assert c.ping() is True
        c.close()
    assert srv.alive()


def test_split_writes_reassemble(start_server):
    srv = start_server()
    with srv.raw() as c:
        msg = b"*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$11\r\nhello world\r\n"
        for b in msg:
            c.send(bytes([b]))
        assert c.read() == b"OK"
        assert c.call("GET", "split") == b"hello world"


def test_sigterm_shuts_down_cleanly(start_server):
    srv = start_server()
    c = srv.client()
    c.set("k", "v")
    c.close()
    assert srv.stop(signal.SIGTERM) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()


def test_shutdown_command(start_server):
    srv = start_server()
    with srv.raw() as c:
        c.send(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
        assert c.read_until_closed() == b""
    assert srv.wait_exit() == 0


def test_info_server_section(r):
    info = r.info("server")
    assert info["redis_version"] == "7.0.15"
    assert info["tcp_port"] == r.connection_pool.connection_kwargs["port"]
    assert "redis_mode" in info


@pytest.mark.corvid_only
def test_info_reports_corvid_version(r):
    info = r.info("server")
    assert info["redis_version"] == "7.0.15"
    assert "corvid_version" in info
