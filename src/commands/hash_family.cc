// Hashes: HSET HSETNX HMSET HGET HMGET HGETALL HDEL HLEN HSTRLEN HEXISTS HINCRBY HINCRBYFLOAT HKEYS HVALS
// HRANDFIELD HSCAN. The data work is in db/hash_type; these handlers parse arguments and build replies.
#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/hash_type.h"
#include "db/notify.h"
#include "server/server.h"
#include "util/glob.h"
#include "util/numeric.h"

namespace corvid {

namespace {

constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kIncrNotFinite = "ERR value is NaN or Infinity";
constexpr std::string_view kCountOutOfRange = "ERR value is out of range";
constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
// HRANDFIELD's count range (-LONG_MAX..LONG_MAX), as getRangeLongFromObjectOrReply words it.
constexpr std::string_view kCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// Negative counts are served in batches of at most this many picks (Redis' HRANDFIELD_RANDOM_SAMPLE_LIMIT).
constexpr uint64_t kRandomBatch = 1000;

// The hash at key for a read: nullptr when absent or (after replying WRONGTYPE, *replied set) of another type.
KeyEntry* ReadHash(Client& c, std::string_view key, bool* replied) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kHash, &st);
  *replied = st == OpStatus::kWrongType;
  if (*replied) ReplyError(c, st);
  return e;
}

void ReplyArity(Client& c) { c.reply.Error(fmt::format(fmt::runtime(err::kWrongArity), c.cur_cmd->fullname)); }

// HSET (replies the number of new fields) and HMSET (replies OK).
void SetPairs(Client& c, CmdArgs args, bool reply_created) {
  if (args.size() % 2 == 1) return ReplyArity(c);
  OpResult<int64_t> r = HashSetPairs(c.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(c, r.status());
  NotifyKeyspaceEvent(kNotifyHash, "hset", args[1], c.db_index());
  if (reply_created)
    c.reply.Int(r.value());
  else
    c.reply.Ok();
}

void HsetCmd(Client& c, CmdArgs args) { SetPairs(c, args, true); }
void HmsetCmd(Client& c, CmdArgs args) { SetPairs(c, args, false); }

void HsetnxCmd(Client& c, CmdArgs args) {
  OpResult<bool> r = HashSetNx(c.db(), args[1], args[2], args[3]);
  if (!r.ok()) return ReplyError(c, r.status());
  if (r.value()) NotifyKeyspaceEvent(kNotifyHash, "hset", args[1], c.db_index());
  c.reply.Int(r.value() ? 1 : 0);
}

// Replies the value of field in the hash of e (null when e or the field is absent).
void ReplyField(Client& c, KeyEntry* e, std::string_view field) {
  char buf[LpValue::kIntBufSize];
  std::string_view v;
  if (e && HashGet(e->val, field, buf, &v))
    c.reply.Bulk(v);
  else
    c.reply.Null();
}

void HgetCmd(Client& c, CmdArgs args) {
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (!replied) ReplyField(c, e, args[2]);
}

void HmgetCmd(Client& c, CmdArgs args) {
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (replied) return;
  c.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) ReplyField(c, e, args[i]);
}

// HGETALL (a map), HKEYS, HVALS (arrays).
void GetAll(Client& c, CmdArgs args, bool fields, bool values) {
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (replied) return;
  size_t n = e ? HashLen(e->val) : 0;
  if (fields && values)
    c.reply.Map(n);
  else
    c.reply.Array(n);
  if (!e) return;
  HashForEach(e->val, [&](std::string_view f, std::string_view v) {
    if (fields) c.reply.Bulk(f);
    if (values) c.reply.Bulk(v);
  });
}

void HgetallCmd(Client& c, CmdArgs args) { GetAll(c, args, true, true); }
void HkeysCmd(Client& c, CmdArgs args) { GetAll(c, args, true, false); }
void HvalsCmd(Client& c, CmdArgs args) { GetAll(c, args, false, true); }

void HdelCmd(Client& c, CmdArgs args) {
  OpResult<int64_t> r = HashDeleteFields(c.db(), args[1], args.subspan(2));
  if (!r.ok()) return ReplyError(c, r.status());
  if (r.value() > 0) NotifyMaybeEmptied(kNotifyHash, "hdel", args[1], c.db());
  c.reply.Int(r.value());
}

