"""Random-stream rows for the set commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX and
TYPE_ONLY).

Sets live in the shared {key} pool, so they collide with strings and the other types (WRONGTYPE both ways), and
their members mix canonical integers (intsets), non-canonical ones ("01", "-0", " 1") and strings (hashtables).
Whole-set replies compare as multisets, since a hashtable's order depends on each server's hash seed.

Randomness must not make the two servers' data diverge: SRANDMEMBER is read-only (compared by reply type unless
the count covers the whole set), while SPOP only runs on the {sone} keys, which only ever hold the member "m"
(filled by SMOVE, whose fixed arity survives the generator's extra-argument mutation), so every pop is
deterministic. The {sint} keys only get integer members from a small pool: they are intsets (unless a mutated
SADD slips a word in), exercising the intset paths of SINTER/SUNION/SDIFF and their STORE forms.
"""

_LONG = "".join(chr(ord("a") + (i * 3) % 26) for i in range(40))

ROWS = [
    (6, "SADD {key} {smember} [{smember}]*", EXACT),
    (3, "SREM {key} {smember} [{smember}]*", EXACT),
    (3, "SCARD {key}", EXACT),
    (3, "SISMEMBER {key} {smember}", EXACT),
    (2, "SMISMEMBER {key} {smember} [{smember}]*", EXACT),
    (3, "SMEMBERS {key}", UNORDERED),
    (2, "SRANDMEMBER {key} [{srcount}]", TYPE_ONLY),
    (1, "SRANDMEMBER {key} (1000|0|9223372036854775807)", UNORDERED),
    (1, "SRANDMEMBER {key} {sbadcount}", EXACT),
    (2, "SMOVE {key} {key} {smember}", EXACT),
    (2, "SINTER {key} [{key}]*", UNORDERED),
    (2, "SINTERCARD {snumkeys} {key} [{key}]* [LIMIT {slimit}]", EXACT),
    (2, "SINTERSTORE {key} {key} [{key}]*", EXACT),
    (2, "SUNION {key} [{key}]*", UNORDERED),
    (2, "SUNIONSTORE {key} {key} [{key}]*", EXACT),
    (2, "SDIFF {key} [{key}]*", UNORDERED),
    (2, "SDIFFSTORE {key} {key} [{key}]*", EXACT),
    (2, "SSCAN {key} {scursor} [MATCH {spattern}] [COUNT {sscancount}]", TYPE_ONLY),
    (1, "SSCAN {key} 0 MATCH {smember} COUNT 1000", EXACT),
    # Integer-only sets.
    (3, "SADD {sint} {sintm} [{sintm}]*", EXACT),
    (1, "SREM {sint} {sintm} [{sintm}]*", EXACT),
    (1, "SMEMBERS {sint}", UNORDERED),
    (1, "SISMEMBER {sint} {sintm}", EXACT),
    (1, "(SINTER|SUNION|SDIFF) {sint} [{sint}]*", UNORDERED),
    (1, "(SINTERSTORE|SUNIONSTORE|SDIFFSTORE) {sint} {sint} [{sint}]*", EXACT),
    (1, "(SINTERSTORE|SUNIONSTORE|SDIFFSTORE) {key} {sint} [({sint}|{key})]*", EXACT),
    (1, "SINTERCARD {snumkeys} {sint} [{sint}]* [LIMIT {slimit}]", EXACT),
    (1, "SMOVE {sint} {sint} {sintm}", EXACT),
    (1, "SRANDMEMBER {sint} (100|1000)", UNORDERED),
    (1, "OBJECT ENCODING {sint}", EXACT),
    # Deterministic SPOP: {sone} holds at most the member "m".
    (2, "SMOVE {key} {sone} m", EXACT),
    (1, "SMOVE {sone} {key} m", EXACT),
    (2, "SPOP {sone} [{spopcount}]", EXACT),
    (0.3, "SET {sone} m", EXACT),
    (0.5, "SCARD {sone}", EXACT),
]

POOLS = {
    "smember": ["0", "1", "2", "3", "-1", "10", "100", "m", "m", "a", "b", "c", "x", "0", "1", "2", "7", "7",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "01", "-0", " 1", "+1",
                "1.5", "", "hello world", "\x00\xff", "caf\xc3\xa9", _LONG, "k0", "k1"],
    "sint": ["si0", "si1", "si2"],
    "sintm": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "-1", "-5", "32767", "32768", "-32769",
              "2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808"],
    "sone": ["so0", "so1"],
    "srcount": ["1", "2", "3", "5", "10", "-1", "-2", "-5", "-10"],
    "sbadcount": ["abc", "1.5", "", "-9223372036854775808", "9223372036854775808", " 1"],
    "spopcount": ["0", "1", "2", "5", "-1", "abc", "9223372036854775807", "9223372036854775808"],
    "snumkeys": ["1", "2", "3", "1", "2", "0", "-1", "abc", "9"],
    "slimit": ["0", "1", "2", "5", "100", "-1", "abc"],
    "scursor": ["0", "0", "0", "1", "7", "abc", "-1", "", " 1", "18446744073709551616"],
    "spattern": ["*", "1*", "a*", "[0-9]", "?", "*x*", "nomatch", "m"],
    "sscancount": ["1", "2", "10", "100", "0", "-1", "abc"],
}
