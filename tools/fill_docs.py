#!/usr/bin/python3
"""Rewrites the CommandRow tables of family files so each row carries the oracle's argument grammar and
`since` version (the args/since columns). Rows keep name, arity, flags, keys, ACL, handler and key flags; the
summary column is dropped (summaries are written by hand, not copied).

usage: tools/fill_docs.py PORT src/commands/x_family.cc [...]
"""
import re
import subprocess
import sys

ROW = re.compile(r'\{"([a-z0-9|_-]+)",(.*?)\},', re.S)


def split_fields(body):
    fields, cur, quoted, esc = [], "", False, False
    for ch in body:
        if quoted:
            cur += ch
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
            cur += ch
        elif ch == ",":
            fields.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        fields.append(cur.strip())
    return fields


def main():
    port = sys.argv[1]
    for path in sys.argv[2:]:
        src = open(path).read()
        start = src.index("constexpr CommandRow kRows[] = {")
        end = src.index("\n};", start)
        head, table, tail = src[:start], src[start:end], src[end:]
        names = [m.group(1) for m in ROW.finditer(table)]
        out = subprocess.run(["/usr/bin/python3", "tools/oracle_args.py", port] + names, capture_output=True,
                             text=True, check=True).stdout
        docs = {}
        for line in out.splitlines():
            name, since, args = (line.split("\t") + ["", ""])[:3]
            docs[name] = (since, args)

        def fix(m):
            name = m.group(1)
            f = split_fields(m.group(2))
            base = f[:7]
            key_flags = f[7] if len(f) > 7 else '""'
            since, args = docs.get(name, ("", ""))
            row = '{"%s", %s, %s, "%s", "%s"},' % (name, ", ".join(base), key_flags, args, since)
            return row

        open(path, "w").write(head + ROW.sub(fix, table) + tail)
        print(path, len(names), "rows")


main()
