// Lists: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH
// LMPOP and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/families.h"
#include "db/blocking.h"
#include "db/list_type.h"
#include "db/notify.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

namespace {

constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";

// ---- blocked list clients ----

// Clients blocked by a list command, by id, with their deadline (0 = none). ServeBlockedClients re-runs a
// blocked command when a key it waits on is signalled; a list handler running for a client listed here is such
// a re-run unless the block already ended: by timing out (the deadline has passed) or by the client leaving
// (its id is gone). A re-run serves only lists, as Redis 7.0 does: a key that meanwhile became another type is
// skipped, not an error. (db/blocking.h cannot tell a re-run apart yet; an entry left by CLIENT UNBLOCK of a
// block without timeout makes that client's next blocking pop skip such keys too.)
class ListWaiters {
 public:
  bool IsRerun(const Client& c) {
    auto it = blocked_.find(c.id);
    if (it == blocked_.end()) return false;
    if (it->second != 0 && Srv().now_ms >= it->second) {
      blocked_.erase(it);
      return false;
    }
    return true;
  }
  // c (re)blocked; a re-run keeps its first deadline.
  void Blocked(const Client& c, int64_t deadline_ms) {
    if (blocked_.size() >= sweep_at_) Sweep(c);
    blocked_.try_emplace(c.id, deadline_ms);
  }
  void Done(const Client& c) { blocked_.erase(c.id); }

 private:
  // Drops the entries of clients that left or are no longer blocked.
  void Sweep(const Client& current) {
    const auto& clients = Srv().clients;
    std::erase_if(blocked_, [&](const auto& kv) {
      if (kv.first == current.id) return false;
      auto it = clients.find(kv.first);
      return it == clients.end() || !it->second->Has(kClientBlocked);
    });
    sweep_at_ = std::max<size_t>(64, blocked_.size() * 2);
  }

