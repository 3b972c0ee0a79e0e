// COMMAND and its subcommands, all served from the registration tables.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "util/glob.h"

namespace corvid {

namespace {

// Key specs derived from the row's key positions and key-spec flags. A row with several flag groups
// ("RW access delete | OW update") has one single-key spec per group, at consecutive key positions.
void ReplyKeySpecs(Client& c, const Command& cmd) {
  if (cmd.first_key == 0) return c.reply.Set(0);
  const auto& groups = cmd.key_groups;
  bool single = groups.size() > 1;
  c.reply.Set(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    c.reply.Map(3);
    c.reply.Bulk("flags");
    c.reply.Set(groups[g].size());
    for (const std::string& f : groups[g]) c.reply.Simple(f);
    c.reply.Bulk("begin_search");
    c.reply.Map(2);
    c.reply.Bulk("type");
    c.reply.Bulk("index");
    c.reply.Bulk("spec");
    c.reply.Map(1);
    c.reply.Bulk("index");
    c.reply.Int(cmd.first_key + static_cast<int>(g) * std::max(1, cmd.step));
    c.reply.Bulk("find_keys");
    c.reply.Map(2);
    c.reply.Bulk("type");
    c.reply.Bulk("range");
    c.reply.Bulk("spec");
    c.reply.Map(3);
    c.reply.Bulk("lastkey");
    // One spec per group: each covers one key, except a last group reaching the end (SINTERSTORE's sources).
    bool open_end = cmd.last_key < 0 && g + 1 == groups.size();
    c.reply.Int(single && !open_end ? 0 : (cmd.last_key < 0 ? cmd.last_key : cmd.last_key - cmd.first_key));
    c.reply.Bulk("keystep");
    c.reply.Int(cmd.step);
    c.reply.Bulk("limit");
    c.reply.Int(0);
  }
}

// COMMAND INFO's tips (space-separated), as Redis 7.0.15 lists them, by full command name.
constexpr std::pair<std::string_view, std::string_view> kTips[] = {
    {"client|info", "nondeterministic_output"},
    {"client|list", "nondeterministic_output"},
    {"cluster|bumpepoch", "nondeterministic_output"},
    {"cluster|count-failure-reports", "nondeterministic_output"},
    {"cluster|getkeysinslot", "nondeterministic_output"},
    {"cluster|info", "nondeterministic_output"},
    {"cluster|links", "nondeterministic_output"},
    {"cluster|nodes", "nondeterministic_output"},
    {"cluster|replicas", "nondeterministic_output"},
    {"cluster|shards", "nondeterministic_output"},
    {"cluster|slaves", "nondeterministic_output"},
    {"cluster|slots", "nondeterministic_output"},
    {"command", "nondeterministic_output_order"},
    {"command|docs", "nondeterministic_output_order"},
    {"command|info", "nondeterministic_output_order"},
    {"command|list", "nondeterministic_output_order"},
    {"config|set", "request_policy:all_nodes response_policy:all_succeeded"},
    {"dbsize", "request_policy:all_shards response_policy:agg_sum"},
    {"del", "request_policy:multi_shard response_policy:agg_sum"},
    {"dump", "nondeterministic_output"},
    {"exists", "request_policy:multi_shard response_policy:agg_sum"},
    {"flushall", "request_policy:all_shards response_policy:all_succeeded"},
    {"flushdb", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|delete", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|flush", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|kill", "request_policy:all_shards response_policy:one_succeeded"},
    {"function|list", "nondeterministic_output_order"},
    {"function|load", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|restore", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|stats", "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"hgetall", "nondeterministic_output_order"},
    {"hkeys", "nondeterministic_output_order"},
    {"hrandfield", "nondeterministic_output"},
    {"hscan", "nondeterministic_output"},
    {"hvals", "nondeterministic_output_order"},
    {"info", "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"keys", "request_policy:all_shards nondeterministic_output_order"},
    {"lastsave", "nondeterministic_output"},
    {"latency|doctor", "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|graph", "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|histogram", "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|history", "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|latest", "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|reset", "request_policy:all_nodes response_policy:all_succeeded"},
    {"memory|doctor", "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|malloc-stats", "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|purge", "request_policy:all_shards response_policy:all_succeeded"},
    {"memory|stats", "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"mget", "request_policy:multi_shard"},
    {"migrate", "nondeterministic_output"},
    {"module|list", "nondeterministic_output_order"},
    {"mset", "request_policy:multi_shard response_policy:all_succeeded"},
    {"msetnx", "request_policy:multi_shard response_policy:agg_min"},
    {"object|encoding", "nondeterministic_output"},
    {"object|freq", "nondeterministic_output"},
    {"object|idletime", "nondeterministic_output"},
    {"object|refcount", "nondeterministic_output"},
    {"ping", "request_policy:all_shards response_policy:all_succeeded"},
    {"pttl", "nondeterministic_output"},
    {"randomkey", "request_policy:all_shards nondeterministic_output"},
    {"scan", "nondeterministic_output request_policy:special"},
    {"script|exists", "request_policy:all_shards response_policy:agg_logical_and"},
    {"script|flush", "request_policy:all_nodes response_policy:all_succeeded"},
    {"script|kill", "request_policy:all_shards response_policy:one_succeeded"},
    {"script|load", "request_policy:all_nodes response_policy:all_succeeded"},
    {"sdiff", "nondeterministic_output_order"},
    {"sinter", "nondeterministic_output_order"},
    {"slowlog|get", "request_policy:all_nodes nondeterministic_output"},
    {"slowlog|len", "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"},
    {"slowlog|reset", "request_policy:all_nodes response_policy:all_succeeded"},
    {"smembers", "nondeterministic_output_order"},
    {"spop", "nondeterministic_output"},
    {"srandmember", "nondeterministic_output"},
    {"sscan", "nondeterministic_output"},
    {"sunion", "nondeterministic_output_order"},
    {"time", "nondeterministic_output"},
    {"touch", "request_policy:multi_shard response_policy:agg_sum"},
    {"ttl", "nondeterministic_output"},
    {"unlink", "request_policy:multi_shard response_policy:agg_sum"},
    {"wait", "request_policy:all_shards response_policy:agg_min"},
    {"xadd", "nondeterministic_output"},
    {"xautoclaim", "nondeterministic_output"},
    {"xclaim", "nondeterministic_output"},
    {"xinfo|consumers", "nondeterministic_output"},
    {"xpending", "nondeterministic_output"},
    {"xtrim", "nondeterministic_output"},
    {"zrandmember", "nondeterministic_output"},
    {"zscan", "nondeterministic_output"},
};

std::vector<std::string_view> TipsOf(const Command& cmd) {
  std::vector<std::string_view> out;
  for (const auto& [name, tips] : kTips) {
    if (name != cmd.fullname) continue;
    for (size_t pos = 0; pos < tips.size();) {
      size_t end = std::min(tips.find(' ', pos), tips.size());
      out.push_back(tips.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  return out;
}

void ReplyCommandInfo(Client& c, const Command& cmd) {
  c.reply.Array(10);
  c.reply.Bulk(cmd.fullname);
  c.reply.Int(cmd.arity);
  std::vector<std::string_view> flags = FlagNames(cmd.flags);
  c.reply.Set(flags.size());
  for (std::string_view f : flags) c.reply.Simple(f);
  c.reply.Int(cmd.first_key);
  c.reply.Int(cmd.last_key);
  c.reply.Int(cmd.step);
  c.reply.Set(cmd.acl_names.size());
  for (const std::string& a : cmd.acl_names) c.reply.Simple(a);
  std::vector<std::string_view> tips = TipsOf(cmd);
  c.reply.Set(tips.size());
  for (std::string_view t : tips) c.reply.Bulk(t);
  ReplyKeySpecs(c, cmd);
  c.reply.Set(cmd.subcommands.size());
  for (const Command* sub : cmd.subcommands) ReplyCommandInfo(c, *sub);
}

// Finds "name" or "parent|sub".
const Command* Lookup(std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return Commands().Find(name);
  const Command* parent = Commands().Find(name.substr(0, bar));
  return parent ? CommandRegistry::FindSub(*parent, name.substr(bar + 1)) : nullptr;
}

void CommandCmd(Client& c, CmdArgs) {
  const auto& all = Commands().TopLevel();
  c.reply.Array(all.size());
  for (const Command* cmd : all) ReplyCommandInfo(c, *cmd);
}

void CommandCountCmd(Client& c, CmdArgs) { c.reply.Int(static_cast<int64_t>(Commands().size())); }

void CommandInfoCmd(Client& c, CmdArgs args) {
  if (args.size() == 2) return CommandCmd(c, args.first(1));
  c.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const Command* cmd = Lookup(args[i]);
    if (cmd)
      ReplyCommandInfo(c, *cmd);
    else
      c.reply.NullArray();
  }
}

std::string_view GroupOf(const Command& cmd) {
  static constexpr std::pair<std::string_view, std::string_view> kGroups[] = {
      {"@string", "string"}, {"@list", "list"}, {"@set", "set"}, {"@sortedset", "sorted-set"},
      {"@hash", "hash"}, {"@stream", "stream"}, {"@pubsub", "pubsub"}, {"@transaction", "transactions"},
      {"@scripting", "scripting"}, {"@geo", "geo"}, {"@hyperloglog", "hyperloglog"}, {"@bitmap", "bitmap"},
      {"@connection", "connection"}, {"@keyspace", "generic"}};
  std::string_view top = cmd.parent ? cmd.parent->name : cmd.name;
  if (top == "cluster" || top == "readonly" || top == "readwrite" || top == "asking") return "cluster";
  for (const auto& [acl, group] : kGroups)
    if (std::find(cmd.acl_names.begin(), cmd.acl_names.end(), acl) != cmd.acl_names.end()) return group;
  return "server";
}

// One argument map of COMMAND DOCS; key_index numbers the key arguments in order.
void ReplyArg(Client& c, const ArgSpec& a, int* key_index) {
  bool is_key = a.type == "key";
  int flags = a.optional + a.multiple + a.multiple_token;
  c.reply.Map(2 + is_key + !a.token.empty() + (flags > 0) + !a.children.empty());
  c.reply.Bulk("name");
  c.reply.Bulk(a.name);
  c.reply.Bulk("type");
  c.reply.Bulk(a.type);
  if (is_key) {
    c.reply.Bulk("key_spec_index");
    c.reply.Int((*key_index)++);
  }
  if (!a.token.empty()) {
    c.reply.Bulk("token");
    c.reply.Bulk(a.token);
  }
  if (flags > 0) {
    c.reply.Bulk("flags");
    c.reply.Set(flags);
    if (a.optional) c.reply.Simple("optional");
    if (a.multiple) c.reply.Simple("multiple");
    if (a.multiple_token) c.reply.Simple("multiple_token");
  }
  if (!a.children.empty()) {
    c.reply.Bulk("arguments");
    c.reply.Array(a.children.size());
    for (const ArgSpec& child : a.children) ReplyArg(c, child, key_index);
  }
}

void ReplyDocs(Client& c, const Command& cmd) {
  c.reply.Bulk(cmd.fullname);
  c.reply.Map(3 + !cmd.args.empty() + !cmd.subcommands.empty());
  c.reply.Bulk("summary");
  c.reply.Bulk(cmd.summary);
  c.reply.Bulk("since");
  c.reply.Bulk(cmd.since);
  c.reply.Bulk("group");
  c.reply.Bulk(GroupOf(cmd));
  if (!cmd.args.empty()) {
    c.reply.Bulk("arguments");
    c.reply.Array(cmd.args.size());
    int key_index = 0;
    for (const ArgSpec& a : cmd.args) ReplyArg(c, a, &key_index);
  }
  if (cmd.subcommands.empty()) return;
  c.reply.Bulk("subcommands");
  c.reply.Map(cmd.subcommands.size());
  for (const Command* sub : cmd.subcommands) ReplyDocs(c, *sub);
}

void CommandDocsCmd(Client& c, CmdArgs args) {
  std::vector<const Command*> sel;
  if (args.size() == 2) {
    for (const Command* cmd : Commands().TopLevel()) sel.push_back(cmd);
  } else {
    for (size_t i = 2; i < args.size(); ++i)
      if (const Command* cmd = Lookup(args[i])) sel.push_back(cmd);
  }
  c.reply.Map(sel.size());
  for (const Command* cmd : sel) ReplyDocs(c, *cmd);
}

void CommandListCmd(Client& c, CmdArgs args) {
  std::string_view filter, value;
  if (args.size() == 5 && Is(args[2], "FILTERBY")) {
    filter = args[3];
    value = args[4];
    if (!Is(filter, "MODULE") && !Is(filter, "ACLCAT") && !Is(filter, "PATTERN")) return c.reply.Error(err::kSyntax);
  } else if (args.size() != 2) {
    return c.reply.Error(err::kSyntax);
  }
  std::vector<const Command*> out;
  for (const Command* cmd : Commands().All()) {
    if (Is(filter, "MODULE")) continue;
    if (Is(filter, "ACLCAT")) {
      bool hit = std::any_of(cmd->acl_names.begin(), cmd->acl_names.end(),
                             [&](const std::string& a) { return Is(std::string_view(a).substr(1), value); });
      if (!hit) continue;
    }
    if (Is(filter, "PATTERN") && !StringMatch(value, cmd->fullname, true)) continue;
    out.push_back(cmd);
  }
  c.reply.Array(out.size());
  for (const Command* cmd : out) c.reply.Bulk(cmd->fullname);
}

// The keys of a full command line (argv indexes and spec flags); false (after replying) on errors.
bool KeysOf(Client& c, CmdArgs line, const Command** found,
            std::vector<std::pair<size_t, const std::vector<std::string>*>>* keys) {
  const Command* cmd = Commands().Find(line[0]);
  if (cmd && !cmd->subcommands.empty() && line.size() >= 2) cmd = CommandRegistry::FindSub(*cmd, line[1]);
  if (!cmd) {
    c.reply.Error("ERR Invalid command specified");
    return false;
  }
  bool arity_ok = cmd->arity > 0 ? line.size() == static_cast<size_t>(cmd->arity)
                                 : line.size() >= static_cast<size_t>(-cmd->arity);
  if (!arity_ok) {
    c.reply.Error("ERR Invalid number of arguments specified for command");
    return false;
  }
  if (!HasKeyArgs(*cmd)) {
    c.reply.Error("ERR The command has no key arguments");
    return false;
  }
  ForEachKeyArg(*cmd, line, [&](size_t i, const std::vector<std::string>& flags) { keys->push_back({i, &flags}); });
  if (keys->empty() && !(cmd->flags & kCmdNoMandatoryKeys)) {
    c.reply.Error("ERR Invalid arguments specified for command");
    return false;
  }
  *found = cmd;
  return true;
}

// COMMAND GETKEYS (with_flags false) and GETKEYSANDFLAGS.
void GetkeysGeneric(Client& c, CmdArgs args, bool with_flags) {
  const Command* cmd;
  std::vector<std::pair<size_t, const std::vector<std::string>*>> keys;
  CmdArgs line = args.subspan(2);
  if (!KeysOf(c, line, &cmd, &keys)) return;
  c.reply.Array(keys.size());
  for (const auto& [i, flags] : keys) {
    if (!with_flags) {
      c.reply.Bulk(line[i]);
      continue;
    }
    c.reply.Array(2);
    c.reply.Bulk(line[i]);
    c.reply.Set(flags->size());
    for (const std::string& f : *flags) c.reply.Simple(f);
  }
}

void CommandGetkeysCmd(Client& c, CmdArgs args) { GetkeysGeneric(c, args, false); }
void CommandGetkeysandflagsCmd(Client& c, CmdArgs args) { GetkeysGeneric(c, args, true); }

void CommandHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "COMMAND",
            {"(no subcommand)",
             "    Return details about all Redis commands.",
             "COUNT",
             "    Return the total number of commands in this Redis server.",
             "LIST",
             "    Return a list of all commands in this Redis server.",
             "INFO [<command-name> ...]",
             "    Return details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.",
             "DOCS [<command-name> ...]",
             "    Return documentation details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.",
             "GETKEYS <full-command>",
             "    Return the keys from a full Redis command.",
             "GETKEYSANDFLAGS <full-command>",
             "    Return the keys and the access flags from a full Redis command."});
}

constexpr CommandRow kRows[] = {
    {"command", -1, "loading stale", 0, 0, 0, "@slow @connection", CommandCmd, "", "", "2.8.13", "Describes every command"},
    {"command|help", 2, "loading stale", 0, 0, 0, "@slow @connection", CommandHelpCmd, "", "", "5.0.0", "Lists the COMMAND subcommands"},
    {"command|list", -2, "loading stale", 0, 0, 0, "@slow @connection", CommandListCmd, "", "FILTERBY=filterby(MODULE=module-name|ACLCAT=category|PATTERN=pattern:pattern)?", "7.0.0", "Lists command names"},
    {"command|info", -2, "loading stale", 0, 0, 0, "@slow @connection", CommandInfoCmd, "", "command-name...?", "2.8.13", "Describes commands"},
    {"command|getkeys", -4, "loading stale", 0, 0, 0, "@slow @connection", CommandGetkeysCmd, "", "", "2.8.13", "Extracts the keys of a command line"},
    {"command|count", 2, "loading stale", 0, 0, 0, "@slow @connection", CommandCountCmd, "", "", "2.8.13", "Returns the number of commands"},
    {"command|docs", -2, "loading stale", 0, 0, 0, "@slow @connection", CommandDocsCmd, "", "command-name...?", "7.0.0", "Returns documentation of commands"},
    {"command|getkeysandflags", -4, "loading stale", 0, 0, 0, "@slow @connection", CommandGetkeysandflagsCmd, "", "", "7.0.0", "Extracts the keys of a command line with their access flags"},
};

}  // namespace

void RegisterCommandFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
