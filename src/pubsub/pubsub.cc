#include "pubsub/pubsub.h"

#include <fmt/format.h>
#include <strings.h>
#include <sys/time.h>

#include <cstdio>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "commands/dispatcher.h"
#include "net/client.h"
#include "net/connection.h"
#include "server/config.h"
#include "server/server.h"
#include "util/glob.h"

namespace corvid {

namespace {

// Transparent hashing so maps keyed by std::string can be probed with a string_view.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

using SubscriberMap = std::unordered_map<std::string, std::vector<Client*>, SvHash, SvEq>;
using NameSet = std::unordered_set<std::string, SvHash, SvEq>;

struct ClientSubs {
  NameSet names[3];
  bool empty() const { return names[0].empty() && names[1].empty() && names[2].empty(); }
};

struct PubSubState {
  SubscriberMap subs[3];  // by PubSubKind: name → subscribers in subscription order
  std::unordered_map<const Client*, ClientSubs> by_client;
  std::vector<Client*> monitors;
};

PubSubState& State() {
  static PubSubState* s = new PubSubState();  // never destroyed: clients may still be closed at exit
  return *s;
}

bool ValidKind(int kind) { return kind >= kSubChannel && kind <= kSubShard; }

// Appends a bulk string to a frame.
void AppendBulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out.append(s.data(), s.size());
  out += "\r\n";
}

// Appends one frame to every client in subs (the RESP3 variant, a push, differs only in its first byte).
void Deliver(const std::vector<Client*>& subs, const std::string& frame2) {
  static std::string frame3;
  frame3.clear();
  for (Client* s : subs) {
    if (s->reply.resp() >= 3) {
      if (frame3.empty()) {
        frame3 = frame2;
        frame3[0] = '>';
      }
      s->out.Append(frame3);
    } else {
      s->out.Append(frame2);
    }
    if (s->conn) s->conn->FlushSoon();
  }
}

// sdscatrepr: a quoted string with \\ \" \n \r \t \a \b escaped and other non-printable bytes as \xHH.
void AppendRepr(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default: {
        unsigned char u = static_cast<unsigned char>(ch);
        if (u >= 0x20 && u <= 0x7e) {
          out += ch;
        } else {
          char buf[5];
          snprintf(buf, sizeof buf, "\\x%02x", u);
          out += buf;
        }
      }
    }
  }
  out += '"';
}

bool IsCmd(std::string_view arg, std::string_view name) {
  return arg.size() == name.size() && strncasecmp(arg.data(), name.data(), name.size()) == 0;
}

}  // namespace

std::vector<bool> RedactedArgs(CmdArgs argv) {
  std::vector<bool> red(argv.size(), false);
  if (argv.empty()) return red;
  if (IsCmd(argv[0], "auth")) {
    for (size_t j = 1; j < argv.size(); ++j) red[j] = true;
  } else if (IsCmd(argv[0], "hello")) {
    for (size_t j = 2; j < argv.size(); ++j) {
      size_t more = argv.size() - 1 - j;
      if (IsCmd(argv[j], "auth") && more >= 2) {
        red[j + 1] = red[j + 2] = true;
        j += 2;
      } else if (IsCmd(argv[j], "setname") && more >= 1) {
        ++j;
      } else {
        break;
      }
    }
  } else if (IsCmd(argv[0], "acl") && argv.size() >= 3 && IsCmd(argv[1], "setuser")) {
    for (size_t j = 2; j < argv.size(); ++j) red[j] = true;  // the name too, as Redis
  } else if (IsCmd(argv[0], "migrate")) {
    for (size_t j = 6; j < argv.size(); ++j) {
      size_t more = argv.size() - 1 - j;
      if (IsCmd(argv[j], "auth") && more >= 1) {
        red[++j] = true;
      } else if (IsCmd(argv[j], "auth2") && more >= 2) {
        red[j + 1] = red[j + 2] = true;
        j += 2;
      } else if (IsCmd(argv[j], "keys")) {
        break;
      }
    }
  }
  return red;
}

namespace {

}  // namespace

// ---- subscriptions ----

bool PubSubSubscribe(Client& c, int kind, std::string_view name) {
  if (!ValidKind(kind)) return false;
  PubSubState& st = State();
  NameSet& mine = st.by_client[&c].names[kind];
  if (mine.find(name) != mine.end()) return false;
  mine.emplace(name);
  auto it = st.subs[kind].find(name);
  if (it == st.subs[kind].end()) it = st.subs[kind].emplace(std::string(name), std::vector<Client*>{}).first;
  it->second.push_back(&c);
  return true;
}

bool PubSubUnsubscribe(Client& c, int kind, std::string_view name) {
  if (!ValidKind(kind)) return false;
  PubSubState& st = State();
  auto cit = st.by_client.find(&c);
  if (cit == st.by_client.end()) return false;
  NameSet& mine = cit->second.names[kind];
  auto nit = mine.find(name);
  if (nit == mine.end()) return false;
  auto it = st.subs[kind].find(name);
  if (it != st.subs[kind].end()) {
    std::vector<Client*>& v = it->second;
    auto pos = std::find(v.begin(), v.end(), &c);
    if (pos != v.end()) v.erase(pos);
    if (v.empty()) st.subs[kind].erase(it);
  }
  mine.erase(nit);
  if (cit->second.empty()) st.by_client.erase(cit);
  return true;
}

std::vector<std::string> PubSubClientNames(const Client& c, int kind) {
  std::vector<std::string> out;
  if (!ValidKind(kind)) return out;
  PubSubState& st = State();
  auto it = st.by_client.find(&c);
  if (it == st.by_client.end()) return out;
  out.assign(it->second.names[kind].begin(), it->second.names[kind].end());
  return out;
}