  std::unordered_map<uint64_t, int64_t> blocked_;
  size_t sweep_at_ = 64;
};

ListWaiters& Waiters() {
  static ListWaiters w;
  return w;
}

// Blocks c on keys; where it cannot block (MULTI) it replies at once with multi_reply, as Redis does (a null
// array for the pops, a null bulk for BLMOVE/BRPOPLPUSH). A real timeout always replies a null array.
void BlockOrTimeOut(Client& c, CmdArgs args, std::span<const std::string_view> keys, int64_t deadline_ms,
                    BlockTimeoutReply multi_reply) {
  if (!CanBlock(c)) {
    Waiters().Done(c);
    if (multi_reply == BlockTimeoutReply::kNullArray)
      c.reply.NullArray();
    else
      c.reply.Null();
    return;
  }
  Waiters().Blocked(c, deadline_ms);
  BlockOnKeys(c, args, keys, deadline_ms, BlockTimeoutReply::kNullArray);
}

// ---- replies ----

void ReplyElement(Client& c, const LpValue& v) {
  if (v.is_int)
    c.reply.BulkInt(v.num);
  else
    c.reply.Bulk(v.str);
}

// Parses LEFT / RIGHT; replies a syntax error otherwise.
bool ArgWhere(Client& c, std::string_view arg, ListWhere* out) {
  if (Is(arg, "LEFT")) {
    *out = ListWhere::kHead;
  } else if (Is(arg, "RIGHT")) {
    *out = ListWhere::kTail;
  } else {
    c.reply.Error(err::kSyntax);
    return false;
  }
  return true;
}

const char* PushEvent(ListWhere w) { return w == ListWhere::kHead ? "lpush" : "rpush"; }
const char* PopEvent(ListWhere w) { return w == ListWhere::kHead ? "lpop" : "rpop"; }

// A positive count: parses arg into [1, INT64_MAX], else replies error.
bool ArgPositive(Client& c, std::string_view arg, int64_t* out, std::string_view error) {
  if (StringToInt64(arg, out) && *out > 0) return true;
  c.reply.Error(error);
  return false;
}

// Redis' shared "left"/"right": how a BLMOVE served after blocking names the ends it propagates.
std::string_view EndName(ListWhere where) { return where == ListWhere::kHead ? "left" : "right"; }

// The command that pops one element from where: what the blocking and multi-key pops propagate.
std::string_view PopCommand(ListWhere where) { return where == ListWhere::kHead ? "LPOP" : "RPOP"; }

// Pops up to count elements of the list in e and replies [key, [elements...]] (LMPOP, BLMPOP); propagated as
// LPOP/RPOP key popped.
void PopRangeWithKey(Client& c, KeyEntry* e, std::string_view key, ListWhere where, int64_t count) {
  size_t n = std::min<size_t>(static_cast<size_t>(count), ListOf(e->val)->Size());
  c.reply.Array(2);
  c.reply.Bulk(key);
  c.reply.Array(n);
  ListPopRange(c.db(), e, where, n, [&](const LpValue& v) { ReplyElement(c, v); });
  NotifyMaybeEmptied(kNotifyList, PopEvent(where), key, c.db());
  fmt::format_int popped(n);
  PropagateInstead(c, {PopCommand(where), key, Digits(popped)});
}

// ---- handlers ----

void PushGeneric(Client& c, CmdArgs args, ListWhere where, bool only_existing) {
  OpResult<int64_t> r = ListPush(c.db(), args[1], args.subspan(2), where, only_existing);
  if (!r.ok()) return ReplyError(c, r.status());
  if (r.value() > 0) NotifyKeyspaceEvent(kNotifyList, PushEvent(where), args[1], c.db_index());
  c.reply.Int(r.value());
}

void LpushCmd(Client& c, CmdArgs args) { PushGeneric(c, args, ListWhere::kHead, false); }
void RpushCmd(Client& c, CmdArgs args) { PushGeneric(c, args, ListWhere::kTail, false); }
void LpushxCmd(Client& c, CmdArgs args) { PushGeneric(c, args, ListWhere::kHead, true); }
void RpushxCmd(Client& c, CmdArgs args) { PushGeneric(c, args, ListWhere::kTail, true); }

void PopGeneric(Client& c, CmdArgs args, ListWhere where) {
  if (args.size() > 3) return c.reply.Error(fmt::format(fmt::runtime(err::kWrongArity), c.cur_cmd->fullname));
  bool has_count = args.size() == 3;
  int64_t count = 0;
  if (has_count && (!StringToInt64(args[2], &count) || count < 0)) return c.reply.Error(kNotPositive);
  OpStatus st;
  KeyEntry* e = FindListForWrite(c.db(), args[1], &st);
  if (!e) {
    if (st == OpStatus::kWrongType) return ReplyError(c, st);
    return has_count ? c.reply.NullArray() : c.reply.Null();
  }
  if (count == 0 && has_count) return c.reply.EmptyArray();
  if (!has_count) {
    ListPopOne(c.db(), e, where, [&](const LpValue& v) { ReplyElement(c, v); });
  } else {
    size_t n = std::min<size_t>(static_cast<size_t>(count), ListOf(e->val)->Size());
    c.reply.Array(n);
    ListPopRange(c.db(), e, where, n, [&](const LpValue& v) { ReplyElement(c, v); });
  }
  NotifyMaybeEmptied(kNotifyList, PopEvent(where), args[1], c.db());
}

void LpopCmd(Client& c, CmdArgs args) { PopGeneric(c, args, ListWhere::kHead); }
void RpopCmd(Client& c, CmdArgs args) { PopGeneric(c, args, ListWhere::kTail); }

void LlenCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kList, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  c.reply.Int(e ? static_cast<int64_t>(ListOf(e->val)->Size()) : 0);
}

