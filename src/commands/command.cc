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

// FNV-1a over the bytes with the ASCII case bit cleared: equal for names that differ only in case.
uint64_t NameHash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ (c | 0x20)) * 1099511628211ull;
  return h;
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
    Index(cmd);
  }
}

void CommandRegistry::Index(Command* cmd) {
  if ((top_.size() + 1) * 4 > slots_.size()) {  // keep the table at most 1/4 full
    std::vector<Command*> old;
    old.swap(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), nullptr);
    for (Command* c : old)
      if (c) Index(c);
  }
  size_t mask = slots_.size() - 1;
  for (size_t i = NameHash(cmd->name) & mask;; i = (i + 1) & mask) {
    if (!slots_[i]) {
      slots_[i] = cmd;
      return;
    }
  }
}

Command* CommandRegistry::Find(std::string_view name) const {
  if (slots_.empty()) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t i = NameHash(name) & mask; slots_[i]; i = (i + 1) & mask)
    if (EqualNoCase(slots_[i]->name, name)) return slots_[i];
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
