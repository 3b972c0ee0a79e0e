// Bitmaps on strings: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO. The bit arithmetic is in
// ds/bitops; this file finds the strings, parses arguments as Redis does and builds the replies.
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/notify.h"
#include "ds/bitops.h"
#include "server/config.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

namespace {

using bits::Overflow;

// Redis' getBitOffsetFromArgument: a bit offset below 8 * proto-max-bulk-len; with `hash`, "#N" means N * width.
bool ArgBitOffset(Client& c, std::string_view arg, bool hash, unsigned width, uint64_t* out) {
  bool use_hash = hash && arg.size() > 1 && arg[0] == '#';
  int64_t v;
  if (!StringToInt64(arg.substr(use_hash ? 1 : 0), &v)) {
    c.reply.Error(err::kBitOffset);
    return false;
  }
  if (use_hash) v = static_cast<int64_t>(static_cast<uint64_t>(v) * width);  // wraps as Redis' long long product
  if (v < 0 || (v >> 3) >= Cfg().proto_max_bulk_len) {
    c.reply.Error(err::kBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// The string at key made writable and at least (maxbit / 8 + 1) bytes long, zero-filled (created when absent);
// nullptr after replying WRONGTYPE. *grown: the key was created or lengthened.
CompactString* StringForBits(Client& c, std::string_view key, uint64_t maxbit, bool* grown) {
  Db& db = c.db();
  size_t need = static_cast<size_t>(maxbit >> 3) + 1;
  KeyEntry* e = db.FindWrite(key);
  if (e && !e->val.IsString()) {
    ReplyError(c, OpStatus::kWrongType);
    return nullptr;
  }
  if (!e) e = db.Add(key, Value::RawString(""));
  CompactString& s = e->val.MakeRaw();
  size_t old = s.size();
  *grown = need > old;
  if (*grown) {
    char* p = s.Resize(need, true);
    memset(p + old, 0, need - old);
  }
  return &s;
}

// The bytes of the string at key for reading (empty when absent); false after replying WRONGTYPE.
bool ReadString(Client& c, std::string_view key, char (&buf)[kInt64Chars], std::string_view* out, bool* found) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kString, &st);
  if (st == OpStatus::kWrongType) {
    ReplyError(c, st);
    return false;
  }
  *found = e != nullptr;
  *out = e ? e->val.StringView(buf) : std::string_view();
  return true;
}

inline const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void SetbitCmd(Client& c, CmdArgs args) {
  uint64_t offset;
  if (!ArgBitOffset(c, args[2], false, 0, &offset)) return;
  int64_t on;
  if (!StringToInt64(args[3], &on) || (on & ~int64_t{1})) return c.reply.Error(err::kBitValue);
  bool grown;
  CompactString* s = StringForBits(c, args[1], offset, &grown);
  if (!s) return;
  auto* byte = reinterpret_cast<uint8_t*>(s->mutable_data()) + (offset >> 3);
  int shift = 7 - static_cast<int>(offset & 7);
  int old = (*byte >> shift) & 1;
  *byte = static_cast<uint8_t>((*byte & ~(1u << shift)) | (static_cast<unsigned>(on) << shift));
  if (grown || old != on) {
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifyString, "setbit", args[1], c.db_index());
  }
  c.reply.Int(old);
}

void GetbitCmd(Client& c, CmdArgs args) {
  uint64_t offset;
  if (!ArgBitOffset(c, args[2], false, 0, &offset)) return;
  char buf[kInt64Chars];
  std::string_view s;
  bool found;
  if (!ReadString(c, args[1], buf, &s, &found)) return;
  c.reply.Int(bits::GetBit(s, offset));
}

// BITCOUNT/BITPOS index arguments turned into a range of bits [*first, *last] of a string of len bytes, as
// Redis converts them (negative from the end, clamped); false when the range is empty.
bool BitRange(int64_t start, int64_t end, bool isbit, int64_t len, uint64_t* first, uint64_t* last) {
  int64_t total = isbit ? len * 8 : len;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return false;
  *first = isbit ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  *last = isbit ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  return true;
}

// Parses BYTE|BIT; replies a syntax error on anything else.
bool ArgUnit(Client& c, std::string_view arg, bool* isbit) {
  if (Is(arg, "BIT")) {
    *isbit = true;
  } else if (Is(arg, "BYTE")) {
    *isbit = false;
  } else {
    c.reply.Error(err::kSyntax);
    return false;
  }
  return true;
}

void BitcountCmd(Client& c, CmdArgs args) {
  char buf[kInt64Chars];
  std::string_view s;
  bool found;
  if (!ReadString(c, args[1], buf, &s, &found)) return;
  if (!found) return c.reply.Int(0);
  uint64_t first = 0, last = 0;
  bool nonempty = !s.empty();
  if (args.size() == 4 || args.size() == 5) {
    int64_t start, end;
    if (!ArgInt64(c, args[2], &start) || !ArgInt64(c, args[3], &end)) return;
    if (start < 0 && end < 0 && start > end) return c.reply.Int(0);
    bool isbit = false;
    if (args.size() == 5 && !ArgUnit(c, args[4], &isbit)) return;
    nonempty = BitRange(start, end, isbit, static_cast<int64_t>(s.size()), &first, &last);
  } else if (args.size() == 2) {
    last = s.size() * 8 - 1;
  } else {
    return c.reply.Error(err::kSyntax);
  }
  c.reply.Int(nonempty ? static_cast<int64_t>(bits::PopCountRange(Bytes(s), first, last)) : 0);
}

void BitposCmd(Client& c, CmdArgs args) {
  int64_t bit;
  if (!ArgInt64(c, args[2], &bit)) return;
  if (bit != 0 && bit != 1) return c.reply.Error(err::kBitposBit);
  char buf[kInt64Chars];
  std::string_view s;
  bool found;
  if (!ReadString(c, args[1], buf, &s, &found)) return;
  if (!found) return c.reply.Int(bit ? -1 : 0);
  int64_t len = static_cast<int64_t>(s.size());
  int64_t start = 0, end = -1;
  bool isbit = false, end_given = false;
  if (args.size() >= 4 && args.size() <= 6) {
    if (!ArgInt64(c, args[3], &start)) return;
    if (args.size() >= 5) {
      if (!ArgInt64(c, args[4], &end)) return;
      end_given = true;
    }
    if (args.size() == 6 && !ArgUnit(c, args[5], &isbit)) return;
  } else if (args.size() != 3) {
    return c.reply.Error(err::kSyntax);
  }
  uint64_t first, last;
  if (!BitRange(start, end, isbit, len, &first, &last)) return c.reply.Int(-1);
  int64_t pos = bits::FindBit(Bytes(s), first, last, bit == 1);
  // Looking for a clear bit without an end: the bits past the string count as zeros.
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<int64_t>((last / 8 + 1) * 8);
  c.reply.Int(pos);
}

void BitopCmd(Client& c, CmdArgs args) {
  bits::BitOp op;
  std::string_view name = args[1];
  if (Is(name, "AND")) op = bits::BitOp::kAnd;
  else if (Is(name, "OR")) op = bits::BitOp::kOr;
  else if (Is(name, "XOR")) op = bits::BitOp::kXor;
  else if (Is(name, "NOT")) op = bits::BitOp::kNot;
  else return c.reply.Error(err::kSyntax);
  if (op == bits::BitOp::kNot && args.size() != 4) return c.reply.Error(err::kBitopNot);
  size_t n = args.size() - 3;
  std::vector<std::string_view> srcs(n);
  std::vector<std::array<char, kInt64Chars>> bufs(n);
  for (size_t i = 0; i < n; ++i) {
    KeyEntry* e = c.db().FindRead(args[3 + i], c.Has(kClientNoTouch));
    if (!e) continue;
    if (!e->val.IsString()) return ReplyError(c, OpStatus::kWrongType);
    srcs[i] = e->val.StringView(bufs[i].data());
  }
  std::string out = bits::Combine(op, srcs);
  Db& db = c.db();
  if (!out.empty()) {
    db.Set(args[2], Value::RawString(out));
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifyString, "set", args[2], c.db_index());
  } else if (db.Delete(args[2])) {
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifyGeneric, "del", args[2], c.db_index());
  }
  c.reply.Int(static_cast<int64_t>(out.size()));
}

