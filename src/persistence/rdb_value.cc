#include "persistence/rdb_value.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_set>
#include <vector>

#include "db/hash_type.h"
#include "db/list_type.h"
#include "db/set_type.h"
#include "db/zset_type.h"
#include "ds/intset.h"
#include "ds/listpack.h"
#include "ds/quicklist.h"
#include "server/config.h"
#include "util/numeric.h"

namespace corvid::rdb {

namespace {

struct Saver {
  TypeFn type_of = nullptr;
  SaveFn save = nullptr;
};
std::array<Saver, 8> g_savers{};
std::array<LoadFn, 256> g_loaders{};

// ---- saving ----

void SaveString(Writer& w, const Value& v, bool compress) {
  if (v.IsInt()) return w.IntString(v.int_val());
  w.String(v.str().view(), compress);
}

void SaveList(Writer& w, const Value& v, bool compress) {
  const Quicklist* ql = ListOf(v);
  w.Len(ql->NodeCount());
  ql->ForEachNode([&](const Listpack& lp) {
    w.Len(kQuicklistNodePacked);
    w.String(lp.Bytes(), compress);
  });
}

void SaveSet(Writer& w, const Value& v, bool compress) {
  if (v.encoding() == ObjEnc::kIntset) return w.String(v.As<Intset>()->Bytes(), compress);
  w.Len(SetSize(v));
  SetForEach(v, [&](const SetMember& m) { w.String(m.str, compress); });
}

void SaveZset(Writer& w, const Value& v, bool compress) {
  if (ZsetIsListpack(v)) return w.String(v.As<Listpack>()->Bytes(), compress);
  // Redis writes the skiplist from the tail so that loading inserts at the head.
  const ZsetSkiplist* zs = v.As<ZsetSkiplist>();
  w.Len(zs->dict.size());
  for (const SkipList::Node* n = zs->zsl.Last(); n; n = n->Prev()) {
    w.String(n->Member(), compress);
    w.BinaryDouble(n->Score());
  }
}

void SaveHash(Writer& w, const Value& v, bool compress) {
  if (HashIsListpack(v)) return w.String(HashListpack(v)->Bytes(), compress);
  w.Len(HashLen(v));
  HashForEach(v, [&](std::string_view f, std::string_view val) {
    w.String(f, compress);
    w.String(val, compress);
  });
}

// ---- loading helpers ----

size_t Limit(int64_t cfg) { return static_cast<size_t>(std::max<int64_t>(cfg, 0)); }

// The elements of a ziplist (Redis <= 6.2 small lists, hashes, zsets) as strings; false if malformed.
bool ZiplistEntries(std::string_view zl, std::vector<std::string>* out) {
  auto u8 = [&](size_t i) { return static_cast<uint8_t>(zl[i]); };
  auto le = [&](size_t i, int n) {
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | u8(i + k);
    return v;
  };
  if (zl.size() < 11 || le(0, 4) != zl.size() || u8(zl.size() - 1) != 0xFF) return false;
  size_t p = 10, end = zl.size() - 1;
  char buf[kInt64Chars];
  while (p < end) {
    p += u8(p) < 254 ? 1 : 5;
    if (p >= end) return false;
    uint8_t e = u8(p);
    uint64_t len = 0;
    size_t hdr;
    int64_t iv = 0;
    bool is_int = false;
    switch (e >> 6) {
      case 0: hdr = 1; len = e & 0x3F; break;
      case 1:
        if (p + 2 > end) return false;
        hdr = 2; len = (static_cast<uint64_t>(e & 0x3F) << 8) | u8(p + 1);
        break;
      case 2:
        if (p + 5 > end) return false;
        hdr = 5;
        for (int k = 1; k <= 4; ++k) len = (len << 8) | u8(p + k);
        break;
      default: {
        is_int = true;
        hdr = 1;
        int n = e == 0xC0 ? 2 : e == 0xD0 ? 4 : e == 0xE0 ? 8 : e == 0xF0 ? 3 : e == 0xFE ? 1 : 0;
        if (n == 0 && (e < 0xF1 || e > 0xFD)) return false;
        if (p + 1 + n > end) return false;
        if (n == 0) {
          iv = (e & 0x0F) - 1;
        } else {
          uint64_t u = le(p + 1, n);
          int shift = 64 - 8 * n;
          iv = static_cast<int64_t>(u << shift) >> shift;
        }
        len = n;
      }
    }
    if (len > end - p - hdr) return false;
    if (is_int)
      out->emplace_back(buf, Int64ToChars(iv, buf));
    else
      out->emplace_back(zl.substr(p + hdr, len));
    p += hdr + len;
  }
  return p == end;
}

// The field,value,... pairs of a zipmap (Redis <= 2.4 small hashes); false if malformed.
bool ZipmapEntries(std::string_view zm, std::vector<std::string>* out) {
  size_t p = 1;
  auto read_len = [&](uint64_t* len) {
    if (p >= zm.size()) return false;
    uint8_t b = static_cast<uint8_t>(zm[p]);
    if (b < 254) {
      *len = b;
      ++p;
      return true;
    }
    if (b != 254 || p + 5 > zm.size()) return false;
    uint32_t v = 0;
    for (int k = 4; k >= 1; --k) v = (v << 8) | static_cast<uint8_t>(zm[p + k]);
    *len = v;
    p += 5;
    return true;
  };
  while (p < zm.size() && static_cast<uint8_t>(zm[p]) != 0xFF) {
    uint64_t flen, vlen;
    if (!read_len(&flen) || flen > zm.size() - p) return false;
    out->emplace_back(zm.substr(p, flen));
    p += flen;
    if (!read_len(&vlen) || p >= zm.size()) return false;
    uint8_t free = static_cast<uint8_t>(zm[p++]);
    if (vlen + free > zm.size() - p) return false;
    out->emplace_back(zm.substr(p, vlen));
    p += vlen + free;
  }
  return p + 1 == zm.size() && out->size() % 2 == 0;
}

// A listpack holding items, in order.
Listpack* ListpackOf(const std::vector<std::string>& items) {
  auto* lp = new Listpack();
  for (const std::string& s : items) lp->Append(s);
  return lp;
}

// The checks Redis makes with sanitize-dump-payload (corvid always makes them, so that corrupt data cannot break
// the invariants the commands rely on): hash fields are unique; zset pairs are (member, score) with scores that
// are numbers, strictly ascending by (score, member).
bool PairsWellFormed(const Listpack& lp, bool zset) {
  std::unordered_set<std::string> seen;
  char buf[LpValue::kIntBufSize];
  std::string prev_member;
  double prev_score = 0;
  bool first = true;
  for (Listpack::Pos p = lp.First(); p != Listpack::kNoPos; p = lp.Next(lp.Next(p))) {
    std::string member(lp.Get(p).AsString(buf));
    if (zset) {
      LpValue sv = lp.Get(lp.Next(p));
      double score = sv.is_int ? static_cast<double>(sv.num) : ZsetParseStoredScore(sv.str);
      if (std::isnan(score)) return false;
      if (!first && (score < prev_score || (score == prev_score && member <= prev_member))) return false;
      prev_score = score;
      prev_member = member;
      first = false;
    } else if (!seen.insert(std::move(member)).second) {
      return false;
    }
  }
  return true;
}

// A listpack blob read from the RDB and checked element by element.
bool ReadListpack(Reader& r, std::string* blob) {
  if (!r.String(blob)) return false;
  if (!Listpack::Validate(*blob, /*deep=*/true)) return r.Fail("Listpack integrity check failed.");
  return true;
}

// A hash listpack (from HASH_LISTPACK or converted from a ziplist/zipmap) as Redis 7.0 keeps it after loading:
// converted to a hashtable when it has too many fields (long elements stay, as in Redis 7.0).
void FinishHash(Listpack* lp, Value* out) {
  *out = Value::Collection(ObjType::kHash, ObjEnc::kListpack, lp);
  if (lp->Size() / 2 > Limit(Cfg().hash_max_listpack_entries)) HashConvertToTable(*out);
}

// A zset listpack, converted to a skiplist when it has too many members.
void FinishZset(Listpack* lp, Value* out) {
  *out = Value::Collection(ObjType::kZset, ObjEnc::kListpack, lp);
  if (lp->Size() / 2 > Limit(Cfg().zset_max_listpack_entries)) ZsetConvertToSkiplist(*out);
}

// ---- loaders per type id ----

LoadResult LoadList(Reader& r, uint8_t type, Value* out) {
  *out = NewListValue();
  Quicklist* ql = ListOf(*out);
  uint64_t n;
  if (!r.Len(&n)) return LoadResult::kError;
  std::string s;
  std::vector<std::string> items;
  for (uint64_t i = 0; i < n; ++i) {
    if (type == kTypeList) {
      if (!r.String(&s)) return LoadResult::kError;
      ql->Push(Quicklist::Where::kTail, s);
      continue;
    }
    uint64_t container = kQuicklistNodePacked;
    if (type == kTypeListQuicklist2 && !r.Len(&container)) return LoadResult::kError;
    if (type == kTypeListQuicklist2 && container != kQuicklistNodePacked && container != kQuicklistNodePlain) {
      r.Fail(fmt::format("Quicklist integrity check failed."));
      return LoadResult::kError;
    }
    if (!r.String(&s)) return LoadResult::kError;
    if (container == kQuicklistNodePlain) {
      ql->Push(Quicklist::Where::kTail, s);
      continue;
    }
    if (type == kTypeListQuicklist) {  // a ziplist node (RDB 9)
      items.clear();
      if (!ZiplistEntries(s, &items)) {
        r.Fail("Ziplist integrity check failed.");
        return LoadResult::kError;
      }
      for (const std::string& e : items) ql->Push(Quicklist::Where::kTail, e);
      continue;
    }
    if (!Listpack::Validate(s, true)) {
      r.Fail("Listpack integrity check failed.");
      return LoadResult::kError;
    }
    Listpack lp = Listpack::FromBytes(s);
    if (lp.Empty()) continue;  // Redis skips empty nodes silently
    if (lp.Size() <= UINT16_MAX) {
      ql->AppendListpack(std::move(lp));
      continue;
    }
    char buf[LpValue::kIntBufSize];  // too many for one node: push one by one
    for (Listpack::Pos p = lp.First(); p != Listpack::kNoPos; p = lp.Next(p))
      ql->Push(Quicklist::Where::kTail, lp.Get(p).AsString(buf));
  }
  return ql->Empty() ? LoadResult::kEmpty : LoadResult::kOk;
}

LoadResult LoadSet(Reader& r, Value* out) {
  uint64_t n;
  if (!r.Len(&n)) return LoadResult::kError;
  if (n == 0) return LoadResult::kEmpty;
  *out = NewSet();
  if (n > SetMaxIntsetEntries()) SetConvertToTable(*out);
  std::string s;
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.String(&s)) return LoadResult::kError;
    if (!SetAdd(*out, s)) {
      r.Fail("Duplicate set members detected");
      return LoadResult::kError;
    }
  }
  return LoadResult::kOk;
}

