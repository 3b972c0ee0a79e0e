#!/usr/bin/python3
"""Prints the argument grammar of commands (the `args` column of a CommandRow) derived from the oracle's
COMMAND DOCS argument trees.

Grammar: `name:type` (type defaults to key for "key", else string; the type follows the last ':'), `TOKEN` (a pure token), `TOKEN=name:type`
(a token followed by its value), `(a|b)` one of, `{a b}` a block, suffix `?` optional, `...` multiple,
`+` multiple_token. Blocks and one-ofs may carry a name: `name(a|b)`, `name{a b}`, `TOKEN=name{a b}`.

usage: tools/oracle_args.py PORT COMMAND [COMMAND ...]   ('config|get' for subcommands)
"""
import sys

import redis


def text(x):
    return x.decode() if isinstance(x, bytes) else x


def as_dict(flat):
    if isinstance(flat, dict):
        return {text(k): v for k, v in flat.items()}
    return {text(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


def arg(a):
    d = as_dict(a)
    name, typ = text(d["name"]), text(d["type"])
    token = text(d.get("token")) if d.get("token") is not None else None
    flags = [text(f) for f in d.get("flags", [])]
    if typ == "pure-token":
        out = token
    else:
        if typ in ("oneof", "block"):
            inner = [arg(x) for x in d["arguments"]]
            body = ("(" + "|".join(inner) + ")") if typ == "oneof" else ("{" + " ".join(inner) + "}")
            core = name + body
        else:
            plain = (typ == "key" and name == "key") or (typ == "string" and name != "key" and ":" not in name)
            core = name if plain else name + ":" + typ
        out = (token + "=" + core) if token else core
    if "multiple_token" in flags:
        out += "+"
    if "multiple" in flags:
        out += "..."
    if "optional" in flags:
        out += "?"
    return out


def main():
    r = redis.Redis(port=int(sys.argv[1]))
    r.set_response_callback("COMMAND", lambda x, **kw: x)
    for name in sys.argv[2:]:
        docs = r.execute_command("COMMAND", "DOCS", name)
        docs = as_dict(docs)
        for cname, doc in docs.items():
            d = as_dict(doc)
            args = " ".join(arg(a) for a in d.get("arguments", []))
            print('%s\t%s\t%s' % (cname, text(d.get("since", b"")), args))
            subs = d.get("subcommands")
            if subs:
                for sname, sdoc in as_dict(subs).items():
                    sd = as_dict(sdoc)
                    print('%s\t%s\t%s' % (text(sname), text(sd.get("since", b"")),
                                          " ".join(arg(a) for a in sd.get("arguments", []))))


main()
