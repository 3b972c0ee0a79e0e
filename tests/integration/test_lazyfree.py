"""Lazy freeing as Redis 7.0: FLUSHALL/FLUSHDB ASYNC|SYNC and lazyfree-lazy-user-flush, lazyfree-lazy-expire,
lazyfree-lazy-server-del; INFO lazyfree_pending_objects / lazyfreed_objects count what the background thread
freed. Runs against Redis too (CORVID_SERVER=/usr/bin/redis-server)."""

import pytest
import redis
from conftest import ServerProcess, wait_until

BIG = 5000  # elements: far past the lazy-free threshold (64 allocations) in a hashtable/skiplist encoding
LAZY_DIRECTIVES = ("lazyfree-lazy-user-flush", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                   "lazyfree-lazy-user-del")


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_binary):
    """The module's server, with DEBUG enabled (SET-ACTIVE-EXPIRE)."""
    srv = ServerProcess(tmp_path_factory.mktemp("server"), args=["--enable-debug-command", "yes"],
                        binary=server_binary).start()
    yield srv
    srv.stop()


@pytest.fixture
def lz(r):
    """r with the lazyfree directives restored to "no" and active expiry back on afterwards."""
    yield r
    for d in LAZY_DIRECTIVES:
        r.config_set(d, "no")
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 1)
    r.flushall("SYNC")


def freed(r):
    return r.info("memory")["lazyfreed_objects"]


def quiet_freed(r):
    """lazyfreed_objects once the background thread has nothing left (an earlier test may have queued work)."""
    assert wait_until(lambda: r.info("memory")["lazyfree_pending_objects"] == 0)
    return freed(r)


def settled(r, want):
    """Waits until the background thread has freed want objects in total and nothing is pending."""
    return wait_until(lambda: freed(r) == want and r.info("memory")["lazyfree_pending_objects"] == 0)


def big_hash(r, key):
    r.hset(key, mapping={"f%d" % i: i for i in range(BIG)})


def big_zset(r, key):
    r.zadd(key, {"m%d" % i: i for i in range(BIG)})


def big_set(r, key):
    r.sadd(key, *["m%d" % i for i in range(BIG)])


def test_flushall_async_frees_every_database_in_the_background(lz):
    base = quiet_freed(lz)
    lz.mset({"k%d" % i: i for i in range(300)})
    big_hash(lz, "h")
    pipe = lz.pipeline(transaction=False)
    pipe.execute_command("SELECT", 3).set("k3", "v").execute_command("SELECT", 0).execute()
    assert lz.flushall(asynchronous=True)
    pipe.dbsize().execute_command("SELECT", 3).dbsize().execute_command("SELECT", 0)
    assert pipe.execute() == [0, True, 0, True]
    assert settled(lz, base + 302)  # every key of every database counts as one object


def test_flushdb_async_only_empties_the_selected_database(lz):
    base = quiet_freed(lz)
    lz.mset({"a": 1, "b": 2})
    pipe = lz.pipeline(transaction=False)
    pipe.execute_command("SELECT", 2).set("c", 3).execute_command("FLUSHDB", "ASYNC")
    pipe.execute_command("DBSIZE").execute_command("SELECT", 0)
    assert pipe.execute() == [True, True, True, 0, True]
    assert lz.dbsize() == 2
    assert settled(lz, base + 1)


def test_flush_without_argument_follows_lazyfree_lazy_user_flush(lz):
    base = quiet_freed(lz)
    lz.mset({"a": 1, "b": 2})
    lz.execute_command("FLUSHALL")  # lazyfree-lazy-user-flush no: freed on the spot
    lz.mset({"a": 1, "b": 2, "c": 3})
    lz.execute_command("FLUSHDB", "SYNC")
    assert freed(lz) == base
    lz.config_set("lazyfree-lazy-user-flush", "yes")
    lz.mset({"a": 1, "b": 2, "c": 3})
    lz.execute_command("FLUSHDB")
    assert settled(lz, base + 3)
    lz.mset({"a": 1})
    lz.execute_command("FLUSHALL", "SYNC")  # SYNC wins over the directive
    lz.mset({"a": 1, "b": 2})
    lz.execute_command("FLUSHALL")
    assert settled(lz, base + 5)