LoadResult LoadZset(Reader& r, uint8_t type, Value* out) {
  uint64_t n;
  if (!r.Len(&n)) return LoadResult::kError;
  if (n == 0) return LoadResult::kEmpty;
  std::vector<ZOwned> items;
  items.reserve(std::min<uint64_t>(n, 1 << 20));
  for (uint64_t i = 0; i < n; ++i) {
    ZOwned it;
    bool ok = r.String(&it.member) && (type == kTypeZset2 ? r.BinaryDouble(&it.score) : r.OldDouble(&it.score));
    if (!ok) return LoadResult::kError;
    if (std::isnan(it.score)) {
      r.Fail("Zset with NAN score detected");
      return LoadResult::kError;
    }
    items.push_back(std::move(it));
  }
  std::sort(items.begin(), items.end(), [](const ZOwned& a, const ZOwned& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
  std::unordered_set<std::string_view> seen;
  for (const ZOwned& it : items) {
    if (!seen.insert(it.member).second) {
      r.Fail("Duplicate zset fields detected");
      return LoadResult::kError;
    }
  }
  *out = ZsetFromItems(items);
  return LoadResult::kOk;
}

LoadResult LoadHash(Reader& r, Value* out) {
  uint64_t n;
  if (!r.Len(&n)) return LoadResult::kError;
  if (n == 0) return LoadResult::kEmpty;
  *out = NewHash();
  if (n > Limit(Cfg().hash_max_listpack_entries)) HashConvertToTable(*out);
  std::string f, v;
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.String(&f) || !r.String(&v)) return LoadResult::kError;
    if (!HashSet(*out, f, v)) {
      r.Fail("Duplicate hash fields detected");
      return LoadResult::kError;
    }
  }
  return LoadResult::kOk;
}

