"""Lua scripting and functions through redis-py: scripts popular Redis-backed libraries run (a capped counter, a
sliding-window rate limiter, lock release by token, a queue's atomic pop-and-move, a scheduled-jobs poller) give
the same results as Redis 7.0; busy scripts answer -BUSY to other clients until SCRIPT KILL / FUNCTION KILL;
FUNCTION DUMP payloads move between corvid and Redis in both directions."""
import os
import re
import threading
import time

import pytest
import redis

from conftest import ServerProcess, wait_until

ORACLE = "/usr/bin/redis-server"

CAPPED_INCR = """
local v = redis.call('INCR', KEYS[1])
if v > tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  return tonumber(ARGV[1])
end
return v
"""

# Sliding window over a sorted set of request timestamps (the shape of redis-cell-free rate limiters).
RATE_LIMIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
"""

# Redlock's release.
UNLOCK = """
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
else
  return 0
end
"""

# A reliable queue's fetch: pop from the queue, push on the processing list, record the claim.
POP_AND_MOVE = """
local job = redis.call('RPOP', KEYS[1])
if not job then return false end
redis.call('LPUSH', KEYS[2], job)
redis.call('HSET', KEYS[3], job, ARGV[1])
return {job, redis.call('LLEN', KEYS[2]), redis.call('HLEN', KEYS[3])}
"""

# Sidekiq-style scheduled-set poller: move due jobs to their queue.
ENQUEUE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, job in ipairs(due) do
  redis.call('ZREM', KEYS[1], job)
  local payload = cjson.decode(job)
  redis.call('LPUSH', 'queue:' .. payload['queue'], job)
end
return #due
"""


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    if not os.path.exists(ORACLE):
        pytest.skip("no oracle redis-server")
    proc = ServerProcess(tmp_path_factory.mktemp("oracle"), binary=ORACLE).start()
    yield proc
    proc.stop()


def both(server, oracle):
    a, b = server.client(), oracle.client()
    a.flushall()
    b.flushall()
    return a, b


def run_both(clients, script, keys, args):
    out = []
    for c in clients:
        try:
            out.append(c.eval(script, len(keys), *keys, *args))
        except redis.ResponseError as e:
            out.append("error: %s" % e)
    assert out[0] == out[1], out
    return out[0]


def test_capped_increment_matches_redis(server, oracle):
    clients = both(server, oracle)
    results = [run_both(clients, CAPPED_INCR, ["cap"], [3]) for _ in range(5)]
    assert results == [1, 2, 3, 3, 3]


def test_rate_limiter_matches_redis(server, oracle):
    clients = both(server, oracle)
    # The window doubles as the key's PEXPIRE (ms): long enough that the key cannot expire during the test.
    window = 600000
    results = [run_both(clients, RATE_LIMIT, ["rl:user"], [10**6 + 1000 * i, window, 3, "req%d" % i])
               for i in range(8)]
    assert [r[0] for r in results] == [1, 1, 1, 0, 0, 0, 0, 0]
    # Past the window requests are let through again.
    assert run_both(clients, RATE_LIMIT, ["rl:user"], [10**6 + 2 * window, window, 3, "late"])[0] == 1
    assert [c.zcard("rl:user") for c in clients] == [1, 1]


def test_rate_limiter_by_evalsha(server):
    r = server.client()
    r.delete("rl:sha")
    limiter = r.register_script(RATE_LIMIT)  # EVALSHA, falling back to EVAL on NOSCRIPT
    r.script_flush()
    assert limiter(keys=["rl:sha"], args=[1, 1000, 2, "a"]) == [1, 1]
    assert limiter(keys=["rl:sha"], args=[2, 1000, 2, ""]) == [1, 0]
    assert limiter(keys=["rl:sha"], args=[3, 1000, 2, "c"]) == [0, 998]
    assert r.script_exists(limiter.sha) == [True]


def test_lock_release_by_token_matches_redis(server, oracle):
    clients = both(server, oracle)
    for c in clients:
        assert c.set("lock:res", "token-1", nx=True, px=10000)
    assert run_both(clients, UNLOCK, ["lock:res"], ["token-2"]) == 0
    assert [c.get("lock:res") for c in clients] == ["token-1", "token-1"]
    assert run_both(clients, UNLOCK, ["lock:res"], ["token-1"]) == 1
    assert [c.exists("lock:res") for c in clients] == [0, 0]


