// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. Queueing itself happens in the dispatcher.
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/dispatcher.h"
#include "db/watch.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

namespace {

void MultiCmd(Client& c, CmdArgs) {
  if (c.Has(kClientMulti)) return c.reply.Error("ERR MULTI calls can not be nested");
  c.flags |= kClientMulti;
  c.reply.Ok();
}

void DiscardCmd(Client& c, CmdArgs) {
  if (!c.Has(kClientMulti)) return c.reply.Error("ERR DISCARD without MULTI");
  DiscardTransaction(c);
  c.reply.Ok();
}

// Runs the queued commands, replying with an array of their replies; nil if a watched key changed.
void ExecCmd(Client& c, CmdArgs) {
  if (!c.Has(kClientMulti)) return c.reply.Error("ERR EXEC without MULTI");
  if (c.Has(kClientMultiDirty)) {
    DiscardTransaction(c);
    return c.reply.Error("EXECABORT Transaction discarded because of previous errors.");
  }
  if (WatchFailed(c)) {
    DiscardTransaction(c);
    return c.reply.NullArray();
  }
  // As Redis, the client stays in MULTI state while the queue runs (CLIENT INFO shows flags=x and the count).
  UnwatchAll(c);
  PreventPropagation();  // the queued commands propagate themselves, in one unit
  c.flags |= kClientDenyBlocking;
  size_t n = c.multi_queue.size();
  c.reply.Array(n);
  static std::vector<std::string_view> argv;  // EXEC does not nest (EXEC inside MULTI is refused)
  FrozenExpireClock frozen;
  for (size_t i = 0; i < n && i < c.multi_queue.size(); ++i) {
    c.multi_queue.Get(i, &argv);
    Dispatch(c, argv);
  }
  c.flags &= ~kClientDenyBlocking;
  DiscardTransaction(c);
}

void WatchCmd(Client& c, CmdArgs args) {
  if (c.Has(kClientMulti)) return c.reply.Error("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < args.size(); ++i) WatchKey(c, args[i]);
  c.reply.Ok();
}

void UnwatchCmd(Client& c, CmdArgs) {
  UnwatchAll(c);
  c.reply.Ok();
}

constexpr CommandRow kRows[] = {
    {"multi", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", MultiCmd, "", "", "1.2.0", "Starts a transaction"},
    {"exec", 1, "noscript loading stale skip_slowlog", 0, 0, 0, "@slow @transaction", ExecCmd, "", "", "1.2.0", "Runs the queued commands of a transaction"},
    {"discard", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", DiscardCmd, "", "",
     "2.0.0", "Abandons a transaction"},
    {"watch", -2, "noscript loading stale fast allow_busy", 1, -1, 1, "@fast @transaction", WatchCmd, "RO", "key...",
     "2.2.0", "Makes the next transaction depend on keys staying unchanged"},
    {"unwatch", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", UnwatchCmd, "", "",
     "2.2.0", "Forgets the watched keys"},
};

}  // namespace

void RegisterTransactionFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