void HlenCmd(Client& c, CmdArgs args) {
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (!replied) c.reply.Int(e ? static_cast<int64_t>(HashLen(e->val)) : 0);
}

void HstrlenCmd(Client& c, CmdArgs args) {
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (replied) return;
  char buf[LpValue::kIntBufSize];
  std::string_view v;
  c.reply.Int(e && HashGet(e->val, args[2], buf, &v) ? static_cast<int64_t>(v.size()) : 0);
}

void HexistsCmd(Client& c, CmdArgs args) {
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (!replied) c.reply.Int(e && HashExists(e->val, args[2]) ? 1 : 0);
}

void HincrbyCmd(Client& c, CmdArgs args) {
  int64_t incr;
  if (!ArgInt64(c, args[3], &incr)) return;
  OpResult<int64_t> r = HashIncrBy(c.db(), args[1], args[2], incr);
  if (r.status() == OpStatus::kNotInteger) return c.reply.Error(kHashNotInteger);
  if (!r.ok()) return ReplyError(c, r.status());
  NotifyKeyspaceEvent(kNotifyHash, "hincrby", args[1], c.db_index());
  c.reply.Int(r.value());
}

void HincrbyfloatCmd(Client& c, CmdArgs args) {
  long double incr;
  if (!StringToLongDouble(args[3], &incr)) return c.reply.Error(err::kNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return c.reply.Error(kIncrNotFinite);
  OpResult<std::string> r = HashIncrByFloat(c.db(), args[1], args[2], incr);
  if (r.status() == OpStatus::kNotFloat) return c.reply.Error(kHashNotFloat);
  if (!r.ok()) return ReplyError(c, r.status());
  NotifyKeyspaceEvent(kNotifyHash, "hincrbyfloat", args[1], c.db_index());
  PropagateInstead(c, {"HSET", args[1], args[2], r.value()});  // the result, not the float arithmetic
  c.reply.Bulk(r.value());
}

// Replies the picked fields (and values): RESP3 nests each field,value pair in an array.
void ReplyPicks(Client& c, const Value& v, const std::vector<HashRef>& refs, bool withvalues) {
  HashBufs bufs;
  for (HashRef r : refs) {
    HashPair p = HashRead(v, r, bufs);
    if (withvalues && c.reply.resp() == 3) c.reply.Array(2);
    c.reply.Bulk(p.field);
    if (withvalues) c.reply.Bulk(p.value);
  }
}

void RandfieldWithCount(Client& c, CmdArgs args) {
  int64_t l;
  if (!ArgInt64(c, args[2], &l)) return;
  if (l < -INT64_MAX) return c.reply.Error(kCountRange);
  bool unique = l >= 0;
  uint64_t count = unique ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  bool withvalues = false;
  if (args.size() == 4 && Is(args[3], "WITHVALUES")) {
    withvalues = true;
    // The reply length count*2 must not overflow.
    if (count > static_cast<uint64_t>(INT64_MAX / 2)) return c.reply.Error(kCountOutOfRange);
  } else if (args.size() >= 4) {
    return c.reply.Error(err::kSyntax);
  }
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (replied) return;
  if (!e || count == 0) return c.reply.EmptyArray();
  const Value& v = e->val;
  uint64_t size = HashLen(v);
  uint64_t n = !unique || count == 1 ? count : std::min(count, size);
  c.reply.Array(withvalues && c.reply.resp() == 2 ? n * 2 : n);
  if (!unique || count == 1) {
    for (uint64_t left = count; left > 0;) {
      uint64_t batch = std::min(left, kRandomBatch);
      left -= batch;
      ReplyPicks(c, v, HashRandomRefs(v, batch, false, Random64), withvalues);
    }
    return;
  }
  ReplyPicks(c, v, HashRandomRefs(v, count, true, Random64), withvalues);
}

void HrandfieldCmd(Client& c, CmdArgs args) {
  if (args.size() >= 3) return RandfieldWithCount(c, args);
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (replied) return;
  if (!e) return c.reply.Null();
  HashBufs bufs;
  c.reply.Bulk(HashRead(e->val, HashRandomRefs(e->val, 1, false, Random64)[0], bufs).field);
}

// Parses a SCAN cursor as Redis' parseScanCursorOrReply does (strtoul over the C string): "" is 0, a leading
// '-' wraps, a leading space, trailing bytes or overflow are rejected.
bool ParseCursor(std::string_view arg, uint64_t* out) {
  std::string s(CStr(arg));
  if (!s.empty() && isspace(static_cast<unsigned char>(s[0]))) return false;
  char* end = nullptr;
  errno = 0;
  *out = strtoul(s.c_str(), &end, 10);
  return *end == '\0' && errno != ERANGE;
}

void HscanCmd(Client& c, CmdArgs args) {
  uint64_t cursor;
  if (!ParseCursor(args[2], &cursor)) return c.reply.Error(kInvalidCursor);
  bool replied;
  KeyEntry* e = ReadHash(c, args[1], &replied);
  if (replied) return;
  if (!e) return ReplyScan(c, 0, {});
  // The options are checked only for an existing hash, after the lookup (as Redis' scanGenericCommand).
  std::vector<std::string_view> opts{"0"};
  opts.insert(opts.end(), args.begin() + 3, args.end());
  ScanArgs sa;
  if (!ParseScanArgs(c, opts, 0, false, &sa)) return;
  std::vector<std::string> items;
  cursor = HashScan(e->val, cursor, sa.count, &items);
  std::vector<std::string_view> views;
  views.reserve(items.size());
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (sa.has_pattern && !StringMatch(sa.pattern, items[i])) continue;
    views.push_back(items[i]);
    views.push_back(items[i + 1]);
  }
  ReplyScan(c, cursor, views);
}

