// MIGRATE: moves keys to another instance with DUMP payloads and RESTORE, over a cached connection, with
// synchronous I/O bounded by the timeout (the server waits, as Redis does).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/migrate.h"
#include "corvid/errors.h"
#include "db/notify.h"
#include "persistence/rdb_value.h"
#include "server/config.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr int64_t kSocketTtlMs = 10000;  // MIGRATE_SOCKET_CACHE_TTL
constexpr size_t kMaxCachedSockets = 64;  // MIGRATE_SOCKET_CACHE_ITEMS

struct MigrateSocket {
  int fd = -1;
  int64_t last_db = -1;  // the database selected on the target; -1: unknown
  int64_t last_use_ms = 0;
  std::string in;        // bytes read past the last reply line
};
std::map<std::string, MigrateSocket> g_sockets;  // by "host:port"

// Waits up to timeout_ms for fd to become ready for events; false on timeout (errno = ETIMEDOUT) or error.
bool WaitFd(int fd, short events, int64_t timeout_ms) {
  pollfd p{fd, events, 0};
  int n = poll(&p, 1, static_cast<int>(timeout_ms));
  if (n == 0) errno = ETIMEDOUT;
  return n > 0;
}

void CloseSocket(const std::string& name) {
  auto it = g_sockets.find(name);
  if (it == g_sockets.end()) return;
  close(it->second.fd);
  g_sockets.erase(it);
}

// The cached connection to host:port, or a new one (connected within timeout_ms); nullptr when it fails.
MigrateSocket* GetSocket(const std::string& name, std::string_view host, std::string_view port, int64_t timeout_ms) {
  auto it = g_sockets.find(name);
  if (it != g_sockets.end()) {
    it->second.last_use_ms = Srv().now_ms;
    return &it->second;
  }
  if (g_sockets.size() >= kMaxCachedSockets) {
    auto victim = g_sockets.begin();
    std::advance(victim, static_cast<long>(Random64() % g_sockets.size()));
    CloseSocket(victim->first);
  }
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  std::string h(host), p = std::to_string(atoi(std::string(port).c_str()));  // atoi, as Redis
  if (getaddrinfo(h.c_str(), p.c_str(), &hints, &res) != 0) return nullptr;
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0;
  if (ok && connect(fd, res->ai_addr, res->ai_addrlen) != 0)
    ok = errno == EINPROGRESS && WaitFd(fd, POLLOUT, timeout_ms);  // a refused connect fails at the write
  freeaddrinfo(res);
  if (!ok) {
    if (fd >= 0) close(fd);
    return nullptr;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  MigrateSocket& s = g_sockets[name];
  s.fd = fd;
  s.last_use_ms = Srv().now_ms;
  return &s;
}

bool WriteAll(int fd, std::string_view data, int64_t timeout_ms) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFd(fd, POLLOUT, timeout_ms)) return false;
    } else {
      return false;
    }
  }
  return true;
}

// Reads one reply line (without CRLF) into *line.
bool ReadLine(MigrateSocket& s, std::string* line, int64_t timeout_ms) {
  while (true) {
    size_t eol = s.in.find("\r\n");
    if (eol != std::string::npos) {
      line->assign(s.in, 0, eol);
      s.in.erase(0, eol + 2);
      return true;
    }
    char buf[4096];
    ssize_t n = recv(s.fd, buf, sizeof(buf), 0);
    if (n > 0) {
      s.in.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFd(s.fd, POLLIN, timeout_ms)) return false;
    } else {
      if (n == 0) errno = ECONNRESET;
      return false;
    }
  }
}

struct MigrateArgs {
  bool copy = false, replace = false;
  std::string_view username, password;
  bool auth = false;
  size_t first_key = 3, num_keys = 1;
  int64_t db = 0, timeout_ms = 0;
};

// Parses MIGRATE's options and numbers; on an error replies it and returns false.
bool ParseMigrate(Client& c, CmdArgs args, MigrateArgs* m) {
  std::string_view error;
  for (size_t j = 6; j < args.size() && error.empty(); ++j) {
    size_t more = args.size() - 1 - j;
    if (Is(args[j], "copy")) {
      m->copy = true;
    } else if (Is(args[j], "replace")) {
      m->replace = true;
    } else if (Is(args[j], "auth") && more >= 1) {
      m->auth = true;
      m->password = args[++j];
    } else if (Is(args[j], "auth2") && more >= 2) {
      m->auth = true;
      m->username = args[++j];
      m->password = args[++j];
    } else if (Is(args[j], "keys")) {
      if (!args[3].empty()) error = err::kMigrateKeysNeedEmptyKey;
      m->first_key = j + 1;
      m->num_keys = args.size() - j - 1;
      break;
    } else {
      error = err::kSyntax;
    }
  }
  if (!error.empty()) {
    c.reply.Error(error);
    return false;
  }
  if (!ArgInt64(c, args[5], &m->timeout_ms) || !ArgInt64(c, args[4], &m->db)) return false;
  if (m->timeout_ms <= 0) m->timeout_ms = 1000;
  return true;
}