void LrangeCmd(Client& c, CmdArgs args) {
  int64_t start, end;
  if (!ArgInt64(c, args[2], &start) || !ArgInt64(c, args[3], &end)) return;
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kList, &st);
  if (!e) return st == OpStatus::kWrongType ? ReplyError(c, st) : c.reply.EmptyArray();
  const Quicklist* ql = ListOf(e->val);
  int64_t from, count;
  ListRangeBounds(static_cast<int64_t>(ql->Size()), start, end, &from, &count);
  if (count == 0) return c.reply.EmptyArray();
  c.reply.Array(static_cast<size_t>(count));
  ql->Walk(from, true, [&](const LpValue& v) {
    ReplyElement(c, v);
    return --count > 0;
  });
}

void LindexCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kList, &st);
  if (!e) return st == OpStatus::kWrongType ? ReplyError(c, st) : c.reply.Null();
  int64_t index;
  if (!ArgInt64(c, args[2], &index)) return;
  bool found = false;
  ListOf(e->val)->Walk(index, true, [&](const LpValue& v) {
    ReplyElement(c, v);
    found = true;
    return false;
  });
  if (!found) c.reply.Null();
}

void LsetCmd(Client& c, CmdArgs args) {
  OpStatus st;
  if (!FindListForWrite(c.db(), args[1], &st))
    return c.reply.Error(st == OpStatus::kWrongType ? err::kWrongType : err::kNoSuchKey);
  int64_t index;
  if (!ArgInt64(c, args[2], &index)) return;
  if (ListSet(c.db(), args[1], index, args[3]) == ListSetResult::kOutOfRange)
    return c.reply.Error("ERR index out of range");
  NotifyKeyspaceEvent(kNotifyList, "lset", args[1], c.db_index());
  c.reply.Ok();
}

void LinsertCmd(Client& c, CmdArgs args) {
  bool after;
  if (Is(args[2], "AFTER"))
    after = true;
  else if (Is(args[2], "BEFORE"))
    after = false;
  else
    return c.reply.Error(err::kSyntax);
  OpResult<int64_t> r = ListInsert(c.db(), args[1], after, args[3], args[4]);
  if (!r.ok()) return ReplyError(c, r.status());
  if (r.value() > 0) NotifyKeyspaceEvent(kNotifyList, "linsert", args[1], c.db_index());
  c.reply.Int(r.value());
}

void LremCmd(Client& c, CmdArgs args) {
  int64_t count;
  if (!ArgInt64(c, args[2], &count)) return;
  OpResult<int64_t> r = ListRem(c.db(), args[1], count, args[3]);
  if (!r.ok()) return ReplyError(c, r.status());
  if (r.value() > 0) NotifyMaybeEmptied(kNotifyList, "lrem", args[1], c.db());
  c.reply.Int(r.value());
}

void LtrimCmd(Client& c, CmdArgs args) {
  int64_t start, end;
  if (!ArgInt64(c, args[2], &start) || !ArgInt64(c, args[3], &end)) return;
  OpStatus st = ListTrim(c.db(), args[1], start, end);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  if (st == OpStatus::kOk) NotifyMaybeEmptied(kNotifyList, "ltrim", args[1], c.db());
  c.reply.Ok();
}

void LposCmd(Client& c, CmdArgs args) {
  ListPosOptions o;
  for (size_t j = 3; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (more && Is(args[j], "RANK")) {
      if (!ArgInt64(c, args[++j], &o.rank)) return;
      if (o.rank == 0)
        return c.reply.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to "
            "start from the end of the list");
    } else if (more && Is(args[j], "COUNT")) {
      if (!StringToInt64(args[++j], &o.count) || o.count < 0) return c.reply.Error("ERR COUNT can't be negative");
    } else if (more && Is(args[j], "MAXLEN")) {
      if (!StringToInt64(args[++j], &o.maxlen) || o.maxlen < 0)
        return c.reply.Error("ERR MAXLEN can't be negative");
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  bool has_count = o.count != -1;
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kList, &st);
  if (!e) {
    if (st == OpStatus::kWrongType) return ReplyError(c, st);
    return has_count ? c.reply.EmptyArray() : c.reply.Null();
  }
  std::vector<int64_t> found = ListPositions(*ListOf(e->val), args[2], o);
  if (!has_count) return found.empty() ? c.reply.Null() : c.reply.Int(found[0]);
  c.reply.Array(found.size());
  for (int64_t i : found) c.reply.Int(i);
}

