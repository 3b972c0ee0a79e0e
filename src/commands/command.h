// The command table: one declarative row per command, read by the dispatcher, COMMAND, ACL and cluster code.
#pragma once
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

class Client;
class LatencyHistogram;
using CmdArgs = std::span<const std::string_view>;  // args[0] is the command name as the client sent it
using Handler = void (*)(Client& c, CmdArgs args);

// A key argument found by a command's key finder: its argv index and its key-spec group (CommandRow::key_flags).
struct KeyRef {
  size_t index;
  size_t group;
};
// Finds the keys of a command line whose key positions depend on its arguments (movablekeys commands);
// false when the arguments do not allow finding them (a bad numkeys).
using KeyFinder = bool (*)(CmdArgs argv, std::vector<KeyRef>* out);

// Command flags, named as COMMAND INFO prints them.
enum CmdFlag : uint32_t {
  kCmdWrite = 1u << 0, kCmdReadonly = 1u << 1, kCmdDenyOom = 1u << 2, kCmdAdmin = 1u << 3,
  kCmdPubsub = 1u << 4, kCmdNoscript = 1u << 5, kCmdBlocking = 1u << 6, kCmdLoading = 1u << 7,
  kCmdStale = 1u << 8, kCmdSkipMonitor = 1u << 9, kCmdSkipSlowlog = 1u << 10, kCmdAsking = 1u << 11,
  kCmdFast = 1u << 12, kCmdNoAuth = 1u << 13, kCmdMayReplicate = 1u << 14, kCmdNoMandatoryKeys = 1u << 15,
  kCmdNoMulti = 1u << 16, kCmdMovableKeys = 1u << 17, kCmdAllowBusy = 1u << 18, kCmdModule = 1u << 19, kCmdNoAsyncLoading = 1u << 20,
};

// ACL categories in Redis' order (ACL CAT, COMMAND INFO); bit i of Command::acl_categories is kAclCategories[i].
inline constexpr std::string_view kAclCategories[] = {
    "keyspace", "read",  "write", "set",       "sortedset", "list",     "hash",       "string",
    "bitmap",   "hyperloglog", "geo", "stream", "pubsub",   "admin",    "fast",       "slow",
    "blocking", "dangerous",   "connection",   "transaction", "scripting"};
inline constexpr size_t kAclCategoryCount = std::size(kAclCategories);

// One row of a family's table. flags and acl are space-separated words as COMMAND INFO shows them
// ("write denyoom", "@write @string @slow"); they are parsed once at registration.
struct CommandRow {
  const char* name;  // lower case; "parent|sub" for a subcommand (its parent row must come first)
  int arity;         // Redis convention: -N means at least N
  const char* flags;
  int first_key, last_key, step;
  const char* acl;
  Handler handler;   // nullptr for a container whose subcommands do the work
  const char* key_flags = "";  // key-spec flags ("RW access update"), COMMAND INFO's key_specs
  // The argument grammar COMMAND DOCS (and so redis-cli's hints) is built from: `name:type` (type after the
  // last ':'; default key for "key", else string; `name:pure-token` is a token that is the empty string),
  // `TOKEN` (pure token), `TOKEN=name:type`, `name(a|b)` one of, `name{a b}` block, suffixes `+`
  // multiple_token, `...` multiple, `?` optional. tools/oracle_args.py derives it from the oracle.
  const char* args = "";
  const char* since = "";
  const char* summary = "";
  KeyFinder find_keys = nullptr;  // set for movablekeys commands; replaces first/last/step
};

// One argument of COMMAND DOCS.
struct ArgSpec {
  std::string name, type, token;
  bool optional = false, multiple = false, multiple_token = false;
  std::vector<ArgSpec> children;  // for oneof / block
};