def test_flush_rejects_other_arguments(lz):
    for cmd in (("FLUSHALL", "NOW"), ("FLUSHDB", "ASYNC", "SYNC")):
        with pytest.raises(redis.ResponseError, match="^syntax error$"):
            lz.execute_command(*cmd)


def test_lazy_expire_frees_expired_big_values_in_the_background(lz):
    lz.config_set("lazyfree-lazy-expire", "yes")
    base = quiet_freed(lz)
    # Active expiry.
    big_hash(lz, "h")
    lz.pexpire("h", 1)
    assert wait_until(lambda: lz.exists("h") == 0)
    assert settled(lz, base + 1)
    # Lazy expiry on access.
    lz.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 0)
    big_zset(lz, "z")
    lz.pexpire("z", 1)
    assert wait_until(lambda: lz.zcard("z") == 0)
    assert settled(lz, base + 2)
    # EXPIRE with a time in the past deletes as an expiry.
    big_set(lz, "s")
    assert lz.expire("s", -1)
    assert settled(lz, base + 3)
    # Small values are freed at once even so.
    lz.rpush("l", 1, 2, 3)
    lz.expire("l", -1)
    assert freed(lz) == base + 3


def test_expired_big_values_are_freed_on_the_loop_without_lazy_expire(lz):
    base = quiet_freed(lz)
    big_hash(lz, "h")
    assert lz.expire("h", -1)
    assert lz.exists("h") == 0
    assert freed(lz) == base


def test_lazy_server_del_frees_implicitly_deleted_values_in_the_background(lz):
    lz.config_set("lazyfree-lazy-server-del", "yes")
    base = quiet_freed(lz)
    big_hash(lz, "dst")
    lz.set("src", "v")
    assert lz.rename("src", "dst")  # the overwritten destination
    assert settled(lz, base + 1)
    big_zset(lz, "z")
    assert lz.set("z", "plain")  # SET over a big value
    assert settled(lz, base + 2)
    big_set(lz, "s")
    assert lz.sunionstore("s", "nokey") == 0  # an empty STORE result deletes the destination
    assert settled(lz, base + 3)
    big_set(lz, "s")
    lz.sadd("t", "x")
    assert lz.sinterstore("s", "t") == 1  # a STORE over a big value
    assert settled(lz, base + 4)
    big_hash(lz, "h")
    lz.set("c", "v")
    assert lz.copy("c", "h", replace=True)
    assert settled(lz, base + 5)
    big_zset(lz, "z2")
    payload = lz.dump("c")
    assert lz.restore("z2", 0, payload, replace=True)
    assert settled(lz, base + 6)
    lz.rpush("l", 3, 1, 2)
    big_hash(lz, "h2")
    assert lz.sort("l", store="h2") == 3
    assert settled(lz, base + 7)
    big_set(lz, "s2")
    assert len(lz.sunion("s2", "nokey")) == BIG  # the temporary result of SUNION/SDIFF
    assert settled(lz, base + 8)


def test_server_side_deletes_free_on_the_loop_by_default(lz):
    base = quiet_freed(lz)
    big_hash(lz, "dst")
    lz.set("src", "v")
    assert lz.rename("src", "dst")
    big_zset(lz, "z")
    lz.set("z", "plain")
    assert freed(lz) == base


def test_del_follows_lazyfree_lazy_user_del(lz):
    base = quiet_freed(lz)
    big_hash(lz, "h")
    assert lz.delete("h") == 1
    assert freed(lz) == base
    lz.config_set("lazyfree-lazy-user-del", "yes")
    big_hash(lz, "h")
    assert lz.delete("h") == 1
    assert settled(lz, base + 1)
