"""ACL users (Redis 7.0.15 semantics) through redis-py and redis-cli: rules and their rendering, AUTH/HELLO,
command/key/channel enforcement (also in MULTI and scripts), the ACL LOG, the ACL file, `user` config lines,
CONFIG REWRITE and the disconnection of clients of deleted users. Passes against redis-server 7.0.15 too
(CORVID_SERVER=/usr/bin/redis-server)."""

import hashlib
import threading

import pytest
import redis

from conftest import wait_until


def err(fn, *args, **kwargs):
    """The error text a call raises (fails the test when it succeeds)."""
    with pytest.raises(redis.RedisError) as e:
        fn(*args, **kwargs)
    return str(e.value)


def acl_list(r):
    return r.execute_command("ACL", "LIST")


def user_line(r, name):
    return [line for line in acl_list(r) if line.startswith("user %s " % name)][0]


# ---- rules and rendering ----

@pytest.mark.parametrize("rules, expected", [
    ([], "user u off resetchannels -@all"),
    (["on", "nopass", "allkeys", "allchannels", "allcommands"], "user u on nopass ~* &* +@all"),
    (["+@all", "-get"], "user u off resetchannels +@all -get"),
    (["-@all", "+get"], "user u off resetchannels -@all +get"),
    (["+@hash", "-hget"], "user u off resetchannels -@all +@hash -hget"),
    (["+@all", "-@dangerous"], "user u off resetchannels +@all -@dangerous"),
    (["~a*", "%R~r*", "%W~w*", "%RW~b", "&ch*"], "user u off ~a* %R~r* %W~w* ~b resetchannels &ch* -@all"),
    (["-@all", "+config|get"], "user u off resetchannels -@all +config|get"),
    (["+@all", "-config|set"], "user u off resetchannels +@all -config|set"),
    (["-@all", "+select|0"], "user u off resetchannels -@all +select|0"),
    ([">pw", "on", "~*", "+@read"],
     "user u on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* resetchannels -@all +@read"),
    (["on", "(~a +get)", "(%R~b &c +@hash)"],
     "user u on resetchannels -@all (~a resetchannels -@all +get) (%R~b resetchannels &c -@all +@hash)"),
    (["on", ">x", "reset"], "user u off sanitize-payload resetchannels -@all"),
])
def test_setuser_renders_as_redis(r, rules, expected):
    r.execute_command("ACL", "DELUSER", "u")
    assert r.execute_command("ACL", "SETUSER", "u", *rules) == "OK"
    assert user_line(r, "u") == expected
    r.execute_command("ACL", "DELUSER", "u")


def test_setuser_errors(r):
    def setuser(*rules):
        return err(r.execute_command, "ACL", "SETUSER", "e", *rules)
    assert setuser("bogus") == "Error in ACL SETUSER modifier 'bogus': Syntax error"
    assert setuser("+nosuch") == "Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL"
    assert setuser("+@nosuch") == "Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL"
    assert "Adding a pattern after the * pattern (or the 'allkeys' flag)" in setuser("allkeys", "~a")
    assert "Adding a pattern after the * pattern (or the 'allchannels' flag)" in setuser("allchannels", "&a")
    assert setuser("<nope") == ("Error in ACL SETUSER modifier '<nope': The password you are trying to remove from "
                                "the user does not exist")
    assert "must be exactly 64 characters" in setuser("#abc")
    assert setuser("+config|get|x") == ("Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a "
                                        "subcommand is not supported")
    assert setuser("%X~k") == "Error in ACL SETUSER modifier '%X~k': Syntax error"
    assert setuser("(~a", "+get") == "Unmatched parenthesis in acl selector starting at '(~a'."
    assert err(r.execute_command, "ACL", "SETUSER", "a b") == "Usernames can't contain spaces or null characters"
    # A failed SETUSER changes nothing, not even the rules before the bad one.
    assert "e" not in r.execute_command("ACL", "USERS")
    r.execute_command("ACL", "SETUSER", "e", "on")
    setuser("off", "bogus")
    assert user_line(r, "e") == "user e on resetchannels -@all"
    r.execute_command("ACL", "DELUSER", "e")


