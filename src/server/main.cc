// corvid-server [config-file] [--directive value ...]: a drop-in redis-server.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "acl/acl.h"
#include "commands/command.h"
#include "corvid/errors.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/tls.h"
#include "net/poller.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "replication/replica.h"
#include "replication/replication.h"
#include "server/config.h"
#include "server/cron.h"
#include "server/log.h"
#include "server/server.h"
#include "server/version.h"
#include "ds/hash.h"

using namespace corvid;

namespace {

void Usage() {
  fprintf(stderr,
          "Usage: ./corvid-server [/path/to/redis.conf] [options] [-]\n"
          "       ./corvid-server - (read config from stdin)\n"
          "       ./corvid-server -v or --version\n"
          "       ./corvid-server -h or --help\n\n"
          "Examples:\n"
          "       ./corvid-server (run the server with default conf)\n"
          "       ./corvid-server /etc/redis/6379.conf\n"
          "       ./corvid-server --port 7777\n"
          "       ./corvid-server /etc/myredis.conf --loglevel verbose -\n"
          "       ./corvid-server /etc/myredis.conf --loglevel verbose\n");
}

void Daemonize() {
  if (fork() != 0) exit(0);  // the parent exits
  setsid();
  int fd = open("/dev/null", O_RDWR, 0);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

std::string PidFilePath() {
  const std::string& p = Cfg().pidfile;
  return p.empty() ? std::string("/var/run/redis.pid") : p;
}

void WritePidFile() {
  FILE* f = fopen(PidFilePath().c_str(), "w");
  if (!f) {
    LogWarning("Failed to write PID file: {}", strerror(errno));
    return;
  }
  fprintf(f, "%d\n", static_cast<int>(getpid()));
  fclose(f);
}

// Run-time effects of CONFIG SET for directives the server must act on.
void RegisterConfigHooks() {
  SetConfigApplyHook("loglevel", [](std::string*) {
    SetLogLevel(Cfg().loglevel);
    return true;
  });
  SetConfigApplyHook("port", [](std::string* err) {
    if (!RebindTcpListeners(false)) {
      *err = err::kConfigListen;
      return false;
    }
    Srv().tcp_port = static_cast<int>(Cfg().port);
    return true;
  });
  SetConfigApplyHook("bind", [](std::string* err) {
    if (RebindTcpListeners(false) && RebindTcpListeners(true)) return true;
    *err = err::kConfigListen;
    return false;
  });
  SetConfigApplyHook("appendonly", [](std::string* err) {
    if (!Cfg().appendonly) {
      AofDisable();
    } else if (!AofEnable()) {
      *err = err::kConfigAof;
      return false;
    }
    return true;
  });
  // TLS: a new tls-port configures TLS first if nothing did yet; the other tls-* directives rebuild the context
  // when TLS is in use (as Redis' applyTlsCfg).
  SetConfigApplyHook("tls-port", [](std::string* err) {
    if (!TlsConfigured() && !TlsConfigure()) {
      *err = err::kConfigTls;
      return false;
    }
    if (!RebindTcpListeners(true)) {
      *err = err::kConfigListen;
      return false;
    }
    return true;
  });
  auto tls_reconfigure = [](std::string* err) {
    const ServerConfig& c = Cfg();
    if ((c.tls_port || c.tls_replication || c.tls_cluster) && !TlsConfigure()) {
      *err = err::kConfigTls;
      return false;
    }
    return true;
  };
  for (const char* name :
       {"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file", "tls-client-key-file",
        "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols",
        "tls-ciphers", "tls-ciphersuites", "tls-prefer-server-ciphers", "tls-session-caching",
        "tls-session-cache-size", "tls-session-cache-timeout", "tls-replication", "tls-cluster"})
    SetConfigApplyHook(name, tls_reconfigure);
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (char& c : s) c = kHex[rd() & 15];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
    printf("%s\n", VersionLine().c_str());
    return 0;
  }
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    Usage();
    return 1;
  }
  std::random_device rd;
  SetHashSeed((static_cast<uint64_t>(rd()) << 32) | rd());
  Server& srv = Srv();
  srv.rng.seed((static_cast<uint64_t>(rd()) << 32) | rd());
  srv.run_id = RandomHex(40);
  NewReplicationId();
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  srv.executable = n > 0 ? std::string(exe, n) : std::string(argv[0]);

