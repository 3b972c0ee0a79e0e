// Strings: SET GET GETEX GETDEL GETSET MGET MSET MSETNX SETNX SETEX PSETEX APPEND STRLEN GETRANGE SUBSTR
// SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT LCS.
#include "commands/string_family.h"

#include <fmt/format.h>

#include <climits>
#include <cmath>
#include <cstring>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/notify.h"
#include "server/config.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

// ---- logic ----

OpResult<int64_t> IncrBy(Db& db, std::string_view key, int64_t delta) {
  uint64_t hash = HashBytes(key);
  KeyEntry* e = db.FindHashed(key, hash);
  int64_t old = 0;
  if (e) {
    if (!e->val.IsString()) return OpStatus::kWrongType;
    if (e->val.IsInt()) {
      old = e->val.int_val();
    } else if (!StringToInt64(e->val.str().view(), &old)) {
      return OpStatus::kNotInteger;
    }
  }
  if ((delta < 0 && old < 0 && delta < INT64_MIN - old) || (delta > 0 && old > 0 && delta > INT64_MAX - old))
    return OpStatus::kOverflow;
  int64_t v = old + delta;
  if (e)
    db.Overwrite(e, Value::Int(v));
  else
    db.AddHashed(key, Value::Int(v), hash);
  ++Srv().stats.dirty;
  return v;
}

OpResult<std::string> IncrByFloat(Db& db, std::string_view key, std::string_view delta) {
  KeyEntry* e = db.FindWrite(key);
  long double cur = 0, incr;
  if (e) {
    if (!e->val.IsString()) return OpStatus::kWrongType;
    char buf[kInt64Chars];
    if (!StringToLongDouble(e->val.StringView(buf), &cur)) return OpStatus::kNotFloat;
  }
  if (!StringToLongDouble(delta, &incr)) return OpStatus::kNotFloat;
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) return OpStatus::kIncrNanOrInf;
  std::string out(kLongDoubleChars, '\0');
  out.resize(FormatLongDouble(cur, out.data(), LdMode::kHuman));
  if (e)
    db.Overwrite(e, Value::PlainString(out));
  else
    db.Add(key, Value::PlainString(out));
  ++Srv().stats.dirty;
  return out;
}

OpResult<int64_t> Append(Db& db, std::string_view key, std::string_view tail, int64_t max_len) {
  KeyEntry* e = db.FindWrite(key);
  if (!e) {
    db.Add(key, Value::String(tail));
    ++Srv().stats.dirty;
    return static_cast<int64_t>(tail.size());
  }
  if (!e->val.IsString()) return OpStatus::kWrongType;
  size_t len = e->val.StringLen();
  if (static_cast<int64_t>(len + tail.size()) > max_len) return OpStatus::kStringTooLong;
  CompactString& s = e->val.MakeRaw();
  s.Append(tail);
  ++Srv().stats.dirty;
  return static_cast<int64_t>(s.size());
}

OpResult<int64_t> SetRange(Db& db, std::string_view key, int64_t offset, std::string_view value, int64_t max_len) {
  KeyEntry* e = db.FindWrite(key);
  if (e && !e->val.IsString()) return OpStatus::kWrongType;
  if (value.empty()) return e ? static_cast<int64_t>(e->val.StringLen()) : 0;
  if (offset > max_len - static_cast<int64_t>(value.size())) return OpStatus::kStringTooLong;
  if (!e) e = db.Add(key, Value::RawString(""));
  CompactString& s = e->val.MakeRaw();
  size_t old = s.size(), need = static_cast<size_t>(offset) + value.size();
  if (need > old) {
    char* p = s.Resize(need, true);
    memset(p + old, 0, need - old);
  }
  memcpy(s.mutable_data() + offset, value.data(), value.size());
  ++Srv().stats.dirty;
  return static_cast<int64_t>(s.size());
}

void RangeOf(int64_t len, int64_t start, int64_t end, int64_t* from, int64_t* count) {
  *from = 0;
  *count = 0;
  if (start < 0 && end < 0 && start > end) return;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return;
  *from = start;
  *count = end - start + 1;
}