def test_getuser_shape(r):
    r.execute_command("ACL", "SETUSER", "g", "on", ">p", "~k*", "%R~r*", "&c*", "-@all", "+get", "(~s* +set)")
    info = r.execute_command("ACL", "GETUSER", "g")
    assert info[0::2] == ["flags", "passwords", "commands", "keys", "channels", "selectors"]
    d = dict(zip(info[0::2], info[1::2]))
    assert d["flags"] == ["on"]
    assert len(d["passwords"]) == 1 and len(d["passwords"][0]) == 64
    assert d["commands"] == "-@all +get"
    assert d["keys"] == "~k* %R~r*"
    assert d["channels"] == "&c*"
    assert d["selectors"] == [["commands", "-@all +set", "keys", "~s*", "channels", ""]]
    assert r.execute_command("ACL", "GETUSER", "nosuch") is None
    default = r.execute_command("ACL", "GETUSER", "default")
    assert default == ["flags", ["on", "nopass"], "passwords", [], "commands", "+@all", "keys", "~*", "channels",
                       "&*", "selectors", []]
    r.execute_command("ACL", "DELUSER", "g")


def test_misc_subcommands(r):
    assert r.execute_command("ACL", "WHOAMI") == "default"
    assert r.execute_command("ACL", "USERS") == ["default"]
    cats = r.execute_command("ACL", "CAT")
    assert cats[:3] == ["keyspace", "read", "write"] and "scripting" in cats and len(cats) == 21
    assert "hget" in r.execute_command("ACL", "CAT", "hash")
    assert err(r.execute_command, "ACL", "CAT", "nosuch") == "Unknown category 'nosuch'"
    assert len(r.execute_command("ACL", "GENPASS")) == 64
    assert len(r.execute_command("ACL", "GENPASS", "5")) == 2
    assert "a positive number up to 4096" in err(r.execute_command, "ACL", "GENPASS", "0")
    assert err(r.execute_command, "ACL", "DELUSER", "default") == "The 'default' user cannot be removed"
    r.execute_command("ACL", "SETUSER", "d1")
    assert r.execute_command("ACL", "DELUSER", "d1", "nosuch") == 1
    assert r.execute_command("ACL", "HELP")[0] == "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "not configured to use an ACL file" in err(r.execute_command, "ACL", "SAVE")
    assert "not configured to use an ACL file" in err(r.execute_command, "ACL", "LOAD")


def test_dryrun(r):
    r.execute_command("ACL", "SETUSER", "dr", "on", "~k*", "&c*", "-@all", "+get", "+publish")
    assert r.execute_command("ACL", "DRYRUN", "dr", "get", "k1") == "OK"
    assert r.execute_command("ACL", "DRYRUN", "dr", "get", "x") == "This user has no permissions to access the 'x' key"
    assert r.execute_command("ACL", "DRYRUN", "dr", "set", "k", "v") == \
        "This user has no permissions to run the 'set' command"
    assert r.execute_command("ACL", "DRYRUN", "dr", "publish", "z", "m") == \
        "This user has no permissions to access the 'z' channel"
    assert err(r.execute_command, "ACL", "DRYRUN", "nosuch", "get", "x") == "User 'nosuch' not found"
    assert err(r.execute_command, "ACL", "DRYRUN", "dr", "nosuch") == "Command 'nosuch' not found"
    r.execute_command("ACL", "DELUSER", "dr")


# ---- authentication ----

def test_auth_and_hello(start_server):
    srv = start_server()
    admin = srv.client()
    admin.execute_command("ACL", "SETUSER", "alice", "on", ">secret", "~*", "&*", "+@all")
    admin.execute_command("ACL", "SETUSER", "bob", "off", ">pw", "+@all")
    c = srv.client()
    assert c.execute_command("AUTH", "alice", "secret") is True
    assert c.execute_command("ACL", "WHOAMI") == "alice"
    assert "user=alice" in c.execute_command("CLIENT", "INFO")
    wrong = "WRONGPASS invalid username-password pair or user is disabled."
    assert err(c.execute_command, "AUTH", "alice", "nope") == wrong
    assert err(c.execute_command, "AUTH", "bob", "pw") == wrong  # disabled
    assert err(c.execute_command, "AUTH", "nosuch", "pw") == wrong
    assert c.execute_command("ACL", "WHOAMI") == "alice"  # a failed AUTH keeps the old user
    assert "called without any password configured for the default user" in err(c.execute_command, "AUTH", "x")
    hello = c.execute_command("HELLO", "2", "AUTH", "alice", "secret")
    assert hello[hello.index("proto") + 1] == 2
    assert err(c.execute_command, "HELLO", "2", "AUTH", "alice", "bad") == wrong
    py = srv.client(username="alice", password="secret")
    assert py.execute_command("ACL", "WHOAMI") == "alice"
    out = srv.cli("--user", "alice", "--pass", "secret", "--no-auth-warning", "ACL", "WHOAMI")
    assert out.stdout.strip() == "alice"
    out = srv.cli("--user", "alice", "--pass", "bad", "--no-auth-warning", "ACL", "WHOAMI")
    assert "NOAUTH" not in out.stdout and "alice" not in out.stdout


