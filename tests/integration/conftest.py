"""Fixtures that run the real server binary on a free loopback port.

CORVID_SERVER selects the binary (default /work/main/build/src/corvid-server, falling back to
build/src/corvid-server under this checkout). Pointing it at /usr/bin/redis-server runs the
same tests against the oracle; tests marked corvid_only are then skipped.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import redis

sys.path.insert(0, os.path.dirname(__file__))
from resp import Closed, RawConnection  # noqa: E402


def wait_until(predicate, limit=10.0, step=0.02):
    """Polls predicate() until it is true or limit seconds pass; returns its last value (a bounded wait)."""
    deadline = time.monotonic() + limit
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(step)
        value = predicate()
    return value

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_SERVER = "/work/main/build/src/corvid-server"
if not os.path.exists(DEFAULT_SERVER):
    DEFAULT_SERVER = os.path.join(REPO, "build", "src", "corvid-server")
SERVER_BIN = os.path.abspath(os.environ.get("CORVID_SERVER", DEFAULT_SERVER))
REDIS_CLI = os.environ.get("REDIS_CLI", "/usr/bin/redis-cli")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0


def is_oracle():
    """True when the binary under test is Redis itself rather than corvid."""
    return os.path.basename(SERVER_BIN).startswith("redis")


def pytest_collection_modifyitems(config, items):
    if not is_oracle():
        return
    skip = pytest.mark.skip(reason="corvid-specific; the binary is %s" % SERVER_BIN)
    for item in items:
        if "corvid_only" in item.keywords:
            item.add_marker(skip)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ServerProcess:
    """One server process. Started with start(), always stopped by its pid."""

    def __init__(self, workdir, args=(), config_text=None, port=None, binary=SERVER_BIN):
        self.dir = str(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.binary = binary
        self.port = port or free_port()
        self.config_path = None
        if config_text is not None:
            self.config_path = os.path.join(self.dir, "test.conf")
            with open(self.config_path, "w") as f:
                f.write(config_text)
        self.args = list(args)
        self.log_path = os.path.join(self.dir, "server.out")
        self.proc = None

    def argv(self):
        argv = [self.binary]
        if self.config_path:
            argv.append(self.config_path)  # the config file must come first
        argv += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir]
        if not self.config_path:
            argv += ["--save", "", "--appendonly", "no"]
        return argv + self.args

    def start(self, wait=True):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=self.dir,
                                         preexec_fn=_die_with_parent)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %s during start-up:\n%s"
                                   % (self.proc.returncode, self.output()))
            try:
                with RawConnection(self.port, timeout=2.0) as c:
                    reply = c.call("PING")
                # PONG, or NOAUTH when a password is configured: either way it is serving.
                if reply == b"PONG" or "NOAUTH" in str(reply):
                    return
            except (OSError, Closed):  # not listening yet, or exiting while we asked
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not answer PING within %.0fs:\n%s"
                           % (START_TIMEOUT, self.output()))

    def wait_exit(self, timeout=STOP_TIMEOUT):
        """Waits for the process to exit on its own; returns its exit status."""
        return self.proc.wait(timeout=timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Stops the server by pid and returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=STOP_TIMEOUT)
        return self.proc.returncode

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def client(self, **kwargs):
        kwargs.setdefault("decode_responses", True)
        kwargs.setdefault("socket_timeout", 30)
        return redis.Redis(host="127.0.0.1", port=self.port, **kwargs)

    def raw(self, timeout=10.0):
        return RawConnection(self.port, timeout=timeout)

    def cli(self, *args, input=None, timeout=60):
        """Runs redis-cli against this server; returns the CompletedProcess (text mode)."""
        return subprocess.run([REDIS_CLI, "-h", "127.0.0.1", "-p", str(self.port)] + list(args),
                              input=input, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def server_binary():
    if not os.path.exists(SERVER_BIN):
        pytest.fail("server binary %s does not exist (set CORVID_SERVER)" % SERVER_BIN)
    return SERVER_BIN


@pytest.fixture
def start_server(tmp_path, server_binary):
    """Factory: start_server(args=[...], config_text=None, wait=True) -> ServerProcess.

    Every server it starts is stopped by pid when the test ends.
    """
    started = []

    def start(args=(), config_text=None, wait=True, port=None):
        srv = ServerProcess(tmp_path / ("server%d" % len(started)), args=args,
                            config_text=config_text, port=port, binary=server_binary)
        started.append(srv)
        return srv.start(wait=wait)

    yield start
    for srv in started:
        srv.stop(signal.SIGKILL if srv.alive() else signal.SIGTERM)


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_binary):
    """One server shared by the tests of a module."""
    srv = ServerProcess(tmp_path_factory.mktemp("server"), binary=server_binary).start()
    yield srv
    srv.stop()


@pytest.fixture
def r(server):
    """A redis-py client (decode_responses=True) on an emptied server."""
    client = server.client()
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def r3(server):
    """A raw connection that has switched to RESP3 with HELLO 3, on an emptied server."""
    conn = server.raw()
    hello = conn.call("HELLO", "3")
    assert isinstance(hello, dict), "HELLO 3 did not answer with a map: %r" % (hello,)
    assert conn.call("FLUSHALL") == b"OK"
    yield conn
    conn.close()