// LMOVE's work and reply (also BLMOVE and BRPOPLPUSH when the source has elements). True when it moved one.
bool MoveAndReply(Client& c, std::string_view src, std::string_view dst, ListWhere from, ListWhere to) {
  OpResult<std::optional<std::string>> r = ListMove(c.db(), src, dst, from, to);
  if (!r.ok()) {
    ReplyError(c, r.status());
    return false;
  }
  if (!r.value()) {
    c.reply.Null();
    return false;
  }
  // Redis' order: the push on dst, then the pop on src (and its deletion when emptied).
  NotifyKeyspaceEvent(kNotifyList, PushEvent(to), dst, c.db_index());
  NotifyMaybeEmptied(kNotifyList, PopEvent(from), src, c.db());
  c.reply.Bulk(*r.value());
  return true;
}

void LmoveCmd(Client& c, CmdArgs args) {
  ListWhere from, to;
  if (!ArgWhere(c, args[3], &from) || !ArgWhere(c, args[4], &to)) return;
  MoveAndReply(c, args[1], args[2], from, to);
}

void RpoplpushCmd(Client& c, CmdArgs args) { MoveAndReply(c, args[1], args[2], ListWhere::kTail, ListWhere::kHead); }

// BLMOVE / BRPOPLPUSH once the arguments are parsed: moves if the source has elements, else blocks on it.
void BlockingMove(Client& c, CmdArgs args, ListWhere from, ListWhere to, int64_t deadline_ms) {
  KeyEntry* e = c.db().FindWrite(args[1]);
  if (e && e->val.type() != ObjType::kList) {
    Waiters().Done(c);
    return ReplyError(c, OpStatus::kWrongType);
  }
  if (e) {
    Waiters().Done(c);
    if (!MoveAndReply(c, args[1], args[2], from, to)) return;
    // Propagated as the non-blocking form (a replay must not block). Served after blocking, the ends are
    // named as Redis' shared "left"/"right" strings, else as the client wrote them.
    if (args.size() == 6) {
      bool served = IsBlockedRerun(c);
      return PropagateInstead(c, {"LMOVE", args[1], args[2], served ? EndName(from) : args[3],
                                  served ? EndName(to) : args[4]});
    }
    return PropagateInstead(c, {"RPOPLPUSH", args[1], args[2]});
  }
  BlockOrTimeOut(c, args, args.subspan(1, 1), deadline_ms, BlockTimeoutReply::kNull);
}

void BlmoveCmd(Client& c, CmdArgs args) {
  ListWhere from, to;
  if (!ArgWhere(c, args[3], &from) || !ArgWhere(c, args[4], &to)) return;
  int64_t deadline;
  if (!ParseBlockTimeout(c, args[5], &deadline)) return;
  BlockingMove(c, args, from, to, deadline);
}

void BrpoplpushCmd(Client& c, CmdArgs args) {
  int64_t deadline;
  if (!ParseBlockTimeout(c, args[3], &deadline)) return;
  BlockingMove(c, args, ListWhere::kTail, ListWhere::kHead, deadline);
}

// The first non-empty list among keys: nullptr with *wrong set when a key holds another type (a re-run of a
// blocked command skips such keys instead, and looks at its ready key only).
KeyEntry* FirstList(Client& c, std::span<const std::string_view> keys, bool skip_wrong, size_t* which,
                    bool* wrong) {
  *wrong = false;
  const std::string* ready = BlockedRerunKey(c);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (ready && keys[i] != *ready) continue;
    KeyEntry* e = c.db().FindWrite(keys[i]);
    if (!e) continue;
    if (e->val.type() != ObjType::kList) {
      if (skip_wrong) continue;
      *wrong = true;
      return nullptr;
    }
    *which = i;
    return e;
  }
  return nullptr;
}