constexpr CommandRow kRows[] = {
    {"hset", -4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HsetCmd, "RW update", "key field_value{field value}...", "2.0.0"},
    {"hsetnx", 4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HsetnxCmd, "RW insert", "key field value", "2.0.0"},
    {"hmset", -4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HmsetCmd, "RW update", "key field_value{field value}...", "2.0.0"},
    {"hget", 3, "readonly fast", 1, 1, 1, "@read @hash @fast", HgetCmd, "RO access", "key field", "2.0.0"},
    {"hmget", -3, "readonly fast", 1, 1, 1, "@read @hash @fast", HmgetCmd, "RO access", "key field...", "2.0.0"},
    {"hgetall", 2, "readonly", 1, 1, 1, "@read @hash @slow", HgetallCmd, "RO access", "key", "2.0.0"},
    {"hdel", -3, "write fast", 1, 1, 1, "@write @hash @fast", HdelCmd, "RW delete", "key field...", "2.0.0"},
    {"hlen", 2, "readonly fast", 1, 1, 1, "@read @hash @fast", HlenCmd, "RO", "key", "2.0.0"},
    {"hstrlen", 3, "readonly fast", 1, 1, 1, "@read @hash @fast", HstrlenCmd, "RO", "key field", "3.2.0"},
    {"hexists", 3, "readonly fast", 1, 1, 1, "@read @hash @fast", HexistsCmd, "RO", "key field", "2.0.0"},
    {"hincrby", 4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HincrbyCmd, "RW access update", "key field increment:integer", "2.0.0"},
    {"hincrbyfloat", 4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HincrbyfloatCmd, "RW access update", "key field increment:double", "2.6.0"},
    {"hkeys", 2, "readonly", 1, 1, 1, "@read @hash @slow", HkeysCmd, "RO access", "key", "2.0.0"},
    {"hvals", 2, "readonly", 1, 1, 1, "@read @hash @slow", HvalsCmd, "RO access", "key", "2.0.0"},
    {"hrandfield", -2, "readonly", 1, 1, 1, "@read @hash @slow", HrandfieldCmd, "RO access", "key options{count:integer WITHVALUES?}?", "6.2.0"},
    {"hscan", -3, "readonly", 1, 1, 1, "@read @hash @slow", HscanCmd, "RO access", "key cursor:integer MATCH=pattern:pattern? COUNT=count:integer?", "2.8.0"},
};

}  // namespace

void RegisterHashFamily(CommandRegistry& r) {
  RegisterHashOps();
  r.Add(kRows);
}

}  // namespace corvid
