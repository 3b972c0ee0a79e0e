// Sets: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD SINTERSTORE
// SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN. The data work is in db/set_type.
#include <cstdint>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/lazyfree.h"
#include "db/notify.h"
#include "db/set_type.h"
#include "server/config.h"
#include "server/propagate.h"
#include "util/glob.h"

namespace corvid {

namespace {

void ReplyMember(Client& c, const SetMember& m) {
  if (m.is_int)
    c.reply.BulkInt(m.num);
  else
    c.reply.Bulk(m.str);
}

// members as a RESP3 set (an array in RESP2).
void ReplyMemberSet(Client& c, const std::vector<SetMember>& members) {
  c.reply.Set(members.size());
  for (const SetMember& m : members) ReplyMember(c, m);
}

void ReplyStrings(Client& c, const std::vector<std::string>& members) {
  c.reply.Set(members.size());
  for (const std::string& m : members) c.reply.Bulk(m);
}

// The set at key for reading (nullptr if missing); replies WRONGTYPE and sets *ok = false on a non-set.
const Value* ReadSet(Client& c, std::string_view key, bool* ok) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kSet, &st);
  *ok = st != OpStatus::kWrongType;
  if (!*ok) ReplyError(c, st);
  return e ? &e->val : nullptr;
}

// Looks up every key as a set, in order (nullptr for missing ones); replies WRONGTYPE and returns false at the
// first non-set.
bool ReadSets(Client& c, CmdArgs keys, std::vector<const Value*>* out) {
  out->reserve(keys.size());
  for (std::string_view k : keys) {
    bool ok;
    out->push_back(ReadSet(c, k, &ok));
    if (!ok) return false;
  }
  return true;
}

// ---- handlers ----

void ReplyCount(Client& c, const OpResult<int64_t>& r) {
  if (!r.ok()) return ReplyError(c, r.status());
  c.reply.Int(r.value());
}

void SaddCmd(Client& c, CmdArgs args) {
  OpResult<int64_t> r = SetAddMembers(c.db(), args[1], args.subspan(2));
  if (r.ok() && r.value() > 0) NotifyKeyspaceEvent(kNotifySet, "sadd", args[1], c.db_index());
  ReplyCount(c, r);
}

void SremCmd(Client& c, CmdArgs args) {
  OpResult<int64_t> r = SetRemMembers(c.db(), args[1], args.subspan(2));
  if (r.ok() && r.value() > 0) NotifyMaybeEmptied(kNotifySet, "srem", args[1], c.db());
  ReplyCount(c, r);
}

void SmoveCmd(Client& c, CmdArgs args) { ReplyCount(c, SetMove(c.db(), args[1], args[2], args[3])); }

void ScardCmd(Client& c, CmdArgs args) {
  bool ok;
  const Value* s = ReadSet(c, args[1], &ok);
  if (ok) c.reply.Int(s ? static_cast<int64_t>(SetSize(*s)) : 0);
}

void SismemberCmd(Client& c, CmdArgs args) {
  bool ok;
  const Value* s = ReadSet(c, args[1], &ok);
  if (ok) c.reply.Int(s && SetContains(*s, args[2]) ? 1 : 0);
}

void SmismemberCmd(Client& c, CmdArgs args) {
  bool ok;
  const Value* s = ReadSet(c, args[1], &ok);
  if (!ok) return;
  c.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) c.reply.Int(s && SetContains(*s, args[i]) ? 1 : 0);
}

void SmembersCmd(Client& c, CmdArgs args) {
  bool ok;
  const Value* s = ReadSet(c, args[1], &ok);
  if (!ok) return;
  c.reply.Set(s ? SetSize(*s) : 0);
  if (s) SetForEach(*s, [&](const SetMember& m) { ReplyMember(c, m); });
}

void SrandmemberCmd(Client& c, CmdArgs args) {
  if (args.size() > 3) return c.reply.Error(err::kSyntax);
  int64_t count = 1;
  if (args.size() == 3) {
    if (!ArgInt64(c, args[2], &count)) return;
    if (count == INT64_MIN)
      return c.reply.Error("ERR value is out of range, value must between -9223372036854775807 and "
                           "9223372036854775807");
  }
  bool ok;
  const Value* s = ReadSet(c, args[1], &ok);
  if (!ok) return;
  if (args.size() == 2) {
    if (!s) return c.reply.Null();
    return ReplyMember(c, SetSampler(*s).Next());
  }
  if (!s || count == 0) return c.reply.EmptyArray();
  if (count < 0) {  // -count draws with repetitions, streamed
    auto n = static_cast<uint64_t>(-count);
    SetSampler sampler(*s, n);
    c.reply.Array(n);
    for (uint64_t i = 0; i < n; ++i) ReplyMember(c, sampler.Next());
    return;
  }
  std::vector<SetMember> ms = SetRandomMembers(*s, static_cast<uint64_t>(count));
  c.reply.Array(ms.size());
  for (const SetMember& m : ms) ReplyMember(c, m);
}

