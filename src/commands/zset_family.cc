// Sorted sets: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANGE ZRANGESTORE ZREVRANGE
// ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ZPOPMIN ZPOPMAX ZMPOP BZPOPMIN BZPOPMAX BZMPOP ZRANDMEMBER ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE
// ZDIFFSTORE ZINTERCARD ZSCAN. The data work is in db/zset_type.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/blocking.h"
#include "db/notify.h"
#include "db/zset_type.h"
#include "server/server.h"
#include "util/glob.h"
#include "util/numeric.h"

namespace corvid {

namespace {

constexpr std::string_view kNanScore = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
constexpr std::string_view kMinMaxNotLex = "ERR min or max not valid string range item";
constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";

// ---- replies ----

void ReplyMember(Client& c, const LpValue& m) {
  if (m.is_int)
    c.reply.BulkInt(m.num);
  else
    c.reply.Bulk(m.str);
}
void ReplyMember(Client& c, const std::string& m) { c.reply.Bulk(m); }

// Elements as ZRANGE replies them: members, or member,score pairs (flat in RESP2, [member, score] arrays in RESP3).
template <typename Item>
void ReplyItems(Client& c, std::span<const Item> items, bool withscores) {
  bool pairs = withscores && c.reply.resp() > 2;
  c.reply.Array(withscores && !pairs ? items.size() * 2 : items.size());
  for (const Item& it : items) {
    if (pairs) c.reply.Array(2);
    ReplyMember(c, it.member);
    if (withscores) c.reply.Double(it.score);
  }
}
void ReplyItems(Client& c, const std::vector<ZItem>& items, bool ws) { ReplyItems<ZItem>(c, items, ws); }
void ReplyItems(Client& c, const std::vector<ZOwned>& items, bool ws) { ReplyItems<ZOwned>(c, items, ws); }

// ---- lookups ----

// The zset at key for reading (nullptr if missing, or on a wrong type after replying WRONGTYPE: *ok = false).
KeyEntry* ReadZset(Client& c, std::string_view key, bool* ok) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kZset, &st);
  *ok = st != OpStatus::kWrongType;
  if (!*ok) ReplyError(c, st);
  return e;
}

// The same for writing.
KeyEntry* WriteZset(Client& c, std::string_view key, bool* ok) {
  KeyEntry* e = c.db().FindWrite(key);
  *ok = !e || e->val.type() == ObjType::kZset;
  if (!*ok) {
    ReplyError(c, OpStatus::kWrongType);
    return nullptr;
  }
  return e;
}

// Parses a count that must be positive (getPositiveLongFromObjectOrReply); replies msg on failure.
bool ArgPositive(Client& c, std::string_view arg, int64_t* out, std::string_view msg) {
  if (StringToInt64(arg, out) && *out >= 0) return true;
  c.reply.Error(msg);
  return false;
}

// Parses an integer in [1, INT64_MAX]; replies msg on failure (getRangeLongFromObjectOrReply with a message).
bool ArgAtLeastOne(Client& c, std::string_view arg, int64_t* out, std::string_view msg) {
  if (StringToInt64(arg, out) && *out >= 1) return true;
  c.reply.Error(msg);
  return false;
}

// ---- ZADD / ZINCRBY ----

