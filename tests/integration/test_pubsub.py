"""Pub/Sub and MONITOR through real clients: redis-py's PubSub, redis-cli subscribe, raw sockets."""
import re
import select
import socket
import subprocess
import time

from conftest import REDIS_CLI, wait_until
from resp import Push, ReplyError



def next_message(pubsub, limit=5.0):
    """The next non-subscription message from a redis-py PubSub, or None after limit seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        msg = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if msg is not None:
            return msg
    return None


def test_redis_py_subscribe_and_psubscribe(server):
    r = server.client()
    p = r.pubsub()
    p.subscribe("news")
    p.psubscribe("ne*")
    # The two confirmations: counts 1 then 2.
    confirmations = []
    deadline = time.monotonic() + 5
    while len(confirmations) < 2 and time.monotonic() < deadline:
        m = p.get_message(timeout=0.1)
        if m:
            confirmations.append((m["type"], m["channel"], m["data"]))
    assert confirmations == [("subscribe", "news", 1), ("psubscribe", "ne*", 2)]
    assert r.publish("news", "hello") == 2
    assert next_message(p) == {"type": "message", "pattern": None, "channel": "news", "data": "hello"}
    assert next_message(p) == {"type": "pmessage", "pattern": "ne*", "channel": "news", "data": "hello"}
    assert r.publish("nest", "x") == 1
    assert next_message(p)["channel"] == "nest"
    assert r.publish("other", "x") == 0
    assert r.pubsub_numsub("news", "other") == [("news", 1), ("other", 0)]
    assert r.pubsub_numpat() == 1
    assert r.pubsub_channels() == ["news"]
    p.unsubscribe("news")
    p.punsubscribe()
    assert wait_until(lambda: r.pubsub_numsub("news") == [("news", 0)] and r.pubsub_numpat() == 0)
    p.close()
    r.close()


def test_binary_payload_round_trips(server):
    r = server.client(decode_responses=False)
    p = r.pubsub()
    p.subscribe(b"bin\x00chan")
    assert p.get_message(timeout=5)["type"] in ("subscribe", b"subscribe")  # redis-py decodes the type
    payload = bytes(range(256)) * 40
    assert r.publish(b"bin\x00chan", payload) == 1
    msg = next_message(p)
    assert msg["channel"] == b"bin\x00chan" and msg["data"] == payload
    p.close()
    r.close()


def test_subscribed_connection_rejects_other_commands(server):
    with server.raw() as c:
        assert c.call("SUBSCRIBE", "ch") == [b"subscribe", b"ch", 1]
        e = c.call("GET", "k")
        assert isinstance(e, ReplyError)
        assert str(e) == ("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                              "RESET are allowed in this context")
        assert c.call("PING") == [b"pong", b""]
        assert c.call("PING", "x") == [b"pong", b"x"]
        assert c.call("UNSUBSCRIBE") == [b"unsubscribe", b"ch", 0]
        assert c.call("PING") == b"PONG"
        assert c.call("GET", "k") is None


def test_resp3_push_and_commands_while_subscribed(server):
    with server.raw() as c, server.raw() as pub:
        assert isinstance(c.call("HELLO", "3"), dict)
        sub = c.call("SUBSCRIBE", "r3")
        assert isinstance(sub, Push) and list(sub) == [b"subscribe", b"r3", 1]
        assert c.call("SET", "pubsub:k", "v") == b"OK"
        assert c.call("GET", "pubsub:k") == b"v"
        assert pub.call("PUBLISH", "r3", "hi") == 1
        msg = c.read()
        assert isinstance(msg, Push) and list(msg) == [b"message", b"r3", b"hi"]
        empty = c.call("UNSUBSCRIBE", "nope")
        assert isinstance(empty, Push) and list(empty) == [b"unsubscribe", b"nope", 1]


def test_redis_cli_subscribe_receives_a_message(server):
    r = server.client()
    proc = subprocess.Popen([REDIS_CLI, "-h", "127.0.0.1", "-p", str(server.port), "subscribe", "clichan"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: r.pubsub_numsub("clichan") == [("clichan", 1)]), "redis-cli did not subscribe"
        assert r.publish("clichan", "from-test") == 1
        out = b""
        deadline = time.monotonic() + 10
        while b"from-test" not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                chunk = proc.stdout.read1(4096)
                if not chunk:
                    break
                out += chunk
        assert b"message\nclichan\nfrom-test" in out, out
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert wait_until(lambda: r.pubsub_numsub("clichan") == [("clichan", 0)])
    r.close()


def test_publish_reaches_100_subscribers(server):
    subs = []
    try:
        for _ in range(100):
            c = server.raw()
            assert c.call("SUBSCRIBE", "fanout")[0] == b"subscribe"
            subs.append(c)
        with server.raw() as pub:
            assert pub.call("PUBSUB", "NUMSUB", "fanout") == [b"fanout", 100]
            assert pub.call("PUBLISH", "fanout", "payload") == 100
            for c in subs:
                assert c.read() == [b"message", b"fanout", b"payload"]
            assert b"pubsub_channels:1" in pub.call("INFO", "stats")
    finally:
        for c in subs:
            c.close()
    with server.raw() as pub:
        assert wait_until(lambda: pub.call("PUBSUB", "NUMSUB", "fanout") == [b"fanout", 0])
        assert pub.call("PUBSUB", "CHANNELS") == []


def test_client_list_sub_fields(server):
    with server.raw() as c, server.raw() as admin:
        cid = c.call("CLIENT", "ID")
        c.call("SSUBSCRIBE", "s1")
        c.send(b"*4\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        for _ in range(3):
            c.read()
        c.call("PSUBSCRIBE", "p*")
        line = admin.call("CLIENT", "LIST", "ID", str(cid))
        line = line.decode() if isinstance(line, bytes) else line
        assert " sub=3 psub=1 ssub=1 " in line, line
        assert re.search(r" flags=P ", line), line
        pubsub_list = admin.call("CLIENT", "LIST", "TYPE", "pubsub")
        normal_list = admin.call("CLIENT", "LIST", "TYPE", "normal")
        assert ("id=%d " % cid) in str(pubsub_list) and ("id=%d " % cid) not in str(normal_list)
        assert admin.call("CLIENT", "KILL", "TYPE", "pubsub") == 1
        assert c.is_closed()
        assert wait_until(lambda: admin.call("PUBSUB", "NUMSUB", "a") == [b"a", 0])
        assert admin.call("PUBSUB", "NUMPAT") == 0


def test_slow_subscriber_hits_pubsub_output_limit(server):
    with server.raw() as admin:
        assert admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0") == b"OK"
        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            slow.connect(("127.0.0.1", server.port))
            slow.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n")
            assert wait_until(lambda: admin.call("PUBSUB", "NUMSUB", "slow") == [b"slow", 1])
            payload = "x" * 65536
            delivered = None
            for _ in range(400):  # at most ~26 MB; the limit closes the subscriber long before
                delivered = admin.call("PUBLISH", "slow", payload)
                if delivered == 0:
                    break
            assert delivered == 0, "the slow subscriber was never disconnected"
            # The subscriber's socket was closed by the server.
            slow.settimeout(10)
            got = b""
            while True:
                try:
                    chunk = slow.recv(1 << 20)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                got += chunk
            assert got.startswith(b"*3\r\n$9\r\nsubscribe\r\n")
        finally:
            slow.close()
            admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60")


def test_monitor_streams_commands(server):
    with server.raw() as mon, server.raw() as c:
        assert mon.call("MONITOR") == b"OK"
        c.call("SET", "mon:k", 'v "q"\n\x01')
        c.call("SELECT", "2")
        c.call("GET", "mon:k")
        c.call("SELECT", "0")
        c.call("CONFIG", "GET", "maxmemory")  # admin: hidden
        lines = [mon.read_line() for _ in range(4)]
        lines = [ln.decode() if isinstance(ln, bytes) else ln for ln in lines]
        pat = r'^\+?\d{10}\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)$'
        parsed = [re.match(pat, ln).groups() for ln in lines]
        assert parsed == [
            ("0", '"SET" "mon:k" "v \\"q\\"\\n\\x01"'),
            ("2", '"SELECT" "2"'),
            ("2", '"GET" "mon:k"'),
            ("0", '"SELECT" "0"'),
        ]
        # A monitor may not touch the keyspace; PING still works.
        e = mon.call("GET", "mon:k")
        assert isinstance(e, ReplyError) and str(e) == "ERR Replica can't interact with the keyspace"
        c.call("ECHO", "last")
        line = mon.read_line()
        line = line.decode() if isinstance(line, bytes) else line
        assert line.endswith('"ECHO" "last"'), line


def test_monitor_redacts_auth(server):
    with server.raw() as mon, server.raw() as c:
        mon.call("MONITOR")
        assert isinstance(c.call("AUTH", "topsecret"), ReplyError)
        line = mon.read_line()
        line = line.decode() if isinstance(line, bytes) else line
        assert line.endswith('"AUTH" "(redacted)"'), line
        assert "topsecret" not in line