def test_requirepass_is_the_default_users_password(start_server):
    srv = start_server(args=["--requirepass", "foo"])
    c = srv.client()
    assert "Authentication required" in err(c.ping)
    assert c.execute_command("AUTH", "foo") is True
    assert c.execute_command("ACL", "GETUSER", "default")[1] == ["on"]
    assert user_line(c, "default").startswith("user default on #2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae ")
    assert c.config_set("requirepass", "") is True
    assert user_line(c, "default") == "user default on nopass ~* &* +@all"
    fresh = srv.client()
    assert fresh.ping() is True
    assert c.config_set("requirepass", "bar") is True
    assert "Authentication required" in err(srv.client().ping)
    assert fresh.ping() is True  # authenticated when it connected
    assert srv.client(password="bar").ping() is True
    assert srv.client(username="default", password="bar").ping() is True


def test_default_user_off_requires_auth(start_server):
    srv = start_server()
    admin = srv.client()
    admin.execute_command("ACL", "SETUSER", "admin", "on", ">a", "~*", "&*", "+@all")
    admin.execute_command("ACL", "SETUSER", "default", "off")
    assert "Authentication required" in err(srv.client().ping)
    assert srv.client(username="admin", password="a").ping() is True


# ---- enforcement ----

@pytest.fixture
def limited(start_server):
    srv = start_server()
    admin = srv.client()
    admin.execute_command("ACL", "SETUSER", "lim", "on", ">p", "~k*", "%R~r*", "%W~w*", "&c*", "-@all", "+get",
                          "+set", "+mget", "+publish", "+subscribe", "+psubscribe", "+eval", "+multi", "+exec",
                          "+ping", "+exists")
    return srv, admin, srv.client(username="lim", password="p")


def test_command_key_and_channel_permissions(limited):
    srv, admin, c = limited
    assert c.set("k1", "v") is True
    assert c.get("k1") == "v"
    assert err(c.hget, "k1", "f") == "this user has no permissions to run the 'hget' command"
    assert err(c.get, "x") == "this user has no permissions to access one of the keys used as arguments"
    assert err(c.mget, "k1", "x") == "this user has no permissions to access one of the keys used as arguments"
    assert c.get("r1") is None  # %R~: read
    assert "keys used as arguments" in err(c.set, "r1", "v")
    assert c.set("w1", "v") is True  # %W~: a plain SET only writes
    assert "keys used as arguments" in err(c.get, "w1")
    assert "keys used as arguments" in err(c.set, "w1", "v", get=True)  # SET ... GET also reads
    assert c.exists("w1") == 1  # EXISTS neither reads nor writes the value
    assert c.publish("c1", "m") == 0
    assert err(c.publish, "d1", "m") == \
        "this user has no permissions to access one of the channels used as arguments"
    assert "config|get" in err(c.config_get, "maxmemory")
    p = srv.client(username="lim", password="p").pubsub()
    with pytest.raises(redis.ResponseError):
        p.psubscribe("c1*")  # PSUBSCRIBE needs the literal pattern
        p.get_message(timeout=1)
    admin.execute_command("ACL", "SETUSER", "lim", "&c1*")
    p2 = srv.client(username="lim", password="p").pubsub()
    p2.psubscribe("c1*")
    assert wait_until(lambda: p2.get_message(timeout=0.1) is not None)


def test_multi_checks_at_queue_and_exec_time(limited):
    srv, admin, c = limited
    pipe = c.pipeline(transaction=True)
    pipe.get("k1").hget("k1", "f")
    with pytest.raises(redis.exceptions.NoPermissionError):
        pipe.execute()
    raw = srv.raw()
    assert raw.call("AUTH", "lim", "p") == b"OK"
    assert raw.call("MULTI") == b"OK"
    assert raw.call("GET", "k1") == b"QUEUED"
    assert raw.call("PUBLISH", "c1", "m") == b"QUEUED"
    admin.execute_command("ACL", "SETUSER", "lim", "-get", "resetchannels")
    replies = raw.call("EXEC")
    prefix = ("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
              "This command is no longer allowed for the following reason: ")
    assert [str(e) for e in replies] == [
        prefix + "no permission to execute the command or subcommand",
        prefix + "no permission to access one of the channels used as arguments"]


