// SLOWLOG GET / LEN / RESET / HELP over the slow log (server/slowlog.h).
#include <fmt/format.h>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "server/slowlog.h"

namespace corvid {

namespace {

void SlowlogGetCmd(Client& c, CmdArgs args) {
  const auto& log = SlowlogEntries();
  int64_t count = 10;
  if (args.size() > 3)
    return ReplySubcommandSyntaxError(c, args);
  if (args.size() == 3) {
    if (!ArgInt64(c, args[2], &count, "ERR count should be greater than or equal to -1")) return;
    if (count < -1) return c.reply.Error("ERR count should be greater than or equal to -1");
    if (count == -1) count = static_cast<int64_t>(log.size());
  }
  size_t n = std::min(log.size(), static_cast<size_t>(count));
  c.reply.Array(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log[i];
    c.reply.Array(6);
    c.reply.Int(e.id);
    c.reply.Int(e.time_s);
    c.reply.Int(e.duration_us);
    c.reply.Array(e.args.size());
    for (const std::string& a : e.args) c.reply.Bulk(a);
    c.reply.Bulk(e.peer);
    c.reply.Bulk(e.name);
  }
}

void SlowlogLenCmd(Client& c, CmdArgs) { c.reply.Int(static_cast<int64_t>(SlowlogEntries().size())); }

void SlowlogResetCmd(Client& c, CmdArgs) {
  SlowlogReset();
  c.reply.Simple("OK");
}

void SlowlogHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "SLOWLOG",
            {"GET [<count>]",
             "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name",
             "LEN",
             "    Return the length of the slowlog.",
             "RESET",
             "    Reset the slowlog."});
}

constexpr CommandRow kRows[] = {
    {"slowlog", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.2.12", "Container of the slow log commands"},
    {"slowlog|reset", 2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", SlowlogResetCmd, "", "", "2.2.12", "Clears the slow log"},
    {"slowlog|get", -2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", SlowlogGetCmd, "", "count:integer?", "2.2.12", "Returns the slow log's entries"},
    {"slowlog|len", 2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", SlowlogLenCmd, "", "", "2.2.12", "Returns the number of entries in the slow log"},
    {"slowlog|help", 2, "loading stale", 0, 0, 0, "@slow", SlowlogHelpCmd, "", "", "6.2.0", "Lists the SLOWLOG subcommands"},
};

}  // namespace

void RegisterSlowlogFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
