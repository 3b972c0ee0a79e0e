"""Random-stream rows for the list commands (tests/compat/compat.py loads this module).

Lists share the "key" pool (k0..k9) with every other family, so list commands meet strings and the other
types and report WRONGTYPE where Redis does. Blocking commands stay out of random streams: one on an empty
key would block the stream (tests/compat/cases/list_blocking.txt covers them).
"""

ROWS = [
    (6, "LPUSH {key} {lval} [{lval}]*", EXACT),
    (6, "RPUSH {key} {lval} [{lval}]*", EXACT),
    (2, "LPUSHX {key} {lval} [{lval}]*", EXACT),
    (2, "RPUSHX {key} {lval} [{lval}]*", EXACT),
    (4, "LPOP {key} [{lcount}]", EXACT),
    (4, "RPOP {key} [{lcount}]", EXACT),
    (3, "LLEN {key}", EXACT),
    (5, "LRANGE {key} {lindex} {lindex}", EXACT),
    (3, "LINDEX {key} {lindex}", EXACT),
    (2, "LSET {key} {lindex} {lval}", EXACT),
    (3, "LINSERT {key} (BEFORE|AFTER|after|MIDDLE) {lval} {lval}", EXACT),
    (2, "LREM {key} {lindex} {lval}", EXACT),
    (2, "LTRIM {key} {lindex} {lindex}", EXACT),
    (3, "LPOS {key} {lval} [RANK {lrank}] [COUNT {lcount}] [MAXLEN {lcount}]", EXACT),
    (1, "LPOS {key} {lval} {lposopt} [{lposopt}] [{lposopt}]", EXACT),
    (3, "LMOVE {key} {key} (LEFT|RIGHT) (LEFT|RIGHT)", EXACT),
    (1, "LMOVE {key} {key} {ldir} {ldir}", EXACT),
    (2, "RPOPLPUSH {key} {key}", EXACT),
    (3, "LMPOP (1 {key}|2 {key} {key}|3 {key} {key} {key}) (LEFT|RIGHT) [COUNT {lcount}]", EXACT),
    (1, "LMPOP {lnumkeys} {key} [{key}] {ldir} [COUNT {lcount}] [{lposopt}]", EXACT),
    (1, "DEBUG DIGEST-VALUE {key} [{key}]", EXACT),
]

_LONG = "".join(chr(ord("a") + (i * 11) % 26) for i in range(200))

POOLS = {
    # few distinct values so LREM, LPOS and LINSERT find matches; integers in several encodings
    "lval": ["a", "b", "c", "a", "b", "0", "1", "-1", "10", "010", "1.0", "-4097", "70000",
             "9223372036854775807", "-9223372036854775808", "", "hello world", "\x00\xff\r\n",
             "x" * 63, "y" * 64, _LONG],
    "lindex": ["0", "1", "2", "3", "-1", "-2", "-3", "5", "-100", "100", "9223372036854775807",
               "-9223372036854775808", "x", "1.5", ""],
    "lcount": ["0", "1", "2", "3", "10", "-1", "x", "1.5", "9223372036854775807"],
    "lrank": ["1", "2", "3", "-1", "-2", "0", "x", "-9223372036854775808", "9223372036854775807"],
    "ldir": ["LEFT", "RIGHT", "left", "Right", "UP", ""],
    "lnumkeys": ["0", "-1", "x", "1", "2", "5", "9223372036854775807"],
    "lposopt": ["RANK", "COUNT", "MAXLEN", "FIRST", "0", "-1", "2", "LEFT"],
}