def test_scripts_check_the_callers_permissions(limited):
    srv, admin, c = limited
    assert c.eval("return redis.call('get', 'k1')", 0) is None
    e = err(c.eval, "return redis.call('get', 'x')", 0)
    assert e.startswith("The user executing the script can't access at least one of the keys mentioned in the "
                        "command arguments script: ")
    e = err(c.eval, "return redis.call('hget', 'k1', 'f')", 0)
    assert e.startswith("The user executing the script can't run this command or subcommand script: ")
    assert c.eval("return redis.pcall('hget', 'k1', 'f')['err']", 0) == \
        "ERR The user executing the script can't run this command or subcommand"
    e = err(c.eval, "return redis.call('publish', 'd', 'm')", 0)
    assert e.startswith("The user executing the script can't publish to the channel mentioned in the command")
    log = admin.acl_log()
    assert log[0]["context"] == "lua" and log[0]["reason"] == "channel" and log[0]["object"] == "d"


def test_functions_check_the_callers_permissions(limited):
    srv, admin, c = limited
    admin.execute_command("FUNCTION", "LOAD", "#!lua name=acltest\n"
                          "redis.register_function('fget', function(keys, args) return redis.call('get', args[1]) end)")
    admin.execute_command("ACL", "SETUSER", "lim", "+fcall")
    assert c.fcall("fget", 0, "k1") is None
    e = err(c.fcall, "fget", 0, "x")
    assert e.startswith("The user executing the script can't access at least one of the keys mentioned in the "
                        "command arguments script: fget, on @user_function:")
    assert "keys used as arguments" in err(c.fcall, "fget", 1, "x", "k1")  # FCALL's own keys are checked too


# ---- ACL LOG ----

def test_acl_log(limited):
    srv, admin, c = limited
    admin.execute_command("ACL", "LOG", "RESET")
    err(c.get, "x")
    err(c.get, "x")
    err(c.hget, "k", "f")
    assert "WRONGPASS" in err(srv.client(username="lim", password="wrong").ping)
    raw = admin.execute_command("ACL", "LOG")
    assert len(raw) == 3
    entry = dict(zip(raw[0][0::2], raw[0][1::2]))
    assert list(entry) == ["count", "reason", "context", "object", "username", "age-seconds", "client-info"]
    assert (entry["reason"], entry["context"], entry["object"], entry["username"]) == ("auth", "toplevel", "AUTH",
                                                                                      "lim")
    cmd = dict(zip(raw[1][0::2], raw[1][1::2]))
    assert (cmd["count"], cmd["reason"], cmd["object"]) == (1, "command", "hget")
    assert "user=lim" in cmd["client-info"] and "cmd=hget" in cmd["client-info"]
    key = dict(zip(raw[2][0::2], raw[2][1::2]))
    assert (key["count"], key["reason"], key["object"], key["username"]) == (2, "key", "x", "lim")
    assert len(admin.execute_command("ACL", "LOG", "1")) == 1
    admin.config_set("acllog-max-len", "2")
    err(c.get, "y")
    assert len(admin.execute_command("ACL", "LOG")) == 2
    assert admin.execute_command("ACL", "LOG", "RESET") == "OK"
    assert admin.execute_command("ACL", "LOG") == []


# ---- files and configuration ----

def test_aclfile_save_load_round_trip(start_server, tmp_path):
    aclfile = tmp_path / "users.acl"
    aclfile.write_text("user default on nopass ~* &* +@all\nuser a on >pa ~a* +@all\n")
    srv = start_server(config_text="aclfile %s\n" % aclfile)
    admin = srv.client()
    assert admin.execute_command("ACL", "USERS") == ["a", "default"]
    admin.execute_command("ACL", "SETUSER", "b", "on", "nopass", "&news", "-@all", "+get", "(~x +set)")
    assert admin.execute_command("ACL", "SAVE") == "OK"
    saved = aclfile.read_text()
    assert saved == "".join(line + "\n" for line in acl_list(admin))
    assert ("user b on nopass resetchannels &news -@all +get (~x resetchannels -@all +set)\n" in saved)
    # A user authenticated as `a` is disconnected by ACL LOAD (every non-default user is recreated).
    a = srv.client(username="a", password="pa")
    a_id = str(a.client_id())
    aclfile.write_text(saved.replace("user b ", "user c "))
    assert admin.execute_command("ACL", "LOAD") == "OK"
    assert admin.execute_command("ACL", "USERS") == ["a", "c", "default"]
    assert wait_until(lambda: a_id not in [cl["id"] for cl in admin.client_list()])
    # A broken file changes nothing.
    aclfile.write_text("user a on bogus\nfoo bar\n")
    e = err(admin.execute_command, "ACL", "LOAD")
    assert e == ("%s:1: Syntax error. %s:2 should start with user keyword followed by the username. WARNING: ACL "
                 "errors detected, no change to the previously active ACL rules was performed" % (aclfile, aclfile))
    assert admin.execute_command("ACL", "USERS") == ["a", "c", "default"]