namespace {

// ---- handlers ----

void ReplyString(Client& c, const Value& v) {
  char buf[kInt64Chars];
  c.reply.Bulk(v.StringView(buf));
}

struct SetOptions {
  bool nx = false, xx = false, get = false, keepttl = false, persist = false;
  bool relative = false;  // EX/PX: add the current time
  bool seconds = false;   // EX/EXAT: the value is in seconds
  bool has_expire = false;
  std::string_view expire;  // the EX/PX/EXAT/PXAT argument when has_expire
  int64_t expire_at_ms = -1;
};

// Parses SET's (is_set) or GETEX's options from args[from..]; replies on error. The expire argument is only
// checked by ResolveExpire (Redis converts it after GETEX's key lookup).
bool ParseSetOptions(Client& c, CmdArgs args, size_t from, bool is_set, SetOptions* o) {
  bool has_ex = false;
  for (size_t j = from; j < args.size(); ++j) {
    std::string_view a = args[j];
    bool has_next = j + 1 < args.size();
    bool timed = has_ex || o->keepttl || o->persist;
    if (is_set && Is(a, "NX") && !o->xx) {
      o->nx = true;
    } else if (is_set && Is(a, "XX") && !o->nx) {
      o->xx = true;
    } else if (is_set && Is(a, "GET")) {
      o->get = true;
    } else if (is_set && Is(a, "KEEPTTL") && !o->persist && !has_ex) {
      o->keepttl = true;
    } else if (!is_set && Is(a, "PERSIST") && !has_ex && !o->keepttl) {
      o->persist = true;
    } else if (has_next && (Is(a, "EX") || Is(a, "PX") || Is(a, "EXAT") || Is(a, "PXAT"))) {
      bool seconds = Is(a, "EX") || Is(a, "EXAT"), relative = Is(a, "EX") || Is(a, "PX");
      // The same option may repeat (the last wins); a different expire option conflicts.
      if ((timed && !has_ex) || (has_ex && (seconds != o->seconds || relative != o->relative))) {
        c.reply.Error(err::kSyntax);
        return false;
      }
      has_ex = true;
      o->seconds = seconds;
      o->relative = relative;
      o->expire = args[++j];
      o->has_expire = true;
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Converts the EX/PX/EXAT/PXAT argument into o->expire_at_ms; replies on error.
bool ResolveExpire(Client& c, SetOptions* o) {
  if (!o->has_expire) return true;
  int64_t v;
  if (!ArgInt64(c, o->expire, &v)) return false;
  auto invalid = [&c] {
    c.reply.Error(fmt::format(fmt::runtime(err::kInvalidExpire), c.cur_cmd->fullname));
    return false;
  };
  if (v <= 0 || (o->seconds && v > INT64_MAX / 1000)) return invalid();
  if (o->seconds) v *= 1000;
  if (o->relative) {
    if (v > INT64_MAX - Srv().now_ms) return invalid();
    v += Srv().now_ms;
  }
  o->expire_at_ms = v;
  return true;
}

// SET's core, shared by SET/SETNX/SETEX/PSETEX/GETSET. Replies ok/abort (or the old value with GET); true when
// it stored the value.
bool SetGeneric(Client& c, std::string_view key, std::string_view val, const SetOptions& o, bool nx_style) {
  Db& db = c.db();
  uint64_t hash = HashBytes(key);
  KeyEntry* e = db.FindHashed(key, hash);
  if (o.get) {
    if (e && !e->val.IsString()) {
      ReplyError(c, OpStatus::kWrongType);
      return false;
    }
    if (e)
      ReplyString(c, e->val);
    else
      c.reply.Null();
  }
  if ((o.nx && e) || (o.xx && !e)) {
    if (!o.get) {
      if (nx_style)
        c.reply.Int(0);
      else
        c.reply.Null();
    }
    return false;
  }
  if (e) {
    if (!o.keepttl) db.RemoveExpire(e);
    db.Overwrite(e, Value::String(val));
  } else {
    e = db.AddHashed(key, Value::String(val), hash);
  }
  if (o.expire_at_ms >= 0) db.SetExpire(e, o.expire_at_ms);
  ++Srv().stats.dirty;
  NotifyKeyspaceEvent(kNotifyString, "set", key, c.db_index());
  if (o.expire_at_ms >= 0) {
    NotifyKeyspaceEvent(kNotifyGeneric, "expire", key, c.db_index());
    // Propagated with the absolute time, without the conditions and GET (as Redis).
    fmt::format_int when(o.expire_at_ms);
    PropagateInstead(c, {"SET", key, val, "PXAT", Digits(when)});
  }
  if (!o.get) {
    if (nx_style)
      c.reply.Int(1);
    else
      c.reply.Ok();
  }
  return true;
}

void SetCmd(Client& c, CmdArgs args) {
  SetOptions o;
  if (!ParseSetOptions(c, args, 3, true, &o) || !ResolveExpire(c, &o)) return;
  SetGeneric(c, args[1], args[2], o, false);
}

void SetnxCmd(Client& c, CmdArgs args) {
  SetOptions o;
  o.nx = true;
  SetGeneric(c, args[1], args[2], o, true);
}

void SetexGeneric(Client& c, CmdArgs args, const char* unit) {
  std::string_view opts[] = {unit, args[2]};
  SetOptions o;
  if (!ParseSetOptions(c, opts, 0, true, &o) || !ResolveExpire(c, &o)) return;
  SetGeneric(c, args[1], args[3], o, false);
}

void SetexCmd(Client& c, CmdArgs args) { SetexGeneric(c, args, "EX"); }
void PsetexCmd(Client& c, CmdArgs args) { SetexGeneric(c, args, "PX"); }

void GetCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kString, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  if (!e) return c.reply.Null();
  ReplyString(c, e->val);
}

void GetexCmd(Client& c, CmdArgs args) {
  SetOptions o;
  if (!ParseSetOptions(c, args, 2, false, &o)) return;
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kString, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  if (!e) return c.reply.Null();
  if (!ResolveExpire(c, &o)) return;
  ReplyString(c, e->val);
  Db& db = c.db();
  const char* event = nullptr;
  if (o.expire_at_ms >= 0 && !o.relative && o.expire_at_ms <= Srv().now_ms) {
    db.DeleteEntry(e);
    event = "del";
    PropagateDel(c, args[1]);
  } else if (o.expire_at_ms >= 0) {
    db.SetExpire(e, o.expire_at_ms);
    event = "expire";
    PropagatePexpireat(c, args[1], o.expire_at_ms);
  } else if (o.persist && db.RemoveExpire(e)) {
    event = "persist";
    PropagateInstead(c, {"PERSIST", args[1]});
  }
  if (event) {
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifyGeneric, event, args[1], c.db_index());
  }
}

void GetdelCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kString, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  if (!e) return c.reply.Null();
  ReplyString(c, e->val);
  c.db().DeleteEntry(e);
  ++Srv().stats.dirty;
  NotifyKeyspaceEvent(kNotifyGeneric, "del", args[1], c.db_index());
  PropagateInstead(c, {"DEL", args[1]});
}

void GetsetCmd(Client& c, CmdArgs args) {
  SetOptions o;
  o.get = true;
  if (SetGeneric(c, args[1], args[2], o, false)) PropagateInstead(c, {"SET", args[1], args[2]});
}

void MgetCmd(Client& c, CmdArgs args) {
  c.reply.Array(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i) {
    KeyEntry* e = c.db().FindRead(args[i], c.Has(kClientNoTouch));
    if (e && e->val.IsString())
      ReplyString(c, e->val);
    else
      c.reply.Null();
  }
}

// MSET/MSETNX; returns false (after replying) when the argument count is odd.
bool MsetArity(Client& c, CmdArgs args) {
  if (args.size() % 2 == 1) return true;
  c.reply.Error(fmt::format(fmt::runtime(err::kWrongArity), c.cur_cmd->fullname));
  return false;
}

void MsetAll(Client& c, CmdArgs args) {
  for (size_t i = 1; i < args.size(); i += 2) {
    c.db().Set(args[i], Value::String(args[i + 1]));
    NotifyKeyspaceEvent(kNotifyString, "set", args[i], c.db_index());
  }
  Srv().stats.dirty += (args.size() - 1) / 2;
}

void MsetCmd(Client& c, CmdArgs args) {
  if (!MsetArity(c, args)) return;
  MsetAll(c, args);
  c.reply.Ok();
}

void MsetnxCmd(Client& c, CmdArgs args) {
  if (!MsetArity(c, args)) return;
  for (size_t i = 1; i < args.size(); i += 2) {
    if (c.db().FindWrite(args[i])) return c.reply.Int(0);
  }
  MsetAll(c, args);
  c.reply.Int(1);
}

void AppendCmd(Client& c, CmdArgs args) {
  OpResult<int64_t> r = Append(c.db(), args[1], args[2], Cfg().proto_max_bulk_len);
  if (!r.ok()) return ReplyError(c, r.status());
  NotifyKeyspaceEvent(kNotifyString, "append", args[1], c.db_index());
  c.reply.Int(r.value());
}

void StrlenCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kString, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  c.reply.Int(e ? static_cast<int64_t>(e->val.StringLen()) : 0);
}

