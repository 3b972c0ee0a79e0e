// Configuration: redis.conf parsing, command-line options, CONFIG GET / SET / REWRITE. Expected texts were
// taken from redis-server 7.0.15.
#include "server/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace corvid {
namespace {

std::string Get(std::string_view name) {
  std::string v;
  EXPECT_TRUE(ConfigGetValue(name, &v)) << name;
  return v;
}

std::map<std::string, std::string> GetAll(std::vector<std::string_view> patterns) {
  std::vector<std::pair<std::string, std::string>> out;
  ConfigGet(patterns, &out);
  std::map<std::string, std::string> m;
  for (auto& [k, v] : out) {
    EXPECT_FALSE(m.count(k)) << "duplicate " << k;
    m[k] = v;
  }
  return m;
}

// Runs CONFIG SET with the given words; returns "OK" or the error text.
std::string Set(std::vector<std::string_view> nv, ConfigSetContext ctx = {}) {
  std::string err;
  return ConfigSet(nv, &err, ctx) ? "OK" : err;
}

std::string Fatal(int line, std::string_view text, std::string_view reason) {
  return "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line " +
         std::to_string(line) + "\n>>> '" + std::string(text) + "'\n" + std::string(reason) + "\n";
}

std::string LoadError(std::string_view text) {
  std::string err;
  EXPECT_FALSE(LoadConfigFromString(text, &err)) << text;
  return err;
}

void Load(std::string_view text) {
  std::string err;
  ASSERT_TRUE(LoadConfigFromString(text, &err)) << err;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream f(path);
  f << content;
}

bool g_hook_fail = false;
int g_hook_calls = 0;
bool FailingHook(std::string* err) {
  ++g_hook_calls;
  if (g_hook_fail) {
    *err = "Unable to listen on this port. Check server logs.";
    return false;
  }
  return true;
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char buf[4096];
    cwd_ = getcwd(buf, sizeof(buf)) ? buf : "/tmp";
    char tmpl[] = "/tmp/corvid_config_test.XXXXXX";
    tmp_ = mkdtemp(tmpl);
    ResetConfigToDefaults();
  }
  void TearDown() override {
    ResetConfigToDefaults();
    (void)chdir(cwd_.c_str());
    std::string cmd = "rm -rf '" + tmp_ + "'";
    (void)std::system(cmd.c_str());
  }
  std::string Path(std::string_view name) const { return tmp_ + "/" + std::string(name); }

  std::string cwd_, tmp_;
};

// ---- Defaults and CONFIG GET ---------------------------------------------------------------------------------

TEST_F(ConfigTest, DefaultsMatchRedis) {
  EXPECT_EQ(Get("save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(Get("client-output-buffer-limit"), "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(Get("bind"), "* -::*");
  EXPECT_EQ(Get("port"), "6379");
  EXPECT_EQ(Get("maxmemory"), "0");
  EXPECT_EQ(Get("proto-max-bulk-len"), "536870912");
  EXPECT_EQ(Get("maxmemory-policy"), "noeviction");
  EXPECT_EQ(Get("appendonly"), "no");
  EXPECT_EQ(Get("list-max-listpack-size"), "-2");
  EXPECT_EQ(Get("latency-tracking-info-percentiles"), "50 99 99.9");
  EXPECT_EQ(Get("oom-score-adj-values"), "0 200 800");
  EXPECT_EQ(Get("proc-title-template"), "{title} {listen-addr} {server-mode}");
  EXPECT_EQ(Get("shutdown-on-sigint"), "default");
  EXPECT_EQ(Get("unixsocketperm"), "0");
  EXPECT_EQ(Get("notify-keyspace-events"), "");
  EXPECT_EQ(Get("replicaof"), "");
  EXPECT_EQ(Get("loading-process-events-interval-bytes"), "2097152");

  const ServerConfig& c = Cfg();
  EXPECT_EQ(c.hz, 10);
  EXPECT_EQ(c.maxclients, 10000);
  EXPECT_EQ(c.loglevel, LogLevel::kNotice);
  EXPECT_EQ(c.save.size(), 3u);
  EXPECT_EQ(c.client_output_buffer_limit[kObufPubSub].hard_bytes, 32u * 1024 * 1024);
  EXPECT_EQ(c.dbfilename, "dump.rdb");
}

TEST_F(ConfigTest, GetAllListsEveryVisibleDirective) {
  auto all = GetAll({"*"});
  EXPECT_EQ(all.size(), 192u);  // what redis-server 7.0.15 (with TLS) lists for CONFIG GET *
  EXPECT_TRUE(all.count("slaveof"));
  EXPECT_TRUE(all.count("lua-time-limit"));
  EXPECT_FALSE(all.count("watchdog-period"));  // hidden: exact name only
  EXPECT_EQ(GetAll({"watchdog-period"}).size(), 1u);
}

TEST_F(ConfigTest, GetGlobsAreCaseInsensitiveAndDeduplicated) {
  auto m = GetAll({"MAXMEM*"});
  EXPECT_EQ(m.size(), 5u);
  EXPECT_EQ(m["maxmemory-policy"], "noeviction");

  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string_view> pats = {"MAXMEMORY", "maxmemory", "maxmem*"};
  ConfigGet(pats, &out);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].first, "MAXMEMORY");  // an exact name is echoed as given

  EXPECT_TRUE(GetAll({"nonexistent"}).empty());
  auto aliases = GetAll({"slave-read*", "replica-read*"});
  EXPECT_EQ(aliases.size(), 2u);
}

