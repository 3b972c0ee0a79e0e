"""Unit tests of compat.py's parsing pieces: /usr/bin/python3 -m pytest -q tests/compat/selftest"""

import os
import random
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import compat  # noqa: E402

WHOLE_REPLIES = [
    b"+OK\r\n", b"-ERR x\r\n", b":-5\r\n", b"$-1\r\n", b"$0\r\n\r\n", b"$3\r\na\r\n\r\n",
    b"*-1\r\n", b"*0\r\n", b"*2\r\n$1\r\na\r\n*1\r\n:1\r\n", b"_\r\n", b",3.14\r\n", b"#t\r\n",
    b"(123456789012345678901234567890\r\n", b"=8\r\ntxt:ab\r\n\r\n", b"!5\r\nERR x\r\n",
    b"%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n_\r\n", b"~2\r\n:1\r\n:2\r\n", b">2\r\n+msg\r\n:1\r\n",
    b"|1\r\n+key\r\n:9\r\n$5\r\nhello\r\n", b"*1\r\n%1\r\n~1\r\n:1\r\n|1\r\n+a\r\n+b\r\n+c\r\n",
]


@pytest.mark.parametrize("raw", WHOLE_REPLIES)
def test_scan_reply_finds_the_end(raw):
    assert compat.scan_reply(raw + b"+NEXT\r\n") == len(raw)


@pytest.mark.parametrize("raw", WHOLE_REPLIES)
def test_every_prefix_is_incomplete(raw):
    for cut in range(len(raw)):
        with pytest.raises(compat.Incomplete):
            compat.scan_reply(raw[:cut])


@pytest.mark.parametrize("raw", [b"?x\r\n", b"$abc\r\n", b"*x\r\n", b"$-2\r\n", b"$1\r\nab\r\n",
                                 b"~-1\r\n"])
def test_malformed(raw):
    with pytest.raises(compat.Malformed):
        compat.scan_reply(raw)


def test_split_aggregate_and_unordered():
    a = compat.Reply("reply", b"*3\r\n$1\r\na\r\n$1\r\nb\r\n*1\r\n:1\r\n")
    b = compat.Reply("reply", b"*3\r\n*1\r\n:1\r\n$1\r\nb\r\n$1\r\na\r\n")
    c = compat.Reply("reply", b"*3\r\n*1\r\n:1\r\n$1\r\nb\r\n$1\r\nb\r\n")
    step = compat.Step("cmd", args=[b"KEYS"], compare=compat.UNORDERED)
    assert compat.replies_match(step, a, b)
    assert not compat.replies_match(step, a, c)
    m1 = compat.Reply("reply", b"%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n")
    m2 = compat.Reply("reply", b"%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n")
    m3 = compat.Reply("reply", b"%2\r\n+b\r\n:1\r\n+a\r\n:2\r\n")
    assert compat.replies_match(step, m1, m2)
    assert not compat.replies_match(step, m1, m3)


def test_approx_and_type_only():
    step = compat.Step("cmd", args=[b"PTTL"], compare=compat.APPROX, tolerance=10)
    r = lambda raw: compat.Reply("reply", raw)  # noqa: E731
    assert compat.replies_match(step, r(b":100\r\n"), r(b":95\r\n"))
    assert not compat.replies_match(step, r(b":100\r\n"), r(b":89\r\n"))
    assert not compat.replies_match(step, r(b":100\r\n"), r(b"$3\r\n100\r\n"))
    step = compat.Step("cmd", args=[b"TIME"], compare=compat.TYPE_ONLY)
    assert compat.replies_match(step, r(b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"), r(b"*1\r\n:1\r\n"))
    assert not compat.replies_match(step, r(b"*1\r\n:1\r\n"), r(b"-ERR\r\n"))


def test_timeouts_never_match():
    step = compat.Step("cmd", args=[b"GET", b"k"])
    t = compat.Reply("timeout", b"")
    assert not compat.replies_match(step, t, compat.Reply("timeout", b""))


def test_quote_arg_roundtrips_through_split_args():
    rng = random.Random(1)
    for _ in range(500):
        args = [bytes(rng.randrange(256) for _ in range(rng.randrange(6)))
                for _ in range(rng.randrange(1, 4))]
        line = " ".join(compat.quote_arg(a) for a in args)
        assert compat.split_args(line) == args


def test_proto_escapes_roundtrip():
    data = bytes(range(256))
    assert compat.unescape_proto(compat.escape_proto(data)) == data


def test_templates_expand():
    gen = compat.Generator(3)
    s1 = gen.stream(5, 40)
    s2 = compat.Generator(3).stream(5, 40)
    assert [st.args for st in s1.steps] == [st.args for st in s2.steps]
    assert len(s1.steps) == 40
    tree = compat._parse_template("A [B {key}]* (C | D E) [F]")
    seen = set()
    rng = random.Random(0)
    for _ in range(200):
        out = []
        compat._expand(tree, rng, out)
        seen.add(b" ".join(out))
        assert out[0] == b"A"
    assert b"A C" in seen and b"A D E" in seen and b"A C F" in seen
    with pytest.raises(ValueError):
        compat._parse_template("A [B")
    with pytest.raises(ValueError):
        compat._parse_template("A {nosuchpool}")


def test_case_files_parse():
    cases = os.path.join(os.path.dirname(__file__), "..", "cases")
    streams = compat.load_cases(cases)
    assert len(streams) > 50
    assert all(s.steps for s in streams)