void ZaddGeneric(Client& c, CmdArgs args, int flags) {
  size_t idx = 2;
  bool ch = false;
  for (; idx < args.size(); ++idx) {
    std::string_view a = args[idx];
    if (Is(a, "nx")) flags |= kZaddNx;
    else if (Is(a, "xx")) flags |= kZaddXx;
    else if (Is(a, "ch")) ch = true;
    else if (Is(a, "incr")) flags |= kZaddIncr;
    else if (Is(a, "gt")) flags |= kZaddGt;
    else if (Is(a, "lt")) flags |= kZaddLt;
    else break;
  }
  const bool incr = flags & kZaddIncr, nx = flags & kZaddNx, xx = flags & kZaddXx;
  const bool gt = flags & kZaddGt, lt = flags & kZaddLt;
  size_t elements = args.size() - idx;
  if (elements % 2 || elements == 0) return c.reply.Error(err::kSyntax);
  elements /= 2;
  if (nx && xx) return c.reply.Error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt))
    return c.reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  if (incr && elements > 1) return c.reply.Error("ERR INCR option supports a single increment-element pair");
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; ++j)
    if (!ArgDouble(c, args[idx + 2 * j], &scores[j])) return;

  Db& db = c.db();
  bool ok;
  KeyEntry* e = WriteZset(c, args[1], &ok);
  if (!ok) return;
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  // Redis 7.0 creates a listpack unless listpacks are disabled or the first member is too long for one.
  if (!e && !xx) e = db.Add(args[1], NewZset(1, args[idx + 1].size()));
  for (size_t j = 0; e && j < elements; ++j) {
    double newscore = 0;
    ZaddResult r = ZsetAdd(e->val, scores[j], args[idx + 2 * j + 1], flags, &newscore);
    if (r == ZaddResult::kNan) return c.reply.Error(kNanScore);
    added += r == ZaddResult::kAdded;
    updated += r == ZaddResult::kUpdated;
    if (r != ZaddResult::kNop) {
      ++processed;
      score = newscore;
    }
  }
  Srv().stats.dirty += added + updated;
  if (added) SignalKeyReady(db, args[1]);
  if (added || updated) NotifyKeyspaceEvent(kNotifyZset, incr ? "zincr" : "zadd", args[1], c.db_index());
  if (!incr) return c.reply.Int(ch ? added + updated : added);
  if (processed)
    c.reply.Double(score);
  else
    c.reply.Null();
}

void ZaddCmd(Client& c, CmdArgs args) { ZaddGeneric(c, args, 0); }
void ZincrbyCmd(Client& c, CmdArgs args) { ZaddGeneric(c, args, kZaddIncr); }

// ---- single-key reads and removals ----

void ZremCmd(Client& c, CmdArgs args) {
  bool ok;
  KeyEntry* e = WriteZset(c, args[1], &ok);
  if (!ok) return;
  if (!e) return c.reply.Int(0);
  int64_t deleted = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    deleted += ZsetRemove(e->val, args[i]);
    if (ZsetSize(e->val) == 0) break;
  }
  ZsetDeleteIfEmpty(c.db(), e);
  Srv().stats.dirty += deleted;
  if (deleted) NotifyMaybeEmptied(kNotifyZset, "zrem", args[1], c.db());
  c.reply.Int(deleted);
}

void ZcardCmd(Client& c, CmdArgs args) {
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (ok) c.reply.Int(e ? static_cast<int64_t>(ZsetSize(e->val)) : 0);
}

void ZscoreCmd(Client& c, CmdArgs args) {
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (!ok) return;
  std::optional<double> s = e ? ZsetScore(e->val, args[2]) : std::nullopt;
  if (s)
    c.reply.Double(*s);
  else
    c.reply.Null();
}

void ZmscoreCmd(Client& c, CmdArgs args) {
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (!ok) return;
  c.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<double> s = e ? ZsetScore(e->val, args[i]) : std::nullopt;
    if (s)
      c.reply.Double(*s);
    else
      c.reply.Null();
  }
}

void ZrankGeneric(Client& c, CmdArgs args, bool reverse) {
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (!ok) return;
  std::optional<uint64_t> r = e ? ZsetRank(e->val, args[2], reverse) : std::nullopt;
  if (r)
    c.reply.Int(static_cast<int64_t>(*r));
  else
    c.reply.Null();
}

void ZrankCmd(Client& c, CmdArgs args) { ZrankGeneric(c, args, false); }
void ZrevrankCmd(Client& c, CmdArgs args) { ZrankGeneric(c, args, true); }

void ZcountCmd(Client& c, CmdArgs args) {
  ScoreRange r;
  if (!ParseScoreRange(args[2], args[3], &r)) return c.reply.Error(kMinMaxNotFloat);
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (ok) c.reply.Int(e ? static_cast<int64_t>(ZsetCount(e->val, r)) : 0);
}

void ZlexcountCmd(Client& c, CmdArgs args) {
  std::optional<LexRange> r = LexRange::Parse(args[2], args[3]);
  if (!r) return c.reply.Error(kMinMaxNotLex);
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (ok) c.reply.Int(e ? static_cast<int64_t>(ZsetLexCount(e->val, *r)) : 0);
}

