"""TLS on tls-port: redis-py and redis-cli over TLS, client certificates, protocols, run-time reconfiguration.

Certificates are made once per module by bench/make_test_certs.sh (a CA, a server certificate for 127.0.0.1 and a
client certificate). Every test also passes against redis-server 7.0.15 (CORVID_SERVER=/usr/bin/redis-server).
"""
import os
import socket
import ssl
import subprocess
import threading

import pytest
import redis

from conftest import REDIS_CLI, REPO, free_port, wait_until


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["bash", os.path.join(REPO, "bench", "make_test_certs.sh"), str(d)], check=True)
    return {k: str(d / (k.replace("_", "."))) for k in
            ("ca_crt", "server_crt", "server_key", "client_crt", "client_key")}


def tls_args(certs, port, *extra):
    return ["--tls-port", str(port), "--tls-cert-file", certs["server_crt"], "--tls-key-file", certs["server_key"],
            "--tls-ca-cert-file", certs["ca_crt"]] + list(extra)


def tls_client(certs, port, with_cert=True, **kwargs):
    kwargs.setdefault("decode_responses", True)
    kwargs.setdefault("socket_timeout", 30)
    if with_cert:
        kwargs.update(ssl_certfile=certs["client_crt"], ssl_keyfile=certs["client_key"])
    return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=certs["ca_crt"], **kwargs)


def cli_tls(certs, port, *args):
    return subprocess.run([REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), "--tls", "--cacert", certs["ca_crt"],
                           "--cert", certs["client_crt"], "--key", certs["client_key"]] + list(args),
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def tls_server(start_server, certs):
    port = free_port()
    srv = start_server(args=tls_args(certs, port))
    srv.tls_port = port
    return srv


def test_commands_over_tls_match_plain(tls_server, certs):
    t = tls_client(certs, tls_server.tls_port)
    p = tls_server.client()
    assert t.ping() is True
    assert t.set("k", "v") is True
    assert p.get("k") == "v"
    assert t.rpush("l", *range(100)) == 100
    assert t.lrange("l", 0, 4) == ["0", "1", "2", "3", "4"]
    assert cli_tls(certs, tls_server.tls_port, "get", "k").stdout == "v\n"
    # a value far bigger than one TLS record, both ways
    big = os.urandom(3 * 1024 * 1024).hex()
    assert t.set("big", big) is True
    assert t.get("big") == big
    assert p.strlen("big") == len(big)


def test_pipeline_over_tls(tls_server, certs):
    t = tls_client(certs, tls_server.tls_port)
    pipe = t.pipeline(transaction=False)
    for i in range(20000):
        pipe.incr("counter")
    replies = pipe.execute()
    assert replies[-1] == 20000 and replies[0] == 1
    assert tls_server.client().get("counter") == "20000"


def test_pubsub_and_blocking_over_tls(tls_server, certs):
    t = tls_client(certs, tls_server.tls_port)
    ps = t.pubsub()
    ps.subscribe("news")
    assert ps.get_message(timeout=5)["type"] == "subscribe"
    assert tls_server.client().publish("news", "hello") == 1
    msg = wait_until(lambda: ps.get_message(timeout=1))
    assert msg["data"] == "hello"

    out = {}
    waiter = threading.Thread(target=lambda: out.setdefault("r", tls_client(certs, tls_server.tls_port)
                                                              .blpop("queue", 0)))
    waiter.start()
    assert wait_until(lambda: tls_server.client().info("clients")["blocked_clients"] == 1)
    tls_server.client().rpush("queue", "job")
    waiter.join(timeout=30)
    assert out["r"] == ("queue", "job")


def test_client_certificate_required_by_default(tls_server, certs):
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, tls_server.tls_port, with_cert=False).ping()
    # the server keeps serving others
    assert tls_client(certs, tls_server.tls_port).ping() is True


@pytest.mark.parametrize("mode", ["no", "optional"])
def test_client_certificate_not_required(start_server, certs, mode):
    port = free_port()
    start_server(args=tls_args(certs, port, "--tls-auth-clients", mode))
    assert tls_client(certs, port, with_cert=False).ping() is True
    assert tls_client(certs, port).ping() is True


def test_plain_text_on_tls_port_is_not_served(tls_server, certs):
    with socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=10) as s:
        s.sendall(b"PING\r\n")
        try:
            data = s.recv(100)
        except ConnectionResetError:
            data = b""
        assert b"PONG" not in data
    assert tls_client(certs, tls_server.tls_port).ping() is True
    assert tls_server.client().ping() is True


def test_protocols(start_server, certs):
    port = free_port()
    start_server(args=tls_args(certs, port, "--tls-protocols", "TLSv1.2"))

    def handshake(version):
        ctx = ssl.create_default_context(cafile=certs["ca_crt"])
        ctx.load_cert_chain(certs["client_crt"], certs["client_key"])
        ctx.minimum_version = ctx.maximum_version = version
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                s.sendall(b"PING\r\n")
                return s.recv(100), s.version()

    assert handshake(ssl.TLSVersion.TLSv1_2) == (b"+PONG\r\n", "TLSv1.2")
    with pytest.raises(ssl.SSLError):
        handshake(ssl.TLSVersion.TLSv1_3)


def test_config_set_tls_port_and_files(start_server, certs, tmp_path):
    srv = start_server(args=["--tls-cert-file", certs["server_crt"], "--tls-key-file", certs["server_key"],
                             "--tls-ca-cert-file", certs["ca_crt"]])
    r = srv.client()
    port = free_port()
    assert r.config_set("tls-port", port) is True
    assert tls_client(certs, port).ping() is True
    with pytest.raises(redis.exceptions.ResponseError) as e:
        r.config_set("tls-cert-file", str(tmp_path / "missing.crt"))
    assert str(e.value) == ("CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update "
                            "TLS configuration. Check server logs.")
    assert r.config_get("tls-cert-file")["tls-cert-file"] == certs["server_crt"]
    assert tls_client(certs, port).ping() is True  # the previous configuration stays in use
    assert r.config_set("tls-port", 0) is True
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, port).ping()


def test_start_up_fails_without_usable_certificate(start_server, certs, tmp_path):
    srv = start_server(args=["--tls-port", str(free_port()), "--tls-cert-file", str(tmp_path / "missing.crt"),
                             "--tls-key-file", certs["server_key"], "--tls-ca-cert-file", certs["ca_crt"]],
                       wait=False)
    assert srv.wait_exit() == 1
    out = srv.output()
    assert "Failed to load certificate" in out
    assert "Failed to configure TLS. Check logs for more info." in out


def test_maxclients_refuses_tls_clients(start_server, certs):
    # Past maxclients a TLS client is closed during its handshake (Redis 7.0.15 too: its error line cannot go
    # out before the handshake), counted in rejected_connections.
    port = free_port()
    srv = start_server(args=tls_args(certs, port, "--maxclients", "1"))
    holder = srv.client()
    assert holder.ping() is True
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, port).ping()
    assert holder.info("stats")["rejected_connections"] == 1
    assert holder.ping() is True