// The protocol of one migration: AUTH, SELECT when the target has another database selected, a RESTORE per key
// (with its remaining TTL). Keys that expired meanwhile are left out of *keys.
std::string BuildRequest(Client& c, const MigrateArgs& m, bool select, std::vector<std::string_view>* keys) {
  std::string out;
  if (m.auth) {
    std::string_view auth[] = {"AUTH", m.username, m.password};
    if (m.username.empty()) AppendRespCommand(&out, {{auth[0], auth[2]}});
    else AppendRespCommand(&out, auth);
  }
  fmt::format_int db(m.db);
  std::string_view select_argv[] = {"SELECT", Digits(db)};
  if (select) AppendRespCommand(&out, select_argv);
  std::vector<std::string_view> kept;
  std::string payload, err;
  for (std::string_view key : *keys) {
    KeyEntry* e = c.db().FindRead(key, true);
    if (!e) continue;
    int64_t ttl = 0, at = c.db().GetExpire(e);
    if (at != -1) {
      ttl = at - Srv().now_ms;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    payload.clear();
    if (!rdb::DumpPayload(e->val, Cfg().rdbcompression, &payload, &err)) continue;
    fmt::format_int t(ttl);
    std::string_view argv[] = {"RESTORE", key, Digits(t), payload, "REPLACE"};
    AppendRespCommand(&out, std::span<const std::string_view>(argv, m.replace ? 5 : 4));
    kept.push_back(key);
  }
  *keys = std::move(kept);
  return out;
}

void MigrateCmd(Client& c, CmdArgs args) {
  MigrateArgs m;
  if (!ParseMigrate(c, args, &m)) return;
  std::vector<std::string_view> keys;
  for (size_t j = 0; j < m.num_keys; ++j)
    if (c.db().FindRead(args[m.first_key + j], true)) keys.push_back(args[m.first_key + j]);
  if (keys.empty()) return c.reply.Simple("NOKEY");
  std::string name = fmt::format("{}:{}", args[1], args[2]);
  for (bool may_retry = true;; may_retry = false) {
    MigrateSocket* s = GetSocket(name, args[1], args[2], m.timeout_ms);
    if (!s) {
      if (errno == ETIMEDOUT) return c.reply.Error(err::kMigrateConnect);
      if (may_retry) continue;
      return c.reply.Error(err::kMigrateWrite);
    }
    bool select = s->last_db != m.db;
    std::vector<std::string_view> sent = keys;
    std::string request = BuildRequest(c, m, select, &sent);
    if (!WriteAll(s->fd, request, m.timeout_ms)) {
      CloseSocket(name);
      if (errno != ETIMEDOUT && may_retry) continue;
      return c.reply.Error(err::kMigrateWrite);
    }
    std::string auth_reply, select_reply, line;
    bool io_ok = (!m.auth || ReadLine(*s, &auth_reply, m.timeout_ms)) &&
                 (!select || ReadLine(*s, &select_reply, m.timeout_ms));
    std::string target_error;
    std::vector<std::string_view> moved;
    size_t j = 0;
    for (; io_ok && j < sent.size(); ++j) {
      if (!ReadLine(*s, &line, m.timeout_ms)) {
        io_ok = false;
        break;
      }
      const std::string* failed = !auth_reply.empty() && auth_reply[0] == '-'       ? &auth_reply
                                  : !select_reply.empty() && select_reply[0] == '-' ? &select_reply
                                  : !line.empty() && line[0] == '-'                 ? &line
                                                                                    : nullptr;
      if (failed) {
        if (target_error.empty()) {
          s->last_db = -1;
          target_error = "ERR Target instance replied with error: " + failed->substr(1);
        }
      } else if (!m.copy) {
        c.db().Delete(sent[j]);
        NotifyKeyspaceEvent(kNotifyGeneric, "del", sent[j], c.db_index());
        ++Srv().stats.dirty;
        moved.push_back(sent[j]);
      }
    }
    if (!io_ok) {
      bool nothing_done = target_error.empty() && j == 0 && moved.empty();
      CloseSocket(name);
      if (nothing_done && may_retry && errno != ETIMEDOUT) continue;
    }
    // Propagated as a DEL of the keys the target acknowledged (MIGRATE itself is not replayable).
    if (!moved.empty()) {
      std::vector<std::string_view> del = {"DEL"};
      del.insert(del.end(), moved.begin(), moved.end());
      PropagateInstead(c, del);
    }
    if (!target_error.empty()) return c.reply.Error(target_error);
    if (!io_ok) return c.reply.Error(err::kMigrateRead);
    s->last_db = m.db;
    return c.reply.Ok();
  }
}

// MIGRATE's keys: the key argument, or with KEYS everything after it (skipping AUTH/AUTH2 arguments).
bool MigrateKeys(CmdArgs argv, std::vector<KeyRef>* out) {
  size_t first = 3, num = 1;
  for (size_t i = 6; i < argv.size(); ++i) {
    if (Is(argv[i], "keys")) {
      if (!argv[3].empty()) return false;
      first = i + 1;
      num = argv.size() - first;
      break;
    }
    if (Is(argv[i], "auth")) i += 1;
    else if (Is(argv[i], "auth2")) i += 2;
  }
  for (size_t i = 0; i < num; ++i) out->push_back({first + i, first == 3 ? size_t{0} : size_t{1}});
  return true;
}

constexpr CommandRow kRows[] = {
    {"migrate", -6, "write movablekeys", 3, 3, 1, "@keyspace @write @slow @dangerous", MigrateCmd, "RW access delete | RW access delete incomplete", "host port:integer key_or_empty_string(key|empty_string:pure-token) destination-db:integer timeout:integer COPY? REPLACE? authentication(AUTH=password?|AUTH2=username_password{username password}?)? KEYS=key...?", "2.6.0", "Atomically transfers keys from one instance to another", MigrateKeys},
};

}  // namespace

void CloseIdleMigrateSockets() {
  int64_t now = Srv().now_ms;
  for (auto it = g_sockets.begin(); it != g_sockets.end();) {
    if (now - it->second.last_use_ms < kSocketTtlMs) {
      ++it;
      continue;
    }
    close(it->second.fd);
    it = g_sockets.erase(it);
  }
}

void RegisterMigrateFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