// Types stored as one string blob: intset, listpacks, ziplists, zipmap.
LoadResult LoadBlob(Reader& r, uint8_t type, Value* out) {
  std::string blob;
  if (type == kTypeHashListpack || type == kTypeZsetListpack) {
    if (!ReadListpack(r, &blob)) return LoadResult::kError;
    Listpack lp = Listpack::FromBytes(blob);
    if (lp.Empty()) return LoadResult::kEmpty;
    if (lp.Size() % 2) {
      r.Fail("Listpack integrity check failed.");
      return LoadResult::kError;
    }
    if (!PairsWellFormed(lp, type == kTypeZsetListpack)) {
      r.Fail(type == kTypeZsetListpack ? "Zset listpack integrity check failed." : "Duplicate hash fields detected");
      return LoadResult::kError;
    }
    auto* p = new Listpack(std::move(lp));
    if (type == kTypeHashListpack)
      FinishHash(p, out);
    else
      FinishZset(p, out);
    return LoadResult::kOk;
  }
  if (!r.String(&blob)) return LoadResult::kError;
  if (type == kTypeSetIntset) {
    if (!Intset::Validate(blob, true)) {
      r.Fail("Intset integrity check failed.");
      return LoadResult::kError;
    }
    auto* is = new Intset(Intset::FromBytes(blob));
    *out = Value::Collection(ObjType::kSet, ObjEnc::kIntset, is);
    if (is->Size() == 0) return LoadResult::kEmpty;
    if (is->Size() > SetMaxIntsetEntries()) SetConvertToTable(*out);
    return LoadResult::kOk;
  }
  std::vector<std::string> items;
  bool ok = type == kTypeHashZipmap ? ZipmapEntries(blob, &items) : ZiplistEntries(blob, &items);
  if (!ok) {
    r.Fail(type == kTypeHashZipmap ? "Zipmap integrity check failed." : "Ziplist integrity check failed.");
    return LoadResult::kError;
  }
  if (items.empty()) return LoadResult::kEmpty;
  if (type == kTypeListZiplist) {
    *out = NewListValue();
    for (const std::string& s : items) ListOf(*out)->Push(Quicklist::Where::kTail, s);
    return LoadResult::kOk;
  }
  Listpack* lp = ListpackOf(items);
  if (items.size() % 2 || !PairsWellFormed(*lp, type == kTypeZsetZiplist)) {
    delete lp;
    r.Fail("Ziplist integrity check failed.");
    return LoadResult::kError;
  }
  if (type == kTypeZsetZiplist)
    FinishZset(lp, out);
  else
    FinishHash(lp, out);
  return LoadResult::kOk;
}

}  // namespace