int SubscriptionCount(const Client& c, int kind) {
  if (!ValidKind(kind)) return 0;
  PubSubState& st = State();
  auto it = st.by_client.find(&c);
  return it == st.by_client.end() ? 0 : static_cast<int>(it->second.names[kind].size());
}

std::vector<std::string_view> PubSubActive(int kind, const std::string_view* pattern) {
  std::vector<std::string_view> out;
  if (!ValidKind(kind)) return out;
  for (const auto& [name, subs] : State().subs[kind]) {
    if (pattern && !StringMatch(*pattern, name)) continue;
    out.emplace_back(name);
  }
  return out;
}

size_t PubSubSubscriberCount(int kind, std::string_view name) {
  if (!ValidKind(kind)) return 0;
  const SubscriberMap& m = State().subs[kind];
  auto it = m.find(name);
  return it == m.end() ? 0 : it->second.size();
}

size_t PubSubChannelCount() { return State().subs[kSubChannel].size(); }
size_t PubSubPatternCount() { return State().subs[kSubPattern].size(); }
size_t PubSubShardChannelCount() { return State().subs[kSubShard].size(); }

void PubSubForget(Client& c) {
  PubSubState& st = State();
  auto cit = st.by_client.find(&c);
  if (cit != st.by_client.end()) {
    for (int kind = 0; kind < 3; ++kind) {
      for (const std::string& name : cit->second.names[kind]) {
        auto it = st.subs[kind].find(name);
        if (it == st.subs[kind].end()) continue;
        std::vector<Client*>& v = it->second;
        auto pos = std::find(v.begin(), v.end(), &c);
        if (pos != v.end()) v.erase(pos);
        if (v.empty()) st.subs[kind].erase(it);
      }
    }
    st.by_client.erase(cit);
  }
  auto mit = std::find(st.monitors.begin(), st.monitors.end(), &c);
  if (mit != st.monitors.end()) st.monitors.erase(mit);
  c.flags &= ~(kClientPubSub | kClientMonitor);
}

// ---- delivery ----

size_t PubSubPublish(std::string_view channel, std::string_view message, bool shard) {
  PubSubState& st = State();
  static std::string frame;  // one serialisation per publish, reused across publishes
  size_t receivers = 0;
  const SubscriberMap& direct = st.subs[shard ? kSubShard : kSubChannel];
  auto it = direct.find(channel);
  if (it != direct.end()) {
    frame = "*3\r\n";
    AppendBulk(frame, shard ? "smessage" : "message");
    AppendBulk(frame, channel);
    AppendBulk(frame, message);
    Deliver(it->second, frame);
    receivers += it->second.size();
  }
  if (!shard) {
    for (const auto& [pattern, subs] : st.subs[kSubPattern]) {
      if (!StringMatch(pattern, channel)) continue;
      frame = "*4\r\n";
      AppendBulk(frame, "pmessage");
      AppendBulk(frame, pattern);
      AppendBulk(frame, channel);
      AppendBulk(frame, message);
      Deliver(subs, frame);
      receivers += subs.size();
    }
  }
  return receivers;
}

// ---- MONITOR ----

bool MonitorsActive() { return !State().monitors.empty(); }

void MonitorAdd(Client& c) {
  PubSubState& st = State();
  if (std::find(st.monitors.begin(), st.monitors.end(), &c) == st.monitors.end()) st.monitors.push_back(&c);
  c.flags |= kClientMonitor;
}

void FeedMonitors(const Client& c, CmdArgs argv) {
  PubSubState& st = State();
  if (st.monitors.empty()) return;
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  std::string line = fmt::format("+{}.{:06} [{} ", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec),
                                 c.db_index());
  if (!c.conn) {
    line += "lua";
  } else if (c.Has(kClientUnixSocket)) {
    line += "unix:";
    line += Cfg().unixsocket;
  } else {
    line += c.addr;
  }
  line += "] ";
  std::vector<bool> redacted = RedactedArgs(argv);
  for (size_t j = 0; j < argv.size(); ++j) {
    if (redacted[j]) {
      line += "\"(redacted)\"";
    } else {
      AppendRepr(line, argv[j]);
    }
    if (j + 1 != argv.size()) line += ' ';
  }
  line += "\r\n";
  for (Client* m : st.monitors) {
    m->out.Append(line);
    if (m->conn) m->conn->FlushSoon();
  }
}

// ---- the subscribed-mode filter ----

bool PubSubAllows(Client& c, const Command& cmd) {
  if (!(c.flags & (kClientPubSub | kClientMonitor)) || c.Has(kClientDenyBlocking)) return true;
  std::string msg;
  if (c.Has(kClientMonitor) && (cmd.flags & (kCmdWrite | kCmdReadonly | kCmdMayReplicate))) {
    msg = "ERR Replica can't interact with the keyspace";
  } else if (c.Has(kClientPubSub) && c.reply.resp() == 2) {
    const Command* top = cmd.parent ? cmd.parent : &cmd;
    const std::string& n = top->name;
    if (n == "ping" || n == "subscribe" || n == "ssubscribe" || n == "unsubscribe" || n == "sunsubscribe" ||
        n == "psubscribe" || n == "punsubscribe" || n == "quit" || n == "reset")
      return true;
    msg = fmt::format(
        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
        "context",
        cmd.fullname);
  } else {
    return true;
  }
  c.reply.Error(msg);
  CountError(c.reply.TakeLastError());
  if (c.Has(kClientMulti)) c.flags |= kClientMultiDirty;
  return false;
}

}  // namespace corvid