void GetrangeCmd(Client& c, CmdArgs args) {
  int64_t start, end;
  if (!ArgInt64(c, args[2], &start) || !ArgInt64(c, args[3], &end)) return;
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kString, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  if (!e) return c.reply.Bulk("");
  char buf[kInt64Chars];
  std::string_view s = e->val.StringView(buf);
  int64_t from, count;
  RangeOf(static_cast<int64_t>(s.size()), start, end, &from, &count);
  c.reply.Bulk(s.substr(from, count));
}

void SetrangeCmd(Client& c, CmdArgs args) {
  int64_t offset;
  if (!ArgInt64(c, args[2], &offset)) return;
  if (offset < 0) return c.reply.Error(err::kOffsetOutOfRange);
  OpResult<int64_t> r = SetRange(c.db(), args[1], offset, args[3], Cfg().proto_max_bulk_len);
  if (!r.ok()) return ReplyError(c, r.status());
  if (!args[3].empty()) NotifyKeyspaceEvent(kNotifyString, "setrange", args[1], c.db_index());
  c.reply.Int(r.value());
}

void IncrDecr(Client& c, std::string_view key, int64_t delta) {
  OpResult<int64_t> r = IncrBy(c.db(), key, delta);
  if (!r.ok()) return ReplyError(c, r.status());
  NotifyKeyspaceEvent(kNotifyString, "incrby", key, c.db_index());
  c.reply.Int(r.value());
}

