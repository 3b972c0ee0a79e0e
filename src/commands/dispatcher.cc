#include "commands/dispatcher.h"

#include <fmt/format.h>

#include <algorithm>

#include "acl/acl.h"
#include "commands/cmd_util.h"
#include "corvid/errors.h"
#include "db/blocking.h"
#include "db/evict.h"
#include "db/tracking.h"
#include "db/watch.h"
#include "net/client.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "pubsub/pubsub.h"
#include "replication/master.h"
#include "replication/replica.h"
#include "replication/replication.h"
#include "scripting/lua_engine.h"
#include "server/config.h"
#include "server/latency.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

bool AuthRequired() { return acl::AuthRequired(); }

bool ClientIsPaused(const Client& c) {
  Server& srv = Srv();
  if (srv.clients_paused_until_ms == 0) return false;
  if (srv.now_ms >= srv.clients_paused_until_ms) {
    srv.clients_paused_until_ms = 0;
    return false;
  }
  return !srv.pause_writes_only;  // PAUSE WRITE is decided per command (WriteIsPaused)
}

namespace {
// The command argv names (a subcommand when it has them), or nullptr.
const Command* LookupCommand(CmdArgs argv) {
  const Command* cmd = Commands().Find(argv[0]);
  if (cmd && !cmd->subcommands.empty() && argv.size() >= 2) cmd = CommandRegistry::FindSub(*cmd, argv[1]);
  return cmd;
}

bool MayReplicate(const Command* cmd) { return cmd && (cmd->flags & (kCmdWrite | kCmdMayReplicate)); }

// True when some command queued in c's transaction satisfies pred (given nullptr for an unknown command).
template <typename Pred>
bool AnyQueued(const Client& c, Pred pred) {
  std::vector<std::string_view> q;
  for (size_t i = 0; i < c.multi_queue.size(); ++i) {
    c.multi_queue.Get(i, &q);
    if (pred(LookupCommand(q))) return true;
  }
  return false;
}

bool IsExecOfMulti(const Client& c, const Command& cmd) { return cmd.name == "exec" && c.Has(kClientMulti); }

bool IsWriteCommand(const Command* cmd) { return cmd && (cmd->flags & kCmdWrite); }

// Redis' is_write_command: a write, or the EXEC of a transaction that has one.
bool IsWrite(const Client& c, const Command& cmd) {
  return IsWriteCommand(&cmd) || (IsExecOfMulti(c, cmd) && AnyQueued(c, IsWriteCommand));
}

// A replica refuses writes from its clients (replica-read-only), and while its master link is down the commands
// not flagged stale (replica-serve-stale-data no). The master's own commands are obeyed.
std::string_view ReplicaRefusal(const Client& c, const Command& cmd) {
  if (!IsReplica() || c.Has(kClientMaster)) return {};
  bool exec = IsExecOfMulti(c, cmd);
  if (Cfg().replica_read_only && IsWrite(c, cmd)) return err::kReadonlyReplica;
  if (!Cfg().replica_serve_stale_data && !MasterLinkUp() &&
      (!(cmd.flags & kCmdStale) || (exec && AnyQueued(c, [](const Command* q) { return q && !(q->flags & kCmdStale); }))))
    return err::kMasterDown;
  return {};
}
}  // namespace

bool WriteIsPaused(const Client& c, CmdArgs argv) {
  Server& srv = Srv();
  if (srv.clients_paused_until_ms == 0 || !srv.pause_writes_only || srv.now_ms >= srv.clients_paused_until_ms)
    return false;
  const Command* cmd = LookupCommand(argv);
  if (MayReplicate(cmd)) return true;
  // EXEC is held back when its transaction writes.
  return cmd && IsExecOfMulti(c, *cmd) && AnyQueued(c, MayReplicate);
}

void CountError(std::string_view prefix) {
  if (prefix.empty()) return;
  ServerStats& st = Srv().stats;
  ++st.total_error_replies;
  auto it = st.error_counts.find(std::string(prefix));
  if (it != st.error_counts.end()) {
    ++it->second;
  } else if (st.error_counts.size() < 128) {  // Redis caps the number of distinct error prefixes
    st.error_counts.emplace(std::string(prefix), 1);
  }
}

