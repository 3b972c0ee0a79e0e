// CONFIG GET / SET / REWRITE / RESETSTAT / HELP: argument handling and replies over server/config.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "net/client.h"
#include "server/config.h"

namespace corvid {

// Clears the INFO stats counters, command and error stats included (src/server/server.cc).
extern void ResetServerStats();

namespace {

void ConfigGetCmd(Client& c, CmdArgs args) {
  std::vector<std::pair<std::string, std::string>> out;
  ConfigGet(args.subspan(2), &out);
  c.reply.Map(out.size());
  for (const auto& [name, value] : out) {
    c.reply.Bulk(name);
    c.reply.Bulk(value);
  }
}

void ConfigSetCmd(Client& c, CmdArgs args) {
  ConfigSetContext ctx;
  ctx.local_client = IsLocalClient(c);
  std::string err;
  if (ConfigSet(args.subspan(2), &err, ctx)) {
    c.reply.Ok();
  } else {
    c.reply.Error(err);
  }
}

void ConfigRewriteCmd(Client& c, CmdArgs) {
  std::string err;
  if (ConfigRewrite(&err)) {
    c.reply.Ok();
  } else {
    c.reply.Error(err);
  }
}

void ConfigResetStatCmd(Client& c, CmdArgs) {
  ResetServerStats();  // also clears INFO commandstats / errorstats
  c.reply.Ok();
}

void ConfigHelpCmd(Client& c, CmdArgs) {
  static constexpr std::string_view kHelp[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  c.reply.Array(std::size(kHelp));
  for (std::string_view line : kHelp) c.reply.Simple(line);
}

// Arity, flags and ACL categories as redis-server 7.0.15's COMMAND INFO shows them.
constexpr CommandRow kRows[] = {
    {"config", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.0.0", "Container of the configuration commands"},
    {"config|get", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", ConfigGetCmd, "", "parameter{parameter}...", "2.0.0", "Returns configuration parameters"},
    {"config|set", -4, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", ConfigSetCmd, "", "parameter_value{parameter value}...", "2.0.0", "Changes configuration parameters"},
    {"config|rewrite", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", ConfigRewriteCmd, "", "", "2.8.0", "Writes the running configuration to the config file"},
    {"config|resetstat", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", ConfigResetStatCmd, "", "", "2.0.0", "Resets the statistics INFO reports"},
    {"config|help", 2, "loading stale", 0, 0, 0, "@slow", ConfigHelpCmd, "", "", "5.0.0", "Lists the CONFIG subcommands"},
};

}  // namespace

void RegisterConfigFamily(CommandRegistry& r) { r.Add(std::span(kRows)); }

}  // namespace corvid
