#include "acl/user.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "corvid/errors.h"
#include "server/config.h"
#include "util/glob.h"

namespace corvid::acl {

namespace {

bool Eq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Redis' ACLStringHasSpaces: spaces and NULs are refused in usernames and patterns.
bool HasSpaces(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) { return ch == 0 || isspace(static_cast<unsigned char>(ch)); });
}

bool ValidHash(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

// Redis' ACLLookupCommand: "name" or "container|sub" (exactly; a sub of a command without subcommands is none).
const Command* LookupCommand(std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return Commands().Find(name);
  std::string_view base_name = name.substr(0, bar), sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const Command* base = Commands().Find(base_name);
  if (!base || base->subcommands.empty()) return nullptr;
  return CommandRegistry::FindSub(*base, sub);
}

void SetBit(Selector& s, uint32_t id, bool allow) {
  s.commands.set(id, allow);
  if (!allow) s.allcommands = false;
}

// Allows or blocks cmd and, for a container, all its subcommands (Redis' ACLChangeSelectorPerm).
void ChangePerm(Selector& s, const Command& cmd, bool allow) {
  SetBit(s, cmd.id, allow);
  s.firstargs.erase(cmd.id);
  for (const Command* sub : cmd.subcommands) SetBit(s, sub->id, allow);
}

void ApplyCategory(Selector& s, uint32_t cat_bit, bool allow) {
  for (const Command* top : Commands().TopLevel()) {
    if (top->acl_categories & cat_bit) ChangePerm(s, *top, allow);
    for (const Command* sub : top->subcommands)
      if (sub->acl_categories & cat_bit) ChangePerm(s, *sub, allow);
  }
}

uint32_t CategoryBit(std::string_view name) {
  for (size_t j = 0; j < kAclCategoryCount; ++j)
    if (Eq(kAclCategories[j], name)) return 1u << j;
  return 0;
}

Selector NewSelector(bool channels_default_all) {
  Selector s;
  s.allchannels = channels_default_all;
  return s;
}

// Redis' ACLSetSelector: the rules a "(...)" selector accepts, also applied to the root selector.
RuleError ApplySelectorRule(Selector& s, std::string_view op) {
  if (op.empty()) return RuleError::kSyntax;
  if (Eq(op, "allkeys") || op == "~*") {
    s.allkeys = true;
    s.keys.clear();
  } else if (Eq(op, "resetkeys")) {
    s.allkeys = false;
    s.keys.clear();
  } else if (Eq(op, "allchannels") || op == "&*") {
    s.allchannels = true;
    s.channels.clear();
  } else if (Eq(op, "resetchannels")) {
    s.allchannels = false;
    s.channels.clear();
  } else if (Eq(op, "allcommands") || Eq(op, "+@all")) {
    s.commands.set();
    s.allcommands = true;
    s.firstargs.clear();
  } else if (Eq(op, "nocommands") || Eq(op, "-@all")) {
    s.commands.reset();
    s.allcommands = false;
    s.firstargs.clear();
  } else if (op[0] == '~' || op[0] == '%') {
    if (s.allkeys) return RuleError::kKeyAfterAll;
    uint8_t perms = 0;
    size_t offset = 1;
    if (op[0] == '%') {
      for (; offset < op.size(); ++offset) {
        char ch = static_cast<char>(toupper(static_cast<unsigned char>(op[offset])));
        if (ch == 'R' && !(perms & kKeyRead)) {
          perms |= kKeyRead;
        } else if (ch == 'W' && !(perms & kKeyWrite)) {
          perms |= kKeyWrite;
        } else if (op[offset] == '~') {
          ++offset;
          break;
        } else {
          return RuleError::kSyntax;
        }
      }
      if (perms == 0) return RuleError::kSyntax;  // "%~x": Redis would store a pattern it cannot render
    } else {
      perms = kKeyAll;
    }
    std::string_view pat = op.substr(std::min(offset, op.size()));
    if (HasSpaces(pat)) return RuleError::kSyntax;
    auto it = std::find_if(s.keys.begin(), s.keys.end(), [&](const KeyPattern& k) { return k.pattern == pat; });
    if (it == s.keys.end())
      s.keys.push_back({std::string(pat), perms});
    else
      it->perms |= perms;
    s.allkeys = false;
  } else if (op[0] == '&') {
    if (s.allchannels) return RuleError::kChannelAfterAll;
    std::string_view pat = op.substr(1);
    if (HasSpaces(pat)) return RuleError::kSyntax;
    if (std::find(s.channels.begin(), s.channels.end(), pat) == s.channels.end()) s.channels.emplace_back(pat);
    s.allchannels = false;
  } else if ((op[0] == '+' || op[0] == '-') && (op.size() < 2 || op[1] != '@')) {
    std::string_view name = op.substr(1);
    size_t bar = name.rfind('|');
    if (op[0] == '-' || bar == std::string_view::npos) {
      const Command* cmd = LookupCommand(name);
      if (!cmd) return RuleError::kUnknownCommand;
      ChangePerm(s, *cmd, op[0] == '+');
      return RuleError::kNone;
    }
    const Command* cmd = LookupCommand(name.substr(0, bar));
    std::string_view first = name.substr(bar + 1);
    if (!cmd) return RuleError::kUnknownCommand;
    if (cmd->parent) return RuleError::kFirstArgOfSub;
    if (first.empty()) return RuleError::kSyntax;
    if (!cmd->subcommands.empty()) {
      cmd = LookupCommand(name);
      if (!cmd) return RuleError::kUnknownCommand;
      ChangePerm(s, *cmd, true);
      return RuleError::kNone;
    }
    // "+select|0": a first argument allowed for an otherwise blocked command (deprecated in Redis).
    std::vector<std::string>& args = s.firstargs[cmd->id];
    if (std::none_of(args.begin(), args.end(), [&](const std::string& a) { return Eq(a, first); }))
      args.emplace_back(first);
  } else if (op[0] == '+' || op[0] == '-') {
    uint32_t bit = CategoryBit(op.substr(2));
    if (!bit) return RuleError::kUnknownCommand;
    ApplyCategory(s, bit, op[0] == '+');
  } else {
    return RuleError::kSyntax;
  }
  return RuleError::kNone;
}

std::string PatternString(const KeyPattern& k) {
  std::string_view prefix = k.perms == kKeyAll ? "~" : k.perms == kKeyRead ? "%R~" : "%W~";
  return std::string(prefix) + k.pattern;
}

// The permissions a key needs from its key-spec flags (ACCESS reads; INSERT, DELETE, UPDATE write). Commands
// whose flags depend on the arguments (variable_flags) are resolved as Redis' getkeys procs do.
uint8_t KeyNeeds(const Command& cmd, CmdArgs argv, const std::vector<std::string>& flags) {
  bool variable = std::find(flags.begin(), flags.end(), "variable_flags") != flags.end();
  if (variable && cmd.name == "set") {  // SET ... GET reads the key; a plain SET only overwrites it
    bool get = std::any_of(argv.begin() + std::min<size_t>(3, argv.size()), argv.end(),
                           [](std::string_view a) { return Eq(a, "GET"); });
    return get ? kKeyAll : kKeyWrite;
  }
  if (variable && cmd.name == "bitfield") {  // only GET operations: a read
    for (size_t j = 2; j < argv.size(); ++j)
      if (Eq(argv[j], "SET") || Eq(argv[j], "INCRBY")) return kKeyAll;
    return kKeyRead;
  }
  uint8_t need = 0;
  for (const std::string& f : flags) {
    if (f == "access") need |= kKeyRead;
    if (f == "insert" || f == "delete" || f == "update") need |= kKeyWrite;
  }
  return need;
}

bool KeyAllowed(const Selector& s, std::string_view key, uint8_t need) {
  for (const KeyPattern& k : s.keys)
    if ((k.perms & need) == need && StringMatch(k.pattern, key)) return true;
  return false;
}

bool ChannelInList(const std::vector<std::string>& list, std::string_view channel, bool literal) {
  for (const std::string& p : list)
    if (literal ? p == channel : StringMatch(p, channel)) return true;
  return false;
}

// Redis' ACLSelectorCheckCmd.
Denial CheckSelector(const Selector& s, const Command& cmd, CmdArgs argv, size_t* idx) {
  if (!s.allcommands && !(cmd.flags & kCmdNoAuth) && !s.commands.test(cmd.id)) {
    auto it = s.firstargs.find(cmd.id);
    size_t at = cmd.parent ? 2 : 1;
    if (it == s.firstargs.end() || argv.size() <= at ||
        std::none_of(it->second.begin(), it->second.end(), [&](const std::string& a) { return Eq(a, argv[at]); }))
      return Denial::kCommand;
  }
  if (!s.allkeys && HasKeyArgs(cmd)) {
    std::vector<KeyRef> refs;
    FindKeys(cmd, argv, &refs);
    for (const KeyRef& r : refs) {
      const std::vector<std::string>& flags = KeyGroupFlags(cmd, r.group);
      if (std::find(flags.begin(), flags.end(), "not_key") != flags.end()) continue;
      if (!KeyAllowed(s, argv[r.index], KeyNeeds(cmd, argv, flags))) {
        *idx = r.index;
        return Denial::kKey;
      }
    }
  }
  if (!s.allchannels && (cmd.flags & kCmdPubsub)) {
    const std::string& n = cmd.name;
    bool publish = n == "publish" || n == "spublish";
    bool literal = n == "psubscribe";
    if (publish || literal || n == "subscribe" || n == "ssubscribe") {
      size_t end = publish ? std::min<size_t>(2, argv.size()) : argv.size();
      for (size_t j = 1; j < end; ++j) {
        if (!ChannelInList(s.channels, argv[j], literal)) {
          *idx = j;
          return Denial::kChannel;
        }
      }
    }
  }
  return Denial::kNone;
}

void CountCategory(const Selector& s, uint32_t bit, unsigned long* on, unsigned long* off) {
  *on = *off = 0;
  for (const Command* top : Commands().TopLevel()) {
    if (top->acl_categories & bit) ++(s.commands.test(top->id) ? *on : *off);
    for (const Command* sub : top->subcommands)
      if (sub->acl_categories & bit) ++(s.commands.test(sub->id) ? *on : *off);
  }
}

// Emits the single-command rules that make fake's bitmap equal s's (Redis'
// ACLDescribeSelectorCommandRulesSingleCommands, over the registry order instead of its hash order).
void DescribeSingle(const Selector& s, Selector& fake, const Command& cmd, std::string* rules) {
  bool userbit = s.commands.test(cmd.id);
  if (userbit != fake.commands.test(cmd.id)) {
    *rules += userbit ? '+' : '-';
    *rules += cmd.fullname;
    *rules += ' ';
    ChangePerm(fake, cmd, userbit);
  }
  for (const Command* sub : cmd.subcommands) DescribeSingle(s, fake, *sub, rules);
  auto it = s.firstargs.find(cmd.id);
  if (!userbit && it != s.firstargs.end()) {
    for (const std::string& a : it->second) *rules += "+" + cmd.fullname + "|" + a + " ";
  }
}

std::string DescribeSelector(const Selector& s) {
  std::string res;
  if (s.allkeys) {
    res += "~* ";
  } else {
    for (const KeyPattern& k : s.keys) res += PatternString(k) + " ";
  }
  if (s.allchannels) {
    res += "&* ";
  } else {
    res += "resetchannels ";
    for (const std::string& ch : s.channels) res += "&" + ch + " ";
  }
  return res + DescribeCommands(s);
}

}  // namespace