// Propagates SPOP key count by effect: DEL when it took the whole set (even under lazy freeing, as Redis),
// else one SREM per member drawn.
void PropagateSpop(Client& c, std::string_view key, const std::vector<std::string>& popped) {
  if (!PropagationOn() || popped.empty()) return;
  if (!c.db().Find(key)) return PropagateInstead(c, {"DEL", key});
  for (const std::string& m : popped) PropagateInstead(c, {"SREM", key, m});
}

void SpopCmd(Client& c, CmdArgs args) {
  if (args.size() > 3) return c.reply.Error(err::kSyntax);
  if (args.size() == 2) {
    OpResult<std::string> r = SetPop(c.db(), args[1]);
    if (r.status() == OpStatus::kKeyNotFound) return c.reply.Null();
    if (!r.ok()) return ReplyError(c, r.status());
    NotifyMaybeEmptied(kNotifySet, "spop", args[1], c.db());
    PropagateInstead(c, {"SREM", args[1], r.value()});  // the member drawn, not another draw
    return c.reply.Bulk(r.value());
  }
  int64_t count;
  if (!ArgInt64(c, args[2], &count, "ERR value is out of range, must be positive")) return;
  if (count < 0) return c.reply.Error("ERR value is out of range, must be positive");
  OpResult<std::vector<std::string>> r = SetPopCount(c.db(), args[1], static_cast<uint64_t>(count));
  if (!r.ok()) return ReplyError(c, r.status());
  if (!r.value().empty()) NotifyMaybeEmptied(kNotifySet, "spop", args[1], c.db());
  PropagateSpop(c, args[1], r.value());
  ReplyStrings(c, r.value());
}

void SinterCmd(Client& c, CmdArgs args) {
  std::vector<const Value*> sets;
  if (ReadSets(c, args.subspan(1), &sets)) ReplyMemberSet(c, SetInter(sets));
}

void SintercardCmd(Client& c, CmdArgs args) {
  int64_t numkeys, limit = 0;
  if (!ArgInt64(c, args[1], &numkeys, "ERR numkeys should be greater than 0")) return;
  if (numkeys < 1) return c.reply.Error("ERR numkeys should be greater than 0");
  if (numkeys > static_cast<int64_t>(args.size()) - 2)
    return c.reply.Error("ERR Number of keys can't be greater than number of args");
  for (size_t j = 2 + numkeys; j < args.size(); ++j) {
    if (!Is(args[j], "LIMIT") || j + 1 >= args.size()) return c.reply.Error(err::kSyntax);
    if (!ArgInt64(c, args[++j], &limit, "ERR LIMIT can't be negative")) return;
    if (limit < 0) return c.reply.Error("ERR LIMIT can't be negative");
  }
  std::vector<const Value*> sets;
  if (!ReadSets(c, args.subspan(2, numkeys), &sets)) return;
  c.reply.Int(static_cast<int64_t>(SetInterCard(sets, static_cast<size_t>(limit))));
}

using SetOp = Value (*)(SetList);

// SUNION / SDIFF: the result as a set reply. The result set is freed as a server-side delete (lazily when
// lazyfree-lazy-server-del and big), as Redis' sunionDiffGenericCommand does.
void SetOpGeneric(Client& c, CmdArgs args, SetOp op) {
  std::vector<const Value*> sets;
  if (!ReadSets(c, args.subspan(1), &sets)) return;
  Value r = op(sets);
  ReplyMemberSet(c, SetMembers(r));
  if (Cfg().lazyfree_lazy_server_del) FreeValueLazily(std::move(r));
}

// SINTERSTORE / SUNIONSTORE / SDIFFSTORE dst key...: stores the result (or deletes dst); replies its size.
void SetOpStore(Client& c, CmdArgs args, SetOp op, const char* event) {
  std::vector<const Value*> sets;
  if (!ReadSets(c, args.subspan(2), &sets)) return;
  c.reply.Int(StoreSetResult(c.db(), args[1], op(sets), event));
}

void SunionCmd(Client& c, CmdArgs args) { SetOpGeneric(c, args, SetUnionValue); }
void SdiffCmd(Client& c, CmdArgs args) { SetOpGeneric(c, args, SetDiffValue); }
void SinterstoreCmd(Client& c, CmdArgs args) { SetOpStore(c, args, SetInterValue, "sinterstore"); }
void SunionstoreCmd(Client& c, CmdArgs args) { SetOpStore(c, args, SetUnionValue, "sunionstore"); }
void SdiffstoreCmd(Client& c, CmdArgs args) { SetOpStore(c, args, SetDiffValue, "sdiffstore"); }

