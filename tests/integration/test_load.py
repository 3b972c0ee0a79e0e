"""Pipelining, many concurrent clients and big values."""

import threading

import redis


def test_pipeline_10k_commands(r):
    pipe = r.pipeline(transaction=False)
    for i in range(5000):
        pipe.set("key:%d" % i, i)
    for i in range(5000):
        pipe.incr("counter")
    results = pipe.execute()
    assert len(results) == 10000
    assert results[:5000] == [True] * 5000
    assert results[5000:] == list(range(1, 5001))
    assert r.dbsize() == 5001
    assert r.get("key:4999") == "4999"
    assert r.mget(["key:%d" % i for i in range(0, 5000, 500)]) == \
        [str(i) for i in range(0, 5000, 500)]


def test_pipeline_with_errors_in_the_middle(r):
    pipe = r.pipeline(transaction=False)
    pipe.set("a", "x")
    pipe.incr("a")
    pipe.get("a")
    results = pipe.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], redis.ResponseError)
    assert results[2] == "x"


def test_raw_pipeline_one_write(server):
    # 10k commands in a single write, replies read back in order
    n = 10000
    payload = b"".join(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(n))
    with server.raw(timeout=30) as c:
        c.send(payload)
        for i in range(n):
            assert c.read() == str(i).encode()


def test_many_concurrent_clients(server):
    threads_n, per_thread = 16, 200
    errors = []
    server.client().delete("shared")

    def work(tid):
        c = server.client()
        try:
            for i in range(per_thread):
                c.incr("shared")
                c.set("t%d:%d" % (tid, i % 10), i)
            assert c.get("t%d:9" % tid) == str(per_thread - 1)
        except Exception as e:  # reported by the main thread
            errors.append(e)
        finally:
            c.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "client threads did not finish"
    assert errors == []
    check = server.client()
    assert check.get("shared") == str(threads_n * per_thread)
    check.close()


def test_many_idle_connections(server):
    conns = [server.raw() for _ in range(200)]
    try:
        for i, c in enumerate(conns):
            c.send(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%d\r\n" % (len(str(i)), i))
        for i, c in enumerate(conns):
            assert c.read() == str(i).encode()
    finally:
        for c in conns:
            c.close()
    c = server.client()
    assert c.ping() is True
    c.close()


def test_big_value_10mb(server):
    c = server.client(decode_responses=False)
    value = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    assert len(value) == 10 * 1024 * 1024
    assert c.set(b"big", value) is True
    assert c.strlen(b"big") == len(value)
    assert c.get(b"big") == value
    assert c.getrange(b"big", -3, -1) == bytes([253, 254, 255])
    c.delete(b"big")
    c.close()


def test_append_grows_to_10mb(server):
    c = server.client(decode_responses=False)
    chunk = b"abcdefgh" * (128 * 1024)  # 1 MB
    c.delete(b"grow")
    for i in range(10):
        assert c.append(b"grow", chunk) == (i + 1) * len(chunk)
    assert c.strlen(b"grow") == 10 * len(chunk)
    assert c.get(b"grow") == chunk * 10
    c.delete(b"grow")
    c.close()