std::string_view RuleErrorText(RuleError e) {
  switch (e) {
    case RuleError::kNone: return "";
    case RuleError::kSyntax: return err::kAclSyntax;
    case RuleError::kUnknownCommand: return err::kAclUnknownCommand;
    case RuleError::kKeyAfterAll: return err::kAclKeyAfterAll;
    case RuleError::kChannelAfterAll: return err::kAclChannelAfterAll;
    case RuleError::kNoSuchPassword: return err::kAclNoSuchPassword;
    case RuleError::kBadHash: return err::kAclBadHash;
    case RuleError::kFirstArgOfSub: return err::kAclFirstArgOfSub;
    case RuleError::kDuplicateUser: return err::kAclDuplicateUser;
  }
  return err::kAclWrongFormat;
}

std::string HashPassword(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int j = 0; j < len; ++j) {
    out += kHex[md[j] >> 4];
    out += kHex[md[j] & 15];
  }
  return out;
}

User NewUser(std::string name, bool channels_default_all) {
  User u;
  u.name = std::move(name);
  u.root = NewSelector(channels_default_all);
  u.Refresh();
  return u;
}

RuleError User::Apply(std::string_view op, bool channels_default_all) {
  if (op.empty()) return RuleError::kNone;
  if (Eq(op, "on")) {
    flags = (flags | kUserOn) & ~kUserOff;
  } else if (Eq(op, "off")) {
    flags = (flags | kUserOff) & ~kUserOn;
  } else if (Eq(op, "skip-sanitize-payload")) {
    flags = (flags | kUserSkipSanitize) & ~kUserSanitize;
  } else if (Eq(op, "sanitize-payload")) {
    flags = (flags | kUserSanitize) & ~kUserSkipSanitize;
  } else if (Eq(op, "nopass")) {
    flags |= kUserNopass;
    passwords.clear();
  } else if (Eq(op, "resetpass")) {
    flags &= ~kUserNopass;
    passwords.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string hash = op[0] == '>' ? HashPassword(op.substr(1)) : std::string(op.substr(1));
    if (op[0] == '#' && !ValidHash(hash)) return RuleError::kBadHash;
    if (std::find(passwords.begin(), passwords.end(), hash) == passwords.end()) passwords.push_back(hash);
    flags &= ~kUserNopass;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string hash = op[0] == '<' ? HashPassword(op.substr(1)) : std::string(op.substr(1));
    if (op[0] == '!' && !ValidHash(hash)) return RuleError::kBadHash;
    auto it = std::find(passwords.begin(), passwords.end(), hash);
    if (it == passwords.end()) return RuleError::kNoSuchPassword;
    passwords.erase(it);
  } else if (op[0] == '(' && op.back() == ')') {
    Selector s = NewSelector(channels_default_all);
    std::vector<std::string> words;
    if (!SplitConfigArgs(op.substr(1, op.size() - 2), &words)) words.clear();
    for (const std::string& w : words) {
      RuleError e = ApplySelectorRule(s, w);
      if (e != RuleError::kNone) return e;
    }
    selectors.push_back(std::move(s));
  } else if (Eq(op, "clearselectors")) {
    selectors.clear();
  } else if (Eq(op, "reset")) {
    for (std::string_view r : {"resetpass", "resetkeys", "resetchannels"}) Apply(r, channels_default_all);
    if (channels_default_all) Apply("allchannels", channels_default_all);
    for (std::string_view r : {"off", "sanitize-payload", "clearselectors", "-@all"}) Apply(r, channels_default_all);
  } else {
    return ApplySelectorRule(root, op);
  }
  return RuleError::kNone;
}