// Normalizes a rank range like Redis (negative from the end); false when it selects nothing.
bool RankRange(int64_t len, int64_t* start, int64_t* end) {
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

void ZremrangeGeneric(Client& c, CmdArgs args, RangeType type) {
  int64_t start = 0, end = 0;
  ScoreRange sr;
  std::optional<LexRange> lr;
  if (type == RangeType::kRank) {
    if (!ArgInt64(c, args[2], &start) || !ArgInt64(c, args[3], &end)) return;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(args[2], args[3], &sr)) return c.reply.Error(kMinMaxNotFloat);
  } else {
    lr = LexRange::Parse(args[2], args[3]);
    if (!lr) return c.reply.Error(kMinMaxNotLex);
  }
  bool ok;
  KeyEntry* e = WriteZset(c, args[1], &ok);
  if (!ok) return;
  if (!e) return c.reply.Int(0);
  uint64_t deleted;
  if (type == RangeType::kRank) {
    if (!RankRange(static_cast<int64_t>(ZsetSize(e->val)), &start, &end)) return c.reply.Int(0);
    deleted = ZsetRemoveRangeByRank(e->val, start, end);
  } else if (type == RangeType::kScore) {
    deleted = ZsetRemoveRangeByScore(e->val, sr);
  } else {
    deleted = ZsetRemoveRangeByLex(e->val, *lr);
  }
  ZsetDeleteIfEmpty(c.db(), e);
  Srv().stats.dirty += deleted;
  const char* event = type == RangeType::kRank    ? "zremrangebyrank"
                      : type == RangeType::kScore ? "zremrangebyscore"
                                                  : "zremrangebylex";
  if (deleted) NotifyMaybeEmptied(kNotifyZset, event, args[1], c.db());
  c.reply.Int(static_cast<int64_t>(deleted));
}

void ZremrangebyrankCmd(Client& c, CmdArgs args) { ZremrangeGeneric(c, args, RangeType::kRank); }
void ZremrangebyscoreCmd(Client& c, CmdArgs args) { ZremrangeGeneric(c, args, RangeType::kScore); }
void ZremrangebylexCmd(Client& c, CmdArgs args) { ZremrangeGeneric(c, args, RangeType::kLex); }

// ---- ZRANGE and its variants ----

