#!/usr/bin/python3
"""A deliberately broken "server" used to prove that compat.py catches differences.

It takes redis-server's command line, starts the real redis-server ($BROKEN_REAL, default
/usr/bin/redis-server) on another loopback port with the same arguments, listens on the
requested --port itself and forwards every connection, damaging the replies as
$BROKEN_MODE says:

  none        forward unchanged (compat.py must then report no difference)
  errtext     "-ERR syntax error" becomes "-ERR Syntax error"
  embstr      OBJECT ENCODING "embstr" replies become "raw"
  resp3null   RESP3 nulls "_" become RESP2 "$-1"
  noclose     never close the client side when the server closes the connection
  lru         no damage in transit, but the server runs with maxmemory-policy allkeys-lru
              (shared integers are then not used: OBJECT REFCOUNT differs)
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading

MODE = os.environ.get("BROKEN_MODE", "none")
REAL = os.environ.get("BROKEN_REAL", "/usr/bin/redis-server")

REWRITES = {
    "errtext": [(b"-ERR syntax error\r\n", b"-ERR Syntax error\r\n")],
    "embstr": [(b"$6\r\nembstr\r\n", b"$3\r\nraw\r\n")],
    "resp3null": [(b"_\r\n", b"$-1\r\n")],
}


def die_with_parent():
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)
    except OSError:
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def damage(data):
    for old, new in REWRITES.get(MODE, []):
        data = data.replace(old, new)
    return data


def pump(src, dst, to_client):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(damage(data) if to_client else data)
    except OSError:
        pass
    if to_client and MODE == "noclose":
        return
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def main():
    argv = sys.argv[1:]
    if "--port" not in argv:
        print("broken_server.py: needs --port", file=sys.stderr)
        return 2
    i = argv.index("--port")
    port = int(argv[i + 1])
    backend = free_port()
    real_argv = [REAL] + argv[:i + 1] + [str(backend)] + argv[i + 2:]
    if MODE == "lru":
        real_argv += ["--maxmemory", "1gb", "--maxmemory-policy", "allkeys-lru"]
    child = subprocess.Popen(real_argv, preexec_fn=die_with_parent)

    def stop(_signum, _frame):
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    while True:
        client, _ = listener.accept()
        try:
            server = socket.create_connection(("127.0.0.1", backend), timeout=5)
            server.settimeout(None)
        except OSError:
            client.close()
            continue
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=pump, args=(client, server, False), daemon=True).start()
        threading.Thread(target=pump, args=(server, client, True), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