def test_queue_pop_and_move_matches_redis(server, oracle):
    clients = both(server, oracle)
    for c in clients:
        c.rpush("q:jobs", "j1", "j2", "j3")
    keys = ["q:jobs", "q:processing", "q:claims"]
    assert run_both(clients, POP_AND_MOVE, keys, ["worker-1"]) == ["j3", 1, 1]
    assert run_both(clients, POP_AND_MOVE, keys, ["worker-2"]) == ["j2", 2, 2]
    run_both(clients, POP_AND_MOVE, keys, ["worker-1"])
    assert run_both(clients, POP_AND_MOVE, keys, ["worker-1"]) is None
    assert [c.lrange("q:processing", 0, -1) for c in clients] == [["j1", "j2", "j3"]] * 2


def test_scheduled_jobs_poller_matches_redis(server, oracle):
    clients = both(server, oracle)
    for c in clients:
        c.zadd("schedule", {'{"queue":"default","jid":"a"}': 10, '{"queue":"mail","jid":""}': 20,
                            '{"queue":"default","jid":"c"}': 30})
    assert run_both(clients, ENQUEUE_DUE, ["schedule"], [25]) == 2
    assert [c.llen("queue:default") for c in clients] == [1, 1]
    assert [c.zcard("schedule") for c in clients] == [1, 1]


def test_script_errors_and_pcall_match_redis(server, oracle):
    clients = both(server, oracle)
    for c in clients:
        c.set("str", "x")
    run_both(clients, "return redis.call('incr', KEYS[1])", ["str"], [])
    run_both(clients, "return redis.pcall('incr', KEYS[1])", ["str"], [])
    run_both(clients, "local ok, err = pcall(redis.call, 'incr', KEYS[1]) return {tostring(ok), err}", ["str"], [])
    run_both(clients, "return cmsgpack.unpack(cmsgpack.pack({1, 'a', {b = 2}}))", [], [])
    run_both(clients, "return struct.unpack('>i4', struct.pack('>i4', -42))", [], [])


def test_scripts_inside_multi(r):
    r.delete("m:k")
    pipe = r.pipeline(transaction=True)
    pipe.eval("return redis.call('incrby', KEYS[1], ARGV[1])", 1, "m:k", 5)
    pipe.eval("return redis.call('get', KEYS[1])", 1, "m:k")
    assert pipe.execute() == [5, "5"]


def test_script_select_does_not_change_caller_db(r):
    r.set("db:k", "zero")
    assert r.eval("redis.call('select', 1) return redis.call('get', KEYS[1])", 1, "db:k") is None
    assert r.get("db:k") == "zero"


def _run_in_thread(fn):
    box = {}

    def target():
        try:
            box["result"] = fn()
        except Exception as e:  # the script's error is what the test looks at
            box["error"] = e

    t = threading.Thread(target=target)
    t.start()
    return t, box


@pytest.fixture
def busy_server(start_server):
    srv = start_server(args=["--busy-reply-threshold", "100"])
    yield srv


def test_busy_script_is_killed_by_script_kill(busy_server):
    runner = busy_server.client(socket_timeout=30)
    t, box = _run_in_thread(lambda: runner.eval("local i = 0 while true do i = i + 1 end", 0))

    def busy():
        try:
            busy_server.client(socket_timeout=10).ping()
            return False
        except redis.exceptions.BusyLoadingError:
            return False
        except redis.ResponseError as e:
            return str(e).startswith("BUSY")

    assert wait_until(busy)
    other = busy_server.client(socket_timeout=10)  # a connection made while the script runs is served too
    # FUNCTION KILL does not stop an EVAL script.
    with pytest.raises(redis.ResponseError, match="BUSY Redis is busy running a script. You can only call "
                                                  "SCRIPT KILL or SHUTDOWN NOSAVE."):
        other.execute_command("FUNCTION", "KILL")
    assert other.execute_command("SCRIPT", "KILL") in ("OK", True)
    t.join(10)
    assert "Script killed by user with SCRIPT KILL..." in str(box.get("error"))
    assert other.ping()
    assert runner.ping()