def test_user_config_lines_and_rewrite(start_server, tmp_path):
    conf = "user default on nopass ~* &* +@all\nuser app on >s3 ~app:* -@all +@string\n"
    srv = start_server(config_text=conf)
    admin = srv.client()
    assert user_line(admin, "app") == "user app on #%s ~app:* resetchannels -@all +@string" % (
        hashlib.sha256(b"s3").hexdigest())
    app = srv.client(username="app", password="s3")
    assert app.set("app:1", "x") is True
    assert "keys used as arguments" in err(app.set, "other", "x")
    admin.execute_command("ACL", "SETUSER", "extra", "on", "nopass", "+ping")
    assert admin.config_rewrite() == "OK"
    with open(srv.config_path) as f:
        lines = [line.rstrip("\n") for line in f if line.startswith("user ")]
    assert lines == acl_list(admin)


def test_bad_user_config_line(start_server, tmp_path):
    srv = start_server(config_text="user u bogus\n", wait=False)
    assert srv.wait_exit() != 0
    assert "Error in user declaration 'user': Syntax error" in srv.output()


def test_users_and_aclfile_are_exclusive(start_server, tmp_path):
    aclfile = tmp_path / "x.acl"
    aclfile.write_text("")
    srv = start_server(config_text="aclfile %s\nuser u on\n" % aclfile, wait=False)
    assert srv.wait_exit() != 0
    assert "please define either an ACL file or declare users directly in your redis.conf, but not both" in \
        srv.output()


# ---- clients ----

def test_client_kill_user_and_deluser_disconnects(start_server):
    srv = start_server()
    admin = srv.client()
    admin.execute_command("ACL", "SETUSER", "k", "on", "nopass", "+@all", "~*")
    admin.execute_command("ACL", "SETUSER", "d", "on", "nopass", "+@all", "~*")
    k1, k2 = srv.client(username="k", password="x"), srv.client(username="k", password="x")
    ids = [str(k1.client_id()), str(k2.client_id())]
    assert sorted(cl["id"] for cl in admin.client_list() if cl["user"] == "k") == sorted(ids)
    assert err(admin.execute_command, "CLIENT", "KILL", "USER", "nosuch") == "No such user 'nosuch'"
    assert admin.execute_command("CLIENT", "KILL", "USER", "k") == 2
    assert wait_until(lambda: not [cl for cl in admin.client_list() if cl["user"] == "k"])
    d = srv.client(username="d", password="x")
    d_id = str(d.client_id())
    assert admin.execute_command("ACL", "DELUSER", "d") == 1
    assert wait_until(lambda: d_id not in [cl["id"] for cl in admin.client_list()])
    assert "WRONGPASS" in err(d.ping)  # redis-py reconnects and authenticates as the deleted user


def test_setuser_revoking_channels_disconnects_subscribers(start_server):
    srv = start_server()
    admin = srv.client()
    admin.execute_command("ACL", "SETUSER", "s", "on", "nopass", "+@all", "~*", "&news")
    sub = srv.client(username="s", password="x").pubsub()
    sub.subscribe("news")
    assert wait_until(lambda: sub.get_message(timeout=0.1) is not None)
    count = lambda: len([cl for cl in admin.client_list() if cl["user"] == "s"])  # noqa: E731
    assert count() == 1
    admin.execute_command("ACL", "SETUSER", "s", "resetchannels", "&sports")
    assert wait_until(lambda: count() == 0)


def test_blocked_command_is_not_checked_again_when_served(server):
    # Redis serves a blocked command when its key is ready without checking ACLs again, even if the user lost
    # the command meanwhile.
    admin = server.client()
    admin.acl_setuser("waiter", enabled=True, passwords=["+pw"], keys=["*"], commands=["+@all"])
    waiter = server.client(username="waiter", password="pw")
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", waiter.blpop("acl:queue", 0)))
    t.start()
    assert wait_until(lambda: admin.info("clients")["blocked_clients"] == 1)
    admin.acl_setuser("waiter", commands=["-blpop"])
    admin.rpush("acl:queue", "job")
    t.join(timeout=30)
    assert out["r"] == ("acl:queue", "job")
    with pytest.raises(redis.exceptions.NoPermissionError):
        waiter.blpop("acl:queue", 0.01)
    admin.acl_deluser("waiter")