void User::Refresh() { restricted = !(root.allcommands && root.allkeys && root.allchannels); }

bool User::CheckPassword(std::string_view pass) const {
  if (flags & kUserNopass) return true;
  std::string hash = HashPassword(pass);
  for (const std::string& p : passwords)
    if (p.size() == hash.size() && CRYPTO_memcmp(p.data(), hash.data(), hash.size()) == 0) return true;
  return false;
}

std::string User::Describe() const {
  static constexpr std::pair<uint32_t, std::string_view> kFlagOrder[] = {
      {kUserOn, "on"}, {kUserOff, "off"}, {kUserNopass, "nopass"},
      {kUserSkipSanitize, "skip-sanitize-payload"}, {kUserSanitize, "sanitize-payload"}};
  std::string res;
  for (const auto& [bit, word] : kFlagOrder)
    if (flags & bit) res += std::string(word) + " ";
  for (const std::string& p : passwords) res += "#" + p + " ";
  res += DescribeSelector(root);
  for (const Selector& s : selectors) res += " (" + DescribeSelector(s) + ")";
  return res;
}

bool MergeSelectorArgs(const std::vector<std::string>& in, std::vector<std::string>* out, size_t* bad) {
  out->clear();
  std::string selector;
  bool open = false;
  size_t open_at = 0;
  for (size_t j = 0; j < in.size(); ++j) {
    const std::string& op = in[j];
    if (!op.empty() && op[0] == '(' && op.back() != ')') {
      selector = op;
      open = true;
      open_at = j;
      continue;
    }
    if (open) {
      selector += " " + op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out->push_back(std::move(selector));
      }
      continue;
    }
    out->push_back(op);
  }
  if (open) *bad = open_at;
  return !open;
}

