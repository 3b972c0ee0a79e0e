#include "commands/command.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "util/numeric.h"

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
    {"no_mandatory_keys", kCmdNoMandatoryKeys}, {"no_async_loading", kCmdNoAsyncLoading},  // Redis' reply order
    {"no_multi", kCmdNoMulti},   {"movablekeys", kCmdMovableKeys}, {"allow_busy", kCmdAllowBusy},
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

namespace {

constexpr std::string_view kArgTypes[] = {"key", "string", "integer", "double", "pattern", "unix-time",
                                          "pure-token"};  // name:pure-token: a token that is the empty string

bool IsTokenWord(std::string_view w) {
  if (w == "=" || w == "~") return true;  // XADD / XTRIM's trim operator
  bool upper = false;
  for (char c : w) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  return upper;
}

// Recursive-descent parser over the grammar text; pos advances over what was consumed.
class GrammarParser {
 public:
  explicit GrammarParser(std::string_view g) : g_(g) {}

  bool Sequence(char close, std::vector<ArgSpec>* out) {
    while (true) {
      while (pos_ < g_.size() && g_[pos_] == ' ') ++pos_;
      if (pos_ >= g_.size() || g_[pos_] == close) return true;
      ArgSpec a;
      if (!Item(&a)) return false;
      out->push_back(std::move(a));
    }
  }

 private:
  static bool Delim(char c) { return c == ' ' || c == '(' || c == ')' || c == '{' || c == '}' || c == '|' || c == '='; }

  std::string_view Word() {
    size_t start = pos_;
    while (pos_ < g_.size() && !Delim(g_[pos_])) ++pos_;
    // Suffixes are not part of the word.
    size_t end = pos_;
    while (end > start && (g_[end - 1] == '?' || g_[end - 1] == '+' || g_[end - 1] == '.')) --end;
    pos_ = end;
    return g_.substr(start, end - start);
  }

  bool Item(ArgSpec* a) {
    std::string_view w = Word();
    if (w.empty() && pos_ < g_.size() && g_[pos_] == '=') w = g_.substr(pos_++, 1);  // a literal "=" token
    if (pos_ < g_.size() && g_[pos_] == '=') {  // TOKEN=core
      a->token = std::string(w);
      ++pos_;
      w = Word();
    } else if (IsTokenWord(w) && (pos_ >= g_.size() || (g_[pos_] != '(' && g_[pos_] != '{'))) {
      a->token = std::string(w);
      a->type = "pure-token";
      a->name.resize(w.size());
      std::transform(w.begin(), w.end(), a->name.begin(), [](char c) { return static_cast<char>(tolower(c)); });
      return Suffixes(a);
    }
    if (pos_ < g_.size() && (g_[pos_] == '(' || g_[pos_] == '{')) {
      char open = g_[pos_++];
      a->name = std::string(w);
      a->type = open == '(' ? "oneof" : "block";
      if (open == '{') {
        if (!Sequence('}', &a->children)) return false;
      } else {
        while (true) {
          ArgSpec alt;
          if (!Item(&alt)) return false;
          a->children.push_back(std::move(alt));
          if (pos_ < g_.size() && g_[pos_] == '|') {
            ++pos_;
            continue;
          }
          break;
        }
      }
      if (pos_ >= g_.size() || g_[pos_] != (open == '(' ? ')' : '}')) return false;
      ++pos_;
      return Suffixes(a);
    }
    if (w.empty()) return false;
    size_t colon = w.rfind(':');
    std::string_view type = colon == std::string_view::npos ? std::string_view() : w.substr(colon + 1);
    if (std::find(std::begin(kArgTypes), std::end(kArgTypes), type) != std::end(kArgTypes)) {
      a->name = std::string(w.substr(0, colon));
      a->type = std::string(type);
    } else {
      a->name = std::string(w);
      a->type = w == "key" ? "key" : "string";
    }
    return Suffixes(a);
  }

  bool Suffixes(ArgSpec* a) {
    while (pos_ < g_.size()) {
      if (g_[pos_] == '+') {
        a->multiple_token = true;
        ++pos_;
      } else if (g_.substr(pos_, 3) == "...") {
        a->multiple = true;
        pos_ += 3;
      } else if (g_[pos_] == '?') {
        a->optional = true;
        ++pos_;
      } else {
        break;
      }
    }
    return true;
  }

  std::string_view g_;
  size_t pos_ = 0;
};

}  // namespace

bool ParseArgGrammar(std::string_view grammar, std::vector<ArgSpec>* out) {
  out->clear();
  return GrammarParser(grammar).Sequence('\0', out);
}

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
    Command* cmd = owned_.emplace_back(std::make_unique<Command>()).get();
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
    cmd->id = static_cast<uint32_t>(owned_.size() - 1);
    for (const std::string& w : cmd->acl_names) {
      auto it = std::find(std::begin(kAclCategories), std::end(kAclCategories), std::string_view(w).substr(1));
      if (w[0] != '@' || it == std::end(kAclCategories)) abort();  // a typo in a family table
      cmd->acl_categories |= 1u << (it - std::begin(kAclCategories));
    }
    cmd->key_flags = Words(row.key_flags);
    cmd->key_groups.emplace_back();
    for (const std::string& w : cmd->key_flags) {
      if (w == "|")
        cmd->key_groups.emplace_back();
      else
        cmd->key_groups.back().push_back(w);
    }
    cmd->find_keys = row.find_keys;
    cmd->summary = row.summary;
    cmd->since = row.since;
    if (!ParseArgGrammar(row.args, &cmd->args)) abort();  // a typo in a family table
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

const std::vector<std::string>& KeyGroupFlags(const Command& cmd, size_t g) {
  static const std::vector<std::string> kNone;
  if (cmd.key_groups.empty()) return kNone;
  return cmd.key_groups[std::min(g, cmd.key_groups.size() - 1)];
}

bool FindKeys(const Command& cmd, CmdArgs argv, std::vector<KeyRef>* out) {
  if (cmd.find_keys) return cmd.find_keys(argv, out);
  if (cmd.first_key <= 0) return true;
  int n = static_cast<int>(argv.size());
  int last = cmd.last_key < 0 ? n + cmd.last_key : cmd.last_key;
  size_t g = 0;
  for (int i = cmd.first_key; i <= last && i < n; i += cmd.step, ++g) out->push_back({static_cast<size_t>(i), g});
  return true;
}

bool NumkeysKeys(CmdArgs argv, size_t at, size_t group, bool allow_zero, std::vector<KeyRef>* out) {
  if (at >= argv.size()) return false;
  int64_t n;
  if (!StringToInt64(argv[at], &n) || n < 0 || (n == 0 && !allow_zero)) return false;
  if (static_cast<uint64_t>(n) > argv.size() - at - 1) return false;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) out->push_back({at + 1 + i, group});
  return true;
}

bool KeysStoreThenNumkeys(CmdArgs argv, std::vector<KeyRef>* out) {
  if (argv.size() < 3) return false;
  out->push_back({1, 0});
  return NumkeysKeys(argv, 2, 1, false, out);
}

}  // namespace corvid
