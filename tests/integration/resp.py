"""A small raw RESP2/RESP3 client for the integration tests.

redis-py 4.3.4 has no RESP3, and the protocol-abuse tests need to send bytes no client library
would send, so these tests talk to the server over a plain socket with this module.
"""

import socket
import time


class ReplyError(Exception):
    """An error reply (-ERR ..., !blob error). str() is the message without the dash."""


class Closed(Exception):
    """The server closed the connection before a whole reply arrived."""


class Push(list):
    """A RESP3 out-of-band push message (> type)."""


class Verbatim(str):
    """A RESP3 verbatim string; .format holds its three-letter format."""


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RawConnection:
    """One TCP connection that sends raw bytes and parses RESP replies into Python values.

    Strings come back as bytes, integers as int, nulls as None, doubles as float, booleans as
    bool, maps as dict, sets as set (of hashable elements) and error replies as ReplyError
    *values* (returned, not raised) so a test can compare them.
    """

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("no complete reply within %.1fs" % self.timeout)
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(1 << 20)
        except ConnectionResetError:
            data = b""
        if not data:
            raise Closed("connection closed by the server")
        self.buf += data

    def _line(self, deadline):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill(deadline)

    def _exact(self, n, deadline):
        while len(self.buf) < n + 2:
            self._fill(deadline)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _parse(self, deadline):
        line = self._line(deadline)
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest
        if t == b"-":
            return ReplyError(rest.decode("utf-8", "replace"))
        if t == b":":
            return int(rest)
        if t == b"(":
            return int(rest)
        if t == b",":
            return float(rest.decode())
        if t == b"_":
            return None
        if t == b"#":
            return rest == b"t"
        if t in (b"$", b"!", b"="):
            n = int(rest)
            if n < 0:
                return None
            data = self._exact(n, deadline)
            if t == b"!":
                return ReplyError(data.decode("utf-8", "replace"))
            if t == b"=":
                v = Verbatim(data[4:].decode("utf-8", "replace"))
                v.format = data[:3].decode()
                return v
            return data
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self._parse(deadline) for _ in range(n)]
            if t == b"~":
                return set(items)
            if t == b">":
                return Push(items)
            return items
        if t in (b"%", b"|"):
            n = int(rest)
            d = {}
            for _ in range(n):
                k = self._parse(deadline)
                d[k] = self._parse(deadline)
            if t == b"|":
                return self._parse(deadline)  # attributes are dropped
            return d
        raise ValueError("not RESP: %r" % line[:80])

    def read(self):
        return self._parse(time.monotonic() + self.timeout)

    def read_line(self):
        """Returns the next raw line (without CRLF) as the server sent it."""
        return self._line(time.monotonic() + self.timeout)

    def call(self, *args):
        self.send(encode(*args))
        return self.read()

    def read_until_closed(self, limit=10.0):
        """Returns every byte received until the server closes the connection."""
        deadline = time.monotonic() + limit
        while True:
            try:
                self._fill(deadline)
            except Closed:
                data, self.buf = self.buf, b""
                return data

    def is_closed(self, wait=2.0):
        """True if the server has closed the connection (waits up to `wait` seconds)."""
        deadline = time.monotonic() + wait
        try:
            while True:
                self._fill(deadline)
        except Closed:
            return True
        except (socket.timeout, TimeoutError):
            return False
