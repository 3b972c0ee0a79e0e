"""Random-stream rows for EVAL / EVALSHA / EVAL_RO over generated scripts (loaded by compat.py, which injects
EXACT, UNORDERED, APPROX and TYPE_ONLY).

Each script runs one command through redis.call or redis.pcall on KEYS[1] / ARGV[1] (drawn from the shared {key}
and {val} pools, so scripts meet wrong types, non-integers and missing keys) and returns the reply as-is, its Lua
type, or a table around it, which exercises the RESP -> Lua -> RESP conversions and the error texts with their
"script: <sha>, on @user_script:1." suffix. Only commands whose replies have a deterministic order are used.
"""
import hashlib

_COMMANDS = [
    "'get', KEYS[1]", "'set', KEYS[1], ARGV[1]", "'incr', KEYS[1]", "'incrby', KEYS[1], ARGV[1]",
    "'incrbyfloat', KEYS[1], ARGV[1]", "'append', KEYS[1], ARGV[1]", "'strlen', KEYS[1]", "'del', KEYS[1]",
    "'exists', KEYS[1]", "'type', KEYS[1]", "'lpush', KEYS[1], ARGV[1]", "'rpop', KEYS[1]",
    "'lrange', KEYS[1], 0, -1", "'sadd', KEYS[1], ARGV[1]", "'scard', KEYS[1]", "'hset', KEYS[1], 'f', ARGV[1]",
    "'hget', KEYS[1], 'f'", "'hincrby', KEYS[1], 'f', ARGV[1]", "'zadd', KEYS[1], ARGV[1], 'm'",
    "'zscore', KEYS[1], 'm'", "'zrange', KEYS[1], 0, -1, 'withscores'", "'ttl', KEYS[1]",
    "'expire', KEYS[1], 100", "'getset', KEYS[1], ARGV[1]", "'setnx', KEYS[1], ARGV[1]", "'ping'",
    "'object', 'encoding', KEYS[1]", "'lpos', KEYS[1], ARGV[1]", "'nosuchcommand'", "'get'",
]

_SHAPES = [
    "return redis.call({c})",
    "return redis.pcall({c})",
    "return type(redis.pcall({c}))",
    "return {{redis.pcall({c})}}",
    "local r = redis.pcall({c}) if type(r) == 'table' and r['err'] then return 'E:' .. r['err'] end return r",
    "local ok, r = pcall(redis.call, {c}) return {{tostring(ok), r}}",
    "redis.setresp(3) return redis.call({c})",
    "redis.setresp(3) local r = redis.pcall({c}) return type(r)",
    "return cjson.encode({{redis.pcall({c})}})",
    "return cmsgpack.unpack(cmsgpack.pack(redis.pcall({c})))",
]

_SCRIPTS = [shape.format(c=c) for c in _COMMANDS for shape in _SHAPES]
_SHAS = sorted({hashlib.sha1(s.encode()).hexdigest() for s in _SCRIPTS[::7]})

ROWS = [
    (6, "EVAL {luascript} 1 {key} {val}", EXACT),
    (2, "EVAL_RO {luascript} 1 {key} {val}", EXACT),
    (1, "SCRIPT LOAD {luascript}", EXACT),
    (1, "EVALSHA {luasha} 1 {key} {val}", EXACT),
    (1, "SCRIPT EXISTS {luasha} [{luasha}]", EXACT),
]

POOLS = {
    "luascript": _SCRIPTS,
    "luasha": _SHAS,
}
