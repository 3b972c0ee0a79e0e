"""SLOWLOG, LATENCY (monitor and histograms) and INFO latencystats: reply shapes and contents that do not
depend on timing. Runs against Redis too (CORVID_SERVER=/usr/bin/redis-server)."""

import pytest
import redis


@pytest.fixture
def obs(r):
    r.config_set("slowlog-log-slower-than", 0)
    r.slowlog_reset()
    yield r
    r.config_set("slowlog-log-slower-than", 10000)
    r.config_set("slowlog-max-len", 128)
    r.config_set("latency-monitor-threshold", 0)
    r.config_set("latency-tracking", "yes")
    r.config_set("latency-tracking-info-percentiles", "50 99 99.9")
    r.execute_command("LATENCY", "RESET")


def raw_slowlog(r, n):
    return r.execute_command("SLOWLOG", "GET", n)


def test_slowlog_entry_fields(obs, server):
    obs.client_setname("obs-client")
    obs.set("k", "v")
    entries = raw_slowlog(obs, 1)
    assert len(entries) == 1
    eid, ts, dur, args, peer, name = entries[0]
    assert args == ["SET", "k", "v"]
    assert isinstance(eid, int) and isinstance(ts, int) and dur >= 0
    assert abs(ts - int(obs.time()[0])) <= 2
    assert peer == obs.client_info()["addr"]
    assert name == "obs-client"
    # ids grow; newest first
    obs.get("k")
    newer = raw_slowlog(obs, 2)
    assert newer[0][0] > newer[1][0] and newer[0][3] == ["GET", "k"]


def test_slowlog_truncates_arguments_and_long_strings(obs):
    obs.execute_command("DEL", *["k%d" % i for i in range(40)])
    args = raw_slowlog(obs, 1)[0][3]
    assert len(args) == 32
    assert args[:2] == ["DEL", "k0"] and args[30] == "k29"
    assert args[31] == "... (10 more arguments)"
    obs.set("long", "x" * 200)
    args = raw_slowlog(obs, 1)[0][3]
    assert args[2] == "x" * 128 + "... (72 more bytes)"


def test_slowlog_redacts_passwords_and_skips_exec(obs):
    with pytest.raises(redis.ResponseError):
        obs.execute_command("AUTH", "user", "secret")
    assert raw_slowlog(obs, 1)[0][3] == ["AUTH", "(redacted)", "(redacted)"]
    p = obs.pipeline(transaction=True)
    p.set("a", "1")
    p.incr("a")
    p.execute()
    names = [e[3][0].lower() for e in raw_slowlog(obs, 4)]
    assert names[:3] == ["incrby", "set", "multi"]
    assert "exec" not in names


def test_slowlog_len_reset_max_len_and_threshold(obs):
    obs.config_set("slowlog-max-len", 3)
    for i in range(10):
        obs.set("k%d" % i, i)
    assert obs.slowlog_len() == 3
    assert obs.execute_command("SLOWLOG", "RESET") in (b"OK", "OK", True)
    assert obs.slowlog_len() == 1  # the RESET itself is logged after it ran
    obs.config_set("slowlog-log-slower-than", -1)
    obs.execute_command("SLOWLOG", "RESET")
    obs.set("x", 1)
    assert obs.slowlog_len() == 0
    assert len(raw_slowlog(obs, -1)) == 0
    with pytest.raises(redis.ResponseError, match="count should be greater than or equal to -1"):
        raw_slowlog(obs, -2)


def test_latency_monitor_events(start_server):
    obs = start_server(args=["--enable-debug-command", "yes"]).client()
    obs.config_set("latency-monitor-threshold", 10)
    obs.execute_command("DEBUG", "SLEEP", "0.03")
    latest = obs.execute_command("LATENCY", "LATEST")
    events = {e[0]: e for e in latest}
    assert "command" in events
    name, when, last, worst = events["command"]
    assert last >= 30 and worst >= last and abs(when - int(obs.time()[0])) <= 2
    history = obs.execute_command("LATENCY", "HISTORY", "command")
    assert len(history) == 1 and history[0][1] == last
    graph = obs.execute_command("LATENCY", "GRAPH", "command")
    if isinstance(graph, bytes):
        graph = graph.decode()
    lines = graph.split("\n")
    assert lines[0] == "command - high %d ms, low %d ms (all time high %d ms)" % (last, last, worst)
    assert lines[1] == "-" * 80
    assert lines[5] == "_" and lines[7] == "0" and lines[8] == "s"
    doctor = obs.execute_command("LATENCY", "DOCTOR")
    if isinstance(doctor, bytes):
        doctor = doctor.decode()
    assert "1. command: 1 latency spikes" in doctor
    assert obs.execute_command("LATENCY", "RESET", "command", "nosuch") == 1
    assert obs.execute_command("LATENCY", "LATEST") == []
    with pytest.raises(redis.ResponseError, match="No samples available for event 'command'"):
        obs.execute_command("LATENCY", "GRAPH", "command")


def test_latency_histogram_and_info_latencystats(obs):
    obs.config_resetstat()
    for i in range(5):
        obs.set("h%d" % i, i)
    obs.config_get("maxmemory")
    reply = obs.execute_command("LATENCY", "HISTOGRAM", "set", "config")
    # redis-py flattens maps to lists in RESP2
    hist = dict(zip(reply[0::2], reply[1::2]))
    assert set(hist) == {"set", "config|get"} or set(hist) >= {"set", "config|get"}
    fields = dict(zip(hist["set"][0::2], hist["set"][1::2]))
    assert fields["calls"] == 5
    buckets = fields["histogram_usec"]
    counts = buckets[1::2]
    assert counts == sorted(counts) and counts[-1] == 5
    assert all(b in (1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16909, 33818)
               for b in buckets[0::2])
    info = obs.info("latencystats")
    line = info["latency_percentiles_usec_set"]
    assert set(line) == {"p50", "p99", "p99.9"}
    assert line["p50"] <= line["p99"] <= line["p99.9"]
    obs.config_set("latency-tracking-info-percentiles", "0 50 100")
    assert set(obs.info("latencystats")["latency_percentiles_usec_set"]) == {"p0", "p50", "p100"}
    obs.config_set("latency-tracking", "no")
    assert obs.info("latencystats") == {}
    obs.config_set("latency-tracking", "yes")
    obs.config_resetstat()
    assert "latency_percentiles_usec_set" not in obs.info("latencystats")