void RegisterRdbSaver(ObjType t, TypeFn type_of, SaveFn save) { g_savers[static_cast<size_t>(t)] = {type_of, save}; }
void RegisterRdbLoader(uint8_t type, LoadFn fn) { g_loaders[type] = fn; }

bool ValueType(const Value& v, uint8_t* type, std::string* err) {
  switch (v.type()) {
    case ObjType::kString: *type = kTypeString; return true;
    case ObjType::kList: *type = kTypeListQuicklist2; return true;
    case ObjType::kSet: *type = v.encoding() == ObjEnc::kIntset ? kTypeSetIntset : kTypeSet; return true;
    case ObjType::kZset: *type = ZsetIsListpack(v) ? kTypeZsetListpack : kTypeZset2; return true;
    case ObjType::kHash: *type = HashIsListpack(v) ? kTypeHashListpack : kTypeHash; return true;
    default: break;
  }
  const Saver& s = g_savers[static_cast<size_t>(v.type()) % g_savers.size()];
  if (s.type_of) {
    *type = s.type_of(v);
    return true;
  }
  *err = fmt::format("Unknown object type {} (no RDB saver registered)", static_cast<int>(v.type()));
  return false;
}

void SaveValue(Writer& w, const Value& v, bool compress) {
  switch (v.type()) {
    case ObjType::kString: return SaveString(w, v, compress);
    case ObjType::kList: return SaveList(w, v, compress);
    case ObjType::kSet: return SaveSet(w, v, compress);
    case ObjType::kZset: return SaveZset(w, v, compress);
    case ObjType::kHash: return SaveHash(w, v, compress);
    default: return g_savers[static_cast<size_t>(v.type()) % g_savers.size()].save(w, v, compress);
  }
}