// Redis' zrangeGenericCommand: args[first] is the source key, then min and max, then options. With store, the
// destination is args[1] and the reply is the stored size.
void ZrangeGeneric(Client& c, CmdArgs args, size_t first, bool store, RangeType type, Direction dir) {
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = first + 3; j < args.size(); ++j) {
    size_t left = args.size() - j - 1;
    std::string_view a = args[j];
    if (!store && Is(a, "withscores")) {
      withscores = true;
    } else if (Is(a, "limit") && left >= 2) {
      if (!ArgInt64(c, args[j + 1], &offset) || !ArgInt64(c, args[j + 2], &limit)) return;
      j += 2;
    } else if (dir == Direction::kAuto && Is(a, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && Is(a, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && Is(a, "byscore")) {
      type = RangeType::kScore;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (type == RangeType::kAuto) type = RangeType::kRank;
  bool reverse = dir == Direction::kReverse;
  if (limit != -1 && type == RangeType::kRank)
    return c.reply.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  if (withscores && type == RangeType::kLex)
    return c.reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  std::string_view min = args[first + 1], max = args[first + 2];
  if (reverse && type != RangeType::kRank) std::swap(min, max);
  int64_t start = 0, end = 0;
  ScoreRange sr;
  std::optional<LexRange> lr;
  if (type == RangeType::kRank) {
    if (!ArgInt64(c, min, &start) || !ArgInt64(c, max, &end)) return;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(min, max, &sr)) return c.reply.Error(kMinMaxNotFloat);
  } else {
    lr = LexRange::Parse(min, max);
    if (!lr) return c.reply.Error(kMinMaxNotLex);
  }

  bool ok;
  KeyEntry* e = ReadZset(c, args[first], &ok);
  if (!ok) return;
  std::vector<ZItem> items;
  if (e) {
    const Value& v = e->val;
    if (type == RangeType::kRank) {
      if (RankRange(static_cast<int64_t>(ZsetSize(v)), &start, &end)) items = ZsetRangeByRank(v, start, end, reverse);
    } else if (type == RangeType::kScore) {
      items = ZsetRangeByScore(v, sr, reverse, offset, limit);
    } else {
      items = ZsetRangeByLex(v, *lr, reverse, offset, limit);
    }
  }
  if (!store) return ReplyItems(c, items, withscores);
  std::vector<ZOwned> owned = ZsetCopyItems(items);
  if (reverse) std::reverse(owned.begin(), owned.end());
  c.reply.Int(ZsetStore(c.db(), args[1], owned, "zrangestore"));
}

void ZrangeCmd(Client& c, CmdArgs args) { ZrangeGeneric(c, args, 1, false, RangeType::kAuto, Direction::kAuto); }
void ZrangestoreCmd(Client& c, CmdArgs args) { ZrangeGeneric(c, args, 2, true, RangeType::kAuto, Direction::kAuto); }
void ZrevrangeCmd(Client& c, CmdArgs args) { ZrangeGeneric(c, args, 1, false, RangeType::kRank, Direction::kReverse); }
void ZrangebyscoreCmd(Client& c, CmdArgs args) {
  ZrangeGeneric(c, args, 1, false, RangeType::kScore, Direction::kForward);
}
void ZrevrangebyscoreCmd(Client& c, CmdArgs args) {
  ZrangeGeneric(c, args, 1, false, RangeType::kScore, Direction::kReverse);
}
void ZrangebylexCmd(Client& c, CmdArgs args) { ZrangeGeneric(c, args, 1, false, RangeType::kLex, Direction::kForward); }
void ZrevrangebylexCmd(Client& c, CmdArgs args) {
  ZrangeGeneric(c, args, 1, false, RangeType::kLex, Direction::kReverse);
}

// ---- pops ----

struct PopShape {
  bool emit_key = false;    // the key leads the reply (BZPOP*, ZMPOP, BZMPOP)
  bool nested = false;      // [member, score] pairs (ZMPOP, RESP3 ZPOP* with a count)
  bool nil_if_none = false;  // a null array when no key holds anything (else an empty array)
};

// Redis' genericZpopCommand: pops up to count (-1: one, without a count) elements from the first existing key.
void PopGeneric(Client& c, CmdArgs keys, bool max, int64_t count, PopShape shape) {
  KeyEntry* e = nullptr;
  std::string_view key;
  for (std::string_view k : keys) {
    bool ok;
    e = WriteZset(c, k, &ok);
    if (!ok) return;
    if (e) {
      key = k;
      break;
    }
  }
  if (!e) return shape.nil_if_none ? c.reply.NullArray() : c.reply.EmptyArray();
  if (count == 0) return c.reply.EmptyArray();
  std::vector<ZOwned> items = ZsetPop(e->val, max, count == -1 ? 1 : static_cast<uint64_t>(count));
  size_t n = items.size();
  if (shape.emit_key && shape.nested) {
    c.reply.Array(2);
    c.reply.Bulk(key);
    c.reply.Array(n);
  } else if (shape.emit_key) {
    c.reply.Array(2 * n + 1);
    c.reply.Bulk(key);
  } else {
    c.reply.Array(shape.nested ? n : 2 * n);
  }
  for (const ZOwned& it : items) {
    if (shape.nested) c.reply.Array(2);
    c.reply.Bulk(it.member);
    c.reply.Double(it.score);
  }
  Srv().stats.dirty += n;
  ZsetDeleteIfEmpty(c.db(), e);
  NotifyMaybeEmptied(kNotifyZset, max ? "zpopmax" : "zpopmin", key, c.db());
  if (!shape.emit_key) return;  // ZPOPMIN/ZPOPMAX replay as sent
  // BZPOP* as ZPOP* key; ZMPOP/BZMPOP as ZPOP* key popped.
  std::string_view pop = max ? "ZPOPMAX" : "ZPOPMIN";
  fmt::format_int popped(n);
  if (count == -1) return PropagateInstead(c, {pop, key});
  PropagateInstead(c, {pop, key, Digits(popped)});
}

void ZpopGeneric(Client& c, CmdArgs args, bool max) {
  if (args.size() > 3) return c.reply.Error(err::kSyntax);
  int64_t count = -1;
  if (args.size() == 3 && !ArgPositive(c, args[2], &count, kNotPositive)) return;
  PopShape shape;
  shape.nested = c.reply.resp() > 2 && count != -1;
  PopGeneric(c, args.subspan(1, 1), max, count, shape);
}

void ZpopminCmd(Client& c, CmdArgs args) { ZpopGeneric(c, args, false); }
void ZpopmaxCmd(Client& c, CmdArgs args) { ZpopGeneric(c, args, true); }

// Redis' blockingGenericZpopCommand: pops from the first non-empty key, else blocks (or replies a null array
// where blocking is not allowed). A blocked re-run looks at its ready key only, and only if it holds a zset.
void BlockingPop(Client& c, CmdArgs args, CmdArgs keys, std::string_view timeout, bool max, int64_t count,
                 PopShape shape) {
  int64_t deadline;
  if (!ParseBlockTimeout(c, timeout, &deadline)) return;
  const std::string* ready = BlockedRerunKey(c);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (ready) {
      KeyEntry* r = keys[i] == *ready ? c.db().Find(keys[i]) : nullptr;
      if (!r || r->val.type() != ObjType::kZset) continue;
    }
    bool ok;
    KeyEntry* e = WriteZset(c, keys[i], &ok);
    if (!ok) return;
    if (e && ZsetSize(e->val) > 0) return PopGeneric(c, keys.subspan(i, 1), max, count, shape);
  }
  if (!CanBlock(c)) return c.reply.NullArray();
  BlockOnKeys(c, args, keys, deadline, BlockTimeoutReply::kNullArray);
}

void BzpopGeneric(Client& c, CmdArgs args, bool max) {
  PopShape shape;
  shape.emit_key = true;
  BlockingPop(c, args, args.subspan(1, args.size() - 2), args.back(), max, -1, shape);
}

void BzpopminCmd(Client& c, CmdArgs args) { BzpopGeneric(c, args, false); }
void BzpopmaxCmd(Client& c, CmdArgs args) { BzpopGeneric(c, args, true); }

// ZMPOP numkeys key... MIN|MAX [COUNT n] (numkeys at args[at]); BZMPOP has the timeout before numkeys.
void ZmpopGeneric(Client& c, CmdArgs args, size_t at, bool block) {
  int64_t numkeys;
  if (!ArgAtLeastOne(c, args[at], &numkeys, "ERR numkeys should be greater than 0")) return;
  if (static_cast<uint64_t>(numkeys) >= args.size() - at - 1) return c.reply.Error(err::kSyntax);
  size_t where = at + numkeys + 1;
  bool max;
  if (Is(args[where], "MIN"))
    max = false;
  else if (Is(args[where], "MAX"))
    max = true;
  else
    return c.reply.Error(err::kSyntax);
  int64_t count = -1;
  for (size_t j = where + 1; j < args.size(); ++j) {
    if (count == -1 && Is(args[j], "COUNT") && j + 1 < args.size()) {
      if (!ArgAtLeastOne(c, args[++j], &count, "ERR count should be greater than 0")) return;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (count == -1) count = 1;
  PopShape shape{true, true, true};
  CmdArgs keys = args.subspan(at + 1, numkeys);
  if (block)
    BlockingPop(c, args, keys, args[1], max, count, shape);
  else
    PopGeneric(c, keys, max, count, shape);
}

void ZmpopCmd(Client& c, CmdArgs args) { ZmpopGeneric(c, args, 1, false); }
void BzmpopCmd(Client& c, CmdArgs args) { ZmpopGeneric(c, args, 2, true); }

// ---- ZRANDMEMBER ----

constexpr uint64_t kRandomBatch = 1000;

void ZrandmemberWithCount(Client& c, std::string_view key, int64_t l, bool withscores) {
  bool ok;
  KeyEntry* e = ReadZset(c, key, &ok);
  if (!ok) return;
  if (!e || l == 0) return c.reply.EmptyArray();
  const Value& v = e->val;
  uint64_t size = ZsetSize(v);
  bool unique = l > 0;
  uint64_t count = unique ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (unique && count >= size) return ReplyItems(c, ZsetRangeByRank(v, 0, size - 1, true), withscores);
  bool pairs = withscores && c.reply.resp() > 2;
  c.reply.Array(withscores && !pairs ? count * 2 : count);
  for (uint64_t left = count; left > 0;) {  // batches keep huge counts from building one huge vector
    uint64_t batch = unique ? left : std::min(left, kRandomBatch);
    for (const ZItem& it : ZsetRandomItems(v, batch, unique)) {
      if (pairs) c.reply.Array(2);
      ReplyMember(c, it.member);
      if (withscores) c.reply.Double(it.score);
    }
    left -= batch;
  }
}

void ZrandmemberCmd(Client& c, CmdArgs args) {
  if (args.size() >= 3) {
    int64_t l;
    if (!ArgInt64(c, args[2], &l)) return;
    if (l == INT64_MIN)
      return c.reply.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    if (args.size() > 4 || (args.size() == 4 && !Is(args[3], "withscores"))) return c.reply.Error(err::kSyntax);
    bool withscores = args.size() == 4;
    if (withscores && (l < -INT64_MAX / 2 || l > INT64_MAX / 2)) return c.reply.Error("ERR value is out of range");
    return ZrandmemberWithCount(c, args[1], l, withscores);
  }
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (!ok) return;
  if (!e) return c.reply.Null();
  ReplyMember(c, ZsetRandomItems(e->val, 1, false)[0].member);
}

// ---- ZSCAN ----

void ZscanCmd(Client& c, CmdArgs args) {
  ScanArgs sa;
  // Redis checks the cursor before the key and the options after it.
  if (!ParseScanArgs(c, args.first(3), 2, false, &sa)) return;
  bool ok;
  KeyEntry* e = ReadZset(c, args[1], &ok);
  if (!ok) return;
  if (!e) return ReplyScan(c, 0, {});
  if (!ParseScanArgs(c, args, 2, false, &sa)) return;
  std::vector<std::string> out;
  uint64_t next = ZsetScan(e->val, sa.cursor, sa.count, [&](std::string_view member, std::string_view score) {
    if (sa.has_pattern && !StringMatch(sa.pattern, member)) return;
    out.emplace_back(member);
    out.emplace_back(score);
  });
  std::vector<std::string_view> views(out.begin(), out.end());
  ReplyScan(c, next, views);
}

// ---- ZUNION ZINTER ZDIFF (STORE, CARD) ----

enum class SetOp { kUnion, kInter, kDiff };

// Redis' zunionInterDiffGenericCommand: numkeys at args[at]; dst (for *STORE) is args[1].
void ZsetOpGeneric(Client& c, CmdArgs args, size_t at, bool store, SetOp op, bool card_only) {
  int64_t setnum;
  if (!ArgInt64(c, args[at], &setnum)) return;
  if (setnum < 1)
    return c.reply.Error(fmt::format("ERR at least 1 input key is needed for '{}' command", c.cur_cmd->fullname));
  if (setnum > static_cast<int64_t>(args.size() - at - 1)) return c.reply.Error(err::kSyntax);
  std::vector<ZSource> srcs(setnum);
  size_t j = at + 1;
  for (int64_t i = 0; i < setnum; ++i, ++j) {
    KeyEntry* e = store ? c.db().FindWrite(args[j]) : c.db().FindRead(args[j], c.Has(kClientNoTouch));
    if (e && e->val.type() != ObjType::kZset && e->val.type() != ObjType::kSet)
      return ReplyError(c, OpStatus::kWrongType);
    srcs[i].v = e ? &e->val : nullptr;
  }
  ZAggregate agg = ZAggregate::kSum;
  bool withscores = false;
  uint64_t limit = 0;
  const bool algebra = op != SetOp::kDiff && !card_only;
  while (j < args.size()) {
    size_t remaining = args.size() - j;
    std::string_view a = args[j];
    if (algebra && remaining >= static_cast<size_t>(setnum) + 1 && Is(a, "weights")) {
      ++j;
      for (int64_t i = 0; i < setnum; ++i, ++j)
        if (!StringToDouble(args[j], &srcs[i].weight)) return c.reply.Error("ERR weight value is not a float");
    } else if (algebra && remaining >= 2 && Is(a, "aggregate")) {
      std::string_view how = args[j + 1];
      if (Is(how, "sum")) agg = ZAggregate::kSum;
      else if (Is(how, "min")) agg = ZAggregate::kMin;
      else if (Is(how, "max")) agg = ZAggregate::kMax;
      else return c.reply.Error(err::kSyntax);
      j += 2;
    } else if (!store && !card_only && Is(a, "withscores")) {
      withscores = true;
      ++j;
    } else if (card_only && remaining >= 2 && Is(a, "limit")) {
      int64_t l;
      if (!ArgPositive(c, args[j + 1], &l, "ERR LIMIT can't be negative")) return;
      limit = static_cast<uint64_t>(l);
      j += 2;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (card_only) return c.reply.Int(static_cast<int64_t>(ZsetInterCard(srcs, limit)));
  std::vector<ZOwned> items = op == SetOp::kUnion   ? ZsetUnion(srcs, agg)
                              : op == SetOp::kInter ? ZsetInter(srcs, agg)
                                                    : ZsetDiff(srcs);
  const char* event = op == SetOp::kUnion ? "zunionstore" : op == SetOp::kInter ? "zinterstore" : "zdiffstore";
  if (store) return c.reply.Int(ZsetStore(c.db(), args[1], items, event));
  ReplyItems(c, items, withscores);
}

void ZunionCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 1, false, SetOp::kUnion, false); }
void ZinterCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 1, false, SetOp::kInter, false); }
void ZdiffCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 1, false, SetOp::kDiff, false); }
void ZunionstoreCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 2, true, SetOp::kUnion, false); }
void ZinterstoreCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 2, true, SetOp::kInter, false); }
void ZdiffstoreCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 2, true, SetOp::kDiff, false); }
void ZintercardCmd(Client& c, CmdArgs args) { ZsetOpGeneric(c, args, 1, false, SetOp::kInter, true); }