  RegisterAllFamilies();  // before the config file: its `user` lines name commands
  acl::RegisterConfigDirectives();
  std::string err;
  if (!LoadConfigFromArgs(argc, argv, &err)) {
    // Fatal config-file errors go to stderr verbatim; other start-up failures are log lines, as in Redis.
    if (err.rfind("\n*** FATAL", 0) == 0) {
      fprintf(stderr, "%s", err.c_str());
    } else {
      InitLogging("", LogLevel::kNotice);
      LogWarning("{}", err);
    }
    return 1;
  }
  RegisterConfigHooks();
  const ServerConfig& cfg = Cfg();
  if (!cfg.dir.empty() && chdir(cfg.dir.c_str()) != 0) {
    fprintf(stderr, "Can't chdir to '%s': %s\n", cfg.dir.c_str(), strerror(errno));
    return 1;
  }
  if (cfg.daemonize) Daemonize();
  if (!InitLogging(cfg.logfile, cfg.loglevel)) {
    fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  UpdateClock();
  srv.start_time_ms = srv.now_ms;
  srv.lastsave_s = srv.now_ms / 1000;
  srv.tcp_port = static_cast<int>(cfg.port);
  LogNotice("oO0OoO0OoO0Oo corvid is starting oO0OoO0OoO0Oo");
  LogNotice("corvid version={}, redis_version={}, bits=64, pid={}, just started", kCorvidVersion, kRedisVersion,
            getpid());
  if (ConfigFilePath().empty())
    LogWarning("Warning: no config file specified, using the default config. In order to specify a config file "
               "use {} /path/to/redis.conf", argv[0]);
  else
    LogNotice("Configuration loaded");
  InitDatabases(static_cast<int>(cfg.databases));
  if (!acl::LoadUsersAtStartup(&err)) {
    LogWarning("{}", err);
    return 1;
  }
  InitPoller();
  // A start-up failure closes what is open before returning (the event loop is destroyed before them).
  auto fail_start = [] {
    StopListeners();
    CloseAllConnections();
    ShutdownPoller();
    return 1;
  };
  if (!StartListeners()) return fail_start();
  if (cfg.daemonize || !cfg.pidfile.empty()) WritePidFile();
  LogNotice("Server initialized");
  bool loaded = cfg.appendonly ? AofLoadAtStartup() : RdbLoadAtStartup();
  if (!cfg.appendonly) AofReadManifest();
  if (!loaded) return fail_start();

  asio::signal_set signals(Io(), SIGTERM, SIGINT);
  std::function<void(const asio::error_code&, int)> on_signal = [&](const asio::error_code& ec, int sig) {
    if (ec) return;
    LogWarning("Received {} scheduling shutdown...", sig == SIGINT ? "SIGINT" : "SIGTERM");
    // shutdown-on-sigterm / shutdown-on-sigint: SAVE or NOSAVE override the save points, FORCE exits even if
    // the save fails.
    int64_t flags = sig == SIGINT ? Cfg().shutdown_on_sigint : Cfg().shutdown_on_sigterm;
    bool save = (flags & kShutdownSave) || (!(flags & kShutdownNoSave) && !Cfg().save.empty());
    AofShutdown();
    if (RdbShutdown(save) || (flags & kShutdownForce)) {
      RequestShutdown();
    } else {
      LogWarning("Errors trying to shut down the server. Check the logs for more information.");
      signals.async_wait(on_signal);
    }
  };
  signals.async_wait(on_signal);
  StartCron();
  LogNotice("Ready to accept connections");
  StartReplicationFromConfig();
  Io().run();

  LogWarning("User requested shutdown...");
  StopListeners();
  CloseAllConnections();
  StopCron();
  ShutdownPoller();
  if (cfg.daemonize || !cfg.pidfile.empty()) unlink(PidFilePath().c_str());
  LogWarning("corvid is now ready to exit, bye bye...");
  spdlog::shutdown();
  return 0;
}