def test_busy_script_that_wrote_is_unkillable_until_shutdown_nosave(busy_server):
    runner = busy_server.client(socket_timeout=30)
    other = busy_server.client(socket_timeout=10)
    other.ping()  # connected before the script starts: new connections wait until it ends
    t, box = _run_in_thread(lambda: runner.eval("redis.call('set', 'w', 1) while true do end", 0))

    def kill_reply():
        try:
            return other.execute_command("SCRIPT", "KILL")
        except redis.ResponseError as e:
            return str(e)

    assert wait_until(lambda: str(kill_reply()).startswith("UNKILLABLE"))
    with pytest.raises(redis.ResponseError, match="BUSY"):
        other.execute_command("SHUTDOWN")  # only SHUTDOWN NOSAVE runs while busy
    try:
        other.execute_command("SHUTDOWN", "NOSAVE")
    except redis.ConnectionError:
        pass
    assert busy_server.wait_exit(15) is not None
    t.join(10)


def test_busy_function_killed_by_function_kill(busy_server):
    runner = busy_server.client(socket_timeout=30)
    other = busy_server.client(socket_timeout=10)
    other.ping()  # connected before the script starts: new connections wait until it ends
    runner.execute_command("FUNCTION", "LOAD", "#!lua name=spin\n"
                           "redis.register_function('spin', function(keys, args) while true do end end)")
    t, box = _run_in_thread(lambda: runner.execute_command("FCALL", "spin", 0))

    def stats():
        try:
            return other.execute_command("FUNCTION", "STATS")
        except redis.ResponseError:
            return None

    assert wait_until(lambda: stats() is not None and stats()[1] is not None)
    running = stats()[1]
    assert running[0] == "name" and running[1] == "spin"
    with pytest.raises(redis.ResponseError, match="BUSY Redis is busy running a script. You can only call "
                                                  "FUNCTION KILL"):
        other.get("x")
    with pytest.raises(redis.ResponseError, match="BUSY"):
        other.execute_command("SCRIPT", "KILL")
    other.execute_command("FUNCTION", "KILL")
    t.join(10)
    assert "Script killed by user" in str(box.get("error"))
    assert other.execute_command("FUNCTION", "STATS")[1] is None


LIBRARY = ("#!lua name=mylib\n"
           "redis.register_function('myincr', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\n"
           "redis.register_function{function_name='myget', callback=function(keys) return redis.call('get', keys[1]) "
           "end, flags={'no-writes'}}")


def test_function_dump_restore_round_trip_and_redis_interop(server, oracle):
    a, b = server.client(decode_responses=False), oracle.client(decode_responses=False)
    for c in (a, b):
        c.execute_command("FUNCTION", "FLUSH")
        c.execute_command("FUNCTION", "LOAD", LIBRARY)
    ours = a.execute_command("FUNCTION", "DUMP")
    theirs = b.execute_command("FUNCTION", "DUMP")
    # Redis restores corvid's payload and corvid restores Redis'.
    b.execute_command("FUNCTION", "FLUSH")
    assert b.execute_command("FUNCTION", "RESTORE", ours) in (b"OK", True)
    a.execute_command("FUNCTION", "FLUSH")
    assert a.execute_command("FUNCTION", "RESTORE", theirs) in (b"OK", True)
    for c in (a, b):
        assert c.execute_command("FCALL", "myincr", 1, "fk", 4) == 4
        assert c.execute_command("FCALL_RO", "myget", 1, "fk") == b"4"
    # Policies: APPEND collides, REPLACE and FLUSH do not.
    with pytest.raises(redis.ResponseError, match="Library mylib already exists"):
        a.execute_command("FUNCTION", "RESTORE", ours)
    assert a.execute_command("FUNCTION", "RESTORE", ours, "REPLACE") in (b"OK", True)
    assert a.execute_command("FUNCTION", "RESTORE", ours, "FLUSH") in (b"OK", True)
    with pytest.raises(redis.ResponseError, match="payload version or checksum are wrong"):
        a.execute_command("FUNCTION", "RESTORE", ours[:-1] + bytes([ours[-1] ^ 1]))
    listing = a.execute_command("FUNCTION", "LIST", "WITHCODE")
    assert listing[0][1] == b"mylib" and listing[0][7] == LIBRARY.encode()
    for c in (a, b):
        c.execute_command("FUNCTION", "FLUSH")