constexpr CommandRow kRows[] = {
    {"zadd", -4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", ZaddCmd, "RW update", "key condition(NX|XX)? comparison(GT|LT)? CH? INCR? score_member{score:double member}...", "1.2.0"},
    {"zincrby", 4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", ZincrbyCmd, "RW access update", "key increment:integer member", "1.2.0"},
    {"zrem", -3, "write fast", 1, 1, 1, "@write @sortedset @fast", ZremCmd, "RW delete", "key member...", "1.2.0"},
    {"zcard", 2, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZcardCmd, "RO", "key", "1.2.0"},
    {"zscore", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZscoreCmd, "RO access", "key member", "1.2.0"},
    {"zmscore", -3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZmscoreCmd, "RO access", "key member...", "6.2.0"},
    {"zrank", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZrankCmd, "RO access", "key member", "2.0.0"},
    {"zrevrank", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZrevrankCmd, "RO access", "key member", "2.0.0"},
    {"zcount", 4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZcountCmd, "RO access", "key min:double max:double", "2.0.0"},
    {"zlexcount", 4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZlexcountCmd, "RO access", "key min max", "2.8.9"},
    {"zrange", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrangeCmd, "RO access", "key start stop sortby(BYSCORE|BYLEX)? REV? LIMIT=offset_count{offset:integer count:integer}? WITHSCORES?", "1.2.0"},
    {"zrangestore", -5, "write denyoom", 1, 2, 1, "@write @sortedset @slow", ZrangestoreCmd, "OW update | RO access", "dst:key src:key min max sortby(BYSCORE|BYLEX)? REV? LIMIT=offset_count{offset:integer count:integer}?", "6.2.0"},
    {"zrevrange", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrevrangeCmd, "RO access", "key start:integer stop:integer WITHSCORES?", "1.2.0"},
    {"zrangebyscore", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrangebyscoreCmd, "RO access", "key min:double max:double WITHSCORES? LIMIT=offset_count{offset:integer count:integer}?", "1.0.5"},
    {"zrevrangebyscore", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrevrangebyscoreCmd, "RO access", "key max:double min:double WITHSCORES? LIMIT=offset_count{offset:integer count:integer}?", "2.2.0"},
    {"zrangebylex", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrangebylexCmd, "RO access", "key min max LIMIT=offset_count{offset:integer count:integer}?", "2.8.9"},
    {"zrevrangebylex", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrevrangebylexCmd, "RO access", "key max min LIMIT=offset_count{offset:integer count:integer}?", "2.8.9"},
    {"zremrangebyrank", 4, "write", 1, 1, 1, "@write @sortedset @slow", ZremrangebyrankCmd, "RW delete", "key start:integer stop:integer", "2.0.0"},
    {"zremrangebyscore", 4, "write", 1, 1, 1, "@write @sortedset @slow", ZremrangebyscoreCmd, "RW delete", "key min:double max:double", "1.2.0"},
    {"zremrangebylex", 4, "write", 1, 1, 1, "@write @sortedset @slow", ZremrangebylexCmd, "RW delete", "key min max", "2.8.9"},
    {"zpopmin", -2, "write fast", 1, 1, 1, "@write @sortedset @fast", ZpopminCmd, "RW access delete", "key count:integer?", "5.0.0"},
    {"zpopmax", -2, "write fast", 1, 1, 1, "@write @sortedset @fast", ZpopmaxCmd, "RW access delete", "key count:integer?", "5.0.0"},
    {"zmpop", -4, "write movablekeys", 0, 0, 0, "@write @sortedset @slow", ZmpopCmd, "RW access delete", "numkeys:integer key... where(MIN|MAX) COUNT=count:integer?", "7.0.0", "", KeysAfterNumkeys<1>},
    {"zrandmember", -2, "readonly", 1, 1, 1, "@read @sortedset @slow", ZrandmemberCmd, "RO access", "key options{count:integer WITHSCORES?}?", "6.2.0"},
    {"zunion", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", ZunionCmd, "RO access", "numkeys:integer key... WEIGHTS=weight:integer...? AGGREGATE=aggregate(SUM|MIN|MAX)? WITHSCORES?", "6.2.0", "", KeysAfterNumkeys<1>},
    {"zinter", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", ZinterCmd, "RO access", "numkeys:integer key... WEIGHTS=weight:integer...? AGGREGATE=aggregate(SUM|MIN|MAX)? WITHSCORES?", "6.2.0", "", KeysAfterNumkeys<1>},
    {"zdiff", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", ZdiffCmd, "RO access", "numkeys:integer key... WITHSCORES?", "6.2.0", "", KeysAfterNumkeys<1>},
    {"zunionstore", -4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow", ZunionstoreCmd, "OW update | RO access", "destination:key numkeys:integer key... WEIGHTS=weight:integer...? AGGREGATE=aggregate(SUM|MIN|MAX)?", "2.0.0", "", KeysStoreThenNumkeys},
    {"zinterstore", -4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow", ZinterstoreCmd, "OW update | RO access", "destination:key numkeys:integer key... WEIGHTS=weight:integer...? AGGREGATE=aggregate(SUM|MIN|MAX)?", "2.0.0", "", KeysStoreThenNumkeys},
    {"zdiffstore", -4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow", ZdiffstoreCmd, "OW update | RO access", "destination:key numkeys:integer key...", "6.2.0", "", KeysStoreThenNumkeys},
    {"zintercard", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", ZintercardCmd, "RO access", "numkeys:integer key... LIMIT=limit:integer?", "7.0.0", "", KeysAfterNumkeys<1>},
    {"zscan", -3, "readonly", 1, 1, 1, "@read @sortedset @slow", ZscanCmd, "RO access", "key cursor:integer MATCH=pattern:pattern? COUNT=count:integer?", "2.8.0"},
    {"bzpopmin", -3, "write noscript blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking", BzpopminCmd, "RW access delete", "key... timeout:double", "5.0.0"},
    {"bzpopmax", -3, "write noscript blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking", BzpopmaxCmd, "RW access delete", "key... timeout:double", "5.0.0"},
    {"bzmpop", -5, "write blocking movablekeys", 0, 0, 0, "@write @sortedset @slow @blocking", BzmpopCmd, "RW access delete", "timeout:double numkeys:integer key... where(MIN|MAX) COUNT=count:integer?", "7.0.0", "", KeysAfterNumkeys<2>},
};

}  // namespace

void RegisterZsetFamily(CommandRegistry& r) {
  RegisterZsetOps();
  r.Add(kRows);
}

}  // namespace corvid
