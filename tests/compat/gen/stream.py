"""Random-stream rows for the stream commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX and
TYPE_ONLY).

IDs are always explicit ({xid}: full IDs and "<ms>-*" forms, so many XADDs hit the monotonicity errors) because
auto IDs come from each server's clock. The shared {key} pool makes streams collide with the other types. Rows
that show idle times or delivery times compare with a tolerance. stream-node-max-entries is switched between
tiny and default values so streams span several listpack nodes (XINFO's radix-tree counts, trimming by node).
"""

ROWS = [
    (8, "XADD {key} [NOMKSTREAM] [(MAXLEN|MINID) [(=|~)] {xtrimarg}] {xid} {xfield} {xval} [{xfield} {xval}]*",
     EXACT),
    (3, "XADD {key} MAXLEN ~ {xtrimarg} [LIMIT {xcount}] {xid} {xfield} {xval}", EXACT),
    (2, "XLEN {key}", EXACT),
    (3, "XRANGE {key} {xstart} {xend} [COUNT {xcount}]", EXACT),
    (2, "XREVRANGE {key} {xend} {xstart} [COUNT {xcount}]", EXACT),
    (2, "XDEL {key} {xid2} [{xid2}]*", EXACT),
    (2, "XTRIM {key} (MAXLEN|MINID) [(=|~)] {xtrimarg} [LIMIT {xcount}]", EXACT),
    (2, "XREAD [COUNT {xcount}] STREAMS {key} [{key}] {xid2} [{xid2}]", EXACT),
    (3, "XGROUP CREATE {key} {xgroup} ({xid2}|$) [MKSTREAM] [ENTRIESREAD {xcount}]", EXACT),
    (1, "XGROUP SETID {key} {xgroup} ({xid2}|$) [ENTRIESREAD {xcount}]", EXACT),
    (1, "XGROUP DESTROY {key} {xgroup}", EXACT),
    (1, "XGROUP CREATECONSUMER {key} {xgroup} {xconsumer}", EXACT),
    (1, "XGROUP DELCONSUMER {key} {xgroup} {xconsumer}", EXACT),
    (4, "XREADGROUP GROUP {xgroup} {xconsumer} [COUNT {xcount}] [NOACK] STREAMS {key} (>|>|{xid2})", EXACT),
    (2, "XACK {key} {xgroup} {xid2} [{xid2}]*", EXACT),
    (2, "XPENDING {key} {xgroup}", EXACT),
    (2, "XPENDING {key} {xgroup} [IDLE 0] {xstart} {xend} {xcount} [{xconsumer}]", APPROX, 1000),
    (2, "XCLAIM {key} {xgroup} {xconsumer} 0 {xid2} [{xid2}]* [JUSTID] [FORCE] [RETRYCOUNT {xcount}]", EXACT),
    (2, "XAUTOCLAIM {key} {xgroup} {xconsumer} 0 {xstart} [COUNT {xcount}] [JUSTID]", EXACT),
    (2, "XINFO STREAM {key}", EXACT),
    (1, "XINFO STREAM {key} FULL [COUNT {xcount}]", APPROX, 1000),
    (2, "XINFO GROUPS {key}", EXACT),
    (1, "XINFO CONSUMERS {key} {xgroup}", APPROX, 1000),
    (1, "XSETID {key} {xid2} [ENTRIESADDED {xcount}] [MAXDELETEDID {xid2}]", EXACT),
    (1, "CONFIG SET stream-node-max-entries (2|3|100)", EXACT),
    (1, "DEBUG DIGEST-VALUE {key}", EXACT),
]

POOLS = {
    "xid": ["1-1", "1-2", "2-0", "3", "5-*", "5-*", "10-*", "10-*", "20-1", "100-*", "100-*", "1000-0", "0-1",
            "0-0", "0-*", "18446744073709551615-18446744073709551615", "x", "-", "1000-*", "5000-*", "99999-*"],
    "xid2": ["0", "0-0", "1-1", "2-0", "3-0", "5-0", "5-1", "10-0", "10-1", "20-1", "100-0", "100-2", "1000-0",
             "5000-0", "99999-0", "x", "-"],
    "xstart": ["-", "0", "1-1", "(1-1", "5", "(5-0", "10-1", "100", "x", "+"],
    "xend": ["+", "5", "10-0", "(10-1", "100-5", "(100-0", "1000", "-", "x"],
    "xcount": ["0", "1", "2", "3", "5", "100", "-1", "x"],
    "xtrimarg": ["0", "1", "2", "5", "10", "3-0", "10-1", "100", "-1", "x"],
    "xfield": ["a", "b", "c", "a", "f", "1", "", "long-field-name"],
    "xval": ["1", "2", "v", "-5", "123456789012", "x" * 70, "", "hello world"],
    "xgroup": ["g1", "g2", "g1", "grp"],
    "xconsumer": ["alice", "bob", "carol", "alice"],
}
