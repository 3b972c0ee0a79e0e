#include "commands/cmd_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/config.h"
#include "server/propagate.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

bool IsLocalClient(const Client& c) {
  if (c.Has(kClientUnixSocket)) return true;
  std::string_view addr = c.addr;
  size_t colon = addr.rfind(':');
  std::string_view ip = colon == std::string_view::npos ? addr : addr.substr(0, colon);
  return ip == "127.0.0.1" || ip == "::1";
}

bool ProtectedActionAllowed(const Client& c, ProtectedAction a) {
  return a == ProtectedAction::kYes || (a == ProtectedAction::kLocal && IsLocalClient(c));
}

void ReplySubcommandSyntaxError(Client& c, CmdArgs args) {
  std::string cmd(args[0]);
  for (char& ch : cmd) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  c.reply.Error(fmt::format(fmt::runtime(err::kSubcommandSyntax), CStr(args[1]).substr(0, 128), cmd));
}

bool ArgInt64(Client& c, std::string_view arg, int64_t* out) { return ArgInt64(c, arg, out, err::kNotInteger); }

bool ArgInt64(Client& c, std::string_view arg, int64_t* out, std::string_view error) {
  if (StringToInt64(arg, out)) return true;
  c.reply.Error(error);
  return false;
}

bool ArgDouble(Client& c, std::string_view arg, double* out) {
  if (StringToDouble(arg, out)) return true;
  c.reply.Error(err::kNotFloat);
  return false;
}

KeyEntry* FindTyped(Client& c, std::string_view key, ObjType t, OpStatus* status) {
  KeyEntry* e = c.db().FindRead(key, c.Has(kClientNoTouch));
  if (!e) {
    *status = OpStatus::kKeyNotFound;
    return nullptr;
  }
  if (e->val.type() != t) {
    *status = OpStatus::kWrongType;
    return nullptr;
  }
  *status = OpStatus::kOk;
  return e;
}

}  // namespace corvid

namespace corvid {

void ReplyHelp(Client& c, std::string_view cmd, std::initializer_list<std::string_view> lines) {
  c.reply.Array(lines.size() + 3);
  std::string head(cmd);
  head += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  c.reply.Simple(head);
  for (std::string_view l : lines) c.reply.Simple(l);
  c.reply.Simple("HELP");
  c.reply.Simple("    Prints this help.");
}

namespace {
// Redis parses cursors with strtoul on the C string: "-1", "+5", "007" are accepted; a leading space, trailing
// bytes or overflow are not (bytes after an embedded NUL are never seen).
bool ParseCursor(std::string_view arg, uint64_t* out) {
  std::string s(CStr(arg));
  if (!s.empty() && isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long v = strtoul(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}
}  // namespace

bool ParseScanArgs(Client& c, CmdArgs args, size_t cursor_at, bool allow_type, ScanArgs* out) {
  if (!ParseCursor(args[cursor_at], &out->cursor)) {
    c.reply.Error("ERR invalid cursor");
    return false;
  }
  for (size_t i = cursor_at + 1; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      c.reply.Error(err::kSyntax);
      return false;
    }
    if (Is(args[i], "COUNT")) {
      if (!ArgInt64(c, args[i + 1], &out->count)) return false;
      if (out->count < 1) {
        c.reply.Error(err::kSyntax);
        return false;
      }
    } else if (Is(args[i], "MATCH")) {
      out->pattern = args[i + 1];
      out->has_pattern = out->pattern != "*";  // Redis skips matching for a lone "*"
    } else if (allow_type && Is(args[i], "TYPE")) {
      out->type = args[i + 1];
      out->has_type = true;
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

void ReplyScan(Client& c, uint64_t cursor, std::span<const std::string_view> items) {
  c.reply.Array(2);
  char buf[kInt64Chars];
  c.reply.Bulk(std::string_view(buf, UInt64ToChars(cursor, buf)));
  c.reply.Array(items.size());
  for (std::string_view s : items) c.reply.Bulk(s);
}

bool ArgDbIndex(Client& c, std::string_view arg, int* out) {
  int64_t v;
  if (!ArgInt64(c, arg, &v)) return false;
  if (v < INT32_MIN || v > INT32_MAX) {
    c.reply.Error(err::kNotInteger);
    return false;
  }
  if (v < 0 || v >= static_cast<int64_t>(Srv().dbs.size())) {
    c.reply.Error(err::kDbIndexOutOfRange);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

void PropagateInstead(Client& c, std::span<const std::string_view> argv) {
  if (!PropagationOn()) return;
  PropagateCommand(c.db_index(), argv);
  PreventPropagation();
}

void PropagateInstead(Client& c, std::initializer_list<std::string_view> argv) {
  PropagateInstead(c, std::span<const std::string_view>(argv.begin(), argv.size()));
}

void PropagatePexpireat(Client& c, std::string_view key, int64_t when_ms, CmdArgs options) {
  if (!PropagationOn()) return;
  fmt::format_int when(when_ms);
  size_t n = 3 + options.size();
  std::string_view small[8];
  std::vector<std::string_view> large;
  std::span<std::string_view> argv(small, std::min<size_t>(n, 8));
  if (n > 8) {
    large.resize(n);
    argv = large;
  }
  argv[0] = "PEXPIREAT";
  argv[1] = key;
  argv[2] = Digits(when);
  std::copy(options.begin(), options.end(), argv.begin() + 3);
  PropagateInstead(c, argv);
}

void PropagateDel(Client& c, std::string_view key) {
  PropagateInstead(c, {Cfg().lazyfree_lazy_expire ? "UNLINK" : "DEL", key});
}

}  // namespace corvid
