// Connection commands: PING ECHO QUIT RESET AUTH HELLO CLIENT.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "commands/client_info.h"
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/dispatcher.h"
#include "db/blocking.h"
#include "db/tracking.h"
#include "net/client_memory.h"
#include "net/connection.h"
#include "pubsub/pubsub.h"
#include "replication/replica.h"
#include "server/config.h"
#include "server/server.h"
#include "server/version.h"
#include "util/numeric.h"

namespace corvid {

namespace {

// ---- logic ----

// Redis' client-name rule: printable ASCII without spaces.
bool ValidClientName(std::string_view name) {
  for (char ch : name)
    if (ch < '!' || ch > '~') return false;
  return true;
}

constexpr std::string_view kBadName = "ERR Client names cannot contain spaces, newlines or special characters.";

// Parses a CLIENT LIST/KILL TYPE name; false if unknown.
bool ParseClientType(std::string_view name, ClientType* type) {
  if (Is(name, "normal")) *type = ClientType::kNormal;
  else if (Is(name, "replica") || Is(name, "slave")) *type = ClientType::kReplica;
  else if (Is(name, "pubsub")) *type = ClientType::kPubSub;
  else if (Is(name, "master")) *type = ClientType::kMaster;
  else return false;
  return true;
}

// The flags field of CLIENT LIST.
std::string ClientFlags(const Client& c) {
  std::string f;
  if (c.Has(kClientReplica)) f += 'S';
  if (c.Has(kClientMaster)) f += 'M';
  if (c.Has(kClientMulti)) f += 'x';
  if (c.Has(kClientBlocked)) f += 'b';
  if (c.Has(kClientPubSub)) f += 'P';
  if (c.Has(kClientMonitor)) f += 'O';
  if (c.Has(kClientCloseAfterReply)) f += 'c';
  if (c.Has(kClientUnixSocket)) f += 'U';
  if (c.Has(kClientCloseAsap)) f += 'A';
  if (c.Has(kClientNoEvict)) f += 'e';
  if (c.Has(kClientNoTouch)) f += 'T';
  if (c.Has(kClientTracking)) f += 't';
  if (c.Has(kClientTrackingBrokenRedir)) f += 'R';
  if (c.Has(kClientTrackingBcast)) f += 'B';
  if (f.empty()) f = "N";
  return f;
}

}  // namespace

std::string ClientInfoLine(const Client& c, CmdArgs running) {
  size_t argv_mem = BlockedArgvBytes(c);
  for (std::string_view a : running) argv_mem += a.size();
  Server& srv = Srv();
  size_t qbuf = c.conn ? c.conn->QueryBufferBytes() : 0;
  size_t qcap = c.conn ? c.conn->QueryBufferCapacity() : 0;
  size_t obuf = c.out.size(), ocap = c.out.Capacity();
  std::string cmd = c.last_cmd ? c.last_cmd->fullname : "NULL";
  if (c.cur_cmd) cmd = c.cur_cmd->fullname;
  return fmt::format(
      "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} "
      "qbuf-free={} argv-mem={} multi-mem={} rbs={} rbp={} obl={} oll=0 omem={} tot-mem={} events=r cmd={} "
      "user={} redir={} resp={}",
      c.id, c.addr, c.laddr, c.fd, c.name, (srv.now_ms - c.ctime_ms) / 1000,
      (srv.now_ms - c.last_interaction_ms) / 1000, ClientFlags(c), c.db_index(),
      SubscriptionCount(c, kSubChannel), SubscriptionCount(c, kSubPattern), SubscriptionCount(c, kSubShard),
      c.Has(kClientMulti) ? static_cast<int64_t>(c.multi_queue.size()) : -1, qbuf, qcap - qbuf, argv_mem,
      c.multi_queue.MemoryBytes(), qcap, qbuf, obuf, obuf > ocap ? obuf : 0, ClientMemoryUsage(c), cmd,
      c.Has(kClientMaster) ? "(superuser)" : c.user->name, TrackingRedirect(c), c.reply.resp());
}

namespace {

// ---- handlers ----

void PingCmd(Client& c, CmdArgs args) {
  if (args.size() > 2) return c.reply.Error(fmt::format(fmt::runtime(err::kWrongArity), "ping"));
  // RESP2 subscribed mode: ["pong", message-or-empty], as Redis.
  if (c.Has(kClientPubSub) && c.reply.resp() == 2) {
    c.reply.Array(2);
    c.reply.Bulk("pong");
    c.reply.Bulk(args.size() == 2 ? args[1] : std::string_view());
    return;
  }
  if (args.size() == 2) return c.reply.Bulk(args[1]);
  c.reply.Simple("PONG");
}

void EchoCmd(Client& c, CmdArgs args) { c.reply.Bulk(args[1]); }

void QuitCmd(Client& c, CmdArgs) {
  c.reply.Ok();
  c.flags |= kClientCloseAfterReply;
}

void ResetCmd(Client& c, CmdArgs) {
  DiscardTransaction(c);
  PubSubForget(c);  // drops every subscription and leaves MONITOR mode
  TrackingDisable(c);
  c.SelectDb(0);
  c.reply.SetResp(2);
  c.name.clear();
  c.flags &= ~(kClientReplyOff | kClientReplySkip | kClientReplySkipNext | kClientNoEvict | kClientNoTouch);
  acl::SetDefaultAuth(c);
  c.reply.Simple("RESET");
}

void AuthCmd(Client& c, CmdArgs args) {
  if (args.size() > 3) return c.reply.Error(err::kSyntax);
  std::string_view user = args.size() == 3 ? args[1] : "default";
  std::string_view pass = args.back();
  if (args.size() == 2 && (acl::DefaultUser().flags & acl::kUserNopass)) return c.reply.Error(err::kAuthNotSet);
  if (!acl::Authenticate(c, args[0], user, pass)) return c.reply.Error(err::kWrongPass);
  c.reply.Ok();
}

void HelloCmd(Client& c, CmdArgs args) {
  int64_t ver = 0;
  size_t next = 1;
  if (args.size() >= 2) {
    if (!ArgInt64(c, args[next++], &ver, err::kUnsupportedProtoHello)) return;
    if (ver < 2 || ver > 3) return c.reply.Error(err::kNoProto);
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (size_t j = next; j < args.size(); ++j) {
    size_t more = args.size() - 1 - j;
    if (Is(args[j], "AUTH") && more >= 2) {
      user = args[j + 1];
      pass = args[j + 2];
      has_auth = true;
      j += 2;
    } else if (Is(args[j], "SETNAME") && more) {
      name = args[++j];
      has_name = true;
      if (!ValidClientName(name)) return c.reply.Error(kBadName);
    } else {
      return c.reply.Error(fmt::format("ERR Syntax error in HELLO option '{}'", args[j]));
    }
  }
  if (has_auth && !acl::Authenticate(c, args[0], user, pass)) return c.reply.Error(err::kWrongPass);
  if (!c.authenticated)
    return c.reply.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH "
        "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the "
        "same time");
  if (has_name) c.name = std::string(name);
  if (ver) c.reply.SetResp(static_cast<int>(ver));
  c.reply.Map(7);
  c.reply.Bulk("server");
  c.reply.Bulk("redis");
  c.reply.Bulk("version");
  c.reply.Bulk(kRedisVersion);
  c.reply.Bulk("proto");
  c.reply.Int(c.reply.resp());
  c.reply.Bulk("id");
  c.reply.Int(static_cast<int64_t>(c.id));
  c.reply.Bulk("mode");
  c.reply.Bulk("standalone");
  c.reply.Bulk("role");
  c.reply.Bulk("master");
  c.reply.Bulk("modules");
  c.reply.EmptyArray();
}

void ClientIdCmd(Client& c, CmdArgs) { c.reply.Int(static_cast<int64_t>(c.id)); }

void ClientSetnameCmd(Client& c, CmdArgs args) {
  if (!ValidClientName(args[2])) return c.reply.Error(kBadName);
  c.name = std::string(args[2]);
  c.reply.Ok();
}

void ClientGetnameCmd(Client& c, CmdArgs) {
  if (c.name.empty()) return c.reply.Null();
  c.reply.Bulk(c.name);
}

void ClientSetinfoCmd(Client& c, CmdArgs args) {
  if (!ValidClientName(args[3]))
    return c.reply.Error("ERR lib-name cannot contain spaces, newlines or special characters.");
  if (Is(args[2], "LIB-NAME"))
    c.lib_name = std::string(args[3]);
  else if (Is(args[2], "LIB-VER"))
    c.lib_ver = std::string(args[3]);
  else
    return c.reply.Error(fmt::format("ERR Unrecognized option '{}'", args[2]));
  c.reply.Ok();
}

void ClientListCmd(Client& c, CmdArgs args) {
  std::vector<uint64_t> ids;
  bool type_filter = false;
  ClientType type = ClientType::kNormal;  // MONITOR clients count as normal, as in Redis
  for (size_t j = 2; j < args.size(); ++j) {
    if (Is(args[j], "TYPE") && j + 1 < args.size()) {
      std::string_view t = args[++j];
      type_filter = true;
      if (!ParseClientType(t, &type)) return c.reply.Error(fmt::format("ERR Unknown client type '{}'", t));
    } else if (Is(args[j], "ID") && j + 1 < args.size()) {
      for (++j; j < args.size(); ++j) {
        int64_t id;
        if (!StringToInt64(args[j], &id) || id <= 0) return c.reply.Error("ERR Invalid client ID");
        ids.push_back(static_cast<uint64_t>(id));
      }
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  std::vector<const Client*> sel;
  for (auto& [id, cl] : Srv().clients) {
    if (type_filter && TypeOf(*cl) != type) continue;
    if (ids.empty() || std::find(ids.begin(), ids.end(), id) != ids.end()) sel.push_back(cl);
  }
  std::sort(sel.begin(), sel.end(), [](const Client* a, const Client* b) { return a->id < b->id; });
  std::string out;
  for (const Client* cl : sel) {
    out += ClientInfoLine(*cl, cl == &c ? args : CmdArgs());
    out += '\n';
  }
  c.reply.Verbatim(out);
}

void ClientInfoCmd(Client& c, CmdArgs args) { c.reply.Verbatim(ClientInfoLine(c, args) + "\n"); }

// CLIENT KILL addr | KILL <filter> <value> ...: closes matching clients (other than the caller unless SKIPME no).
void ClientKillCmd(Client& c, CmdArgs args) {
  std::string_view addr, laddr, user;
  uint64_t id = 0;
  bool skipme = true, old_form = args.size() == 3, type_filter = false;
  ClientType type = ClientType::kNormal;
  if (old_form) {
    addr = args[2];
    skipme = false;
  } else {
    if (args.size() % 2 != 0) return c.reply.Error(err::kSyntax);
    for (size_t j = 2; j < args.size(); j += 2) {
      std::string_view opt = args[j], val = args[j + 1];
      if (Is(opt, "ID")) {
        int64_t v;
        if (!StringToInt64(val, &v) || v <= 0) return c.reply.Error("ERR client-id should be greater than 0");
        id = static_cast<uint64_t>(v);
      } else if (Is(opt, "TYPE")) {
        type_filter = true;
        if (!ParseClientType(val, &type)) return c.reply.Error(fmt::format("ERR Unknown client type '{}'", val));
      } else if (Is(opt, "ADDR")) {
        addr = val;
      } else if (Is(opt, "LADDR")) {
        laddr = val;
      } else if (Is(opt, "USER")) {
        user = val;
        if (!acl::FindUser(user)) return c.reply.Error(fmt::format(fmt::runtime(err::kNoSuchUser), val));
      } else if (Is(opt, "SKIPME")) {
        if (Is(val, "yes"))
          skipme = true;
        else if (Is(val, "no"))
          skipme = false;
        else
          return c.reply.Error(err::kSyntax);
      } else {
        return c.reply.Error(err::kSyntax);
      }
    }
  }
  std::vector<Client*> victims;
  for (auto& [cid, cl] : Srv().clients) {
    if (type_filter && TypeOf(*cl) != type) continue;
    if (!addr.empty() && cl->addr != addr) continue;
    if (!laddr.empty() && cl->laddr != laddr) continue;
    if (id && cl->id != id) continue;
    if (!user.empty() && (cl->Has(kClientMaster) || cl->user->name != user)) continue;  // the master: superuser
    if (cl == &c && skipme) continue;
    victims.push_back(cl);
  }
  if (old_form && victims.empty()) return c.reply.Error("ERR No such client");
  int64_t killed = 0;
  for (Client* v : victims) {
    ++killed;
    if (v == &c) {
      c.flags |= kClientCloseAfterReply;  // the reply still goes out, then the connection closes
    } else if (v->Has(kClientMaster)) {
      KillMasterClient();
    } else if (v->conn) {
      v->conn->Close();
    }
  }
  if (old_form) return c.reply.Ok();
  c.reply.Int(killed);
}

void ClientPauseCmd(Client& c, CmdArgs args) {
  int64_t ms;
  if (!ArgInt64(c, args[2], &ms, "ERR timeout is not an integer or out of range")) return;
  if (ms < 0) return c.reply.Error(err::kTimeoutNegative);
  bool writes_only = false;
  if (args.size() == 4) {
    if (Is(args[3], "WRITE"))
      writes_only = true;
    else if (!Is(args[3], "ALL"))
      return c.reply.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
  } else if (args.size() > 4) {
    return c.reply.Error(err::kSyntax);
  }
  Server& srv = Srv();
  // A pause never shortens an ongoing one, and ALL wins over WRITE.
  int64_t until = srv.now_ms + ms;
  if (until > srv.clients_paused_until_ms) srv.clients_paused_until_ms = until;
  srv.pause_writes_only = writes_only && (srv.pause_writes_only || srv.clients_paused_until_ms == until);
  c.reply.Ok();
}

void ClientUnpauseCmd(Client& c, CmdArgs) {
  Srv().clients_paused_until_ms = Srv().now_ms;  // the cron resumes held clients on its next tick
  c.reply.Ok();
}

void ClientReplyCmd(Client& c, CmdArgs args) {
  if (Is(args[2], "ON")) {
    c.flags &= ~(kClientReplyOff | kClientReplySkip | kClientReplySkipNext);
    c.reply.Ok();
  } else if (Is(args[2], "OFF")) {
    c.flags |= kClientReplyOff;
  } else if (Is(args[2], "SKIP")) {
    if (!c.Has(kClientReplyOff)) c.flags |= kClientReplySkipNext;
  } else {
    c.reply.Error(err::kSyntax);
  }
}

void ClientFlagOnOff(Client& c, std::string_view arg, uint32_t flag) {
  if (Is(arg, "ON")) {
    c.flags |= flag;
  } else if (Is(arg, "OFF")) {
    c.flags &= ~flag;
  } else {
    return c.reply.Error(err::kSyntax);
  }
  c.reply.Ok();
}

void ClientNoEvictCmd(Client& c, CmdArgs args) { ClientFlagOnOff(c, args[2], kClientNoEvict); }
void ClientNoTouchCmd(Client& c, CmdArgs args) { ClientFlagOnOff(c, args[2], kClientNoTouch); }

void ClientUnblockCmd(Client& c, CmdArgs args) {
  int64_t id;
  if (!ArgInt64(c, args[2], &id)) return;
  if (args.size() == 4 && !Is(args[3], "TIMEOUT") && !Is(args[3], "ERROR"))
    return c.reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  if (args.size() > 4) return c.reply.Error(err::kSyntax);
  auto it = Srv().clients.find(static_cast<uint64_t>(id));
  bool done = it != Srv().clients.end() && UnblockClient(*it->second, args.size() == 4 && Is(args[3], "ERROR"));
  c.reply.Int(done ? 1 : 0);
}

void ClientGetredirCmd(Client& c, CmdArgs) { c.reply.Int(TrackingRedirect(c)); }

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP]
void ClientTrackingCmd(Client& c, CmdArgs args) {
  TrackingOptions o;
  std::vector<std::string_view> prefixes;
  for (size_t j = 3; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (more && Is(args[j], "REDIRECT")) {
      if (o.redirect != 0) return c.reply.Error("ERR A client can only redirect to a single other client");
      int64_t id;
      if (!ArgInt64(c, args[++j], &id)) return;
      if (id <= 0 || !Srv().clients.count(static_cast<uint64_t>(id)))
        return c.reply.Error("ERR The client ID you want redirect to does not exist");
      o.redirect = static_cast<uint64_t>(id);
    } else if (Is(args[j], "BCAST")) {
      o.bcast = true;
    } else if (Is(args[j], "OPTIN")) {
      o.optin = true;
    } else if (Is(args[j], "OPTOUT")) {
      o.optout = true;
    } else if (Is(args[j], "NOLOOP")) {
      o.noloop = true;
    } else if (more && Is(args[j], "PREFIX")) {
      prefixes.push_back(args[++j]);
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (Is(args[2], "ON")) {
    o.prefixes = prefixes;
    std::string error = TrackingEnable(c, o);
    if (!error.empty()) return c.reply.Error(error);
  } else if (Is(args[2], "OFF")) {
    TrackingDisable(c);
  } else {
    return c.reply.Error(err::kSyntax);
  }
  c.reply.Ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are tracked (OPTIN / OPTOUT modes).
void ClientCachingCmd(Client& c, CmdArgs args) {
  if (!c.Has(kClientTracking))
    return c.reply.Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode "
        "enabled");
  if (Is(args[2], "YES")) {
    if (!c.Has(kClientTrackingOptin))
      return c.reply.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (Is(args[2], "NO")) {
    if (!c.Has(kClientTrackingOptout))
      return c.reply.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else {
    return c.reply.Error(err::kSyntax);
  }
  c.flags |= kClientTrackingCaching;
  c.reply.Ok();
}

void ClientTrackinginfoCmd(Client& c, CmdArgs) {
  std::vector<std::string_view> flags;
  if (!c.Has(kClientTracking)) flags.push_back("off");
  else flags.push_back("on");
  if (c.Has(kClientTrackingBcast)) flags.push_back("bcast");
  if (c.Has(kClientTrackingOptin)) {
    flags.push_back("optin");
    if (c.Has(kClientTrackingCaching)) flags.push_back("caching-yes");
  }
  if (c.Has(kClientTrackingOptout)) {
    flags.push_back("optout");
    if (c.Has(kClientTrackingCaching)) flags.push_back("caching-no");
  }
  if (c.Has(kClientTrackingNoloop)) flags.push_back("noloop");
  if (c.Has(kClientTrackingBrokenRedir)) flags.push_back("broken_redirect");
  c.reply.Map(3);
  c.reply.Bulk("flags");
  c.reply.Set(flags.size());
  for (std::string_view f : flags) c.reply.Bulk(f);
  c.reply.Bulk("redirect");
  c.reply.Int(TrackingRedirect(c));
  c.reply.Bulk("prefixes");
  c.reply.Array(c.tracking_prefixes.size());
  for (const std::string& p : c.tracking_prefixes) c.reply.Bulk(p);
}

void ClientHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "CLIENT",
            {"CACHING (YES|NO)",
             "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
             "GETREDIR",
             "    Return the client ID we are redirecting to when tracking is enabled.",
             "GETNAME",
             "    Return the name of the current connection.",
             "ID",
             "    Return the ID of the current connection.",
             "INFO",
             "    Return information about the current client connection.",
             "KILL <ip:port>",
             "    Kill connection made from <ip:port>.",
             "KILL <option> <value> [<option> <value> [...]]",
             "    Kill connections. Options are:",
             "    * ADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made from the specified address",
             "    * LADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made to specified local address",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
             "      Kill connections by type.",
             "    * USER <username>",
             "      Kill connections authenticated by <username>.",
             "    * SKIPME (YES|NO)",
             "      Skip killing current connection (default: yes).",
             "LIST [options ...]",
             "    Return information about client connections. Options:",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
             "      Return clients of specified type.",
             "UNPAUSE",
             "    Stop the current client pause, resuming traffic.",
             "PAUSE <timeout> [WRITE|ALL]",
             "    Suspend all, or just write, clients for <timeout> milliseconds.",
             "REPLY (ON|OFF|SKIP)",
             "    Control the replies sent to the current connection.",
             "SETNAME <name>",
             "    Assign the name <name> to the current connection.",
             "UNBLOCK <clientid> [TIMEOUT|ERROR]",
             "    Unblock the specified blocked client.",
             "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
             "         [OPTIN] [OPTOUT] [NOLOOP]",
             "    Control server assisted client side caching.",
             "TRACKINGINFO",
             "    Report tracking status for the current connection.",
             "NO-EVICT (ON|OFF)",
             "    Protect current client connection from eviction."});
}

constexpr CommandRow kRows[] = {
    {"ping", -1, "fast", 0, 0, 0, "@fast @connection", PingCmd, "", "message?", "1.0.0", "Checks that the server answers"},
    {"echo", 2, "loading stale fast", 0, 0, 0, "@fast @connection", EchoCmd, "", "message", "1.0.0", "Returns its argument"},
    {"quit", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", QuitCmd, "", "", "1.0.0", "Closes the connection"},
    {"reset", 1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", ResetCmd, "", "", "6.2.0", "Resets the connection state"},
    {"auth", -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", AuthCmd, "", "username? password", "1.0.0", "Authenticates the connection"},
    {"hello", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", HelloCmd, "", "arguments{protover:integer AUTH=username_password{username password}? SETNAME=clientname?}?", "6.0.0", "Handshake: selects the protocol version and authenticates"},
    {"client", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.4.0", "Container of the connection commands"},
    {"client|trackinginfo", 2, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientTrackinginfoCmd, "", "", "6.2.0", "Returns the client-side caching state of the connection"},
    {"client|info", 2, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientInfoCmd, "", "", "6.2.0", "Describes the current connection"},
    {"client|pause", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", ClientPauseCmd, "", "timeout:integer mode(WRITE|ALL)?", "2.9.50", "Holds back commands of all clients for a while"},
    {"client|kill", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", ClientKillCmd, "", "filter(ip:port:string|new-format(ID=client-id:integer?|TYPE=normal_master_slave_pubsub(NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)?|USER=username?|ADDR=ip:port:string?|LADDR=ip:port:string?|SKIPME=yes/no?)...)", "2.4.0", "Closes client connections"},
    {"client|reply", 3, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientReplyCmd, "", "on_off_skip(ON|OFF|SKIP)", "3.2.0", "Turns replies on or off for this connection"},
    {"client|help", 2, "loading stale", 0, 0, 0, "@slow @connection", ClientHelpCmd, "", "", "5.0.0", "Lists the CLIENT subcommands"},
    {"client|getname", 2, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientGetnameCmd, "", "", "2.6.9", "Returns the name of the connection"},
    {"client|list", -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", ClientListCmd, "", "TYPE=normal_master_replica_pubsub(NORMAL|MASTER|REPLICA|PUBSUB)? ID=id{client-id:integer...}?", "2.4.0", "Describes client connections"},
    {"client|no-evict", 3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", ClientNoEvictCmd, "", "enabled(ON|OFF)", "7.0.0", "Exempts the connection from client eviction"},
    {"client|no-touch", 3, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientNoTouchCmd, "", "", "", "Keeps the connection's reads from touching keys' access times"},
    {"client|setinfo", 4, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientSetinfoCmd, "", "", "", "Records the client library name or version"},
    {"client|id", 2, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientIdCmd, "", "", "5.0.0", "Returns the connection id"},
    {"client|setname", 3, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientSetnameCmd, "", "connection-name", "2.6.9", "Names the connection"},
    {"client|unpause", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", ClientUnpauseCmd, "", "", "6.2.0", "Ends a CLIENT PAUSE"},
    {"client|unblock", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", ClientUnblockCmd, "", "client-id:integer timeout_error(TIMEOUT|ERROR)?", "5.0.0", "Unblocks a client waiting in a blocking command"},
    {"client|tracking", -3, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientTrackingCmd, "", "status(ON|OFF) REDIRECT=client-id:integer? PREFIX=prefix+...? BCAST? OPTIN? OPTOUT? NOLOOP?", "6.0.0", "Turns client-side caching invalidation messages on or off"},
    {"client|caching", 3, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientCachingCmd, "", "mode(YES|NO)", "6.0.0", "Says whether the next command's keys are tracked (OPTIN/OPTOUT)"},
    {"client|getredir", 2, "noscript loading stale", 0, 0, 0, "@slow @connection", ClientGetredirCmd, "", "", "6.0.0", "Returns the tracking redirection client id"},
};

}  // namespace

void RegisterConnectionFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