bool IsLoadableType(uint8_t type) {
  return type <= kTypeHash || type == kTypeZset2 || (type >= kTypeHashZipmap && type <= kTypeListQuicklist) ||
         (type >= kTypeHashListpack && type <= kTypeListQuicklist2) || g_loaders[type] != nullptr;
}

LoadResult LoadValue(Reader& r, uint8_t type, Value* out) {
  switch (type) {
    case kTypeString: {
      std::string s;
      if (!r.String(&s)) return LoadResult::kError;
      *out = Value::String(s);
      return LoadResult::kOk;
    }
    case kTypeList:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return LoadList(r, type, out);
    case kTypeSet: return LoadSet(r, out);
    case kTypeZset:
    case kTypeZset2:
      return LoadZset(r, type, out);
    case kTypeHash: return LoadHash(r, out);
    case kTypeHashZipmap:
    case kTypeListZiplist:
    case kTypeSetIntset:
    case kTypeZsetZiplist:
    case kTypeHashZiplist:
    case kTypeHashListpack:
    case kTypeZsetListpack:
      return LoadBlob(r, type, out);
    default: break;
  }
  if (LoadFn fn = g_loaders[type]) return fn(r, type, out) ? LoadResult::kOk : LoadResult::kError;
  r.Fail(fmt::format("Unknown RDB encoding type {}", type));
  return LoadResult::kError;
}

bool DumpPayload(const Value& v, bool compress, std::string* out, std::string* err) {
  uint8_t type;
  if (!ValueType(v, &type, err)) return false;
  Writer w;
  w.Byte(type);
  SaveValue(w, v, compress);
  AppendDumpFooter(w);
  *out = std::move(w.buffer());
  return true;
}

PayloadResult ParseDumpPayload(std::string_view payload, Value* out) {
  std::string_view body;
  if (!SplitDumpFooter(payload, &body)) return PayloadResult::kBadVersionOrChecksum;
  Reader r(body);
  uint8_t type;
  if (!r.Byte(&type) || !IsLoadableType(type)) return PayloadResult::kBadData;
  return LoadValue(r, type, out) == LoadResult::kOk ? PayloadResult::kOk : PayloadResult::kBadData;
}

}  // namespace corvid::rdb
