// Small helpers shared by the command families: argument parsing that replies Redis' errors, typed lookups.
#pragma once
#include <fmt/format.h>
#include <strings.h>

#include <initializer_list>
#include <span>
#include <string_view>

#include "commands/command.h"
#include "corvid/status.h"
#include "db/db.h"
#include "net/client.h"

namespace corvid {

// Case-insensitive comparison with an ASCII keyword.
inline bool Is(std::string_view arg, std::string_view kw) {
  return arg.size() == kw.size() && strncasecmp(arg.data(), kw.data(), kw.size()) == 0;
}

// s up to its first NUL byte: what Redis prints where it formats an argument with "%s".
inline std::string_view CStr(std::string_view s) { return s.substr(0, s.find('\0')); }

// Replies the error for s. REQUIRES: s is an error status.
inline void ReplyError(Client& c, OpStatus s) { c.reply.Error(StatusMessage(s)); }

enum class ProtectedAction : int;  // server/config.h

// True for a unix-socket client or a loopback peer, as Redis' islocalClient.
bool IsLocalClient(const Client& c);
// Whether c may run what an enable-*-command directive guards (yes, or local and c is local).
bool ProtectedActionAllowed(const Client& c, ProtectedAction a);

// Redis' addReplySubcommandSyntaxError: "unknown subcommand or wrong number of arguments" for args[1] as typed,
// naming args[0] upper-cased in "Try X HELP.".
void ReplySubcommandSyntaxError(Client& c, CmdArgs args);

// Parses an integer argument; on failure replies "value is not an integer or out of range" and returns false.
bool ArgInt64(Client& c, std::string_view arg, int64_t* out);
// As ArgInt64 with a custom error text (e.g. "ERR timeout is not an integer or out of range").
bool ArgInt64(Client& c, std::string_view arg, int64_t* out, std::string_view error);
// Parses a float argument; on failure replies "value is not a valid float".
bool ArgDouble(Client& c, std::string_view arg, double* out);

// The entry for key if it holds type t. *status is kWrongType (and nullptr returned) on a type mismatch,
// kKeyNotFound when absent, kOk otherwise. Counts hits/misses.
KeyEntry* FindTyped(Client& c, std::string_view key, ObjType t, OpStatus* status);

}  // namespace corvid

namespace corvid {

// Replies Redis' HELP layout: "<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", the given
// lines, then "HELP" / "    Prints this help.", each as a status reply in one array.
void ReplyHelp(Client& c, std::string_view cmd, std::initializer_list<std::string_view> lines);
// SCAN-family options: [MATCH pattern] [COUNT count] [TYPE type] (TYPE only where allow_type).
struct ScanArgs {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;  // empty when no MATCH or MATCH "*"
  bool has_pattern = false;
  std::string_view type;
  bool has_type = false;
};
// Parses args[cursor_at] as the cursor and the options after it; replies Redis' error and returns false on bad
// input ("ERR invalid cursor", syntax error, COUNT < 1).
bool ParseScanArgs(Client& c, CmdArgs args, size_t cursor_at, bool allow_type, ScanArgs* out);
// Replies [cursor, [items...]] (the SCAN reply shape).
void ReplyScan(Client& c, uint64_t cursor, std::span<const std::string_view> items);

// Parses a database index for SELECT/MOVE/COPY-style arguments: *out in range, else replies and false.
bool ArgDbIndex(Client& c, std::string_view arg, int* out);

// Propagation by effect (server/propagate.h) for handlers whose own argv would replay differently. Each is a
// no-op when propagation is off, and replaces the running command's argv in what is propagated.
// The digits of n, as an argument to propagate.
inline std::string_view Digits(const fmt::format_int& n) { return {n.data(), n.size()}; }
// Propagates argv (run in the client's database).
void PropagateInstead(Client& c, std::span<const std::string_view> argv);
void PropagateInstead(Client& c, std::initializer_list<std::string_view> argv);
// Propagates "PEXPIREAT key when_ms [options...]".
void PropagatePexpireat(Client& c, std::string_view key, int64_t when_ms, CmdArgs options = {});
// Propagates the running command's deletion of key: DEL, or UNLINK under lazyfree-lazy-expire (as Redis 7.0).
void PropagateDel(Client& c, std::string_view key);

}  // namespace corvid