// BLPOP / BRPOP / BLMPOP once parsed: pops from the first non-empty list (count < 0: one element, replied as
// [key, element]; else up to count as [key, [elements]]), else blocks on every key.
void BlockingPop(Client& c, CmdArgs args, std::span<const std::string_view> keys, ListWhere where, int64_t count,
                 int64_t deadline_ms) {
  bool rerun = Waiters().IsRerun(c);
  size_t i = 0;
  bool wrong;
  KeyEntry* e = FirstList(c, keys, rerun, &i, &wrong);
  if (e || wrong) Waiters().Done(c);
  if (wrong) return ReplyError(c, OpStatus::kWrongType);
  if (!e) return BlockOrTimeOut(c, args, keys, deadline_ms, BlockTimeoutReply::kNullArray);
  if (count >= 0) return PopRangeWithKey(c, e, keys[i], where, count);
  c.reply.Array(2);
  c.reply.Bulk(keys[i]);
  ListPopOne(c.db(), e, where, [&](const LpValue& v) { ReplyElement(c, v); });
  NotifyMaybeEmptied(kNotifyList, PopEvent(where), keys[i], c.db());
  PropagateInstead(c, {PopCommand(where), keys[i]});
}

void BlockingPopGeneric(Client& c, CmdArgs args, ListWhere where) {
  int64_t deadline;
  if (!ParseBlockTimeout(c, args.back(), &deadline)) return;
  BlockingPop(c, args, args.subspan(1, args.size() - 2), where, -1, deadline);
}

void BlpopCmd(Client& c, CmdArgs args) { BlockingPopGeneric(c, args, ListWhere::kHead); }
void BrpopCmd(Client& c, CmdArgs args) { BlockingPopGeneric(c, args, ListWhere::kTail); }

// LMPOP / BLMPOP arguments from numkeys on: numkeys key... LEFT|RIGHT [COUNT count].
struct MpopArgs {
  std::span<const std::string_view> keys;
  ListWhere where;
  int64_t count = 1;
};