namespace {

// Replies an error for a command that is not run; inside MULTI it also dooms the transaction, and a refused EXEC
// discards it at once (Redis' execCommandAbort).
void Reject(Client& c, Command* cmd, std::string_view msg) {
  bool exec = cmd && cmd->name == "exec" && !c.Has(kClientDenyBlocking);  // in MULTI or not, as Redis
  if (exec)
    c.reply.Error(fmt::format(fmt::runtime(err::kExecAbortBecause), msg));
  else
    c.reply.Error(msg);
  CountError(c.reply.TakeLastError());
  if (cmd) ++cmd->rejected_calls;
  if (exec)
    DiscardTransaction(c);
  else if (c.Has(kClientMulti))
    c.flags |= kClientMultiDirty;
}

// Commands that run at once inside MULTI instead of being queued.
bool RunsInsideMulti(const Command& cmd) {
  const Command* top = cmd.parent ? cmd.parent : &cmd;
  const std::string& n = top->name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" || n == "reset";
}

// After a write: the keys it may have written (all but those whose spec is read-only) are signalled as
// modified: their WATCHers lose the transaction, clients caching them get invalidations.
void SignalWrittenKeys(Client& c, const Command& cmd, CmdArgs argv) {
  ForEachKeyArg(cmd, argv, [&](size_t i, const std::vector<std::string>& flags) {
    bool read_only = std::find(flags.begin(), flags.end(), "RO") != flags.end();
    if (!read_only) SignalModifiedKey(&c, c.db(), argv[i]);
  });
}

// CLIENT CACHING applies to the next command only (kept across MULTI queueing and CLIENT subcommands).
void EndCachingWindow(Client& c) {
  if (!c.Has(kClientTrackingCaching) || c.Has(kClientMulti)) return;
  const Command* last = c.last_cmd;
  if (last && last->parent) last = last->parent;
  if (last && last->name == "client") return;
  c.flags &= ~kClientTrackingCaching;
}

std::string UnknownCommandMessage(CmdArgs argv) {
  std::string args;
  for (size_t j = 1; j < argv.size() && args.size() < 128; ++j) {
    size_t room = 128 - args.size();
    args += fmt::format("'{}' ", CStr(argv[j]).substr(0, room));
  }
  return fmt::format(fmt::runtime(err::kUnknownCommand), CStr(argv[0]).substr(0, 128), args);
}

void DispatchOne(Client& c, CmdArgs argv);

// The ACL check of a restricted user (Redis' ACLCheckAllPerm in processCommand, and again in EXEC for queued
// commands): a denial is logged and replied; false then.
bool AclAllows(Client& c, Command* cmd, CmdArgs argv) {
  size_t idx = 0;
  acl::Denial d = acl::CheckCommand(*c.user, *cmd, argv, &idx);
  if (d == acl::Denial::kNone) return true;
  bool in_exec = c.Has(kClientMulti) && c.Has(kClientDenyBlocking);
  std::string object = d == acl::Denial::kCommand ? cmd->fullname : std::string(argv[idx]);
  const Command* running = c.cur_cmd;
  if (!in_exec) c.cur_cmd = cmd;  // the log's client-info shows cmd=<the refused command>, as Redis' c->cmd
  acl::AddLogEntry(c, d, c.Has(kClientMulti) ? acl::LogContext::kMulti : acl::LogContext::kToplevel,
                   std::move(object), c.user->name);
  c.cur_cmd = running;
  if (in_exec) {
    std::string_view why = d == acl::Denial::kCommand ? err::kNoPermExecCommand
                           : d == acl::Denial::kKey   ? err::kNoPermExecKey
                                                      : err::kNoPermExecChannel;
    c.reply.Error(fmt::format(fmt::runtime(err::kNoPermExec), why));
    CountError(c.reply.TakeLastError());
    return false;
  }
  Reject(c, cmd,
         d == acl::Denial::kCommand ? fmt::format(fmt::runtime(err::kNoPermCommand), cmd->fullname)
         : d == acl::Denial::kKey   ? std::string(err::kNoPermKey)
                                    : std::string(err::kNoPermChannel));
  return false;
}

}  // namespace

void Dispatch(Client& c, CmdArgs argv) {
  // Blocked clients are served after the outermost command only (EXEC runs its queue through Dispatch).
  static int depth = 0;
  int64_t offset_before = Repl().master_repl_offset;
  if (++depth == 1) {
    TrackingSetCurrentClient(&c);
    BeginExecutionUnit();
  }
  DispatchOne(c, argv);
  if (--depth == 0) {
    EndExecutionUnit();
    // WAIT waits for the offset right after the client's last write (Redis' c->woff).
    if (Repl().master_repl_offset != offset_before) c.repl_woff = Repl().master_repl_offset;
    TrackingSendPending();
    EndCachingWindow(c);
    TrackingSetCurrentClient(nullptr);
    ServeBlockedClients();
  }
}

void SignalModifiedKey(const Client* c, const Db& db, std::string_view key) {
  TouchWatchedKey(db, key);
  TrackingInvalidateKey(key, c);
}

