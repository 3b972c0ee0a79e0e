"""MULTI/EXEC/WATCH through redis-py's transaction pipelines, with a second client racing the first."""
import time

import redis

from resp import encode


def test_pipeline_transaction_runs_atomically(r):
    pipe = r.pipeline(transaction=True)
    pipe.set("tx:a", 1).incr("tx:a").get("tx:a")
    assert pipe.execute() == [True, 2, "2"]


def test_watch_retry_loop_sees_concurrent_write(server):
    r1 = server.client()
    r2 = server.client()
    r1.set("tx:counter", 10)
    attempts = 0
    with r1.pipeline() as pipe:
        while attempts < 5:
            attempts += 1
            try:
                pipe.watch("tx:counter")
                value = int(pipe.get("tx:counter"))
                if attempts == 1:
                    r2.set("tx:counter", 100)  # someone else writes between WATCH and EXEC
                pipe.multi()
                pipe.set("tx:counter", value + 1)
                pipe.execute()
                break
            except redis.WatchError:
                continue
    assert attempts == 2
    assert r1.get("tx:counter") == "101"


def test_queue_time_error_aborts_exec(r):
    pipe = r.pipeline(transaction=True)
    pipe.set("tx:b", 1)
    pipe.execute_command("SET", "tx:b")  # wrong arity: rejected at queue time
    try:
        pipe.execute()
        raised = None
    except redis.ResponseError as e:
        raised = str(e)
    # redis-py reports the queue-time error that made the server answer EXECABORT
    assert raised is not None and "wrong number of arguments" in raised
    assert r.get("tx:b") is None


def test_runtime_error_does_not_roll_back(r):
    r.set("tx:s", "text")
    pipe = r.pipeline(transaction=True)
    pipe.incr("tx:s").set("tx:after", "yes")
    results = pipe.execute(raise_on_error=False)
    assert isinstance(results[0], redis.ResponseError)
    assert results[1] is True
    assert r.get("tx:after") == "yes"


def test_client_info_inside_exec_shows_the_transaction(r):
    pipe = r.pipeline(transaction=True)
    pipe.set("tx:info", 1).client_info()
    _, info = pipe.execute()
    # As Redis: the client is still in MULTI state while EXEC runs its queue.
    assert info["flags"] == "x"
    assert int(info["multi"]) == 2
    assert int(r.client_info()["multi"]) == -1



def test_pause_write_holds_exec_of_a_writing_transaction(server):
    admin = server.client()
    w = server.raw()
    try:
        assert w.call("MULTI") == b"OK"
        assert w.call("INCR", "tx:p") == b"QUEUED"
        admin.execute_command("CLIENT", "PAUSE", 10000, "WRITE")
        w.send(encode("EXEC"))
        time.sleep(0.2)  # gives a broken server the time to run it; nothing is asserted about time
        assert admin.get("tx:p") is None  # reads go on; the EXEC is held back
        admin.client_unpause()
        assert w.read() == [1]
        assert admin.get("tx:p") == "1"
    finally:
        admin.client_unpause()
        admin.close()
        w.close()


def test_keys_expire_by_the_exec_start_time(start_server):
    # As Redis (fixed_time_expire): a key that expires while EXEC runs stays readable to the end of the
    # transaction; PTTL reads the wall clock. Also passes against redis-server 7.0.15.
    r = start_server(args=["--enable-debug-command", "yes"]).client()
    r.set("k", "v", px=100)
    pipe = r.pipeline(transaction=True)
    pipe.get("k")
    pipe.execute_command("DEBUG", "SLEEP", "0.3")
    pipe.get("k")
    pipe.pttl("k")
    pipe.exists("k")
    assert pipe.execute() == ["v", "OK", "v", 0, 1]
    assert r.exists("k") == 0
