#!/usr/bin/python3
"""Prints command-table rows (name, arity, flags, keys, ACL, key-spec flags) as the oracle redis-server reports
them in COMMAND INFO, to transcribe into a family's registration table.

usage: tools/oracle_rows.py PORT COMMAND [COMMAND ...]   (e.g. get set 'config|get')
"""
import sys

import redis


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def row(info):
    name, arity, flags, first, last, step, acl = info[:7]
    specs = info[8] if len(info) > 8 else []
    kflags = []
    for spec in specs:
        d = dict(zip(spec[::2], spec[1::2]))
        kflags.append(" ".join(text(f) for f in d.get(b"flags", [])))
    handler = "".join(p.capitalize() for p in text(name).replace("|", "_").replace("-", "_").split("_"))
    return '  {"%s", %d, "%s", %d, %d, %d, "%s", %s, "%s"},' % (
        text(name), arity, " ".join(text(f) for f in flags), first, last, step,
        " ".join(text(a) for a in acl), handler, " | ".join(kflags))


def main():
    r = redis.Redis(port=int(sys.argv[1]))
    r.set_response_callback("COMMAND", lambda x, **kw: x)
    for name in sys.argv[2:]:
        for info in r.execute_command("COMMAND", "INFO", name):
            if info is None:
                print("  // unknown:", name)
                continue
            print(row(info))
            for sub in (info[9] if len(info) > 9 else []):
                print(row(sub))


main()