struct Command {
  std::string name;      // lower case, "config|get" for subcommands
  std::string fullname;  // as in errors: "config|get"
  int arity = 0;
  uint32_t flags = 0;
  int first_key = 0, last_key = 0, step = 0;
  std::vector<std::string> acl_names;  // "@read" ... in row order
  uint32_t acl_categories = 0;         // bit i = kAclCategories[i]
  uint32_t id = 0;                     // registration order, top level and subcommands (the ACL command bit)
  std::vector<std::string> key_flags;
  std::vector<std::vector<std::string>> key_groups;  // key_flags split at "|": one group per key spec
  std::string summary, since;
  std::vector<ArgSpec> args;
  Handler handler = nullptr;
  KeyFinder find_keys = nullptr;
  Command* parent = nullptr;
  std::vector<Command*> subcommands;  // in registration order
  // Stats for INFO commandstats.
  uint64_t calls = 0, usec = 0, rejected_calls = 0, failed_calls = 0;
  LatencyHistogram* latency_hist = nullptr;  // LATENCY HISTOGRAM / INFO latencystats (server/latency.h owns it)
};

// The registry of every command; built once at start-up by RegisterAllFamilies().
class CommandRegistry {
 public:
  void Add(std::span<const CommandRow> rows);
  // Finds a top-level command by name, case-insensitively; nullptr if unknown.
  Command* Find(std::string_view name) const;
  // Finds a subcommand of parent, case-insensitively; nullptr if unknown.
  static Command* FindSub(const Command& parent, std::string_view name);
  const std::vector<Command*>& TopLevel() const { return top_; }
  std::vector<Command*> All() const;  // top level and subcommands
  size_t size() const { return top_.size(); }

 private:
  void Index(Command* cmd);
  std::vector<std::unique_ptr<Command>> owned_;  // every command, subcommands included
  std::vector<Command*> top_;
  std::vector<Command*> slots_;  // open addressing by case-insensitive hash of the name, power-of-two size
};

CommandRegistry& Commands();
// Registers every family; called once from main (and from tests that need the table).
void RegisterAllFamilies();
// True when argc arguments (the name included) fit the command's arity.
inline bool ArityOk(const Command& cmd, size_t argc) {
  return cmd.arity > 0 ? argc == static_cast<size_t>(cmd.arity) : argc >= static_cast<size_t>(-cmd.arity);
}
// True when the command names keys at all (fixed positions or a key finder).
inline bool HasKeyArgs(const Command& cmd) { return cmd.first_key > 0 || cmd.find_keys; }
// The key arguments of argv: by the command's key finder, else by its fixed positions (a key past the last spec
// group belongs to the last group). False when a key finder rejects the arguments.
bool FindKeys(const Command& cmd, CmdArgs argv, std::vector<KeyRef>* out);
// The spec flags of key group g (the last group's for g past the end).
const std::vector<std::string>& KeyGroupFlags(const Command& cmd, size_t g);
// Calls fn(index into argv, that key's spec flags) for every key argument of argv (FindKeys).
template <typename F>
void ForEachKeyArg(const Command& cmd, CmdArgs argv, F&& fn) {
  std::vector<KeyRef> refs;
  if (!FindKeys(cmd, argv, &refs)) return;
  for (const KeyRef& r : refs) fn(r.index, KeyGroupFlags(cmd, r.group));
}

// Key finders for the common movablekeys shapes.
// numkeys at argv[at], then that many keys (all of group `group`); false when numkeys is not a positive
// integer (or zero and !allow_zero) or runs past the arguments.
bool NumkeysKeys(CmdArgs argv, size_t at, size_t group, bool allow_zero, std::vector<KeyRef>* out);
// numkeys at argv[At] then the keys: ZUNION, ZINTERCARD, SINTERCARD, LMPOP, ZMPOP (At 1), BLMPOP, BZMPOP (At 2).
template <size_t At>
bool KeysAfterNumkeys(CmdArgs argv, std::vector<KeyRef>* out) { return NumkeysKeys(argv, At, 0, false, out); }
// A destination key at argv[1] (group 0), then numkeys at argv[2] and the source keys (group 1): ZUNIONSTORE...
bool KeysStoreThenNumkeys(CmdArgs argv, std::vector<KeyRef>* out);

// Parses an argument grammar (see CommandRow::args); false if malformed.
bool ParseArgGrammar(std::string_view grammar, std::vector<ArgSpec>* out);
// Words of a flags bitmask / acl bitmask in COMMAND INFO order.
std::vector<std::string_view> FlagNames(uint32_t flags);

}  // namespace corvid
