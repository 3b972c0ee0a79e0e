"""Random-stream rows for the HyperLogLog commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX
and TYPE_ONLY).

The {hkey} keys only ever hold sketches (or nothing), so streams grow them through many sparse edits, merges
and, with the bulk PFADD row, past the promotion to dense; GET compares the sketches byte for byte. PFADD and
PFCOUNT also run on the shared {key} pool to hit strings and other types (WRONGTYPE, invalid sketches).
"""

_BULK = " ".join("{hel}" for _ in range(12))

ROWS = [
    (6, "PFADD {hkey} {hel} [{hel}]*", EXACT),
    (2, "PFADD {hkey} " + _BULK + " " + _BULK + " " + _BULK, EXACT),
    (3, "PFCOUNT {hkey} [{hkey}]*", EXACT),
    (2, "PFMERGE {hkey} {hkey} [{hkey}]*", EXACT),
    (3, "GET {hkey}", EXACT),
    (1, "PFDEBUG (ENCODING|DECODE|TODENSE) {hkey}", EXACT),
    (1, "PFADD {key} [{hel}]", EXACT),
    (1, "PFCOUNT {key} [{hkey}]", EXACT),
    (1, "PFMERGE {hkey} {key}", EXACT),
]

POOLS = {
    "hkey": ["hll0", "hll1", "hll2", "hll0"],
    "hel": ["a", "b", "c", "", "1", "2", "foo", "bar", "\x00\xff"] + ["e%d" % i for i in range(600)],
}