def test_info_memory_counts_scripts_and_functions(start_server):
    r = start_server().client()
    info = r.info("memory")
    assert info["number_of_cached_scripts"] == 0 and info["number_of_functions"] == 0
    r.script_load("return 1")
    r.script_load("return 2")
    r.execute_command("FUNCTION", "LOAD", LIBRARY)
    info = r.info("memory")
    assert info["number_of_cached_scripts"] == 2
    assert info["number_of_functions"] == 2 and info["number_of_libraries"] == 1
    assert info["used_memory_scripts_eval"] >= len("return 1") + len("return 2")
    assert info["used_memory_vm_eval"] == info["used_memory_lua"] > 0
    assert info["used_memory_vm_total"] == info["used_memory_vm_eval"] + info["used_memory_vm_functions"]
    r.script_flush()
    r.execute_command("FUNCTION", "FLUSH")
    info = r.info("memory")
    assert info["number_of_cached_scripts"] == 0 and info["number_of_libraries"] == 0


def test_script_errors_are_counted_once_like_redis(server, oracle):
    clients = both(server, oracle)
    for c in clients:
        c.config_resetstat()
        c.set("str", "x")
    run_both(clients, "return redis.call('incr', KEYS[1])", ["str"], [])      # command error, raised
    run_both(clients, "return redis.pcall('incr', KEYS[1])", ["str"], [])     # command error, returned
    run_both(clients, "return redis.call('nosuch')", [], [])                   # refused by the script layer
    run_both(clients, "error('plain')", [], [])                                 # a Lua error
    run_both(clients, "return redis.error_reply('MINE x')", [], [])            # an error value
    stats = [(c.info("errorstats"), c.info("stats")["total_error_replies"]) for c in clients]
    assert stats[0] == stats[1]


def test_scripts_past_maxmemory(start_server):
    # Redis 7.0: an EVAL without shebang may not start writing with a denyoom command (redis.call raises, pcall
    # returns the error); a shebang script that may write is refused before it runs unless allow-oom; once
    # written, or with no-writes, it runs. The same for functions.
    srv = start_server()
    c = srv.client()
    c.function_load("#!lua name=lib\n"
                    "redis.register_function('f', function() return redis.call('set','q','1') end)\n"
                    "redis.register_function{function_name='g', callback=function() "
                    "return redis.call('set','q','1') end, flags={'allow-oom'}}")
    c.set("filler", "x" * 30)
    c.config_set("maxmemory", 1)
    oom = "OOM command not allowed when used memory > 'maxmemory'."
    with pytest.raises(redis.ResponseError, match=r"^OOM command not allowed .* script: [0-9a-f]{40}, on "
                                                  r"@user_script:1\.$"):
        c.eval("return redis.call('set','a','b')", 0)
    for script in ("return redis.pcall('set','a','b')", "#!lua\nreturn redis.call('set','a','b')", "#!lua\nreturn 1"):
        with pytest.raises(redis.ResponseError, match="^" + re.escape(oom) + "$"):
            c.eval(script, 0)
    assert c.eval("#!lua flags=allow-oom\nreturn redis.call('set','a','b')", 0) == "OK"
    assert c.eval("#!lua flags=no-writes\nreturn redis.call('get','a')", 0) == "b"
    assert c.eval("return redis.call('del','a')", 0) == 1  # DEL is not denyoom
    with pytest.raises(redis.ResponseError, match="^" + re.escape(oom) + "$"):
        c.fcall("f", 0)
    assert c.fcall("g", 0) == "OK"
    assert c.info("errorstats")["errorstat_OOM"] == "count=5"


def test_keys_expire_by_the_script_start_time(server, oracle):
    # A key that expires while a script runs stays readable to the script's end (Redis' scriptTimeSnapshot);
    # PTTL, which reads the wall clock, says 0 meanwhile. After the script the key is gone.
    script = """
local a = redis.call('GET', KEYS[1])
local t0 = redis.call('TIME')
while true do
  local t = redis.call('TIME')
  if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 300000 then break end
end
return {a or 'nil', redis.call('GET', KEYS[1]) or 'nil', redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[1])}
"""
    clients = both(server, oracle)
    out = []
    for c in clients:
        c.set("k", "v", px=100)
        out.append(c.eval(script, 1, "k"))
        assert c.exists("k") == 0
    assert out[0] == out[1] == ["v", "v", 0, 1]