void IncrCmd(Client& c, CmdArgs args) { IncrDecr(c, args[1], 1); }
void DecrCmd(Client& c, CmdArgs args) { IncrDecr(c, args[1], -1); }

void IncrbyCmd(Client& c, CmdArgs args) {
  int64_t d;
  if (ArgInt64(c, args[2], &d)) IncrDecr(c, args[1], d);
}

void DecrbyCmd(Client& c, CmdArgs args) {
  int64_t d;
  if (!ArgInt64(c, args[2], &d)) return;
  if (d == INT64_MIN) return c.reply.Error("ERR decrement would overflow");
  IncrDecr(c, args[1], -d);
}

void IncrbyfloatCmd(Client& c, CmdArgs args) {
  OpResult<std::string> r = IncrByFloat(c.db(), args[1], args[2]);
  if (!r.ok()) return ReplyError(c, r.status());
  NotifyKeyspaceEvent(kNotifyString, "incrbyfloat", args[1], c.db_index());
  // The float formatting of the replaying server must not matter: propagated as the result.
  PropagateInstead(c, {"SET", args[1], r.value(), "KEEPTTL"});
  c.reply.Bulk(r.value());
}

// LCS: the dynamic-programming table, then a walk back from the end collecting the common string and,
// with IDX, the matching ranges (reported from the end of the strings backwards, as Redis does).
void LcsCmd(Client& c, CmdArgs args) {
  Db& db = c.db();
  KeyEntry* ka = db.FindRead(args[1]);
  KeyEntry* kb = db.FindRead(args[2]);
  if ((ka && !ka->val.IsString()) || (kb && !kb->val.IsString()))
    return c.reply.Error("ERR The specified keys must contain string values");
  bool getlen = false, getidx = false, withmatchlen = false;
  int64_t minmatchlen = 0;
  for (size_t j = 3; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (Is(args[j], "IDX")) {
      getidx = true;
    } else if (Is(args[j], "LEN")) {
      getlen = true;
    } else if (Is(args[j], "WITHMATCHLEN")) {
      withmatchlen = true;
    } else if (Is(args[j], "MINMATCHLEN") && more) {
      if (!ArgInt64(c, args[++j], &minmatchlen)) return;
      if (minmatchlen < 0) minmatchlen = 0;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (getidx && getlen) return c.reply.Error("ERR If you want both the length and indexes, please just use IDX.");
  char bufa[kInt64Chars], bufb[kInt64Chars];
  std::string_view a = ka ? ka->val.StringView(bufa) : std::string_view();
  std::string_view b = kb ? kb->val.StringView(bufb) : std::string_view();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return c.reply.Error("ERR String too long for LCS");
  uint64_t alen = a.size(), blen = b.size();
  uint64_t cells = (alen + 1) * (blen + 1);
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(Cfg().proto_max_bulk_len))
    return c.reply.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  std::vector<uint32_t> t(cells, 0);
  auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return t[j + i * (blen + 1)]; };
  for (uint64_t i = 1; i <= alen; ++i)
    for (uint64_t j = 1; j <= blen; ++j)
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
  uint32_t idx = at(alen, blen);
  if (getlen) return c.reply.Int(idx);

  struct Range { uint64_t a0, a1, b0, b1; };
  std::vector<Range> ranges;
  std::string result(idx, '\0');
  uint64_t i = alen, j = blen;
  const uint64_t kUnset = alen;
  uint64_t as = kUnset, ae = 0, bs = 0, be = 0;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (as == kUnset) {
        as = ae = i - 1;
        bs = be = j - 1;
      } else if (as == i && bs == j) {  // contiguous: extend the range backwards
        --as;
        --bs;
      } else {
        emit = true;
      }
      if (as == 0 || bs == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1))
        --i;
      else
        --j;
      if (as != kUnset) emit = true;
    }
    if (emit) {
      uint64_t mlen = ae - as + 1;
      if (minmatchlen == 0 || mlen >= static_cast<uint64_t>(minmatchlen)) ranges.push_back({as, ae, bs, be});
      as = kUnset;
    }
  }
  if (!getidx) return c.reply.Bulk(result);
  c.reply.Map(2);
  c.reply.Bulk("matches");
  c.reply.Array(ranges.size());
  for (const Range& r : ranges) {
    c.reply.Array(withmatchlen ? 3 : 2);
    c.reply.Array(2);
    c.reply.Int(static_cast<int64_t>(r.a0));
    c.reply.Int(static_cast<int64_t>(r.a1));
    c.reply.Array(2);
    c.reply.Int(static_cast<int64_t>(r.b0));
    c.reply.Int(static_cast<int64_t>(r.b1));
    if (withmatchlen) c.reply.Int(static_cast<int64_t>(r.a1 - r.a0 + 1));
  }
  c.reply.Bulk("len");
  c.reply.Int(at(alen, blen));
}

