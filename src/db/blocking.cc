#include "db/blocking.h"

#include <asio.hpp>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/dispatcher.h"
#include "corvid/errors.h"
#include "db/db.h"
#include "net/client.h"
#include "net/connection.h"
#include "net/listener.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

bool g_keys_ready = false;

namespace {

using DbKey = std::pair<int, std::string>;

struct BlockState {
  std::vector<std::string> argv;
  std::vector<DbKey> keys;
  BlockTimeoutReply on_timeout;
  EventBlockEnd event_end = nullptr;  // set when blocked on an event (BlockOnEvent), not on keys
  std::unique_ptr<asio::steady_timer> timer;
};

std::unordered_map<Client*, BlockState> g_blocked;
std::map<DbKey, std::deque<Client*>> g_waiting;  // FIFO per key
std::vector<DbKey> g_ready;
Client* g_rerunning = nullptr;  // the client whose command is being re-run
const std::string* g_rerun_key = nullptr;  // and the ready key it is served from
bool g_reblocked = false;       // set when the re-run blocked again
bool g_serving = false;

// Removes c from every queue and the blocked set; does not reply.
void Unregister(Client& c) {
  auto it = g_blocked.find(&c);
  if (it == g_blocked.end()) return;
  for (const DbKey& k : it->second.keys) {
    auto w = g_waiting.find(k);
    if (w == g_waiting.end()) continue;
    std::erase(w->second, &c);
    if (w->second.empty()) g_waiting.erase(w);
  }
  if (it->second.timer) it->second.timer->cancel();
  g_blocked.erase(it);
  c.flags &= ~kClientBlocked;
  Srv().blocked_clients = g_blocked.size();
}

// Ends c's block without its timeout reply (CLIENT UNBLOCK ERROR, disconnection).
void Forget(Client& c) {
  auto it = g_blocked.find(&c);
  if (it == g_blocked.end()) return;
  EventBlockEnd event_end = it->second.event_end;
  Unregister(c);
  if (event_end) event_end(c, false);
}

// Sends what the client got and lets it run the commands it pipelined behind the blocking one.
void Wake(Client& c) {
  if (!c.conn) return;
  c.conn->Flush();
  std::shared_ptr<Connection> conn = c.conn->shared_from_this();
  asio::post(Io(), [conn] { conn->Resume(); });
}

void TimeOut(Client& c) {
  auto it = g_blocked.find(&c);
  if (it == g_blocked.end()) return;
  BlockTimeoutReply r = it->second.on_timeout;
  EventBlockEnd event_end = it->second.event_end;
  Unregister(c);
  if (event_end)
    event_end(c, true);
  else if (r == BlockTimeoutReply::kNullArray)
    c.reply.NullArray();
  else
    c.reply.Null();
  Wake(c);
}

// Marks c blocked (running args) with a timer for deadline_ms (0 = none); returns its state to fill in.
BlockState& Block(Client& c, CmdArgs args, int64_t deadline_ms) {
  BlockState& st = g_blocked[&c];
  st.argv.assign(args.begin(), args.end());
  // Deadlines centuries away get no timer (their duration would overflow the steady clock).
  if (deadline_ms > 0 && deadline_ms - Srv().now_ms < 1000ll * 1000 * 1000 * 1000) {
    st.timer = std::make_unique<asio::steady_timer>(Io());
    st.timer->expires_after(std::chrono::milliseconds(std::max<int64_t>(0, deadline_ms - Srv().now_ms)));
    Client* cp = &c;
    st.timer->async_wait([cp](const asio::error_code& ec) {
      if (!ec) TimeOut(*cp);
    });
  }
  c.flags |= kClientBlocked;
  Srv().blocked_clients = g_blocked.size();
  return st;
}

}  // namespace