bool ParseMpop(Client& c, CmdArgs args, size_t numkeys_at, MpopArgs* out) {
  int64_t numkeys;
  if (!ArgPositive(c, args[numkeys_at], &numkeys, kNumkeysNotPositive)) return false;
  if (static_cast<uint64_t>(numkeys) >= args.size() - numkeys_at - 1) {
    c.reply.Error(err::kSyntax);
    return false;
  }
  size_t where_at = numkeys_at + 1 + static_cast<size_t>(numkeys);
  out->keys = args.subspan(numkeys_at + 1, static_cast<size_t>(numkeys));
  if (!ArgWhere(c, args[where_at], &out->where)) return false;
  bool has_count = false;
  for (size_t j = where_at + 1; j < args.size(); ++j) {
    if (!has_count && j + 1 < args.size() && Is(args[j], "COUNT")) {
      if (!ArgPositive(c, args[++j], &out->count, kCountNotPositive)) return false;
      has_count = true;
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

void LmpopCmd(Client& c, CmdArgs args) {
  MpopArgs m;
  if (!ParseMpop(c, args, 1, &m)) return;
  size_t i = 0;
  bool wrong;
  KeyEntry* e = FirstList(c, m.keys, false, &i, &wrong);
  if (wrong) return ReplyError(c, OpStatus::kWrongType);
  if (!e) return c.reply.NullArray();
  PopRangeWithKey(c, e, m.keys[i], m.where, m.count);
}

void BlmpopCmd(Client& c, CmdArgs args) {
  MpopArgs m;
  int64_t deadline;
  if (!ParseMpop(c, args, 2, &m) || !ParseBlockTimeout(c, args[1], &deadline)) return;
  BlockingPop(c, args, m.keys, m.where, m.count, deadline);
}

constexpr CommandRow kRows[] = {
    {"lpush", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", LpushCmd, "RW insert", "key element...", "1.0.0"},
    {"rpush", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", RpushCmd, "RW insert", "key element...", "1.0.0"},
    {"lpushx", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", LpushxCmd, "RW insert", "key element...", "2.2.0"},
    {"rpushx", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", RpushxCmd, "RW insert", "key element...", "2.2.0"},
    {"lpop", -2, "write fast", 1, 1, 1, "@write @list @fast", LpopCmd, "RW access delete", "key count:integer?", "1.0.0"},
    {"rpop", -2, "write fast", 1, 1, 1, "@write @list @fast", RpopCmd, "RW access delete", "key count:integer?", "1.0.0"},
    {"llen", 2, "readonly fast", 1, 1, 1, "@read @list @fast", LlenCmd, "RO", "key", "1.0.0"},
    {"lrange", 4, "readonly", 1, 1, 1, "@read @list @slow", LrangeCmd, "RO access", "key start:integer stop:integer", "1.0.0"},
    {"lindex", 3, "readonly", 1, 1, 1, "@read @list @slow", LindexCmd, "RO access", "key index:integer", "1.0.0"},
    {"lset", 4, "write denyoom", 1, 1, 1, "@write @list @slow", LsetCmd, "RW update", "key index:integer element", "1.0.0"},
    {"linsert", 5, "write denyoom", 1, 1, 1, "@write @list @slow", LinsertCmd, "RW insert", "key where(BEFORE|AFTER) pivot element", "2.2.0"},
    {"lrem", 4, "write", 1, 1, 1, "@write @list @slow", LremCmd, "RW delete", "key count:integer element", "1.0.0"},
    {"ltrim", 4, "write", 1, 1, 1, "@write @list @slow", LtrimCmd, "RW delete", "key start:integer stop:integer", "1.0.0"},
    {"lpos", -3, "readonly", 1, 1, 1, "@read @list @slow", LposCmd, "RO access", "key element RANK=rank:integer? COUNT=num-matches:integer? MAXLEN=len:integer?", "6.0.6"},
    {"lmove", 5, "write denyoom", 1, 2, 1, "@write @list @slow", LmoveCmd, "RW access delete | RW insert", "source:key destination:key wherefrom(LEFT|RIGHT) whereto(LEFT|RIGHT)", "6.2.0"},
    {"rpoplpush", 3, "write denyoom", 1, 2, 1, "@write @list @slow", RpoplpushCmd, "RW access delete | RW insert", "source:key destination:key", "1.2.0"},
    {"lmpop", -4, "write movablekeys", 0, 0, 0, "@write @list @slow", LmpopCmd, "RW access delete", "numkeys:integer key... where(LEFT|RIGHT) COUNT=count:integer?", "7.0.0", "", KeysAfterNumkeys<1>},
    {"blpop", -3, "write noscript blocking", 1, -2, 1, "@write @list @slow @blocking", BlpopCmd, "RW access delete", "key... timeout:double", "2.0.0"},
    {"brpop", -3, "write noscript blocking", 1, -2, 1, "@write @list @slow @blocking", BrpopCmd, "RW access delete", "key... timeout:double", "2.0.0"},
    {"blmove", 6, "write denyoom noscript blocking", 1, 2, 1, "@write @list @slow @blocking", BlmoveCmd, "RW access delete | RW insert", "source:key destination:key wherefrom(LEFT|RIGHT) whereto(LEFT|RIGHT) timeout:double", "6.2.0"},
    {"brpoplpush", 4, "write denyoom noscript blocking", 1, 2, 1, "@write @list @slow @blocking", BrpoplpushCmd, "RW access delete | RW insert", "source:key destination:key timeout:double", "2.2.0"},
    {"blmpop", -5, "write blocking movablekeys", 0, 0, 0, "@write @list @slow @blocking", BlmpopCmd, "RW access delete", "timeout:double numkeys:integer key... where(LEFT|RIGHT) COUNT=count:integer?", "7.0.0", "", KeysAfterNumkeys<2>},
};

}  // namespace

void RegisterListFamily(CommandRegistry& r) {
  RegisterListType();
  r.Add(kRows);
}

}  // namespace corvid