std::string DescribeCommands(const Selector& s) {
  bool additive = !s.commands.test(kCommandBits - 1);
  std::string rules = additive ? "-@all " : "+@all ";
  Selector fake, temp;
  ApplySelectorRule(fake, additive ? "-@all" : "+@all");
  temp.commands = s.commands;
  bool applied[kAclCategoryCount] = {};
  while (true) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (size_t j = 0; j < kAclCategoryCount; ++j) {
      if (applied[j]) continue;
      unsigned long on, off;
      CountCategory(temp, 1u << j, &on, &off);
      unsigned long diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = static_cast<int>(j);
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best == -1) break;
    ApplyCategory(fake, 1u << best, additive);
    ApplyCategory(temp, 1u << best, !additive);
    rules += std::string(additive ? "+@" : "-@") + std::string(kAclCategories[best]) + " ";
    applied[best] = true;
  }
  for (const Command* top : Commands().TopLevel()) DescribeSingle(s, fake, *top, &rules);
  rules.pop_back();
  return rules;
}

std::string DescribeKeys(const Selector& s) {
  if (s.allkeys) return "~*";
  std::string out;
  for (const KeyPattern& k : s.keys) out += (out.empty() ? "" : " ") + PatternString(k);
  return out;
}

std::string DescribeChannels(const Selector& s) {
  if (s.allchannels) return "&*";
  std::string out;
  for (const std::string& ch : s.channels) out += (out.empty() ? "&" : " &") + ch;
  return out;
}

Denial CheckCommand(const User& u, const Command& cmd, CmdArgs argv, size_t* arg_index) {
  Denial worst = Denial::kCommand;
  size_t last_idx = 0;
  for (size_t i = 0; i <= u.selectors.size(); ++i) {
    size_t idx = 0;
    Denial d = CheckSelector(i == 0 ? u.root : u.selectors[i - 1], cmd, argv, &idx);
    if (d == Denial::kNone) return d;
    if (d > worst || (d == worst && idx > last_idx)) {
      worst = d;
      last_idx = idx;
    }
  }
  *arg_index = last_idx;
  return worst;
}

bool ChannelAllowed(const User& u, std::string_view channel, bool literal) {
  for (size_t i = 0; i <= u.selectors.size(); ++i) {
    const Selector& s = i == 0 ? u.root : u.selectors[i - 1];
    if (s.allchannels || ChannelInList(s.channels, channel, literal)) return true;
  }
  return false;
}

}  // namespace corvid::acl
