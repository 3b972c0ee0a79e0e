"""Files a real Redis 6.0.16 wrote (tests/data, made by tests/data/make_redis6_fixtures.py): an RDB version 9 file
(ziplist encodings, stream type 15) and a single-file AOF (RDB preamble + commands). corvid and Debian's
redis-server 7.0.15 load each to the same dataset (DEBUG DIGEST, contents, XINFO STREAM FULL)."""

import os
import shutil

import pytest

from test_rdb import DEBUG, dataset_snapshot, digest, redis_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.corvid_only

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def loaded_state(srv):
    c = srv.client(decode_responses=False)
    return digest(c), dataset_snapshot(c)


def start_with_file(factory, fixture, target, args):
    srv = factory(list(args))
    srv.stop()
    shutil.rmtree(os.path.join(srv.dir, "appendonlydir"), ignore_errors=True)  # made by the first start
    shutil.copy(os.path.join(DATA, fixture), os.path.join(srv.dir, target))
    srv.start()
    return srv


@pytest.mark.parametrize("fixture,target,args", [
    ("redis6-dump.rdb", "dump.rdb", []),
    ("redis6-appendonly.aof", "appendonly.aof", ["--appendonly", "yes"]),
])
def test_redis6_file_loads_like_redis7(redis_server, start_server, fixture, target, args):
    red = start_with_file(redis_server, fixture, target, args)
    cor = start_with_file(lambda a: start_server(DEBUG + a), fixture, target, args)
    want = loaded_state(red)
    got = loaded_state(cor)
    assert got == want
    if target == "appendonly.aof":
        assert got[1][(0, b"after:rewrite")][2] == b"tail"  # the command tail after the preamble was replayed
