#!/usr/bin/python3
"""SAVE and start-up load time of an RDB file of streams, corvid against Redis in the same run.

Usage: bench/rdb_stream_save_load.py CORVID_BIN [--redis /usr/bin/redis-server] [--keys 1000000]

--keys is the total number of stream entries: 100 streams of 3 fields per entry, each with a consumer group
whose PEL holds a tenth of the entries. Reuses rdb_save_load.py's measurement (SAVE wall time, file size, logged
load time); ratios are corvid/Redis (lower is better for corvid).
"""
import sys

import rdb_save_load

STREAMS = 100


def fill_streams(c, n):
    per = max(n // STREAMS, 1)
    p = c.pipeline(transaction=False)
    for s in range(STREAMS):
        key = "stream:%d" % s
        for i in range(per):
            p.xadd(key, {"user": "u%d" % (i % 1000), "n": i, "payload": "x" * (i % 40)})
            if i % 1000 == 999:
                p.execute()
        p.xgroup_create(key, "g", id="0")
        p.xreadgroup("g", "c%d" % (s % 7), {key: ">"}, count=per // 10)
    p.execute()


if __name__ == "__main__":
    rdb_save_load.fill = fill_streams
    sys.exit(rdb_save_load.main())
