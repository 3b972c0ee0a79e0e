#include "db/list_type.h"

#include <algorithm>
#include <climits>

#include "db/blocking.h"
#include "db/collections.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

int ClampInt(int64_t v) { return static_cast<int>(std::clamp<int64_t>(v, INT_MIN, INT_MAX)); }

void FreeList(ObjEnc, void* p) { delete static_cast<Quicklist*>(p); }
// Heap bytes, estimated from the first `samples` nodes as Redis' objectComputeSize.
size_t ListBytes(ObjEnc, const void* p, size_t samples) {
  const auto* ql = static_cast<const Quicklist*>(p);
  size_t sampled = std::min(samples, ql->NodeCount());
  return sizeof(Quicklist) + ScaleSample(ql->NodesBytes(sampled), sampled, ql->NodeCount());
}
void* CloneList(ObjEnc, const void* p) { return static_cast<const Quicklist*>(p)->Clone(); }

// Redis' xorObjectDigest for lists: every element's text mixed in, head to tail.
void DigestList(const Value& v, Digest d) {
  ListOf(v)->Walk(0, true, [&](const LpValue& e) {
    char buf[LpValue::kIntBufSize];
    std::string_view s = e.AsString(buf);
    MixDigest(d, s.data(), s.size());
    return true;
  });
}

constexpr CollectionOps kListOps = {FreeList, ListBytes, CloneList, DigestList};

// The list at key for a write, created (and signalled to blocked clients, as Redis' dbAdd does) if absent.
// nullptr when the key holds another type.
KeyEntry* FindOrCreateList(Db& db, std::string_view key) {
  KeyEntry* e = db.FindWrite(key);
  if (e) return e->val.type() == ObjType::kList ? e : nullptr;
  e = db.Add(key, NewListValue());
  SignalKeyReady(db, key);
  return e;
}

// Deletes the key of e when its list is empty.
void DeleteIfEmpty(Db& db, KeyEntry* e) {
  if (ListOf(e->val)->Empty()) db.DeleteEntry(e);
}

}  // namespace

Value NewListValue() {
  const ServerConfig& cfg = Cfg();
  auto* ql = new Quicklist(ClampInt(cfg.list_max_listpack_size), ClampInt(cfg.list_compress_depth));
  return Value::Collection(ObjType::kList, ObjEnc::kQuicklist, ql);
}

void RegisterListType() { RegisterCollectionOps(ObjType::kList, &kListOps); }

KeyEntry* FindListForWrite(Db& db, std::string_view key, OpStatus* st) {
  KeyEntry* e = db.FindWrite(key);
  if (!e) {
    *st = OpStatus::kKeyNotFound;
    return nullptr;
  }
  if (e->val.type() != ObjType::kList) {
    *st = OpStatus::kWrongType;
    return nullptr;
  }
  *st = OpStatus::kOk;
  return e;
}

OpResult<int64_t> ListPush(Db& db, std::string_view key, std::span<const std::string_view> values, ListWhere where,
                           bool only_existing) {
  KeyEntry* e;
  if (only_existing) {
    OpStatus st;
    e = FindListForWrite(db, key, &st);
    if (!e) return st == OpStatus::kWrongType ? OpResult<int64_t>(st) : OpResult<int64_t>(0);
  } else {
    e = FindOrCreateList(db, key);
    if (!e) return OpStatus::kWrongType;
  }
  Quicklist* ql = ListOf(e->val);
  for (std::string_view v : values) ql->Push(where, v);
  Srv().stats.dirty += values.size();
  return static_cast<int64_t>(ql->Size());
}

void FinishListPop(Db& db, KeyEntry* e, size_t popped) {
  Srv().stats.dirty += popped;
  DeleteIfEmpty(db, e);
}

OpResult<int64_t> ListInsert(Db& db, std::string_view key, bool after, std::string_view pivot,
                             std::string_view value) {
  OpStatus st;
  KeyEntry* e = FindListForWrite(db, key, &st);
  if (!e) return st == OpStatus::kWrongType ? OpResult<int64_t>(st) : OpResult<int64_t>(0);
  Quicklist* ql = ListOf(e->val);
  int64_t at = -1, index = 0;
  ql->Walk(0, true, [&](const LpValue& v) {
    if (v.Equals(pivot)) {
      at = index;
      return false;
    }
    ++index;
    return true;
  });
  if (at < 0) return -1;
  ql->Insert(at, after, value);
  ++Srv().stats.dirty;
  return static_cast<int64_t>(ql->Size());
}

