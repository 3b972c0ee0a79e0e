"""Strings, keyspace and expiry through redis-py, as an application would use them."""

import time

import pytest
import redis
from conftest import wait_until



def test_set_get_roundtrip(r):
    assert r.set("greeting", "hello") is True
    assert r.get("greeting") == "hello"
    assert r.get("missing") is None
    assert r.set("greeting", "world", nx=True) is None
    assert r.set("greeting", "world", xx=True) is True
    assert r.get("greeting") == "world"
    assert r.set("greeting", "again", get=True) == "world"


def test_binary_safe_values(server):
    c = server.client(decode_responses=False)
    value = bytes(range(256)) * 4
    key = b"\x00bin\xffkey\r\n"
    assert c.set(key, value)
    assert c.get(key) == value
    assert c.strlen(key) == len(value)
    assert c.getrange(key, 0, 2) == b"\x00\x01\x02"
    c.close()


def test_mset_mget_msetnx(r):
    assert r.mset({"a": "1", "b": "2", "c": "3"})
    assert r.mget("a", "b", "missing", "c") == ["1", "2", None, "3"]
    assert r.msetnx({"c": "x", "d": "4"}) is False
    assert r.get("d") is None
    assert r.msetnx({"d": "4", "e": "5"}) is True
    assert r.mget("d", "e") == ["4", "5"]


def test_counters(r):
    assert r.incr("n") == 1
    assert r.incrby("n", 41) == 42
    assert r.decr("n") == 41
    assert r.decrby("n", 40) == 1
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.incrbyfloat("f", 0.1) == pytest.approx(1.6)
    assert r.get("f") == "1.6"
    r.set("n", 2**63 - 1)
    with pytest.raises(redis.ResponseError, match="increment or decrement would overflow"):
        r.incr("n")
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        r.incr("s")
    with pytest.raises(redis.ResponseError, match="value is not a valid float"):
        r.incrbyfloat("s", 1)


def test_string_editing(r):
    assert r.append("s", "Hello") == 5
    assert r.append("s", " World") == 11
    assert r.strlen("s") == 11
    assert r.getrange("s", -5, -1) == "World"
    assert r.setrange("s", 6, "Redis") == 11
    assert r.get("s") == "Hello Redis"
    assert r.setrange("pad", 3, "x") == 4
    assert r.get("pad") == "\x00\x00\x00x"
    assert r.getdel("s") == "Hello Redis"
    assert r.exists("s") == 0
    assert r.getset("g", "new") is None
    assert r.getset("g", "newer") == "new"


def test_lcs(r):
    r.mset({"key1": "ohmytext", "key2": "mynewtext"})
    assert r.execute_command("LCS", "key1", "key2") == "mytext"
    assert r.execute_command("LCS", "key1", "key2", "LEN") == 6


def test_object_encoding(r):
    r.set("i", "12345")
    r.set("e", "x" * 44)
    r.set("w", "x" * 45)
    assert r.object("encoding", "i") == "int"
    assert r.object("encoding", "e") == "embstr"
    assert r.object("encoding", "w") == "raw"
    r.append("e", "y")
    assert r.object("encoding", "e") == "raw"


def test_keyspace_basics(r):
    r.mset({"user:1": "a", "user:2": "b", "item:1": "c"})
    assert sorted(r.keys("user:*")) == ["user:1", "user:2"]
    assert r.exists("user:1", "user:2", "nope") == 2
    assert r.type("user:1") == "string"
    assert r.type("nope") == "none"
    assert r.dbsize() == 3
    assert r.rename("item:1", "item:9") is True
    assert r.renamenx("item:9", "user:1") is False
    with pytest.raises(redis.ResponseError, match="no such key"):
        r.rename("nope", "other")
    assert r.delete("user:1", "nope") == 1
    assert r.unlink("user:2") == 1
    assert r.dbsize() == 1
    assert r.copy("item:9", "copy") is True
    assert r.get("copy") == "c"


def test_databases_are_separate(r, server):
    db1 = server.client(db=1)
    r.set("k", "in0")
    db1.set("k", "in1")
    assert r.get("k") == "in0"
    assert db1.get("k") == "in1"
    db1.flushdb()
    assert db1.get("k") is None
    assert r.get("k") == "in0"
    assert r.move("k", 1) is True
    assert r.get("k") is None
    assert db1.get("k") == "in0"
    assert r.move("k", 1) is False
    r.set("k", "in0")
    db1.delete("k")
    assert r.swapdb(0, 1) is True
    assert db1.get("k") == "in0"
    assert r.get("k") is None
    with pytest.raises(redis.ResponseError, match="DB index is out of range"):
        r.execute_command("SELECT", "16")
    db1.close()


def test_ttl_and_persist(r):
    r.set("k", "v", ex=100)
    assert 98 <= r.ttl("k") <= 100
    assert 98000 <= r.pttl("k") <= 100000
    assert r.persist("k") is True
    assert r.ttl("k") == -1
    assert r.ttl("missing") == -2
    assert r.expire("k", 50) is True
    assert r.expireat("k", 4000000000) is True
    assert r.execute_command("EXPIRETIME", "k") == 4000000000
    assert r.pexpireat("k", 4000000000123) is True
    assert r.execute_command("PEXPIRETIME", "k") == 4000000000123


def test_expire_options(r):
    r.set("k", "v")
    assert r.execute_command("EXPIRE", "k", 100, "XX") == 0
    assert r.execute_command("EXPIRE", "k", 100, "NX") == 1
    assert r.execute_command("EXPIRE", "k", 50, "GT") == 0
    assert r.execute_command("EXPIRE", "k", 500, "GT") == 1
    assert r.execute_command("EXPIRE", "k", 10, "LT") == 1
    with pytest.raises(redis.ResponseError, match="not compatible"):
        r.execute_command("EXPIRE", "k", 10, "NX", "XX")


def test_keys_expire_for_real(r):
    r.set("short", "v", px=50)
    r.set("long", "v", ex=100)
    r.set("gone", "v")
    r.pexpire("gone", 30)
    assert wait_until(lambda: r.exists("short", "gone") == 0)
    assert r.get("short") is None
    assert r.get("long") == "v"
    # expired keys also leave the key count, by lazy or active expiry
    assert wait_until(lambda: r.dbsize() == 1)


def test_past_expire_deletes(r):
    r.set("k", "v")
    assert r.expireat("k", 1) is True
    assert r.exists("k") == 0
    r.set("k", "v")
    assert r.expire("k", -1) is True
    assert r.get("k") is None


def test_getex(r):
    r.set("k", "v")
    assert r.getex("k", ex=100) == "v"
    assert 98 <= r.ttl("k") <= 100
    assert r.getex("k", persist=True) == "v"
    assert r.ttl("k") == -1


def test_errors_reach_the_client(r):
    with pytest.raises(redis.ResponseError, match="unknown command 'NOSUCHCMD'"):
        r.execute_command("NOSUCHCMD", "a")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'get' command"):
        r.execute_command("GET")
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("SET", "k", "v", "NX", "XX")
    # the connection keeps working after errors
    assert r.ping() is True


def test_client_name_and_echo(r):
    assert r.client_setname("itest") is True
    assert r.client_getname() == "itest"
    with pytest.raises(redis.ResponseError, match="Client names cannot contain spaces"):
        r.client_setname("bad name")
    assert r.echo("hi there") == "hi there"
    assert isinstance(r.client_id(), int)