void SscanCmd(Client& c, CmdArgs args) {
  // Redis checks the cursor, then the key, then the options (a missing key ignores bad options).
  ScanArgs sa;
  if (!ParseScanArgs(c, args.first(3), 2, false, &sa)) return;
  bool ok;
  const Value* s = ReadSet(c, args[1], &ok);
  if (!ok) return;
  if (!s) return ReplyScan(c, 0, {});
  if (!ParseScanArgs(c, args, 2, false, &sa)) return;
  uint64_t cursor = sa.cursor;
  auto keep = [&](std::string_view m) { return !sa.has_pattern || StringMatch(sa.pattern, m); };
  std::vector<std::string_view> items;
  std::vector<std::string> ints;
  if (s->encoding() == ObjEnc::kIntset) {  // an intset is returned whole, with cursor 0
    SetForEach(*s, [&](const SetMember& m) {
      std::string str = m.ToString();
      if (keep(str)) ints.push_back(std::move(str));
    });
    items.assign(ints.begin(), ints.end());
    return ReplyScan(c, 0, items);
  }
  SetDict* d = s->As<SetDict>();
  int64_t max_iter = sa.count > INT64_MAX / 10 ? INT64_MAX : sa.count * 10;
  do {
    cursor = d->Scan(cursor, [&](SetNode* n) { items.push_back(n->member.view()); });
  } while (cursor && max_iter-- && static_cast<int64_t>(items.size()) < sa.count);
  std::erase_if(items, [&](std::string_view m) { return !keep(m); });
  ReplyScan(c, cursor, items);
}

constexpr CommandRow kRows[] = {
    {"sadd", -3, "write denyoom fast", 1, 1, 1, "@write @set @fast", SaddCmd, "RW insert", "key member...", "1.0.0"},
    {"srem", -3, "write fast", 1, 1, 1, "@write @set @fast", SremCmd, "RW delete", "key member...", "1.0.0"},
    {"scard", 2, "readonly fast", 1, 1, 1, "@read @set @fast", ScardCmd, "RO", "key", "1.0.0"},
    {"sismember", 3, "readonly fast", 1, 1, 1, "@read @set @fast", SismemberCmd, "RO", "key member", "1.0.0"},
    {"smismember", -3, "readonly fast", 1, 1, 1, "@read @set @fast", SmismemberCmd, "RO access", "key member...", "6.2.0"},
    {"smembers", 2, "readonly", 1, 1, 1, "@read @set @slow", SmembersCmd, "RO access", "key", "1.0.0"},
    {"srandmember", -2, "readonly", 1, 1, 1, "@read @set @slow", SrandmemberCmd, "RO access", "key count:integer?", "1.0.0"},
    {"spop", -2, "write fast", 1, 1, 1, "@write @set @fast", SpopCmd, "RW access delete", "key count:integer?", "1.0.0"},
    {"smove", 4, "write fast", 1, 2, 1, "@write @set @fast", SmoveCmd, "RW access delete | RW insert", "source:key destination:key member", "1.0.0"},
    {"sinter", -2, "readonly", 1, -1, 1, "@read @set @slow", SinterCmd, "RO access", "key...", "1.0.0"},
    {"sintercard", -3, "readonly movablekeys", 0, 0, 0, "@read @set @slow", SintercardCmd, "RO access", "numkeys:integer key... LIMIT=limit:integer?", "7.0.0", "", KeysAfterNumkeys<1>},
    {"sinterstore", -3, "write denyoom", 1, -1, 1, "@write @set @slow", SinterstoreCmd, "RW update | RO access", "destination:key key...", "1.0.0"},
    {"sunion", -2, "readonly", 1, -1, 1, "@read @set @slow", SunionCmd, "RO access", "key...", "1.0.0"},
    {"sunionstore", -3, "write denyoom", 1, -1, 1, "@write @set @slow", SunionstoreCmd, "OW update | RO access", "destination:key key...", "1.0.0"},
    {"sdiff", -2, "readonly", 1, -1, 1, "@read @set @slow", SdiffCmd, "RO access", "key...", "1.0.0"},
    {"sdiffstore", -3, "write denyoom", 1, -1, 1, "@write @set @slow", SdiffstoreCmd, "OW update | RO access", "destination:key key...", "1.0.0"},
    {"sscan", -3, "readonly", 1, 1, 1, "@read @set @slow", SscanCmd, "RO access", "key cursor:integer MATCH=pattern:pattern? COUNT=count:integer?", "2.8.0"},
};

}  // namespace

void RegisterSetFamily(CommandRegistry& r) {
  RegisterSetType();
  r.Add(kRows);
}

}  // namespace corvid