ListSetResult ListSet(Db& db, std::string_view key, int64_t index, std::string_view value) {
  OpStatus st;
  KeyEntry* e = FindListForWrite(db, key, &st);
  if (!e) return st == OpStatus::kWrongType ? ListSetResult::kWrongType : ListSetResult::kNoSuchKey;
  if (!ListOf(e->val)->Replace(index, value)) return ListSetResult::kOutOfRange;
  ++Srv().stats.dirty;
  return ListSetResult::kOk;
}

OpResult<int64_t> ListRem(Db& db, std::string_view key, int64_t count, std::string_view value) {
  OpStatus st;
  KeyEntry* e = FindListForWrite(db, key, &st);
  if (!e) return st == OpStatus::kWrongType ? OpResult<int64_t>(st) : OpResult<int64_t>(0);
  bool from_tail = count < 0;
  uint64_t limit = from_tail ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  size_t removed = ListOf(e->val)->RemoveEqual(value, static_cast<size_t>(limit), from_tail);
  Srv().stats.dirty += removed;
  DeleteIfEmpty(db, e);
  return static_cast<int64_t>(removed);
}

OpStatus ListTrim(Db& db, std::string_view key, int64_t start, int64_t end) {
  OpStatus st;
  KeyEntry* e = FindListForWrite(db, key, &st);
  if (!e) return st;
  Quicklist* ql = ListOf(e->val);
  int64_t len = static_cast<int64_t>(ql->Size()), from, count;
  ListRangeBounds(len, start, end, &from, &count);
  int64_t rtrim = count ? len - from - count : 0;
  int64_t ltrim = count ? from : len;
  ql->DelRange(0, ltrim);
  ql->DelRange(-rtrim, rtrim);
  ++Srv().stats.dirty;
  DeleteIfEmpty(db, e);
  return OpStatus::kOk;
}

OpResult<std::optional<std::string>> ListMove(Db& db, std::string_view src, std::string_view dst, ListWhere from,
                                              ListWhere to) {
  OpStatus st;
  KeyEntry* se = FindListForWrite(db, src, &st);
  if (!se) {
    if (st == OpStatus::kWrongType) return st;
    return std::optional<std::string>();
  }
  KeyEntry* de = db.FindWrite(dst);
  if (de && de->val.type() != ObjType::kList) return OpStatus::kWrongType;
  std::string value;
  ListOf(se->val)->Pop(from, [&](const LpValue& v) {
    char buf[LpValue::kIntBufSize];
    value.assign(v.AsString(buf));
  });
  if (!de) de = FindOrCreateList(db, dst);
  ListOf(de->val)->Push(to, value);
  ++Srv().stats.dirty;
  if (se != de) DeleteIfEmpty(db, se);
  return std::optional<std::string>(std::move(value));
}

void ListRangeBounds(int64_t len, int64_t start, int64_t end, int64_t* from, int64_t* count) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  *from = 0;
  *count = 0;
  if (start > end || start >= len) return;
  if (end >= len) end = len - 1;
  *from = start;
  *count = end - start + 1;
}

std::vector<int64_t> ListPositions(const Quicklist& ql, std::string_view element, const ListPosOptions& o) {
  std::vector<int64_t> out;
  // Redis negates a negative rank in a C long: LLONG_MIN stays LLONG_MIN, so every match then qualifies and
  // COUNT never stops the scan. The wrapping arithmetic below keeps that.
  bool forward = o.rank > 0;
  int64_t rank = forward ? o.rank : static_cast<int64_t>(0 - static_cast<uint64_t>(o.rank));
  int64_t llen = static_cast<int64_t>(ql.Size()), index = 0, matches = 0;
  ql.Walk(forward ? 0 : -1, forward, [&](const LpValue& v) {
    if (o.maxlen != 0 && index >= o.maxlen) return false;
    if (v.Equals(element)) {
      ++matches;
      if (matches >= rank) {
        out.push_back(forward ? index : llen - index - 1);
        if (o.count == -1) return false;
        int64_t taken = static_cast<int64_t>(static_cast<uint64_t>(matches) - static_cast<uint64_t>(rank) + 1);
        if (o.count && taken >= o.count) return false;
      }
    }
    ++index;
    return true;
  });
  return out;
}

}  // namespace corvid
