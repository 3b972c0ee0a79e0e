"""The stock redis-cli against the server."""


def test_cli_set_get(server):
    out = server.cli("set", "a", "b")
    assert out.returncode == 0
    assert out.stdout == "OK\n"
    assert server.cli("get", "a").stdout == "b\n"
    assert server.cli("get", "nokey").stdout == "\n"
    assert server.cli("ping").stdout == "PONG\n"


def test_cli_error_output(server):
    out = server.cli("nosuchcommand", "x")
    assert "ERR unknown command 'nosuchcommand', with args beginning with: 'x'" in out.stdout


def test_cli_repeat(server):
    server.cli("del", "x")
    out = server.cli("-r", "3", "incr", "x")
    assert out.returncode == 0
    assert out.stdout == "1\n2\n3\n"


def test_cli_scan(server):
    server.cli("flushall")
    keys = ["scan:%d" % i for i in range(300)] + ["other:%d" % i for i in range(20)]
    args = []
    for k in keys:
        args += [k, "v"]
    assert server.cli("mset", *args).stdout == "OK\n"
    out = server.cli("--scan")
    assert out.returncode == 0
    assert sorted(out.stdout.split()) == sorted(keys)
    out = server.cli("--scan", "--pattern", "other:*")
    assert sorted(out.stdout.split()) == sorted(k for k in keys if k.startswith("other:"))


def test_cli_pipe(server):
    server.cli("flushall")
    n = 3000
    lines = []
    for i in range(n):
        key, val = "pipe:%d" % i, "value-%d" % i
        lines.append("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(val), val))
    out = server.cli("--pipe", input="".join(lines))
    assert out.returncode == 0, out.stderr
    text = out.stdout + out.stderr
    assert "errors: 0, replies: %d" % n in text
    assert server.cli("dbsize").stdout == "%d\n" % n
    assert server.cli("get", "pipe:2999").stdout == "value-2999\n"


def test_cli_pipe_counts_errors(server):
    data = "SET a 1\r\nINCR a\r\nNOSUCH\r\nINCRBY a x\r\n"
    out = server.cli("--pipe", input=data)
    assert "errors: 2, replies: 4" in out.stdout + out.stderr


def test_cli_select_db(server):
    assert server.cli("-n", "3", "set", "dbkey", "three").stdout == "OK\n"
    assert server.cli("-n", "3", "get", "dbkey").stdout == "three\n"
    assert server.cli("-n", "0", "get", "dbkey").stdout == "\n"


def test_cli_resp3(server):
    # redis-cli -3 switches with HELLO 3; a RESP3 null prints as an empty line here
    server.cli("set", "r3", "v")
    assert server.cli("-3", "get", "r3").stdout == "v\n"
    assert server.cli("-3", "get", "nokey").stdout == "\n"