constexpr CommandRow kRows[] = {
    {"get", 2, "readonly fast", 1, 1, 1, "@read @string @fast", GetCmd, "RO access", "key", "1.0.0", "Returns the string stored at a key"},
    {"set", -3, "write denyoom", 1, 1, 1, "@write @string @slow", SetCmd, "RW access update variable_flags", "key value condition(NX|XX)? GET? expiration(EX=seconds:integer|PX=milliseconds:integer|EXAT=unix-time-seconds:unix-time|PXAT=unix-time-milliseconds:unix-time|KEEPTTL)?", "1.0.0", "Stores a string at a key, with optional conditions and expiry"},
    {"getex", -2, "write fast", 1, 1, 1, "@write @string @fast", GetexCmd, "RW access update", "key expiration(EX=seconds:integer|PX=milliseconds:integer|EXAT=unix-time-seconds:unix-time|PXAT=unix-time-milliseconds:unix-time|PERSIST)?", "6.2.0", "Returns a string and changes its time to live"},
    {"getdel", 2, "write fast", 1, 1, 1, "@write @string @fast", GetdelCmd, "RW access delete", "key", "6.2.0", "Returns a string and deletes its key"},
    {"getset", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", GetsetCmd, "RW access update", "key value", "1.0.0", "Stores a string and returns the previous one"},
    {"mget", -2, "readonly fast", 1, -1, 1, "@read @string @fast", MgetCmd, "RO access", "key...", "1.0.0", "Returns the strings of several keys"},
    {"mset", -3, "write denyoom", 1, -1, 2, "@write @string @slow", MsetCmd, "OW update", "key_value{key value}...", "1.0.1", "Stores strings at several keys"},
    {"msetnx", -3, "write denyoom", 1, -1, 2, "@write @string @slow", MsetnxCmd, "OW insert", "key_value{key value}...", "1.0.1", "Stores strings at several keys only if none exists"},
    {"setnx", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", SetnxCmd, "OW insert", "key value", "1.0.0", "Stores a string only if the key does not exist"},
    {"setex", 4, "write denyoom", 1, 1, 1, "@write @string @slow", SetexCmd, "OW update", "key seconds:integer value", "2.0.0", "Stores a string with a time to live in seconds"},
    {"psetex", 4, "write denyoom", 1, 1, 1, "@write @string @slow", PsetexCmd, "OW update", "key milliseconds:integer value", "2.6.0", "Stores a string with a time to live in milliseconds"},
    {"append", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", AppendCmd, "RW insert", "key value", "2.0.0", "Appends bytes to a string"},
    {"strlen", 2, "readonly fast", 1, 1, 1, "@read @string @fast", StrlenCmd, "RO", "key", "2.2.0", "Returns the length of a string"},
    {"getrange", 4, "readonly", 1, 1, 1, "@read @string @slow", GetrangeCmd, "RO access", "key start:integer end:integer", "2.4.0", "Returns a slice of a string"},
    {"substr", 4, "readonly", 1, 1, 1, "@read @string @slow", GetrangeCmd, "RO access", "key start:integer end:integer", "1.0.0", "Returns a slice of a string (old name of GETRANGE)"},
    {"setrange", 4, "write denyoom", 1, 1, 1, "@write @string @slow", SetrangeCmd, "RW update", "key offset:integer value", "2.2.0", "Overwrites part of a string at an offset"},
    {"incr", 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", IncrCmd, "RW access update", "key", "1.0.0", "Adds one to the integer at a key"},
    {"decr", 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", DecrCmd, "RW access update", "key", "1.0.0", "Subtracts one from the integer at a key"},
    {"incrby", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", IncrbyCmd, "RW access update", "key increment:integer", "1.0.0", "Adds an integer to the integer at a key"},
    {"decrby", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", DecrbyCmd, "RW access update", "key decrement:integer", "1.0.0", "Subtracts an integer from the integer at a key"},
    {"incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", IncrbyfloatCmd, "RW access update", "key increment:double", "2.6.0", "Adds a decimal number to the number at a key"},
    {"lcs", -3, "readonly", 1, 2, 1, "@read @string @slow", LcsCmd, "RO access", "key1:key key2:key LEN? IDX? MINMATCHLEN=len:integer? WITHMATCHLEN?", "7.0.0", "Finds the longest common subsequence of two strings"},
};

}  // namespace

void RegisterStringFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
