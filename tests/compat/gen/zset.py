"""Random-stream rows for the sorted-set commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX and
TYPE_ONLY).

Zsets live in the shared {key} pool, so they collide with strings, hashes, lists and sets (WRONGTYPE both ways;
sets are also valid ZUNION/ZINTER/ZDIFF inputs). Their members mix plain words, integer-looking strings (stored as
integers in a listpack) and bytes; scores cover -0, inf, 17-digit printing and unparsable values; range bounds
cover "(" exclusive bounds, infinities and lex bounds. These zsets stay listpacks.

Skiplists come from two private pools whose members include one longer than zset-max-listpack-value, which
converts its zset: {zskey} zsets get any scores but no lex commands, {zlkey} zsets only ever hold score 0 and get
the lex commands. (A lex range over members whose scores differ is answered by a skiplist descent that depends on
the random node levels, so not even Redis agrees with itself there; over a listpack it is deterministic and is
exercised on {key}.)

Everything here is deterministic except ZRANDMEMBER (compared by reply type unless the count covers the whole
zset) and ZSCAN cursors over a skiplist (hash order; compared by reply type unless a MATCH picks one member).
Blocking commands are left to the case files. No member contains a glob character, so MATCH <member> matches at
most that member.
"""

_LONG = "".join(chr(ord("a") + (i * 5) % 26) for i in range(70))

