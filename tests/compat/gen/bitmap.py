"""Random-stream rows for the bitmap commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX and
TYPE_ONLY).

Bitmaps live in the shared {key} pool, so they collide with strings of every encoding (int, embstr, raw) and
with the other types. Offsets stay small (a few KB at most) so that no command allocates much; the large and
invalid ones ({bbadoff}) only reach the error paths and reads.
"""

_FIELD_OP = "(GET {btype} {bfoff}|SET {btype} {bfoff} {bfval}|INCRBY {btype} {bfoff} {bfval})"

ROWS = [
    (5, "SETBIT {key} {boff} {bbit}", EXACT),
    (1, "SETBIT {key} {bbadoff} {bbit}", EXACT),
    (3, "GETBIT {key} ({boff}|{bbadoff}|4294967295)", EXACT),
    (3, "BITCOUNT {key} [{brange} {brange} [{bunit}]]", EXACT),
    (3, "BITPOS {key} {bbit} [{brange} [{brange} [{bunit}]]]", EXACT),
    (3, "BITOP {bop} {key} {key} [{key}]*", EXACT),
    (1, "BITOP NOT {key} {key}", EXACT),
    (4, "BITFIELD {key} [OVERFLOW {bow}] " + _FIELD_OP + " [[OVERFLOW {bow}] " + _FIELD_OP + "]*", EXACT),
    (2, "BITFIELD_RO {key} [GET {btype} {bfoff}]*", EXACT),
    (2, "GET {key}", EXACT),
]

POOLS = {
    "boff": ["0", "1", "7", "8", "15", "63", "64", "100", "333", "1000", "8191", "30000"],
    "bbadoff": ["-1", "abc", "4294967296", "9223372036854775807", "1.5", ""],
    "bbit": ["0", "1", "1", "0", "2", "-1", "x"],
    "brange": ["0", "1", "2", "-1", "-2", "5", "7", "9", "30", "-100", "100", "abc"],
    "bunit": ["BYTE", "BIT", "bit", "byte", "bits"],
    "bop": ["AND", "OR", "XOR", "and", "NOT", "nand"],
    "bow": ["WRAP", "SAT", "FAIL", "sat", "none"],
    "btype": ["u1", "u4", "u8", "i8", "u16", "i16", "i32", "u63", "i64", "i5", "u3", "u64", "i65", "x8"],
    "bfoff": ["0", "1", "3", "8", "13", "64", "100", "#0", "#1", "#7", "-1", "#", "abc"],
    "bfval": ["0", "1", "-1", "100", "-100", "127", "128", "255", "256", "9223372036854775807",
              "-9223372036854775808", "x"],
}
