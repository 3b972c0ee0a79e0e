// LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP over the latency monitor and the
// per-command histograms (server/latency.h).
#include <fmt/format.h>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "server/latency.h"

namespace corvid {

namespace {

void LatencyLatestCmd(Client& c, CmdArgs) {
  const auto& events = LatencyEvents();
  c.reply.Array(events.size());
  for (const auto& [name, s] : events) {
    const LatencySample& last = s.Latest();
    c.reply.Array(4);
    c.reply.Bulk(name);
    c.reply.Int(last.time);
    c.reply.Int(last.latency);
    c.reply.Int(s.max);
  }
}

void LatencyHistoryCmd(Client& c, CmdArgs args) {
  const auto& events = LatencyEvents();
  auto it = events.find(args[2]);
  if (it == events.end()) return c.reply.Array(0);
  std::vector<LatencySample> v = it->second.Ordered();
  c.reply.Array(v.size());
  for (const LatencySample& x : v) {
    c.reply.Array(2);
    c.reply.Int(x.time);
    c.reply.Int(x.latency);
  }
}

void LatencyGraphCmd(Client& c, CmdArgs args) {
  const auto& events = LatencyEvents();
  auto it = events.find(args[2]);
  if (it == events.end())
    return c.reply.Error(fmt::format("ERR No samples available for event '{}'", CStr(args[2])));
  c.reply.Verbatim(LatencyGraph(args[2], it->second));
}

void LatencyDoctorCmd(Client& c, CmdArgs) { c.reply.Verbatim(LatencyDoctorReport()); }

void LatencyResetCmd(Client& c, CmdArgs args) {
  std::vector<std::string_view> names(args.begin() + 2, args.end());
  c.reply.Int(static_cast<int64_t>(LatencyReset(names)));
}

void ReplyHistogram(Client& c, const Command& cmd) {
  const LatencyHistogram& h = *cmd.latency_hist;
  c.reply.Bulk(cmd.fullname);
  c.reply.Map(2);
  c.reply.Bulk("calls");
  c.reply.Int(static_cast<int64_t>(h.total()));
  c.reply.Bulk("histogram_usec");
  auto cdf = h.Cumulative();
  c.reply.Map(cdf.size());
  for (auto [usec, count] : cdf) {
    c.reply.Int(usec);
    c.reply.Int(static_cast<int64_t>(count));
  }
}

void LatencyHistogramCmd(Client& c, CmdArgs args) {
  std::vector<const Command*> cmds;
  auto add = [&](const Command* cmd) {
    if (cmd->latency_hist) cmds.push_back(cmd);
  };
  if (args.size() == 2) {
    for (const Command* cmd : Commands().All()) add(cmd);
  } else {
    for (size_t i = 2; i < args.size(); ++i) {
      std::string_view name = args[i];
      size_t bar = name.find('|');
      const Command* cmd = Commands().Find(name.substr(0, bar));
      if (cmd && bar != std::string_view::npos) cmd = CommandRegistry::FindSub(*cmd, name.substr(bar + 1));
      if (!cmd) continue;
      add(cmd);
      if (bar == std::string_view::npos)
        for (const Command* sub : cmd->subcommands) add(sub);
    }
  }
  c.reply.Map(cmds.size());
  for (const Command* cmd : cmds) ReplyHistogram(c, *cmd);
}

void LatencyHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "LATENCY",
            {"DOCTOR",
             "    Return a human readable latency analysis report.",
             "GRAPH <event>",
             "    Return an ASCII latency graph for the <event> class.",
             "HISTORY <event>",
             "    Return time-latency samples for the <event> class.",
             "LATEST",
             "    Return the latest latency samples for all events.",
             "RESET [<event> ...]",
             "    Reset latency data of one or more <event> classes.",
             "    (default: reset all data for all event classes)",
             "HISTOGRAM [COMMAND ...]",
             "    Return a cumulative distribution of latencies in the format of a histogram for the specified "
             "command names.",
             "    If no commands are specified then all histograms are replied."});
}

constexpr CommandRow kRows[] = {
    {"latency", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.8.13", "Container of the latency monitor commands"},
    {"latency|reset", -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", LatencyResetCmd, "", "event...?", "2.8.13", "Resets the latency data of events"},
    {"latency|histogram", -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", LatencyHistogramCmd, "", "command...?", "7.0.0", "Returns cumulative latency distributions of commands"},
    {"latency|doctor", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", LatencyDoctorCmd, "", "", "2.8.13", "Returns a human-readable latency analysis report"},
    {"latency|graph", 3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", LatencyGraphCmd, "", "event", "2.8.13", "Returns a latency graph of an event"},
    {"latency|history", 3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", LatencyHistoryCmd, "", "event", "2.8.13", "Returns the latency samples of an event"},
    {"latency|help", 2, "loading stale", 0, 0, 0, "@slow", LatencyHelpCmd, "", "", "2.8.13", "Lists the LATENCY subcommands"},
    {"latency|latest", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", LatencyLatestCmd, "", "", "2.8.13", "Returns the latest latency sample of every event"},
};

}  // namespace

void RegisterLatencyFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