ROWS = [
    (8, "ZADD {key} [(NX|XX)] [(GT|LT)] [CH] {zscore} {zmember} [{zscore} {zmember}]*", EXACT),
    (2, "ZADD {key} {zaddopt} [{zaddopt}] [{zaddopt}] {zscore} {zmember} [{zscore}]", EXACT),
    (2, "ZADD {key} INCR [(NX|XX|GT|LT)] {zscore} {zmember}", EXACT),
    (4, "ZINCRBY {key} {zscore} {zmember}", EXACT),
    (3, "ZREM {key} {zmember} [{zmember}]*", EXACT),
    (3, "ZCARD {key}", EXACT),
    (3, "ZSCORE {key} {zmember}", EXACT),
    (2, "ZMSCORE {key} {zmember} [{zmember}]*", EXACT),
    (2, "(ZRANK|ZREVRANK) {key} {zmember}", EXACT),
    (2, "ZCOUNT {key} {zbound} {zbound}", EXACT),
    (2, "ZLEXCOUNT {key} {zlex} {zlex}", EXACT),
    (4, "ZRANGE {key} {zrank} {zrank} [REV] [WITHSCORES]", EXACT),
    (3, "ZRANGE {key} {zbound} {zbound} BYSCORE [REV] [LIMIT {zoffset} {zlimit}] [WITHSCORES]", EXACT),
    (2, "ZRANGE {key} {zlex} {zlex} BYLEX [REV] [LIMIT {zoffset} {zlimit}]", EXACT),
    (1, "ZRANGE {key} {zrank} {zrank} {zrangeopt} [{zrangeopt}] [{zrangeopt}]", EXACT),
    (2, "ZRANGESTORE {key} {key} {zrank} {zrank} [REV]", EXACT),
    (1, "ZRANGESTORE {key} {key} {zbound} {zbound} BYSCORE [REV] [LIMIT {zoffset} {zlimit}]", EXACT),
    (1, "ZRANGESTORE {key} {key} {zlex} {zlex} BYLEX [REV] [LIMIT {zoffset} {zlimit}]", EXACT),
    (1, "ZREVRANGE {key} {zrank} {zrank} [WITHSCORES]", EXACT),
    (2, "(ZRANGEBYSCORE|ZREVRANGEBYSCORE) {key} {zbound} {zbound} [WITHSCORES] [LIMIT {zoffset} {zlimit}]", EXACT),
    (2, "(ZRANGEBYLEX|ZREVRANGEBYLEX) {key} {zlex} {zlex} [LIMIT {zoffset} {zlimit}]", EXACT),
    (1, "ZREMRANGEBYRANK {key} {zrank} {zrank}", EXACT),
    (1, "ZREMRANGEBYSCORE {key} {zbound} {zbound}", EXACT),
    (1, "ZREMRANGEBYLEX {key} {zlex} {zlex}", EXACT),
    (2, "(ZPOPMIN|ZPOPMAX) {key} [{zcount}]", EXACT),
    (1, "ZMPOP {znumkeys} {key} [{key}]* ({zwhere}|MIN|MAX) [COUNT {zcount}]", EXACT),
    (1, "ZRANDMEMBER {key} [{zrandcount} [WITHSCORES]]", TYPE_ONLY),
    (1, "ZRANDMEMBER {key} {zrandfixed} [WITHSCORES]", EXACT),
    (2, "(ZUNION|ZINTER) {znumkeys} {key} [{key}]* [WEIGHTS {zweight} {zweight}] [AGGREGATE {zagg}] [WITHSCORES]",
     EXACT),
    (1, "ZDIFF {znumkeys} {key} [{key}]* [WITHSCORES]", EXACT),
    (2, "(ZUNIONSTORE|ZINTERSTORE) {key} {znumkeys} {key} [{key}]* [WEIGHTS {zweight} {zweight}] "
        "[AGGREGATE {zagg}]", EXACT),
    (1, "ZDIFFSTORE {key} {znumkeys} {key} [{key}]*", EXACT),
    (1, "ZINTERCARD {znumkeys} {key} [{key}]* [LIMIT {zoffset}]", EXACT),
    (1, "ZSCAN {key} {zcursor} [MATCH {zpattern}] [COUNT {zscancount}]", TYPE_ONLY),
    (1, "ZSCAN {key} 0 MATCH {zmember} COUNT 1000", EXACT),
    (1, "OBJECT ENCODING {key}", EXACT),
    # Skiplists with any scores.
    (3, "ZADD {zskey} [(NX|XX)] [(GT|LT)] [CH] {zscore} {zsmember} [{zscore} {zsmember}]*", EXACT),
    (1, "ZINCRBY {zskey} {zscore} {zsmember}", EXACT),
    (1, "ZREM {zskey} {zsmember} [{zsmember}]*", EXACT),
    (1, "(ZSCORE|ZRANK|ZREVRANK) {zskey} {zsmember}", EXACT),
    (1, "ZMSCORE {zskey} {zsmember} [{zsmember}]*", EXACT),
    (1, "ZCOUNT {zskey} {zbound} {zbound}", EXACT),
    (2, "ZRANGE {zskey} {zrank} {zrank} [REV] [WITHSCORES]", EXACT),
    (2, "ZRANGE {zskey} {zbound} {zbound} BYSCORE [REV] [LIMIT {zoffset} {zlimit}] [WITHSCORES]", EXACT),
    (1, "(ZRANGEBYSCORE|ZREVRANGEBYSCORE) {zskey} {zbound} {zbound} [WITHSCORES] [LIMIT {zoffset} {zlimit}]",
     EXACT),
    (1, "ZRANGESTORE {zskey} {zskey} {zrank} {zrank} [REV]", EXACT),
    (1, "(ZREMRANGEBYRANK {zskey} {zrank} {zrank}|ZREMRANGEBYSCORE {zskey} {zbound} {zbound})", EXACT),
    (1, "(ZPOPMIN|ZPOPMAX) {zskey} [{zcount}]", EXACT),
    (1, "ZMPOP {znumkeys} {zskey} [{zskey}]* (MIN|MAX) [COUNT {zcount}]", EXACT),
    (1, "(ZUNIONSTORE|ZINTERSTORE) {zskey} {znumkeys} {zskey} [{zskey}]* [WEIGHTS {zweight} {zweight}] "
        "[AGGREGATE {zagg}]", EXACT),
    (1, "(ZUNION|ZINTER|ZDIFF) {znumkeys} {zskey} [{zskey}]* [WITHSCORES]", EXACT),
    (1, "ZDIFFSTORE {zskey} {znumkeys} {zskey} [{zskey}]*", EXACT),
    (1, "ZRANDMEMBER {zskey} [{zrandcount} [WITHSCORES]]", TYPE_ONLY),
    (1, "ZRANDMEMBER {zskey} 1000 [WITHSCORES]", EXACT),
    (1, "ZSCAN {zskey} {zcursor} [MATCH {zpattern}] [COUNT {zscancount}]", TYPE_ONLY),
    (1, "ZSCAN {zskey} 0 MATCH {zsmember} COUNT 1000", EXACT),
    (1, "OBJECT ENCODING {zskey}", EXACT),
    # Skiplists and listpacks holding score 0 only, for the lex commands.
    (3, "ZADD {zlkey} [(NX|XX)] [CH] 0 {zsmember} [0 {zsmember}]*", EXACT),
    (1, "ZREM {zlkey} {zsmember} [{zsmember}]*", EXACT),
    (2, "ZRANGE {zlkey} {zlex} {zlex} BYLEX [REV] [LIMIT {zoffset} {zlimit}]", EXACT),
    (2, "(ZRANGEBYLEX|ZREVRANGEBYLEX) {zlkey} {zlex} {zlex} [LIMIT {zoffset} {zlimit}]", EXACT),
    (1, "ZLEXCOUNT {zlkey} {zlex} {zlex}", EXACT),
    (1, "ZREMRANGEBYLEX {zlkey} {zlex} {zlex}", EXACT),
    (1, "ZRANGESTORE {zlkey} {zlkey} {zlex} {zlex} BYLEX [REV] [LIMIT {zoffset} {zlimit}]", EXACT),
    (1, "(ZUNIONSTORE|ZINTERSTORE) {zlkey} {znumkeys} {zlkey} [{zlkey}]*", EXACT),
    (1, "ZRANGE {zlkey} 0 -1", EXACT),
    (1, "OBJECT ENCODING {zlkey}", EXACT),
]