struct FieldOp {
  enum Kind : uint8_t { kGet, kSet, kIncr } kind;
  bool sign;
  unsigned width;
  uint64_t offset;
  int64_t value;
  Overflow ow;
};

// Redis' getBitfieldTypeFromArgument: "i1".."i64" or "u1".."u63".
bool ArgFieldType(Client& c, std::string_view arg, bool* sign, unsigned* width) {
  int64_t w;
  arg = CStr(arg);
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u') || !StringToInt64(arg.substr(1), &w) || w < 1 ||
      w > (arg[0] == 'i' ? 64 : 63)) {
    c.reply.Error(err::kBitfieldType);
    return false;
  }
  *sign = arg[0] == 'i';
  *width = static_cast<unsigned>(w);
  return true;
}

// Parses BITFIELD's operations; replies on error.
bool ParseFieldOps(Client& c, CmdArgs args, std::vector<FieldOp>* ops, bool* writes, uint64_t* maxbit) {
  Overflow ow = Overflow::kWrap;
  for (size_t j = 2; j < args.size(); ++j) {
    size_t rem = args.size() - j - 1;
    std::string_view sub = args[j];
    FieldOp op{};
    if (Is(sub, "GET") && rem >= 2) {
      op.kind = FieldOp::kGet;
    } else if (Is(sub, "SET") && rem >= 3) {
      op.kind = FieldOp::kSet;
    } else if (Is(sub, "INCRBY") && rem >= 3) {
      op.kind = FieldOp::kIncr;
    } else if (Is(sub, "OVERFLOW") && rem >= 1) {
      std::string_view t = args[++j];
      if (Is(t, "WRAP")) ow = Overflow::kWrap;
      else if (Is(t, "SAT")) ow = Overflow::kSat;
      else if (Is(t, "FAIL")) ow = Overflow::kFail;
      else return c.reply.Error(err::kBitfieldOverflow), false;
      continue;
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
    if (!ArgFieldType(c, args[j + 1], &op.sign, &op.width)) return false;
    if (!ArgBitOffset(c, args[j + 2], true, op.width, &op.offset)) return false;
    if (op.kind != FieldOp::kGet) {
      *writes = true;
      *maxbit = std::max(*maxbit, op.offset + op.width - 1);
      if (!ArgInt64(c, args[j + 3], &op.value)) return false;
    }
    op.ow = ow;
    ops->push_back(op);
    j += op.kind == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// One SET/INCRBY on a string long enough for it; replies the old (SET) or new (INCRBY) value, or null when
// OVERFLOW FAIL refused it. Returns true when the write counts as a change: it was applied and either the field
// changed or the string was created or grown for it (`grown`).
bool ApplyFieldWrite(Client& c, uint8_t* p, const FieldOp& op, bool grown) {
  int64_t incr = op.kind == FieldOp::kIncr ? op.value : 0;
  if (op.sign) {
    int64_t old = bits::GetSigned(p, op.offset, op.width);
    int64_t base = op.kind == FieldOp::kIncr ? old : op.value, nv = 0;
    int over = bits::CheckedAddSigned(base, incr, op.width, op.ow, &nv);
    if (over && op.ow == Overflow::kFail) return c.reply.Null(), false;
    c.reply.Int(op.kind == FieldOp::kIncr ? nv : old);
    bits::SetField(p, op.offset, op.width, static_cast<uint64_t>(nv));
    return grown || old != nv;
  }
  uint64_t old = bits::GetUnsigned(p, op.offset, op.width);
  uint64_t base = op.kind == FieldOp::kIncr ? old : static_cast<uint64_t>(op.value), nv = 0;
  int over = bits::CheckedAddUnsigned(base, incr, op.width, op.ow, &nv);
  if (over && op.ow == Overflow::kFail) return c.reply.Null(), false;
  c.reply.Int(static_cast<int64_t>(op.kind == FieldOp::kIncr ? nv : old));
  bits::SetField(p, op.offset, op.width, nv);
  return grown || old != nv;
}

// A GET over s, reading the bits past its end as zeros.
int64_t ReadField(std::string_view s, const FieldOp& op) {
  uint8_t buf[9] = {};
  uint64_t byte = op.offset >> 3;
  for (uint64_t i = 0; i < 9 && byte + i < s.size(); ++i) buf[i] = static_cast<uint8_t>(s[byte + i]);
  uint64_t rel = op.offset - byte * 8;
  return op.sign ? bits::GetSigned(buf, rel, op.width) : static_cast<int64_t>(bits::GetUnsigned(buf, rel, op.width));
}

void BitfieldGeneric(Client& c, CmdArgs args, bool ro_command) {
  std::vector<FieldOp> ops;
  bool writes = false;
  uint64_t maxbit = 0;
  if (!ParseFieldOps(c, args, &ops, &writes, &maxbit)) return;
  CompactString* ws = nullptr;
  std::string_view rs;
  char buf[kInt64Chars];
  bool grown = false;
  if (!writes) {
    KeyEntry* e = c.db().FindRead(args[1], c.Has(kClientNoTouch));
    if (e && !e->val.IsString()) return ReplyError(c, OpStatus::kWrongType);
    if (e) rs = e->val.StringView(buf);
  } else {
    if (ro_command) return c.reply.Error(err::kBitfieldRo);
    ws = StringForBits(c, args[1], maxbit, &grown);
    if (!ws) return;
  }
  c.reply.Array(ops.size());
  int64_t changes = 0;
  for (const FieldOp& op : ops) {
    if (op.kind != FieldOp::kGet) {
      changes += ApplyFieldWrite(c, reinterpret_cast<uint8_t*>(ws->mutable_data()), op, grown);
    } else {
      c.reply.Int(ReadField(ws ? ws->view() : rs, op));
    }
  }
  if (changes) {
    Srv().stats.dirty += changes;
    NotifyKeyspaceEvent(kNotifyString, "setbit", args[1], c.db_index());
  }
}

void BitfieldCmd(Client& c, CmdArgs args) { BitfieldGeneric(c, args, false); }
void BitfieldRoCmd(Client& c, CmdArgs args) { BitfieldGeneric(c, args, true); }

constexpr CommandRow kRows[] = {
    {"setbit", 4, "write denyoom", 1, 1, 1, "@write @bitmap @slow", SetbitCmd, "RW access update", "key offset:integer value:integer", "2.2.0", "Sets or clears one bit of a string"},
    {"getbit", 3, "readonly fast", 1, 1, 1, "@read @bitmap @fast", GetbitCmd, "RO access", "key offset:integer", "2.2.0", "Returns one bit of a string"},
    {"bitcount", -2, "readonly", 1, 1, 1, "@read @bitmap @slow", BitcountCmd, "RO access", "key index{start:integer end:integer index_unit(BYTE|BIT)?}?", "2.6.0", "Counts the set bits of a string"},
    {"bitpos", -3, "readonly", 1, 1, 1, "@read @bitmap @slow", BitposCmd, "RO access", "key bit:integer index{start:integer end_index{end:integer index_unit(BYTE|BIT)?}?}?", "2.8.7", "Finds the first set or clear bit of a string"},
    {"bitop", -4, "write denyoom", 2, -1, 1, "@write @bitmap @slow", BitopCmd, "OW update | RO access", "operation destkey:key key...", "2.6.0", "Combines strings bitwise (AND OR XOR NOT) into a key"},
    {"bitfield", -2, "write denyoom", 1, 1, 1, "@write @bitmap @slow", BitfieldCmd, "RW access update variable_flags", "key operation(GET=encoding_offset{encoding offset:integer}|write{OVERFLOW=wrap_sat_fail(WRAP|SAT|FAIL)? write_operation(SET=encoding_offset_value{encoding offset:integer value:integer}|INCRBY=encoding_offset_increment{encoding offset:integer increment:integer})})...?", "3.2.0", "Reads and writes integer fields of a string"},
    {"bitfield_ro", -2, "readonly fast", 1, 1, 1, "@read @bitmap @fast", BitfieldRoCmd, "RO access", "key GET=encoding_offset{encoding offset:integer}+...?", "6.0.0", "Reads integer fields of a string"},
};

}  // namespace

void RegisterBitmapFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
