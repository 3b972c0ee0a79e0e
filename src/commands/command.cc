#include "commands/command.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace corvid {

namespace {

constexpr std::pair<const char*, uint32_t> kFlagNames[] = {
    {"write", kCmdWrite},        {"readonly", kCmdReadonly},
    {"denyoom", kCmdDenyOom},    {"module", kCmdModule},
    {"admin", kCmdAdmin},        {"pubsub", kCmdPubsub},
    {"noscript", kCmdNoscript},  {"blocking", kCmdBlocking},
    {"loading", kCmdLoading},    {"stale", kCmdStale},
    {"skip_monitor", kCmdSkipMonitor}, {"skip_slowlog", kCmdSkipSlowlog},
    {"asking", kCmdAsking},      {"fast", kCmdFast},
    {"no_auth", kCmdNoAuth},     {"may_replicate", kCmdMayReplicate},
    {"no_mandatory_keys", kCmdNoMandatoryKeys}, {"no_multi", kCmdNoMulti},
    {"movablekeys", kCmdMovableKeys}, {"allow_busy", kCmdAllowBusy},
    {"no_async_loading", kCmdNoAsyncLoading},
};

std::vector<std::string> Words(const char* s) {
  std::vector<std::string> out;
  std::istringstream in(s ? s : "");
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool EqualNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

CommandRegistry& Commands() {
  static CommandRegistry r;
  return r;
}

std::vector<std::string_view> FlagNames(uint32_t flags) {
  std::vector<std::string_view> out;
  for (const auto& [name, bit] : kFlagNames)
    if (flags & bit) out.emplace_back(name);
  return out;
}

void CommandRegistry::Add(std::span<const CommandRow> rows) {
  for (const CommandRow& row : rows) {
    auto* cmd = new Command;  // commands live for the whole process
    cmd->name = row.name;
    cmd->fullname = row.name;
    cmd->arity = row.arity;
    for (const std::string& w : Words(row.flags)) {
      auto it = std::find_if(std::begin(kFlagNames), std::end(kFlagNames),
                             [&](const auto& p) { return w == p.first; });
      if (it == std::end(kFlagNames)) abort();  // a typo in a family table
      cmd->flags |= it->second;
    }
    cmd->first_key = row.first_key;
    cmd->last_key = row.last_key;
    cmd->step = row.step;
    cmd->acl_names = Words(row.acl);
    cmd->key_flags = Words(row.key_flags);
    cmd->summary = row.summary;
    cmd->handler = row.handler;
    size_t bar = cmd->name.find('|');
    if (bar != std::string::npos) {
      Command* parent = Find(cmd->name.substr(0, bar));
      if (!parent) abort();  // the parent row must come first
      cmd->parent = parent;
      parent->subcommands.push_back(cmd);
      continue;
    }
    top_.push_back(cmd);
    auto at = std::lower_bound(index_.begin(), index_.end(), cmd->name,
                               [](const auto& p, const std::string& k) { return p.first < k; });
    index_.insert(at, {cmd->name, cmd});
  }
}

Command* CommandRegistry::Find(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = static_cast<char>(tolower(static_cast<unsigned char>(name[i])));
  std::string_view key(buf, name.size());
  auto it = std::lower_bound(index_.begin(), index_.end(), key,
                             [](const auto& p, std::string_view k) { return std::string_view(p.first) < k; });
  if (it != index_.end() && it->first == key) return it->second;
  return nullptr;
}

Command* CommandRegistry::FindSub(const Command& parent, std::string_view name) {
  for (Command* sub : parent.subcommands) {
    std::string_view s(sub->name);
    if (EqualNoCase(s.substr(s.find('|') + 1), name)) return sub;
  }
  return nullptr;
}

std::vector<Command*> CommandRegistry::All() const {
  std::vector<Command*> out;
  for (Command* c : top_) {
    out.push_back(c);
    for (Command* s : c->subcommands) out.push_back(s);
  }
  return out;
}

}  // namespace corvid
