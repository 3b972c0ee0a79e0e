"""RESP3 replies, checked over a raw socket (redis-py 4.3.4 speaks only RESP2)."""

from resp import ReplyError


def test_hello3_map(server):
    with server.raw() as c:
        hello = c.call("HELLO", "3")
        assert isinstance(hello, dict)
        assert hello[b"proto"] == 3
        assert hello[b"version"] == b"7.0.15"
        assert hello[b"mode"] == b"standalone"
        assert hello[b"role"] == b"master"
        assert isinstance(hello[b"id"], int)


def test_hello_bad_version(server):
    with server.raw() as c:
        reply = c.call("HELLO", "4")
        assert isinstance(reply, ReplyError)
        assert str(reply) == "NOPROTO unsupported protocol version"
        assert c.call("PING") == b"PONG"


def test_nulls_and_values(r3):
    assert r3.call("SET", "k", "v") == b"OK"
    assert r3.call("GET", "k") == b"v"
    assert r3.call("GET", "missing") is None
    assert r3.call("MGET", "k", "missing") == [b"v", None]
    assert r3.call("INCR", "n") == 1
    assert r3.call("INCRBYFLOAT", "f", "1.5") == b"1.5"
    assert r3.call("CLIENT", "GETNAME") is None


def test_raw_null_encoding(r3):
    r3.send(b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n")
    assert r3.read_line() == b"_"


def test_config_get_is_a_map(r3):
    reply = r3.call("CONFIG", "GET", "maxmemory")
    assert reply == {b"maxmemory": b"0"}


def test_lcs_idx_is_a_map(r3):
    r3.call("MSET", "a", "ohmytext", "b", "mynewtext")
    reply = r3.call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4")
    assert reply == {b"matches": [[[4, 7], [5, 8]]], b"len": 6}


def test_hello2_goes_back(r3):
    assert isinstance(r3.call("HELLO", "2"), list)
    r3.send(b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n")
    assert r3.read_line() == b"$-1"


def test_reset_returns_to_resp2(r3):
    assert r3.call("RESET") == b"RESET"
    r3.send(b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n")
    assert r3.read_line() == b"$-1"