// ---- Splitting lines -----------------------------------------------------------------------------------------

TEST_F(ConfigTest, SplitArgsHandlesQuotesAndEscapes) {
  std::vector<std::string> w;
  ASSERT_TRUE(SplitConfigArgs("  set \"a b\\n\\x41\\\"\" 'c\\'d' e\"f g\"  ", &w));
  EXPECT_EQ(w, (std::vector<std::string>{"set", "a b\nA\"", "c'd", "ef g"}));
  ASSERT_TRUE(SplitConfigArgs("\"\" ''", &w));
  EXPECT_EQ(w, (std::vector<std::string>{"", ""}));
  ASSERT_TRUE(SplitConfigArgs("\"\\x4g\"", &w));
  EXPECT_EQ(w, (std::vector<std::string>{"x4g"}));
  EXPECT_FALSE(SplitConfigArgs("\"abc", &w));
  EXPECT_FALSE(SplitConfigArgs("\"abc\"x", &w));
  EXPECT_FALSE(SplitConfigArgs("'abc'x", &w));
  ASSERT_TRUE(SplitConfigArgs("   ", &w));
  EXPECT_TRUE(w.empty());
}

TEST_F(ConfigTest, QuoteIsTheInverseOfSplit) {
  std::string raw = std::string("a\"b\\c\n\r\t\a\b ") + '\x01' + "\xff";
  EXPECT_EQ(QuoteConfigString(raw), "\"a\\\"b\\\\c\\n\\r\\t\\a\\b \\x01\\xff\"");
  std::vector<std::string> w;
  ASSERT_TRUE(SplitConfigArgs(QuoteConfigString(raw), &w));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], raw);
}

// ---- Loading files -------------------------------------------------------------------------------------------

TEST_F(ConfigTest, LoadsDirectivesCommentsAndQuotes) {
  Load("# comment\n\n  Port 7000  \r\nMAXMEMORY 1mb\nrequirepass \"p w\\x21\"\nmasteruser 'it\\'s'\n"
       "slave-read-only no\nlist-max-ziplist-entries 5\nshutdown-on-sigterm nosave now\n");
  const ServerConfig& c = Cfg();
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.maxmemory, 1024u * 1024);
  EXPECT_EQ(c.requirepass, "p w!");
  EXPECT_EQ(c.masteruser, "it's");
  EXPECT_EQ(c.replica_read_only, false);
  EXPECT_EQ(c.shutdown_on_sigterm, kShutdownNoSave | kShutdownNow);
  EXPECT_EQ(Get("shutdown-on-sigterm"), "nosave now");
}