namespace {
void DispatchOne(Client& c, CmdArgs argv) {
  Server& srv = Srv();
  if (!srv.clock_fresh) UpdateClock();
  srv.clock_fresh = false;  // commands run by this one (EXEC, scripts) read the clock themselves
  Command* cmd = Commands().Find(argv[0]);
  if (cmd && !cmd->subcommands.empty() && argv.size() >= 2) {
    Command* sub = CommandRegistry::FindSub(*cmd, argv[1]);
    if (!sub) {
      std::string upper(cmd->name);
      for (char& ch : upper) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
      Reject(c, nullptr, fmt::format(fmt::runtime(err::kUnknownSubcommand), CStr(argv[1]).substr(0, 128), upper));
      return;
    }
    cmd = sub;
  }
  if (!cmd) {
    Reject(c, nullptr, UnknownCommandMessage(argv));
    return;
  }
  if (!ArityOk(*cmd, argv.size())) {
    Reject(c, cmd, fmt::format(fmt::runtime(err::kWrongArity), cmd->fullname));
    return;
  }
  if (!c.authenticated && !(cmd->flags & kCmdNoAuth) && AuthRequired()) {
    Reject(c, cmd, err::kNoAuth);
    return;
  }
  // A blocked command served when its key is ready is not checked again (Redis serves it without
  // processCommand), even if the user's rules changed meanwhile.
  if (c.user->restricted && !IsBlockedRerun(c) && !AclAllows(c, cmd, argv)) return;
  if (Cfg().maxmemory && !MemoryAllowsCommand(c, *cmd)) {
    Reject(c, cmd, err::kOom);
    return;
  }
  // RESP2 subscribed mode and MONITOR clients may run only some commands (PubSubAllows replies the error).
  if ((c.flags & (kClientPubSub | kClientMonitor)) && !PubSubAllows(c, *cmd)) {
    ++cmd->rejected_calls;
    return;
  }
  // -MISCONF after a failed background save or AOF write (Redis' writeCommandsDeniedByDiskError); a replica
  // applies its master's writes anyway.
  bool rdb_error = RdbWritesRefused();
  if ((rdb_error || AofWritesRefused()) && ((cmd->flags & kCmdWrite) || cmd->name == "ping") &&
      !c.Has(kClientMaster)) {
    Reject(c, cmd, rdb_error ? std::string(err::kMisconf)
                             : fmt::format(fmt::runtime(err::kAofMisconf), Aof().last_write_error));
    return;
  }
  if (!EnoughGoodReplicas() && IsWrite(c, *cmd)) {
    Reject(c, cmd, err::kNoReplicas);
    return;
  }
  if (std::string_view refusal = ReplicaRefusal(c, *cmd); !refusal.empty()) {
    Reject(c, cmd, refusal);
    return;
  }
  if (Rdb().loading && !(cmd->flags & kCmdLoading)) {
    Reject(c, cmd, err::kLoading);
    return;
  }
  std::string_view busy;
  if (ScriptRunning() && ScriptBusyRejects(c, *cmd, argv, &busy)) {
    Reject(c, cmd, busy);
    return;
  }
  // Inside MULTI commands are queued; while EXEC runs them (kClientDenyBlocking) they run.
  if (c.Has(kClientMulti) && !c.Has(kClientDenyBlocking) && !RunsInsideMulti(*cmd)) {
    if (cmd->flags & kCmdNoMulti) {
      Reject(c, cmd, "ERR Command not allowed inside a transaction");
      return;
    }
    c.multi_queue.Push(argv);
    c.reply.Simple("QUEUED");
    return;
  }
  c.cur_cmd = cmd;
  uint64_t dirty_before = srv.stats.dirty;
  int64_t start = srv.now_us;
  size_t mark = c.out.raw().size();
  int db = c.db_index();
  PropagationFrame outer = EnterCommandPropagation();
  cmd->handler(c, argv);
  LeaveCommandPropagation(outer, db, argv, srv.stats.dirty > dirty_before);
  // CLIENT REPLY OFF|SKIP: drop what this command wrote.
  if (c.flags & (kClientReplyOff | kClientReplySkip)) {
    c.out.raw().resize(mark);
    c.flags &= ~kClientReplySkip;
  }
  if (c.flags & kClientReplySkipNext) c.flags = (c.flags & ~kClientReplySkipNext) | kClientReplySkip;
  UpdateClock();
  srv.clock_fresh = true;
  int64_t duration_us = std::max<int64_t>(0, srv.now_us - start);  // the wall clock may be stepped back
  cmd->usec += duration_us;
  ObserveCommand(c, *cmd, argv, duration_us);
  ++cmd->calls;
  ++srv.stats.total_commands_processed;
  std::string_view e = c.reply.TakeLastError();
  if (!e.empty()) {
    CountError(e);
    ++cmd->failed_calls;
  }
  if ((cmd->flags & kCmdWrite) && srv.stats.dirty != dirty_before && (AnyWatchedKeys() || TrackingActive()))
    SignalWrittenKeys(c, *cmd, argv);
  if ((cmd->flags & kCmdReadonly) && c.Has(kClientTracking) && !c.Has(kClientTrackingBcast))
    TrackingRememberKeys(c, *cmd, argv);
  // Redis 7.0 feeds MONITOR after the command ran (so SELECT shows the new db); admin commands are hidden.
  if (MonitorsActive() && !(cmd->flags & (kCmdSkipMonitor | kCmdAdmin))) FeedMonitors(c, argv);
  c.last_cmd = cmd;
  c.cur_cmd = nullptr;
}
}  // namespace

void DiscardTransaction(Client& c) {
  c.multi_queue.Clear();
  c.flags &= ~(kClientMulti | kClientMultiDirty);
  UnwatchAll(c);
}

void OnClientClosed(Client& c) {
  TrackingDisable(c);
  PubSubForget(c);
  ForgetBlockedClient(c);
  ForgetReplicationClient(c);
  DiscardTransaction(c);
}

}  // namespace corvid