bool ParseBlockTimeout(Client& c, std::string_view arg, int64_t* deadline_ms) {
  long double secs;
  if (!StringToLongDouble(arg, &secs)) {
    c.reply.Error(err::kTimeoutNotFloat);
    return false;
  }
  // Redis 7.0 has no "out of range" here: a value too big for a long long becomes negative (x86 conversion).
  long double ms = std::ceil(secs * 1000.0L);
  int64_t t = (ms >= 0x1p63L || ms < -0x1p63L) ? INT64_MIN : static_cast<int64_t>(ms);
  if (t < 0) {
    c.reply.Error(err::kTimeoutNegative);
    return false;
  }
  if (t > 0) t = t > INT64_MAX - Srv().now_ms ? 0 : t + Srv().now_ms;  // beyond the clock's range: forever
  *deadline_ms = t;
  return true;
}

bool CanBlock(const Client& c) { return !c.Has(kClientMulti) && !c.Has(kClientDenyBlocking); }

void BlockOnKeys(Client& c, CmdArgs args, std::span<const std::string_view> keys, int64_t deadline_ms,
                 BlockTimeoutReply on_timeout) {
  if (g_rerunning == &c) {  // still nothing for it: it keeps its place and deadline
    g_reblocked = true;
    return;
  }
  BlockState& st = Block(c, args, deadline_ms);
  st.on_timeout = on_timeout;
  for (std::string_view k : keys) {
    DbKey dk{c.db_index(), std::string(k)};
    if (std::find(st.keys.begin(), st.keys.end(), dk) != st.keys.end()) continue;
    st.keys.push_back(dk);
    g_waiting[dk].push_back(&c);
  }
}

void BlockOnEvent(Client& c, CmdArgs args, int64_t deadline_ms, EventBlockEnd on_end) {
  Block(c, args, deadline_ms).event_end = on_end;
}

void EndBlockOnEvent(Client& c) {
  Unregister(c);
  Wake(c);
}

bool IsBlockedRerun(const Client& c) { return g_rerunning == &c; }

const std::string* BlockedRerunKey(const Client& c) { return g_rerunning == &c ? g_rerun_key : nullptr; }

void SignalKeyReady(const Db& db, std::string_view key) {
  if (g_waiting.empty()) return;
  DbKey dk{db.index(), std::string(key)};
  if (g_waiting.count(dk) && std::find(g_ready.begin(), g_ready.end(), dk) == g_ready.end()) {
    g_ready.push_back(dk);
    g_keys_ready = true;
  }
}

void ServeReadyKeys() {
  if (g_ready.empty() || g_serving) return;
  g_serving = true;
  std::vector<std::string_view> argv;
  while (!g_ready.empty()) {
    std::vector<DbKey> batch;
    batch.swap(g_ready);
    for (const DbKey& k : batch) {
      auto w = g_waiting.find(k);
      if (w == g_waiting.end()) continue;
      std::vector<Client*> queue(w->second.begin(), w->second.end());
      for (Client* c : queue) {
        auto it = g_blocked.find(c);
        if (it == g_blocked.end()) continue;
        argv.assign(it->second.argv.begin(), it->second.argv.end());
        int saved_db = c->db_index();
        c->SelectDb(k.first);
        g_rerunning = c;
        g_rerun_key = &k.second;
        g_reblocked = false;
        c->flags &= ~kClientBlocked;
        Dispatch(*c, argv);
        g_rerunning = nullptr;
        g_rerun_key = nullptr;
        if (g_reblocked) {
          c->flags |= kClientBlocked;
          c->SelectDb(saved_db);
          continue;
        }
        c->SelectDb(saved_db);
        Unregister(*c);
        Wake(*c);
      }
    }
  }
  g_serving = false;
  g_keys_ready = false;
}

bool UnblockClient(Client& c, bool with_error) {
  if (!g_blocked.count(&c)) return false;
  if (!with_error) {
    TimeOut(c);
    return true;
  }
  Forget(c);
  c.reply.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  CountError("UNBLOCKED");
  Wake(c);
  return true;
}

void ForgetBlockedClient(Client& c) { Forget(c); }

size_t BlockedArgvBytes(const Client& c) {
  auto it = g_blocked.find(const_cast<Client*>(&c));
  if (it == g_blocked.end()) return 0;
  size_t n = 0;
  for (const std::string& a : it->second.argv) n += a.size();
  return n;
}

size_t BlockedClientCount() { return g_blocked.size(); }

}  // namespace corvid
