"""Random-stream rows for the hash commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX and
TYPE_ONLY).

The shared {key} pool makes hashes collide with strings (WRONGTYPE both ways) and the value pools cross the
listpack limits (64-byte values, long HINCRBYFLOAT results), so those hashes may be hashtables whose order is
arbitrary: HGETALL/HKEYS/HVALS compare as multisets, HRANDFIELD/HSCAN by reply type, and DEBUG DIGEST-VALUE
checks their content exactly. The {hsmall} keys only ever get a few short fields, so they stay listpacks and
their HSCAN, HGETALL and whole-hash HRANDFIELD replies are compared byte for byte.
"""

_F64 = "".join(chr(ord("a") + (i * 5) % 26) for i in range(64))
_F65 = _F64 + "z"

ROWS = [
    (6, "HSET {key} {hfield} {hval} [{hfield} {hval}]*", EXACT),
    (2, "HMSET {key} {hfield} {hval} [{hfield} {hval}]*", EXACT),
    (3, "HSETNX {key} {hfield} {hval}", EXACT),
    (5, "HGET {key} {hfield}", EXACT),
    (3, "HMGET {key} {hfield} [{hfield}]*", EXACT),
    (2, "HGETALL {key}", UNORDERED),
    (1, "HKEYS {key}", UNORDERED),
    (1, "HVALS {key}", UNORDERED),
    (4, "HDEL {key} {hfield} [{hfield}]*", EXACT),
    (3, "HLEN {key}", EXACT),
    (2, "HSTRLEN {key} {hfield}", EXACT),
    (3, "HEXISTS {key} {hfield}", EXACT),
    (4, "HINCRBY {key} {hfield} {int}", EXACT),
    (3, "HINCRBYFLOAT {key} {hfield} {float}", EXACT),
    (2, "HRANDFIELD {key} [{hcount} [WITHVALUES]]", TYPE_ONLY),
    (2, "HSCAN {key} {hcursor} [MATCH {hpattern}] [COUNT {hscancount}]", TYPE_ONLY),
    (2, "DEBUG DIGEST-VALUE {key} [{key}]", EXACT),
    # Always-listpack hashes: exact order.
    (3, "HSET {hsmall} {hsfield} {hsval} [{hsfield} {hsval}]*", EXACT),
    (1, "HDEL {hsmall} {hsfield} [{hsfield}]*", EXACT),
    (1, "HINCRBY {hsmall} {hsfield} {smallint}", EXACT),
    (1, "HGETALL {hsmall}", EXACT),
    (1, "HSCAN {hsmall} {hcursor} [MATCH {hpattern}] [COUNT {hscancount}]", EXACT),
    (1, "HRANDFIELD {hsmall} (0|10|100|9223372036854775807) [WITHVALUES]", EXACT),
    (1, "HRANDFIELD {hsmall} (-1|-5|1|2) [WITHVALUES]", TYPE_ONLY),
    (1, "OBJECT ENCODING {hsmall}", EXACT),
]

POOLS = {
    "hfield": ["f", "g", "h", "f", "g", "a", "", "0", "1", "-1", "12345", "9223372036854775808", "1.5",
               "caf\xc3\xa9", "\x00\xff", _F64, _F65],
    "hval": ["", "0", "1", "-1", "42", "01", " 1", "-0", "1.5", "-2.5e3", "1e3", "inf", "nan",
             "9223372036854775807", "-9223372036854775808", "9223372036854775808", "abc", "hello world",
             "\x00\xff\r\n", _F64, _F65, "a" * 200],
    "hcount": ["0", "1", "2", "3", "5", "-1", "-2", "-5", "10", "-10", "100", "x", "1.5",
               "-9223372036854775808", "4611686018427387904", "9223372036854775807"],
    "hcursor": ["0", "0", "0", "1", "17", "-1", "", "x", " 1", "18446744073709551616"],
    "hpattern": ["*", "f*", "?", "[fg]", "*1*", "", "nomatch", "\\*"],
    "hscancount": ["1", "2", "10", "1000", "0", "-1", "x"],
    "hsmall": ["hs0", "hs1", "hs2"],
    "hsfield": ["a", "b", "c", "d", "e", "1", "22", "-3", ""],
    "hsval": ["", "x", "yy", "0", "7", "-7", "1.5", "12345678901234567890"],
}
