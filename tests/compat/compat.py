#!/usr/bin/python3
"""Differential compatibility runner: corvid against Debian's redis-server 7.0.15.

It starts both servers itself on free loopback ports, sends the same command stream to
both over plain sockets, and compares the raw bytes of every reply. It runs two kinds of
streams:

  * hand-written case files (tests/compat/cases/*.txt, see cases/README.md for the format);
  * seeded random streams built from the COMMANDS table below (--seed, --count).

Usage:
  compat.py --corvid BIN --redis BIN [--cases DIR] [--seed N] [--count N]

The last line printed is always `compat: P passed, F failed` (counted in streams), and the
exit status is non-zero on any difference or harness error.
"""

import argparse
import ctypes
import fnmatch
import os
import random
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

# --------------------------------------------------------------------------------------
# RESP encoding and raw reply scanning
# --------------------------------------------------------------------------------------


def encode_command(args):
    """Encodes a list of bytes arguments as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(b"\r\n")
    return b"".join(out)


class Incomplete(Exception):
    """The buffer does not hold a whole reply yet."""


class Malformed(Exception):
    """The bytes are not valid RESP2/RESP3."""


_LINE_TYPES = b"+-:_,#("  # single-line replies
_BULK_TYPES = b"$!="  # length-prefixed: bulk string, blob error, verbatim string
_AGG_TYPES = b"*~>"  # arrays, sets, pushes: N elements
_MAP_TYPES = b"%|"  # maps and attributes: 2N elements


def _read_line(buf, pos):
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    return buf[pos + 1 : end], end + 2


def _parse_len(text):
    try:
        return int(text)
    except ValueError:
        raise Malformed("bad length %r" % text) from None


def scan_reply(buf, pos=0):
    """Returns the end offset of the reply that starts at buf[pos].

    Raises Incomplete if more bytes are needed, Malformed for bytes that are not RESP.
    An attribute (|) is returned together with the reply it annotates.
    """
    if pos >= len(buf):
        raise Incomplete()
    t = buf[pos]
    line, nxt = _read_line(buf, pos)
    if t in _LINE_TYPES:
        return nxt
    if t in _BULK_TYPES:
        n = _parse_len(line)
        if n < 0:
            if t != ord("$") or n != -1:
                raise Malformed("bad bulk length %d" % n)
            return nxt
        end = nxt + n + 2
        if len(buf) < end:
            raise Incomplete()
        if buf[end - 2 : end] != b"\r\n":
            raise Malformed("bulk not terminated by CRLF")
        return end
    if t in _AGG_TYPES or t in _MAP_TYPES:
        n = _parse_len(line)
        if n < 0:
            if t != ord("*") or n != -1:
                raise Malformed("bad aggregate length %d" % n)
            return nxt
        count = n * 2 if t in _MAP_TYPES else n
        p = nxt
        for _ in range(count):
            p = scan_reply(buf, p)
        if t == ord("|"):
            p = scan_reply(buf, p)  # the attributed reply itself
        return p
    raise Malformed("unknown reply type byte %r" % bytes([t]))


def split_aggregate(raw):
    """Splits a raw aggregate reply into (header, [element raw bytes]).

    Map elements are returned as key+value pairs. Returns None for non-aggregates.
    """
    if not raw or raw[0] not in _AGG_TYPES + b"%":
        return None
    line, p = _read_line(raw, 0)
    n = int(line)
    if n < 0:
        return None
    header = raw[:p]
    elems = []
    for _ in range(n):
        q = scan_reply(raw, p)
        if raw[0] == ord("%"):
            q = scan_reply(raw, q)
        elems.append(raw[p:q])
        p = q
    return header, elems


# --------------------------------------------------------------------------------------
# Connections
# --------------------------------------------------------------------------------------

REPLY_TIMEOUT = 10.0  # seconds to wait for one reply before calling it a hang


class Reply:
    """What one server answered to one request.

    kind is "reply" (raw holds exactly one RESP reply), "closed" (the server closed the
    connection; raw holds any partial bytes), "timeout" (no whole reply in time; raw holds
    the partial bytes) or "malformed" (raw holds the unparseable bytes).
    """

    __slots__ = ("kind", "raw")

    def __init__(self, kind, raw):
        self.kind = kind
        self.raw = raw

    def key(self):
        return (self.kind, self.raw)

    def show(self, limit=1500):
        text = repr(self.raw)
        if len(text) > limit:
            text = text[:limit] + "... (%d bytes)" % len(self.raw)
        return text if self.kind == "reply" else "<%s> %s" % (self.kind, text)


class Conn:
    """One client connection speaking raw RESP."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=REPLY_TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.closed = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True

    def send(self, data):
        if self.closed:
            return
        try:
            self.sock.sendall(data)
        except OSError:
            # The peer may already have closed; the read side reports it.
            pass

    def _recv(self, timeout):
        """Reads once; returns False when the connection is closed, None on timeout."""
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(1 << 20)
        except socket.timeout:
            return None
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def read_reply(self, timeout=REPLY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            if self.buf:
                try:
                    end = scan_reply(self.buf)
                    raw, self.buf = self.buf[:end], self.buf[end:]
                    return Reply("reply", raw)
                except Incomplete:
                    pass
                except Malformed:
                    raw, self.buf = self.buf, b""
                    return Reply("malformed", raw)
            if self.closed:
                raw, self.buf = self.buf, b""
                return Reply("closed", raw)
            left = deadline - time.monotonic()
            if left <= 0:
                raw, self.buf = self.buf, b""
                return Reply("timeout", raw)
            self._recv(left)

    def command(self, args, timeout=REPLY_TIMEOUT):
        self.send(encode_command(args))
        return self.read_reply(timeout)


def drain_pair(conns, idle, limit):
    """Reads from each connection until it is closed or quiet for `idle` seconds.

    Used after raw protocol bytes, where the number of replies is unknown. Returns a Reply
    per connection whose raw holds everything received and kind "closed" or "open".
    """
    start = time.monotonic()
    last = [start] * len(conns)
    done = [c.closed for c in conns]
    while not all(done) and time.monotonic() - start < limit:
        now = time.monotonic()
        for i, c in enumerate(conns):
            if not done[i] and now - last[i] >= idle:
                done[i] = True
        waiting = [c.sock for i, c in enumerate(conns) if not done[i]]
        if not waiting:
            break
        ready, _, _ = select.select(waiting, [], [], 0.05)
        for i, c in enumerate(conns):
            if c.sock in ready and not done[i]:
                got = c._recv(0.01)
                if got is False:
                    done[i] = True
                elif got:
                    last[i] = time.monotonic()
    out = []
    for c in conns:
        raw, c.buf = c.buf, b""
        out.append(Reply("closed" if c.closed else "open", raw))
    return out


# --------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------

START_TIMEOUT = 20.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    # Linux: deliver SIGKILL to the server if this harness dies without cleaning up.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Server:
    """A server process started on a free loopback port, stopped by its pid."""

    def __init__(self, name, binary, workdir, extra_args=()):
        self.name = name
        # The server runs in its own directory, so a relative path must be made absolute.
        self.binary = os.path.abspath(binary) if os.sep in binary else binary
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.log_path = os.path.join(self.dir, "server.log")
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None

    def start(self):
        last_error = None
        for _attempt in range(5):
            self.port = free_port()
            argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", self.dir,
                    "--enable-debug-command", "yes"] + self.extra_args
            log = open(self.log_path, "ab")
            try:
                self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT, cwd=self.dir,
                                             preexec_fn=_die_with_parent)
            except OSError as e:
                raise RuntimeError("cannot run %s: %s" % (self.binary, e)) from None
            finally:
                log.close()
            try:
                self._wait_ready()
                return
            except RuntimeError as e:
                last_error = e
                self.stop()
        raise RuntimeError("%s did not start: %s\n%s" % (self.name, last_error, self.log_tail()))

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("exited with status %s" % self.proc.returncode)
            try:
                c = Conn(self.port)
            except OSError:
                time.sleep(0.05)
                continue
            try:
                r = c.command([b"PING"], timeout=2.0)
            finally:
                c.close()
            if r.kind == "reply" and r.raw == b"+PONG\r\n":
                return
            time.sleep(0.05)
        raise RuntimeError("no PONG within %.0fs" % START_TIMEOUT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.proc = None

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------------------
# Steps and streams
# --------------------------------------------------------------------------------------

# How a step's two replies are compared.
EXACT = "exact"  # byte for byte
UNORDERED = "unordered"  # top-level elements as multisets
TYPE_ONLY = "type"  # only the RESP type byte (random or time-dependent values)
APPROX = "approx"  # integers within a tolerance (TTL-like values); else exact


class Step:
    """One line of a stream."""

    __slots__ = ("op", "args", "raw", "compare", "tolerance", "conn", "origin")

    def __init__(self, op, args=None, raw=None, compare=EXACT, tolerance=0, conn=0, origin=""):
        self.op = op  # "cmd", "send", "read", "proto", "sleep", "reconnect"
        self.args = args  # list of bytes for "cmd"
        self.raw = raw  # bytes for "proto"; seconds for "sleep"
        self.compare = compare
        self.tolerance = tolerance
        self.conn = conn
        self.origin = origin  # "file:line" or "stream #i"

    def text(self):
        """The step written back in case-file syntax."""
        prefix = ""
        if self.conn:
            prefix += "!conn %d " % self.conn
        if self.op == "sleep":
            return prefix + "!sleep %g" % (self.raw * 1000)
        if self.op == "reconnect":
            return prefix + "!reconnect"
        if self.op == "send":
            return prefix + "!send " + " ".join(quote_arg(a) for a in self.args)
        if self.op == "proto":
            return prefix + "!proto " + escape_proto(self.raw)
        if self.compare == UNORDERED:
            prefix += "!unordered "
        elif self.compare == TYPE_ONLY:
            prefix += "!skip-value "
        elif self.compare == APPROX:
            prefix += "!approx %d " % self.tolerance
        if self.op == "read":
            return prefix + "!read"
        return (prefix + " ".join(quote_arg(a) for a in self.args or [])).rstrip()


class Stream:
    def __init__(self, name, steps, seed=None):
        self.name = name
        self.steps = steps
        self.seed = seed


# --------------------------------------------------------------------------------------
# Case-file syntax
# --------------------------------------------------------------------------------------

_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a", "\\": b"\\", '"': b'"'}
_HEX = "0123456789abcdefABCDEF"


class CaseError(Exception):
    pass


def split_args(line):
    """Splits a line like redis-cli does (sdssplitargs): returns a list of bytes.

    Double quotes allow \\n \\r \\t \\b \\a \\\\ \\" and \\xHH; single quotes allow only \\'.
    A closing quote must be followed by a space or the end of the line.
    """
    args = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        cur = bytearray()
        inq = insq = False
        while True:
            if inq:
                if i >= n:
                    raise CaseError("unbalanced double quotes")
                c = line[i]
                if c == "\\" and i + 3 < n and line[i + 1] == "x" and line[i + 2] in _HEX \
                        and line[i + 3] in _HEX:
                    cur.append(int(line[i + 2 : i + 4], 16))
                    i += 3
                elif c == "\\" and i + 1 < n:
                    i += 1
                    cur += _ESCAPES.get(line[i], line[i].encode())
                elif c == '"':
                    if i + 1 < n and line[i + 1] not in " \t":
                        raise CaseError("closing quote must be followed by a space")
                    inq = False
                    i += 1
                    break
                else:
                    cur += c.encode()
            elif insq:
                if i >= n:
                    raise CaseError("unbalanced single quotes")
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    i += 1
                    cur += b"'"
                elif c == "'":
                    if i + 1 < n and line[i + 1] not in " \t":
                        raise CaseError("closing quote must be followed by a space")
                    insq = False
                    i += 1
                    break
                else:
                    cur += c.encode()
            else:
                if i >= n:
                    break
                c = line[i]
                if c in " \t":
                    break
                if c == '"':
                    inq = True
                elif c == "'":
                    insq = True
                else:
                    cur += c.encode()
            i += 1
        args.append(bytes(cur))


def unescape_proto(text):
    """Turns the text after `!proto ` into bytes: \\r \\n \\t \\\\ \\xHH are escapes."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            d = text[i + 1]
            if d == "x" and i + 3 < len(text) and text[i + 2] in _HEX and text[i + 3] in _HEX:
                out.append(int(text[i + 2 : i + 4], 16))
                i += 4
                continue
            if d in "rnt\\":
                out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}[d]
                i += 2
                continue
        out += c.encode()
        i += 1
    return bytes(out)


def escape_proto(data):
    out = []
    for b in data:
        ch = chr(b)
        if ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\\":
            out.append("\\\\")
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def quote_arg(arg):
    plain = arg and all(33 <= b < 127 and b not in b"\"'\\" for b in arg)
    if plain:
        return arg.decode()
    out = ['"']
    for b in arg:
        ch = chr(b)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % b)
    out.append('"')
    return "".join(out)


def parse_step(line, origin):
    """Parses one non-blank, non-comment case line into a Step."""
    compare, tolerance, conn = EXACT, 0, 0
    rest = line.strip()
    while rest.startswith("!"):
        word, _, tail = rest.partition(" ")
        tail = tail.lstrip(" ")
        if word == "!unordered":
            compare = UNORDERED
        elif word == "!skip-value":
            compare = TYPE_ONLY
        elif word == "!approx":
            num, _, tail = tail.partition(" ")
            if not num.isdigit():
                raise CaseError("!approx needs a tolerance: !approx N COMMAND")
            compare, tolerance = APPROX, int(num)
        elif word == "!conn":
            num, _, tail = tail.partition(" ")
            if not num.isdigit():
                raise CaseError("!conn needs a number: !conn N COMMAND")
            conn = int(num)
        elif word == "!proto":
            # Everything after the single space that follows !proto is sent as it is,
            # leading and trailing spaces included.
            text = line.lstrip()
            at = text.find("!proto ")
            raw_text = text[at + len("!proto ") :] if at >= 0 else ""
            if not raw_text:
                raise CaseError("!proto needs bytes to send")
            return Step("proto", raw=unescape_proto(raw_text), conn=conn, origin=origin)
        elif word == "!sleep":
            try:
                ms = float(tail)
            except ValueError:
                raise CaseError("!sleep needs milliseconds") from None
            return Step("sleep", raw=ms / 1000.0, conn=conn, origin=origin)
        elif word == "!reconnect":
            return Step("reconnect", conn=conn, origin=origin)
        elif word == "!read":
            return Step("read", compare=compare, tolerance=tolerance, conn=conn, origin=origin)
        elif word == "!send":
            args = split_args(tail)
            if not args:
                raise CaseError("!send needs a command")
            return Step("send", args=args, conn=conn, origin=origin)
        else:
            raise CaseError("unknown directive %s" % word)
        rest = tail
    args = split_args(rest)
    if not args:
        raise CaseError("no command")
    return Step("cmd", args=args, compare=compare, tolerance=tolerance, conn=conn,
                origin=origin)


def load_case_file(path):
    """Returns the streams of one case file; blank lines separate streams."""
    streams, steps = [], []
    base = os.path.basename(path)
    start = None
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            stripped = line.strip()
            if not stripped:
                if steps:
                    streams.append(Stream("%s:%d" % (base, start), steps))
                steps = []
                continue
            if stripped.startswith("#"):
                continue
            origin = "%s:%d" % (base, lineno)
            try:
                steps.append(parse_step(line, origin))
            except CaseError as e:
                raise CaseError("%s: %s" % (origin, e)) from None
            if start is None or len(steps) == 1:
                start = lineno
    if steps:
        streams.append(Stream("%s:%d" % (base, start), steps))
    return streams


def load_cases(directory, pattern="*"):
    files = sorted(f for f in os.listdir(directory) if f.endswith(".txt"))
    streams = []
    for f in files:
        if fnmatch.fnmatch(f, pattern) or fnmatch.fnmatch(f[:-4], pattern):
            streams.extend(load_case_file(os.path.join(directory, f)))
    return streams


# --------------------------------------------------------------------------------------
# Random streams
# --------------------------------------------------------------------------------------
#
# COMMANDS is the generator's table: one row per command shape, (weight, template, compare).
# To cover a new family, append rows. Template syntax, tokens separated by spaces:
#   WORD          a literal argument
#   {name}        a value drawn from the pool POOLS[name]
#   [ ... ]       optional group (taken half of the time)
#   [ ... ]*      group repeated 0 to 3 times
#   ( a | b c )   one of the alternatives (each may be a sequence)
# Brackets and bars must stand apart as tokens only when they are template syntax; values that
# need them (glob patterns) come from pools.

COMMANDS = [
    # strings
    # SET with a past EXAT/PXAT stores the key anyway, and DBSIZE counts it until the active
    # expire cycle runs: only future absolute times here (past ones are in the case files).
    (8, "SET {key} {val} [(NX|XX)] [GET] [(EX {ttl}|PX {ttlms}|EXAT {futureat}|PXAT {futureatms}|KEEPTTL)]", EXACT),
    (2, "SET {key} {val} (EX|PX|EXAT|PXAT) {badttl}", EXACT),
    (1, "SET {key} {val} {setopt} [{setopt}] [{setopt}]", EXACT),
    (6, "GET {key}", EXACT),
    (2, "GETEX {key} [(EX {ttl}|PX {ttlms}|EXAT {at}|PXAT {atms}|PERSIST)]", EXACT),
    (1, "GETEX {key} {setopt} [{int}]", EXACT),
    (2, "GETDEL {key}", EXACT),
    (2, "GETSET {key} {val}", EXACT),
    (3, "MGET {key} [{key}]*", EXACT),
    (3, "MSET {key} {val} [{key} {val}]*", EXACT),
    (2, "MSETNX {key} {val} [{key} {val}]*", EXACT),
    (2, "SETNX {key} {val}", EXACT),
    (2, "SETEX {key} ({ttl}|{badttl}) {val}", EXACT),
    (2, "PSETEX {key} ({ttlms}|{badttl}) {val}", EXACT),
    (4, "APPEND {key} {val}", EXACT),
    (3, "STRLEN {key}", EXACT),
    (3, "GETRANGE {key} {offset} {offset}", EXACT),
    (1, "SUBSTR {key} {offset} {offset}", EXACT),
    (3, "SETRANGE {key} {setoffset} {val}", EXACT),
    (4, "INCR {key}", EXACT),
    (3, "DECR {key}", EXACT),
    (3, "INCRBY {key} {int}", EXACT),
    (3, "DECRBY {key} {int}", EXACT),
    (4, "INCRBYFLOAT {key} {float}", EXACT),
    (2, "LCS {key} {key} [LEN] [IDX] [MINMATCHLEN {smallint}] [WITHMATCHLEN]", EXACT),
    (5, "OBJECT ENCODING {key}", EXACT),
    (1, "OBJECT REFCOUNT {key}", EXACT),
    (1, "OBJECT IDLETIME {key}", APPROX, 2),
    (1, "OBJECT FREQ {key}", EXACT),
    # keyspace
    (3, "DEL {key} [{key}]*", EXACT),
    (2, "UNLINK {key} [{key}]*", EXACT),
    (3, "EXISTS {key} [{key}]*", EXACT),
    (3, "TYPE {key}", EXACT),
    (2, "KEYS {pattern}", UNORDERED),
    (2, "RENAME {key} {key}", EXACT),
    (2, "RENAMENX {key} {key}", EXACT),
    (2, "MOVE {key} {db}", EXACT),
    (2, "COPY {key} {key} [DB {db}] [REPLACE]", EXACT),
    (2, "DBSIZE", EXACT),
    (1, "SELECT {db}", EXACT),
    (1, "SWAPDB {db} {db}", EXACT),
    (0.3, "FLUSHDB [(ASYNC|SYNC)]", EXACT),
    (0.2, "FLUSHALL [(ASYNC|SYNC)]", EXACT),
    # GT/LT only where the outcome cannot hinge on a millisecond passing between two
    # relative expires of the same length: with absolute times, or with times in the past.
    (3, "(EXPIRE|PEXPIRE) {key} ({ttl}|{badttl}|0|-5) [(NX|XX)]", EXACT),
    (1, "(EXPIRE|PEXPIRE) {key} ({badttl}|0|-5) (GT|LT)", EXACT),
    (2, "(EXPIREAT|PEXPIREAT) {key} ({at}|{atms}|{badttl}|1) [(NX|XX|GT|LT)]", EXACT),
    (1, "EXPIRE {key} {ttl} {setopt} [{setopt}]", EXACT),
    (2, "PERSIST {key}", EXACT),
    (3, "TTL {key}", APPROX, 1),
    (2, "PTTL {key}", APPROX, 1500),
    (2, "EXPIRETIME {key}", APPROX, 1),
    (2, "PEXPIRETIME {key}", APPROX, 1500),
    (2, "TOUCH {key} [{key}]*", EXACT),
    # connection
    (1, "PING [{val}]", EXACT),
    (1, "ECHO {val}", EXACT),
    (0.5, "HELLO (2|3)", TYPE_ONLY),
    (0.5, "CLIENT SETNAME {name}", EXACT),
    (0.5, "CLIENT GETNAME", EXACT),
]

_LONG = "".join(chr(ord("a") + (i * 7) % 26) for i in range(300))

POOLS = {
    "key": ["k0", "k1", "k2", "k3", "k4", "k0", "k1", "k2", "k3", "k4",
            "k5", "k6", "k7", "k8", "k9"],
    "val": ["", "0", "1", "-1", "42", "9999", "10000", "-0", " 1", "01", "+1", "1.5",
            "-2.5e3", "3.0", "0.1", "inf", "nan", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "12345678901234567890",
            "abc", "hello world", "ohai", "\x00\xff\r\n", "\xe2\x82\xac", "a" * 44, "b" * 45,
            "c" * 43, _LONG, "1" * 20, "1" * 21],
    "int": ["0", "1", "-1", "5", "100", "-100", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "abc", "1.5", "", " 3", "3 "],
    "smallint": ["0", "1", "2", "3", "5", "-1", "x"],
    "float": ["0", "1", "1.5", "-1.5", "0.1", "1e3", "-0", "3", "5.0e3", "1e308", "-1e308",
              "inf", "-inf", "nan", "abc", "", "1e-5", "0x10", "1.7976931348623157e308"],
    "ttl": ["100", "1000", "86400", "4611686018427387"],
    "ttlms": ["100000", "1000000", "86400000"],
    "at": ["4000000000", "1"],
    "atms": ["4000000000000", "1000"],
    "futureat": ["4000000000", "3000000000"],
    "futureatms": ["4000000000000", "3000000000123"],
    "badttl": ["0", "-1", "abc", "9223372036854775807", "-9223372036854775808", "1.5", ""],
    "offset": ["0", "1", "2", "-1", "-2", "5", "-100", "100", "9223372036854775807", "abc"],
    "setoffset": ["0", "1", "3", "10", "44", "-1", "536870912", "abc"],
    "db": ["0", "1", "2", "0", "1", "16", "-1", "x"],
    "pattern": ["*", "k*", "k[0-4]", "?1", "k\\*", "*[", "nomatch", "k[^1]*"],
    "setopt": ["NX", "XX", "GET", "KEEPTTL", "EX", "PX", "PERSIST", "IDX", "10", "nx"],
    "name": ["conn", "", "a b", "x\ny", "ok-name", "caf\xc3\xa9"],
}


def _load_generator_extensions():
    """Adds the rows and pools of every tests/compat/gen/*.py (one module per command family: ROWS, a list of
    (weight, template, compare[, tolerance]) like COMMANDS, and POOLS, a dict merged into POOLS)."""
    import importlib.util
    gen_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen")
    if not os.path.isdir(gen_dir):
        return
    for name in sorted(os.listdir(gen_dir)):
        if not name.endswith(".py") or name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location("compat_gen_" + name[:-3], os.path.join(gen_dir, name))
        mod = importlib.util.module_from_spec(spec)
        mod.EXACT, mod.UNORDERED, mod.APPROX, mod.TYPE_ONLY = EXACT, UNORDERED, APPROX, TYPE_ONLY
        spec.loader.exec_module(mod)
        COMMANDS.extend(getattr(mod, "ROWS", []))
        POOLS.update(getattr(mod, "POOLS", {}))


_load_generator_extensions()

_TOKEN_RE = re.compile(r"\]\*|[\[\]()|]|[^\s\[\]()|]+")


def _parse_template(text):
    tokens = _TOKEN_RE.findall(text)
    pos = 0

    def seq(stop):
        nonlocal pos
        items = []
        while pos < len(tokens) and tokens[pos] not in stop:
            tok = tokens[pos]
            pos += 1
            if tok == "[":
                inner = seq(("]", "]*"))
                if pos >= len(tokens):
                    raise ValueError("unclosed [ in %r" % text)
                items.append(("rep" if tokens[pos] == "]*" else "opt", inner))
                pos += 1
            elif tok == "(":
                alts = [seq(("|", ")"))]
                while pos < len(tokens) and tokens[pos] == "|":
                    pos += 1
                    alts.append(seq(("|", ")")))
                if pos >= len(tokens) or tokens[pos] != ")":
                    raise ValueError("unclosed ( in %r" % text)
                pos += 1
                items.append(("alt", alts))
            elif tok.startswith("{") and tok.endswith("}"):
                if tok[1:-1] not in POOLS:
                    raise ValueError("unknown pool %s in %r" % (tok, text))
                items.append(("pool", tok[1:-1]))
            else:
                items.append(("lit", tok))
        return items

    tree = seq(())
    if pos != len(tokens):
        raise ValueError("stray %r in %r" % (tokens[pos], text))
    return tree


def _expand(tree, rng, out):
    for kind, val in tree:
        if kind == "lit":
            out.append(val.encode("latin-1"))
        elif kind == "pool":
            out.append(rng.choice(POOLS[val]).encode("latin-1"))
        elif kind == "opt":
            if rng.random() < 0.5:
                _expand(val, rng, out)
        elif kind == "rep":
            for _ in range(rng.randint(0, 3)):
                _expand(val, rng, out)
        elif kind == "alt":
            _expand(rng.choice(val), rng, out)


class Generator:
    """Builds reproducible random streams from COMMANDS."""

    def __init__(self, seed):
        self.seed = seed
        self.rows = []
        for row in COMMANDS:
            weight, template, compare = row[:3]
            tolerance = row[3] if len(row) > 3 else 0
            self.rows.append((weight, _parse_template(template), compare, tolerance))
        self.weights = [r[0] for r in self.rows]

    def stream(self, index, length=50):
        rng = random.Random("%d/%d" % (self.seed, index))
        steps = []
        for _ in range(length):
            _w, tree, compare, tolerance = rng.choices(self.rows, self.weights)[0]
            args = []
            _expand(tree, rng, args)
            roll = rng.random()
            if roll < 0.03 and len(args) > 1:
                args = args[: rng.randrange(1, len(args))]  # too few arguments
            elif roll < 0.06:
                args.append(rng.choice([b"extra", b"EX", b"1"]))  # one too many
            if rng.random() < 0.1:
                args[0] = bytes(c ^ 0x20 if rng.random() < 0.5 and chr(c).isalpha() else c
                                for c in args[0])  # odd casing
            steps.append(Step("cmd", args=args, compare=compare, tolerance=tolerance,
                              origin="random stream %d" % index))
        return Stream("random seed=%d stream=%d" % (self.seed, index), steps, seed=self.seed)


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def replies_match(step, a, b):
    if a.kind != b.kind or a.kind == "timeout":
        return False  # a hang is never a match, even when both hang
    if a.kind != "reply":
        return a.raw == b.raw
    if step.compare == EXACT or a.raw == b.raw:
        return a.raw == b.raw
    if step.compare == TYPE_ONLY:
        return a.raw[:1] == b.raw[:1]
    if step.compare == UNORDERED:
        sa, sb = split_aggregate(a.raw), split_aggregate(b.raw)
        if sa is None or sb is None:
            return False
        return sa[0] == sb[0] and sorted(sa[1]) == sorted(sb[1])
    if step.compare == APPROX:
        # Line by line, so integers nested in arrays (XPENDING idle times, XINFO seen-time) get the tolerance too.
        la, lb = a.raw.split(b"\r\n"), b.raw.split(b"\r\n")
        if len(la) != len(lb):
            return False
        for x, y in zip(la, lb):
            if x == y:
                continue
            if x[:1] != b":" or y[:1] != b":":
                return False
            try:
                if abs(int(x[1:]) - int(y[1:])) > step.tolerance:
                    return False
            except ValueError:
                return False
        return True
    return False


class Difference(Exception):
    def __init__(self, stream, index, reply_a, reply_b, note=""):
        super().__init__("difference")
        self.stream = stream
        self.index = index
        self.reply_a = reply_a
        self.reply_b = reply_b
        self.note = note


class PairRunner:
    """Runs streams against the two servers (a = corvid, b = redis)."""

    def __init__(self, server_a, server_b):
        self.a = server_a
        self.b = server_b

    def _open(self, setup):
        pair = (Conn(self.a.port), Conn(self.b.port))
        for c in pair:
            for args in setup:
                r = c.command(args)
                if r.kind != "reply" or r.raw.startswith(b"-"):
                    raise RuntimeError("setup command %r failed: %s" % (args, r.show()))
        return pair

    def run(self, stream, dump=None):
        """Runs one stream; raises Difference on the first mismatch."""
        conns = {}
        try:
            conns[0] = self._open([[b"FLUSHALL"], [b"SELECT", b"0"], [b"HELLO", b"2"]])
            for i, step in enumerate(stream.steps):
                if step.op == "sleep":
                    time.sleep(step.raw)
                    continue
                pair = conns.get(step.conn)
                if step.op == "reconnect":
                    if pair:
                        for c in pair:
                            c.close()
                    conns.pop(step.conn, None)
                    continue
                if pair is None or pair[0].closed or pair[1].closed:
                    if pair:
                        for c in pair:
                            c.close()
                    pair = conns[step.conn] = self._open([[b"HELLO", b"2"], [b"SELECT", b"0"]])
                if step.op == "proto":
                    for c in pair:
                        c.send(step.raw)
                    ra, rb = drain_pair(pair, idle=0.25, limit=5.0)
                    if ra.key() != rb.key():
                        # Give a slow server a second chance before calling it a difference.
                        ea, eb = drain_pair(pair, idle=1.0, limit=5.0)
                        ra = Reply(ea.kind, ra.raw + ea.raw)
                        rb = Reply(eb.kind, rb.raw + eb.raw)
                    ok = ra.key() == rb.key()
                elif step.op == "send":
                    data = encode_command(step.args)
                    pair[0].send(data)
                    pair[1].send(data)
                    continue
                else:
                    if step.op == "cmd":
                        data = encode_command(step.args)
                        pair[0].send(data)
                        pair[1].send(data)
                    ra = pair[0].read_reply()
                    rb = pair[1].read_reply()
                    ok = replies_match(step, ra, rb)
                if dump is not None:
                    dump("%-40s %s" % (step.text()[:120], rb.show(300)))
                if not ok:
                    raise Difference(stream, i, ra, rb)
        finally:
            for pair in conns.values():
                for c in pair:
                    c.close()


def report_difference(d, names, out, seed, max_history=200):
    s = d.stream
    out.write("\n=== DIFFERENCE in %s at step %d (%s)\n" % (s.name, d.index + 1,
                                                           s.steps[d.index].origin))
    out.write("seed: %d%s\n" % (seed, "" if s.seed is not None else " (case streams do not use it)"))
    out.write("command stream so far (case-file syntax):\n")
    first = max(0, d.index + 1 - max_history)
    if first:
        out.write("   ... %d earlier steps omitted\n" % first)
    for j in range(first, d.index + 1):
        out.write("%s %4d  %s\n" % (">>" if j == d.index else "  ", j + 1, s.steps[j].text()))
    out.write("%-7s replied: %s\n" % (names[0], d.reply_a.show()))
    out.write("%-7s replied: %s\n" % (names[1], d.reply_b.show()))
    if d.note:
        out.write(d.note + "\n")
    out.flush()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corvid", required=True, help="server under test")
    ap.add_argument("--redis", required=True, help="oracle redis-server")
    ap.add_argument("--cases", help="directory of *.txt case files")
    ap.add_argument("--filter", default="*", help="glob over case file names (default *)")
    ap.add_argument("--seed", type=int, help="seed of the random streams (default: time)")
    ap.add_argument("--count", type=int,
                    help="random streams to run (default 0 with --cases, else 100)")
    ap.add_argument("--length", type=int, default=50, help="commands per random stream")
    ap.add_argument("--stream", type=int, help="run only this random stream index")
    ap.add_argument("--max-failures", type=int, default=1,
                    help="stop after this many failing streams (0 = never stop)")
    ap.add_argument("--dump", action="store_true", help="print every step and its oracle reply")
    args = ap.parse_args(argv)

    count = args.count if args.count is not None else (0 if args.cases else 100)
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    if count < 0 or args.length < 1 or args.length > 10000 or count > 1000000:
        ap.error("bad --count or --length")

    try:
        streams = load_cases(args.cases, args.filter) if args.cases else []
    except (OSError, CaseError) as e:
        print("compat: cannot load cases: %s" % e, file=sys.stderr)
        print("compat: 0 passed, 1 failed")
        return 2
    if args.cases and not streams:
        print("compat: no case streams found in %s" % args.cases, file=sys.stderr)
        print("compat: 0 passed, 1 failed")
        return 2

    passed = failed = 0
    out = sys.stdout
    names = ("corvid", "redis")
    workdir = tempfile.mkdtemp(prefix="corvid-compat-")
    servers = [Server("corvid", args.corvid, workdir), Server("redis", args.redis, workdir)]

    def on_signal(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    try:
        for s in servers:
            s.start()
        runner = PairRunner(*servers)
        gen = Generator(seed)
        if count:
            print("compat: random streams with --seed %d --count %d" % (seed, count))
        if args.stream is not None:
            randoms = [gen.stream(args.stream, args.length)]
        else:
            randoms = (gen.stream(i, args.length) for i in range(count))

        def all_streams():
            yield from streams
            yield from randoms

        for stream in all_streams():
            dump = (lambda line: print("   " + line)) if args.dump else None
            if args.dump:
                print("-- %s" % stream.name)
            try:
                runner.run(stream, dump)
                passed += 1
            except Difference as d:
                failed += 1
                report_difference(d, names, out, seed)
                if stream.seed is not None:
                    idx = int(stream.name.rsplit("=", 1)[1])
                    out.write("reproduce: compat.py --corvid %s --redis %s --seed %d "
                              "--length %d --stream %d\n"
                              % (args.corvid, args.redis, stream.seed, args.length, idx))
            except (OSError, RuntimeError) as e:
                failed += 1
                out.write("\n=== ERROR in %s: %s\n" % (stream.name, e))
            for s, name in zip(servers, names):
                if not s.alive():
                    out.write("\n=== %s died (exit status %s) during %s; log tail:\n%s\n"
                              % (name, s.proc.returncode, stream.name, s.log_tail()))
                    failed += 1
                    raise SystemExit(1)
            if failed and args.max_failures and failed >= args.max_failures:
                out.write("compat: stopping after %d failure(s) (--max-failures)\n" % failed)
                break
    except KeyboardInterrupt as e:
        out.write("compat: interrupted (%s)\n" % e)
        failed += 1
    except RuntimeError as e:
        out.write("compat: %s\n" % e)
        failed += 1
    except SystemExit:
        pass
    finally:
        for s in servers:
            s.stop()
        if failed == 0:
            _remove_tree(workdir)
        else:
            out.write("compat: server logs kept in %s\n" % workdir)
        print("compat: %d passed, %d failed" % (passed, failed))
        out.flush()
    return 1 if failed else 0


def _remove_tree(path):
    for root, dirs, files in os.walk(path, topdown=False):
        for f in files:
            os.unlink(os.path.join(root, f))
        for d in dirs:
            os.rmdir(os.path.join(root, d))
    os.rmdir(path)


if __name__ == "__main__":
    sys.exit(main())