TEST_F(ConfigTest, LoadErrorsNameTheLine) {
  EXPECT_EQ(LoadError("port 7000\nfoo bar\n"), Fatal(2, "foo bar", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(LoadError("\n\n  maxmemory abc \n"), Fatal(3, "maxmemory abc", "argument must be a memory value"));
  EXPECT_EQ(LoadError("hz 1 2"), Fatal(1, "hz 1 2", "wrong number of arguments"));
  EXPECT_EQ(LoadError("port \"7000"), Fatal(1, "port \"7000", "Unbalanced quotes in configuration line"));
  EXPECT_EQ(LoadError("save 1"), Fatal(1, "save 1", "Invalid save parameters"));
  EXPECT_EQ(LoadError("replicaof host abc"), Fatal(1, "replicaof host abc", "Invalid master port"));
  EXPECT_EQ(LoadError("loglevel loud"),
            Fatal(1, "loglevel loud", "argument(s) must be one of the following: debug, verbose, notice, warning"));
  EXPECT_EQ(LoadError("port 70000"), Fatal(1, "port 70000", "argument must be between 0 and 65535 inclusive"));
  EXPECT_EQ(LoadError("sentinel monitor a b"),
            Fatal(1, "sentinel monitor a b", "sentinel directive while not in sentinel mode"));
  EXPECT_EQ(LoadError("a.b"), Fatal(1, "a.b", "Module config specified without value"));
  EXPECT_EQ(LoadError("list-max-ziplist-entries 5 6"),
            Fatal(1, "list-max-ziplist-entries 5 6", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(LoadError("cluster-enabled yes\nreplicaof a 1\n"),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode\n");
  EXPECT_EQ(LoadError("logfile /nonexistent-dir/x.log"),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
}

TEST_F(ConfigTest, FileOnlyDirectivesAreKeptForTheirOwners) {
  Load("rename-command flushall \"\"\nuser alice on >pw ~* +@all\nloadmodule /x.so a b\nmod.opt 5\nsentinel\n");
  const auto& d = Cfg().deferred_directives;
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0], (std::vector<std::string>{"rename-command", "flushall", ""}));
  EXPECT_EQ(d[1][0], "user");
  EXPECT_EQ(d[2], (std::vector<std::string>{"loadmodule", "/x.so", "a", "b"}));
  EXPECT_EQ(d[3], (std::vector<std::string>{"mod.opt", "5"}));
}

TEST_F(ConfigTest, IncludeReadsFilesAndReportsTheirLines) {
  WriteFile(Path("inc.conf"), "hz 21\nmaxmemory 2gb\n");
  WriteFile(Path("bad.conf"), "hz 5\nbogus line\n");
  Load("port 7001\ninclude " + Path("inc.conf") + "\n");
  EXPECT_EQ(Cfg().hz, 21);
  EXPECT_EQ(Cfg().maxmemory, 2ull << 30);
  EXPECT_EQ(LoadError("include " + Path("bad.conf") + "\n"),
            Fatal(2, "bogus line", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(LoadError("include " + Path("missing.conf") + "\n"),
            "Fatal error, can't open config file '" + Path("missing.conf") + "': No such file or directory");
  Load("include " + Path("nomatch-*.conf") + "\n");  // a glob matching nothing is fine
  WriteFile(Path("glob-a.conf"), "timeout 7\n");
  Load("include " + Path("glob-*.conf") + "\n");
  EXPECT_EQ(Cfg().timeout, 7);
}

TEST_F(ConfigTest, HzIsClampedAndSelfIncludeStops) {
  Load("hz 0\n");
  EXPECT_EQ(Cfg().hz, 1);
  Load("hz 100000\n");
  EXPECT_EQ(Cfg().hz, 500);
  WriteFile(Path("self.conf"), "include " + Path("self.conf") + "\n");
  std::string err = LoadError("include " + Path("self.conf") + "\n");
  EXPECT_NE(err.find("Too many nested include directives"), std::string::npos);
}

TEST_F(ConfigTest, MemoryUnits) {
  Load("maxmemory 1k");
  EXPECT_EQ(Cfg().maxmemory, 1000u);
  Load("maxmemory 1KB");
  EXPECT_EQ(Cfg().maxmemory, 1024u);
  Load("maxmemory 3m");
  EXPECT_EQ(Cfg().maxmemory, 3000000u);
  Load("maxmemory 3Mb");
  EXPECT_EQ(Cfg().maxmemory, 3u << 20);
  Load("maxmemory 2G");
  EXPECT_EQ(Cfg().maxmemory, 2000000000u);
  Load("maxmemory 2gB");
  EXPECT_EQ(Cfg().maxmemory, 2ull << 30);
  Load("maxmemory 7b");
  EXPECT_EQ(Cfg().maxmemory, 7u);
  uint64_t v;
  EXPECT_TRUE(ParseMemoryValue("", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_FALSE(ParseMemoryValue("-1", &v));
  EXPECT_FALSE(ParseMemoryValue("+1", &v));
  EXPECT_FALSE(ParseMemoryValue(" 1", &v));
  EXPECT_FALSE(ParseMemoryValue("1 kb", &v));
  EXPECT_FALSE(ParseMemoryValue("1tb", &v));
  EXPECT_FALSE(ParseMemoryValue("99999999999999999999kb", &v));
  EXPECT_TRUE(ParseMemoryValue("99999999999999999999", &v));  // strtoull saturates, as Redis
  EXPECT_EQ(v, UINT64_MAX);
}

TEST_F(ConfigTest, SaveLinesReplaceTheDefaultsThenAccumulate) {
  Load("save 100 1\nsave 200 2\n");
  EXPECT_EQ(Get("save"), "100 1 200 2");
  ResetConfigToDefaults();
  Load("save \"\"\n");
  EXPECT_EQ(Get("save"), "");
  ResetConfigToDefaults();
  Load("save \"100 1 200 2\"\n");  // one argument is split, as `--save "100 1 200 2"`
  EXPECT_EQ(Get("save"), "100 1 200 2");
  // Redis quirk: after an include every later `save` line replaces the list.
  ResetConfigToDefaults();
  WriteFile(Path("inc.conf"), "hz 21\n");
  Load("save 100 1\ninclude " + Path("inc.conf") + "\nsave 200 2\nsave 300 3\n");
  EXPECT_EQ(Get("save"), "300 3");
}

TEST_F(ConfigTest, DirChangesTheWorkingDirectory) {
  Load("dir " + tmp_);
  char buf[1024];
  ASSERT_NE(getcwd(buf, sizeof(buf)), nullptr);
  std::string real = buf;
  EXPECT_EQ(Get("dir"), real);
  EXPECT_EQ(Cfg().dir, real);
  EXPECT_EQ(LoadError("dir /nonexistent-corvid-dir"),
            Fatal(1, "dir /nonexistent-corvid-dir", "No such file or directory"));
}

// ---- Command line --------------------------------------------------------------------------------------------

bool LoadArgs(std::vector<std::string> args, std::string* err) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return LoadConfigFromArgs(static_cast<int>(argv.size()), argv.data(), err);
}

TEST_F(ConfigTest, ArgsAreAppendedAfterTheFile) {
  WriteFile(Path("a.conf"), "port 7100\nhz 20\n");
  std::string err;
  ASSERT_TRUE(LoadArgs({"redis-server", Path("a.conf"), "--save", "100", "1", "--save", "200", "2", "--hz", "30"},
                       &err))
      << err;
  EXPECT_EQ(Get("save"), "100 1 200 2");
  EXPECT_EQ(Cfg().hz, 30);
  EXPECT_EQ(Cfg().port, 7100);
  EXPECT_EQ(ConfigFilePath(), Path("a.conf"));
}

TEST_F(ConfigTest, ArgsSaveWithoutValueMeansEmpty) {
  WriteFile(Path("a.conf"), "port 7100\n");
  std::string err;
  ASSERT_TRUE(LoadArgs({"redis-server", Path("a.conf"), "--save", "--hz", "30"}, &err)) << err;
  EXPECT_EQ(Get("save"), "");
  EXPECT_EQ(Cfg().hz, 30);
  ResetConfigToDefaults();
  ASSERT_TRUE(LoadArgs({"redis-server", "--hz", "31", "--save"}, &err)) << err;
  EXPECT_EQ(Get("save"), "");
  ResetConfigToDefaults();
  ASSERT_TRUE(LoadArgs({"redis-server", "--bind", "127.0.0.1", "::1", "--maxmemory", "1mb"}, &err)) << err;
  EXPECT_EQ(Get("bind"), "127.0.0.1 ::1");
  EXPECT_EQ(Cfg().maxmemory, 1u << 20);
  EXPECT_EQ(ConfigFilePath(), "");
}

TEST_F(ConfigTest, ArgsErrorsCountTheOptionLines) {
  std::string err;
  EXPECT_FALSE(LoadArgs({"redis-server", "--port", "7412", "--maxmemory", "xyz"}, &err));
  EXPECT_EQ(err, Fatal(3, "maxmemory \"xyz\"", "argument must be a memory value"));
  WriteFile(Path("a.conf"), "port 7100\nhz 20\n");
  EXPECT_FALSE(LoadArgs({"redis-server", Path("a.conf"), "--daemonize", "--port", "5"}, &err));
  EXPECT_EQ(err, Fatal(4, "daemonize \"--port\" \"5\"", "wrong number of arguments"));
  EXPECT_FALSE(LoadArgs({"redis-server", "-x"}, &err));
  EXPECT_EQ(err, Fatal(2, "\"-x\"", "Bad directive or wrong number of arguments"));
  EXPECT_FALSE(LoadArgs({"redis-server", Path("missing.conf")}, &err));
  EXPECT_EQ(err, "Fatal error, can't open config file '" + Path("missing.conf") + "': No such file or directory");
}

// ---- CONFIG SET ----------------------------------------------------------------------------------------------

TEST_F(ConfigTest, SetErrorsMatchRedis) {
  EXPECT_EQ(Set({"maxmemory", "abc"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  EXPECT_EQ(Set({"foo", "bar"}), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(Set({"hz", "5", "foo", "bar"}), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(Set({"daemonize", "yes"}),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
  EXPECT_EQ(Set({"daemonize", "yes", "foo", "bar"}),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
  EXPECT_EQ(Set({"dir", "/tmp"}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  EXPECT_EQ(Set({"hz", "5", "HZ", "6"}),
            "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
  EXPECT_EQ(Set({"hz", "5", "maxmemory"}), "ERR syntax error");
  EXPECT_EQ(Set({"hz", "010"}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
  EXPECT_EQ(Set({"maxclients", "0"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and "
            "4294967295 inclusive");
  EXPECT_EQ(Set({"slave-read-only", "maybe"}),
            "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'");
  EXPECT_EQ(Set({"maxmemory-clients", "200%"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be "
            "less or equal to 100");
  EXPECT_EQ(Set({"shutdown-on-sigint", "save nosave"}),
            "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and "
            "NOSAVE can't be used simultaneously");
  EXPECT_EQ(Set({"notify-keyspace-events", "Kq"}),
            "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class "
            "character. Use 'Ag$lshzxeKEtmdn'.");
  EXPECT_EQ(Set({"client-output-buffer-limit", "master 1 2 3"}),
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client "
            "class specified in buffer limit configuration.");
  EXPECT_EQ(Set({"appendonly", "yes"}, {.local_client = false, .loading = true}),
            "LOADING Redis is loading the dataset in memory");
}

TEST_F(ConfigTest, SetValuesAndFormatting) {
  EXPECT_EQ(Set({"maxmemory", "1gB", "hz", "1000", "loglevel", "WARNING", "activerehashing", "NO"}), "OK");
  EXPECT_EQ(Get("maxmemory"), "1073741824");
  EXPECT_EQ(Get("hz"), "500");  // clamped like Redis
  EXPECT_EQ(Get("loglevel"), "warning");
  EXPECT_EQ(Get("activerehashing"), "no");
  EXPECT_EQ(Set({"maxmemory-clients", "10%"}), "OK");
  EXPECT_EQ(Get("maxmemory-clients"), "10%");
  EXPECT_EQ(Cfg().maxmemory_clients, -10);
  EXPECT_EQ(Set({"save", "100 0 200 5", "client-output-buffer-limit", "REPLICA 1k 2k 3 pubsub 1mb 1mb 5"}), "OK");
  EXPECT_EQ(Get("save"), "100 0 200 5");
  EXPECT_EQ(Get("client-output-buffer-limit"), "normal 0 0 0 slave 1000 2000 3 pubsub 1048576 1048576 5");
  EXPECT_EQ(Set({"notify-keyspace-events", "KEA"}), "OK");
  EXPECT_EQ(Get("notify-keyspace-events"), "AKE");
  EXPECT_EQ(Set({"notify-keyspace-events", "Elsxetdhzmn"}), "OK");
  EXPECT_EQ(Get("notify-keyspace-events"), "lshzxetdnEm");
  EXPECT_EQ(Set({"latency-tracking-info-percentiles", "0.5 99.99 100 1e1"}), "OK");
  EXPECT_EQ(Get("latency-tracking-info-percentiles"), "0.5 99.99 100 10");
  EXPECT_EQ(Set({"oom-score-adj", "relative"}), "OK");
  EXPECT_EQ(Get("oom-score-adj"), "yes");
  EXPECT_EQ(Set({"shutdown-on-sigint", "nosave now force"}), "OK");
  EXPECT_EQ(Get("shutdown-on-sigint"), "nosave now force");
  EXPECT_EQ(Set({"repl-backlog-size", "1k"}), "OK");
  EXPECT_EQ(Get("repl-backlog-size"), "16384");  // CONFIG SET enforces the minimum backlog
  EXPECT_EQ(Set({"proc-title-template", "{title}"}),
            "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is "
            "invalid or contains unknown variables");
  EXPECT_EQ(Set({"proc-title-template", "{port} x}"}), "OK");
}

TEST_F(ConfigTest, SetIsAllOrNothing) {
  EXPECT_EQ(Set({"maxmemory", "2mb", "timeout", "5", "hz", "abc"}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
  EXPECT_EQ(Cfg().maxmemory, 0u);
  EXPECT_EQ(Cfg().timeout, 0);
  EXPECT_EQ(Cfg().hz, 10);
}

TEST_F(ConfigTest, ApplyHookFailureRollsBack) {
  SetConfigApplyHook("port", FailingHook);
  SetConfigApplyHook("tls-port", FailingHook);  // one function for two directives runs once
  g_hook_fail = false;
  g_hook_calls = 0;
  EXPECT_EQ(Set({"port", "7777", "tls-port", "7778"}), "OK");
  EXPECT_EQ(g_hook_calls, 1);
  g_hook_calls = 0;
  EXPECT_EQ(Set({"port", "7777"}), "OK");  // unchanged: no apply
  EXPECT_EQ(g_hook_calls, 0);
  g_hook_fail = true;
  EXPECT_EQ(Set({"maxmemory", "5mb", "port", "7779"}),
            "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check "
            "server logs.");
  EXPECT_EQ(Cfg().port, 7777);
  EXPECT_EQ(Cfg().maxmemory, 0u);
  g_hook_fail = false;
}

TEST_F(ConfigTest, ProtectedConfigsFollowEnableProtectedConfigs) {
  Load("enable-protected-configs local\n");
  EXPECT_EQ(Set({"dbfilename", "x.rdb"}),
            "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config");
  EXPECT_EQ(Set({"dbfilename", "x.rdb"}, {.local_client = true}), "OK");
  EXPECT_EQ(Set({"dbfilename", "a/b"}, {.local_client = true}),
            "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a "
            "filename");
  EXPECT_EQ(Set({"dir", "/nonexistent-corvid-dir"}, {.local_client = true}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
  EXPECT_EQ(Set({"dir", tmp_}, {.local_client = true}), "OK");
  EXPECT_EQ(Set({"dir", "/", "hz", "x"}, {.local_client = true}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
  char buf[1024];
  ASSERT_NE(getcwd(buf, sizeof(buf)), nullptr);
  EXPECT_EQ(Get("dir"), std::string(buf));  // rolled back to the temp dir
  EXPECT_NE(std::string(buf), "/");
}

TEST_F(ConfigTest, SensitiveDirectives) {
  EXPECT_TRUE(IsSensitiveConfig("requirepass"));
  EXPECT_TRUE(IsSensitiveConfig("MASTERAUTH"));
  EXPECT_TRUE(IsSensitiveConfig("masteruser"));
  EXPECT_FALSE(IsSensitiveConfig("tls-key-file-pass"));
  EXPECT_FALSE(IsSensitiveConfig("port"));
}

// ---- CONFIG REWRITE ------------------------------------------------------------------------------------------

TEST_F(ConfigTest, RewriteWithoutFileFails) {
  std::string err;
  EXPECT_FALSE(ConfigRewrite(&err));
  EXPECT_EQ(err, "ERR The server is running without a config file");
}

TEST_F(ConfigTest, RewriteKeepsLayoutAndRoundTrips) {
  std::string conf = Path("r.conf");
  WriteFile(Path("inc.conf"), "hz 11\n");
  WriteFile(conf,
            "# top comment\n"
            "port 7413\n"
            "include " + Path("inc.conf") + "\n"
            "rename-command FLUSHALL \"\"\n"
            "save 100 1\n"
            "save 200 2\n"
            "\n"
            "# a comment\n"
            "\n"
            "\n"
            "maxmemory 1mb\n"
            "MAXMEMORY-policy allkeys-lru\n"
            "slave-read-only yes\n"
            "replica-priority 6\n"
            "list-max-ziplist-entries 5\n"
            "client-output-buffer-limit normal 0 0 0\n"
            "client-output-buffer-limit pubsub 32mb 8mb 60\n");
  std::string err;
  ASSERT_TRUE(LoadArgs({"redis-server", conf, "--dir", tmp_}, &err)) << err;
  EXPECT_EQ(Set({"maxmemory", "2000000", "hz", "12", "save", "", "slave-priority", "7",
                 "notify-keyspace-events", "KEA"}),
            "OK");
  ASSERT_TRUE(ConfigRewrite(&err)) << err;
  char buf[1024];
  ASSERT_NE(getcwd(buf, sizeof(buf)), nullptr);
  EXPECT_EQ(ReadFile(conf),
            "# top comment\n"
            "port 7413\n"
            "include " + Path("inc.conf") + "\n"
            "rename-command FLUSHALL \"\"\n"
            "save \"\"\n"
            "\n"
            "# a comment\n"
            "\n"
            "maxmemory 2000000\n"
            "maxmemory-policy allkeys-lru\n"
            "replica-read-only yes\n"
            "replica-priority 7\n"
            "# ??? list-max-ziplist-entries 5\n"
            "client-output-buffer-limit normal 0 0 0\n"
            "client-output-buffer-limit replica 256mb 64mb 60\n"
            "\n"
            "# Generated by CONFIG REWRITE\n"
            "hz 12\n"
            "dir \"" + std::string(buf) + "\"\n"
            "notify-keyspace-events \"AKE\"\n"
            "latency-tracking-info-percentiles 50 99 99.9\n");

  // Loading the rewritten file gives back the same configuration.
  auto before = GetAll({"*"});
  ResetConfigToDefaults();
  ASSERT_TRUE(LoadArgs({"redis-server", conf}, &err)) << err;
  auto after = GetAll({"*"});
  EXPECT_EQ(before, after);

  // A second rewrite with nothing changed only keeps the file stable (apart from the trailing blank line Redis
  // also accumulates once).
  ASSERT_TRUE(ConfigRewrite(&err)) << err;
  std::string once = ReadFile(conf);
  ASSERT_TRUE(ConfigRewrite(&err)) << err;
  EXPECT_EQ(ReadFile(conf), once);
}

TEST_F(ConfigTest, RewriteCreatesAMissingFile) {
  std::string conf = Path("new.conf");
  WriteFile(conf, "port 7414\n");
  std::string err;
  ASSERT_TRUE(LoadArgs({"redis-server", conf}, &err)) << err;
  ASSERT_EQ(unlink(conf.c_str()), 0);
  EXPECT_EQ(Set({"requirepass", "s3cr\"t"}), "OK");
  ASSERT_TRUE(ConfigRewrite(&err)) << err;
  std::string text = ReadFile(conf);
  EXPECT_NE(text.find("# Generated by CONFIG REWRITE\n"), std::string::npos);
  EXPECT_NE(text.find("port 7414\n"), std::string::npos);
  EXPECT_NE(text.find("requirepass \"s3cr\\\"t\"\n"), std::string::npos);
  ResetConfigToDefaults();
  ASSERT_TRUE(LoadArgs({"redis-server", conf}, &err)) << err;
  EXPECT_EQ(Cfg().requirepass, "s3cr\"t");
}

TEST_F(ConfigTest, KeyspaceEventFlags) {
  EXPECT_EQ(KeyspaceEventsFromString("g$lshzxetd"), kNotifyAll);
  EXPECT_EQ(KeyspaceEventsToString(kNotifyAll | kNotifyNew), "A");
  EXPECT_EQ(KeyspaceEventsToString(kNotifyGeneric | kNotifyString | kNotifyKeyevent), "g$E");
  EXPECT_EQ(KeyspaceEventsFromString("Kq"), -1);
  EXPECT_EQ(KeyspaceEventsFromString(""), 0);
}

}  // namespace
}  // namespace corvid
