"""Random-stream rows for the geo commands (loaded by compat.py, which injects EXACT, UNORDERED, APPROX and
TYPE_ONLY).

The {gkey} keys hold points around Sicily, near the antimeridian and near the poles; searches use centres and
radii from small pools so that results are often non-empty and cross cell boundaries. Unsorted results (no
ASC/DESC, no COUNT) come out in cell-scan order on both servers, so they compare exactly too. GEOADD also runs
on the shared {key} pool to meet other types.
"""

_SEARCH_OPTS = "[WITHDIST] [WITHCOORD] [WITHHASH] [COUNT {gcount} [ANY]] [({gorder})]"

ROWS = [
    (6, "GEOADD {gkey} [({gaddopt})] {glon} {glat} {gmember} [{glon} {glat} {gmember}]*", EXACT),
    (1, "GEOADD {key} {glon} {glat} {gmember}", EXACT),
    (3, "GEOPOS {gkey} {gmember} [{gmember}]*", EXACT),
    (2, "GEOHASH {gkey} {gmember} [{gmember}]*", EXACT),
    (3, "GEODIST {gkey} {gmember} {gmember} [{gunit}]", EXACT),
    (4, "GEORADIUS {gkey} {glon} {glat} {gradius} {gunit} " + _SEARCH_OPTS, EXACT),
    (2, "GEORADIUSBYMEMBER {gkey} {gmember} {gradius} {gunit} " + _SEARCH_OPTS, EXACT),
    (1, "GEORADIUS_RO {gkey} {glon} {glat} {gradius} {gunit} " + _SEARCH_OPTS, EXACT),
    (2, "GEORADIUS {gkey} {glon} {glat} {gradius} {gunit} [COUNT {gcount}] (STORE|STOREDIST) {gkey}", EXACT),
    (4, "GEOSEARCH {gkey} (FROMMEMBER {gmember}|FROMLONLAT {glon} {glat}) (BYRADIUS {gradius} {gunit}|BYBOX"
        " {gradius} {gradius} {gunit}) " + _SEARCH_OPTS, EXACT),
    (2, "GEOSEARCHSTORE {gkey} {gkey} (FROMMEMBER {gmember}|FROMLONLAT {glon} {glat}) (BYRADIUS {gradius} {gunit}"
        "|BYBOX {gradius} {gradius} {gunit}) [COUNT {gcount}] [STOREDIST]", EXACT),
    (2, "ZRANGE {gkey} 0 -1 WITHSCORES", EXACT),
    (1, "ZREM {gkey} {gmember}", EXACT),
]

POOLS = {
    "gkey": ["geo0", "geo1", "geo0", "geo2"],
    "gaddopt": ["NX", "XX", "CH", "NX CH", "XX CH", "nx xx"],
    "glon": ["13.361389", "15.087269", "13.583333", "14", "15", "12.5", "179.9", "-179.9", "180", "-180", "0",
             "90", "13.36", "15.0873", "200", "abc"],
    "glat": ["38.115556", "37.502669", "37.316667", "37", "38", "36.5", "10", "-10", "84", "-84", "85.05112878",
             "0", "38.1155", "-45", "86", "x"],
    "gmember": ["Palermo", "Catania", "Agrigento", "a", "b", "c", "p1", "p2", "1", "nope"],
    "gradius": ["0", "1", "10", "50", "100", "150", "200", "500", "1000", "5000", "20000", "0.5", "-1", "x"],
    "gunit": ["m", "km", "KM", "mi", "ft", "km", "km", "parsec"],
    "gcount": ["1", "2", "3", "10", "0", "-1", "x"],
    "gorder": ["ASC", "DESC", "asc"],
}
