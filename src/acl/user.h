// ACL users as Redis 7.0 models them: flags, password hashes and selectors (commands, key and channel patterns);
// the rules ACL SETUSER accepts, their rendering for ACL LIST / GETUSER, and the permission checks. No replies here.
#pragma once
#include <bitset>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace corvid::acl {

// Bits of the command bitmap; the last one is never a command: +@all sets it ("future commands"), so a user built
// from +@all renders as "+@all ..." and one built from -@all as "-@all ...".
inline constexpr size_t kCommandBits = 1024;

enum KeyPerm : uint8_t { kKeyRead = 1, kKeyWrite = 2, kKeyAll = 3 };
struct KeyPattern {
  std::string pattern;
  uint8_t perms;  // KeyPerm bits
};

// What a selector (the user's root permissions, or one "(...)" selector) allows.
struct Selector {
  bool allkeys = false, allchannels = false;
  bool allcommands = false;  // Redis' ALLCOMMANDS flag: +@all and no removal since
  std::bitset<kCommandBits> commands;
  std::map<uint32_t, std::vector<std::string>> firstargs;  // +select|0: command id -> allowed first arguments
  std::vector<KeyPattern> keys;
  std::vector<std::string> channels;
};

enum UserFlag : uint32_t {
  kUserOn = 1, kUserOff = 2, kUserNopass = 4, kUserSkipSanitize = 8, kUserSanitize = 16,
};

// Why a rule was refused (Redis' errno values in ACLSetUser); RuleErrorText gives the message.
enum class RuleError { kNone, kSyntax, kUnknownCommand, kKeyAfterAll, kChannelAfterAll, kNoSuchPassword, kBadHash,
                       kFirstArgOfSub, kDuplicateUser };
std::string_view RuleErrorText(RuleError e);

// Why a command was denied (ordered as Redis ranks them when several selectors refuse).
enum class Denial { kNone = 0, kCommand = 1, kKey = 2, kChannel = 3, kAuth = 4 };

struct User {
  std::string name;
  uint32_t flags = kUserOff;
  std::vector<std::string> passwords;  // SHA-256 hex, in the order added
  Selector root;
  std::vector<Selector> selectors;  // "(...)" selectors after the root one
  // True unless the root selector allows every command, key and channel (the dispatcher's one branch).
  bool restricted = true;

  // Applies one ACL SETUSER rule; on failure the user may be partly changed (callers work on a copy).
  // channels_default_all: acl-pubsub-default is allchannels (for reset and new selectors).
  RuleError Apply(std::string_view op, bool channels_default_all);
  // Recomputes `restricted`; REQUIRES: called after rules were applied.
  void Refresh();
  // True when pass (clear text) is one of the passwords, or the user is nopass. Does not look at on/off.
  bool CheckPassword(std::string_view pass) const;
  // The rules that rebuild this user, as ACL LIST shows them after "user <name> ".
  std::string Describe() const;
};

// A new user as ACLCreateUser makes it: off, no passwords, no commands, keys or channels (channels per
// acl-pubsub-default).
User NewUser(std::string name, bool channels_default_all);
// SHA-256 of s as 64 lower-case hex digits.
std::string HashPassword(std::string_view s);

// Joins SETUSER arguments that spell one selector over several words ("(~a" "+get)" -> "(~a +get)"); false with
// *bad = index of the opening word when a '(' is never closed.
bool MergeSelectorArgs(const std::vector<std::string>& in, std::vector<std::string>* out, size_t* bad);

// The command rules of a selector as Redis renders them: "+@all" or "-@all", then the categories that best
// approximate the bitmap, then single commands (+cmd, -cmd, +cmd|firstarg).
std::string DescribeCommands(const Selector& s);
// Keys ("~* " form joined by spaces, empty when none) and channels ("&a &b") as ACL GETUSER shows them.
std::string DescribeKeys(const Selector& s);
std::string DescribeChannels(const Selector& s);

// Checks a command line against the user: command bit (or allowed first argument), keys by their key-spec
// access flags, channels of PUBLISH/SPUBLISH/SUBSCRIBE/SSUBSCRIBE (glob) and PSUBSCRIBE (literal). On denial
// *arg_index is the argv index of the refused key or channel (0 for a command denial).
Denial CheckCommand(const User& u, const Command& cmd, CmdArgs argv, size_t* arg_index);
// True when the user may use channel (literal: PSUBSCRIBE patterns compare as strings).
bool ChannelAllowed(const User& u, std::string_view channel, bool literal);

}  // namespace corvid::acl