POOLS = {
    "zmember": ["a", "b", "c", "d", "e", "m", "m", "x", "a", "b", "1", "2", "10", "-1", "01", "-0", "",
                "hello world", "\x00\xff", "caf\xc3\xa9", "9223372036854775808", "k0"],
    "zsmember": ["a", "b", "c", "m", "1", "10", "01", "", "\x00\xff", _LONG, _LONG + "b"],
    "zskey": ["zs0", "zs1", "zs0"],
    "zlkey": ["zl0", "zl1", "zl0"],
    "zscore": ["0", "1", "2", "3", "-1", "1.5", "-0", "inf", "-inf", "+inf", "0.1", "1e17", "10", "2.5e-3",
               "1", "2", "abc", "nan", "", "1e400", " 1", "0x10"],
    "zbound": ["-inf", "+inf", "0", "1", "(1", "2", "(2", "3", "-1", "(-inf", "(inf", "1.5", "(0", "-0", "10",
               "abc", "nan", "", "(", "1e400"],
    "zlex": ["-", "+", "[a", "(a", "[c", "(m", "[x", "[1", "(10", "[", "(", "a", "+x", ""],
    "zrank": ["0", "1", "2", "-1", "-2", "3", "5", "-100", "100", "abc", "9223372036854775807",
              "-9223372036854775808"],
    "zoffset": ["0", "1", "2", "-1", "5", "abc"],
    "zlimit": ["0", "1", "2", "-1", "10", "abc"],
    "zcount": ["0", "1", "2", "5", "-1", "abc", "100"],
    "znumkeys": ["1", "2", "2", "3", "0", "-1", "abc"],
    "zweight": ["1", "2", "0", "-1", "0.5", "inf", "abc"],
    "zagg": ["SUM", "MIN", "MAX", "max", "avg"],
    "zwhere": ["LEFT", "min", "Max"],
    "zrandcount": ["1", "2", "3", "-1", "-2", "-5"],
    "zrandfixed": ["1000", "0", "9223372036854775807", "-9223372036854775808", "abc", "1.5"],
    "zcursor": ["0", "1", "abc", "-1", ""],
    "zpattern": ["*", "a*", "*e*", "[ab]", "nomatch", "?"],
    "zscancount": ["1", "10", "0", "abc"],
    "zaddopt": ["NX", "XX", "GT", "LT", "CH", "INCR", "nx", "foo"],
    "zrangeopt": ["BYSCORE", "BYLEX", "REV", "WITHSCORES", "LIMIT", "0", "1", "foo"],
}
