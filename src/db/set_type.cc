#include "db/set_type.h"

#include <malloc.h>

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "db/collections.h"
#include "db/notify.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"
#include "util/numeric.h"

namespace corvid {

// ---- members ----

std::string_view SetMember::View(char* buf) const {
  if (!is_int) return str;
  return {buf, Int64ToChars(num, buf)};
}

std::string SetMember::ToString() const {
  char buf[kInt64Chars];
  return std::string(View(buf));
}

size_t SetMaxIntsetEntries() {
  int64_t max = Cfg().set_max_intset_entries;
  return static_cast<size_t>(std::min<int64_t>(max, int64_t{1} << 30));
}

namespace {

Intset* IntsetOf(const Value& v) { return v.As<Intset>(); }
SetDict* DictOf(const Value& v) { return v.As<SetDict>(); }
bool IsIntset(const Value& v) { return v.encoding() == ObjEnc::kIntset; }

void FreeDict(SetDict* d) {
  d->Clear([](SetNode* n) { delete n; });
  delete d;
}

// Adds m to d; false if present.
bool DictAdd(SetDict* d, std::string_view m) {
  uint64_t h = HashBytes(m);
  if (d->FindHashed(m, h)) return false;
  auto* n = new SetNode;
  n->member.Assign(m);
  d->InsertHashed(n, h);
  return true;
}

}  // namespace

void SetConvertToTable(Value& v) {
  Intset* is = IntsetOf(v);
  auto* d = new SetDict();
  char buf[kInt64Chars];
  for (uint32_t i = 0, n = is->Size(); i < n; ++i) DictAdd(d, std::string_view(buf, Int64ToChars(is->Get(i), buf)));
  delete is;
  v.ResetCollection(ObjEnc::kHashtable, d);
}

namespace {

// Adds an integer to the intset of v, converting when it grows too big.
bool IntsetAdd(Value& v, int64_t x) {
  Intset* is = IntsetOf(v);
  if (!is->Add(x)) return false;
  if (is->Size() > SetMaxIntsetEntries()) SetConvertToTable(v);
  return true;
}

// ---- CollectionOps ----

void FreeSet(ObjEnc e, void* p) {
  if (e == ObjEnc::kIntset)
    delete static_cast<Intset*>(p);
  else
    FreeDict(static_cast<SetDict*>(p));
}

// Heap bytes; a hashtable is estimated from its first `samples` members.
size_t SetBytes(ObjEnc e, const void* p, size_t samples) {
  if (e == ObjEnc::kIntset) {
    const auto* is = static_cast<const Intset*>(p);
    return malloc_usable_size(const_cast<Intset*>(is)) +
           malloc_usable_size(const_cast<char*>(is->Bytes().data()));
  }
  auto* d = const_cast<SetDict*>(static_cast<const SetDict*>(p));
  size_t sampled = 0, sample_bytes = 0;
  uint64_t cursor = 0;
  do {
    cursor = d->Scan(cursor, [&](SetNode* node) {
      if (sampled == samples) return;
      ++sampled;
      sample_bytes += malloc_usable_size(node) + node->member.HeapBytes();
    });
  } while (cursor != 0 && sampled < samples);
  return malloc_usable_size(d) + d->BucketBytes() + ScaleSample(sample_bytes, sampled, d->size());
}

void* CloneSet(ObjEnc e, const void* p) {
  if (e == ObjEnc::kIntset) return new Intset(Intset::FromBytes(static_cast<const Intset*>(p)->Bytes()));
  auto* src = const_cast<SetDict*>(static_cast<const SetDict*>(p));
  auto* d = new SetDict();
  src->ForEach([&](SetNode* node) { DictAdd(d, node->member.view()); });
  return d;
}

// Redis' xorObjectDigest for sets: the xor of the SHA1 of every member's string form.
void DigestSet(const Value& v, Digest d) {
  SetForEach(v, [&](const SetMember& m) {
    char buf[kInt64Chars];
    std::string_view s = m.View(buf);
    XorDigest(d, s.data(), s.size());
  });
}

constexpr CollectionOps kSetOps = {FreeSet, SetBytes, CloneSet, DigestSet};

}  // namespace

void RegisterSetType() { RegisterCollectionOps(ObjType::kSet, &kSetOps); }

// ---- one set value ----

Value NewSet() { return Value::Collection(ObjType::kSet, ObjEnc::kIntset, new Intset()); }

size_t SetSize(const Value& v) { return IsIntset(v) ? IntsetOf(v)->Size() : DictOf(v)->size(); }

bool SetAdd(Value& v, std::string_view m) {
  if (IsIntset(v)) {
    int64_t x;
    if (StringToInt64(m, &x)) return IntsetAdd(v, x);
    SetConvertToTable(v);
  }
  return DictAdd(DictOf(v), m);
}

bool SetAdd(Value& v, const SetMember& m) {
  if (!m.is_int) return SetAdd(v, m.str);
  if (IsIntset(v)) return IntsetAdd(v, m.num);
  char buf[kInt64Chars];
  return DictAdd(DictOf(v), m.View(buf));
}

bool SetRemove(Value& v, std::string_view m) {
  if (IsIntset(v)) {
    int64_t x;
    return StringToInt64(m, &x) && IntsetOf(v)->Remove(x);
  }
  SetDict* d = DictOf(v);
  SetNode* n = d->Unlink(m);
  if (!n) return false;
  delete n;
  d->ShrinkIfSparse();  // as Redis' setTypeRemove (htNeedsResize + dictResize)
  return true;
}

bool SetRemove(Value& v, const SetMember& m) {
  if (m.is_int && IsIntset(v)) return IntsetOf(v)->Remove(m.num);
  char buf[kInt64Chars];
  return SetRemove(v, m.View(buf));
}

bool SetContains(const Value& v, std::string_view m) {
  if (IsIntset(v)) {
    int64_t x;
    return StringToInt64(m, &x) && IntsetOf(v)->Find(x);
  }
  return DictOf(v)->Find(m) != nullptr;
}

bool SetContains(const Value& v, const SetMember& m) {
  if (m.is_int && IsIntset(v)) return IntsetOf(v)->Find(m.num);
  char buf[kInt64Chars];
  return SetContains(v, m.View(buf));
}

std::vector<SetMember> SetMembers(const Value& v) {
  std::vector<SetMember> out;
  out.reserve(SetSize(v));
  SetForEach(v, [&](const SetMember& m) { out.push_back(m); });
  return out;
}

// ---- random members ----

namespace {
// Sets up to this size draw by position (a walk costs less than the rejection loop's expected tries there).
constexpr size_t kSmallSetDraw = 128;
}  // namespace

SetSampler::SetSampler(const Value& set, uint64_t draws) : set_(set) {
  if (!IsIntset(set) && draws > 1 && draws >= SetSize(set) / 4) listed_ = SetMembers(set);
}

SetMember SetSampler::Next() {
  if (!listed_.empty()) return listed_[Random64() % listed_.size()];
  if (IsIntset(set_)) {
    const Intset* is = IntsetOf(set_);
    return {{}, is->Get(static_cast<uint32_t>(Random64() % is->Size())), true};
  }
  SetDict* d = DictOf(set_);
  if (d->size() <= kSmallSetDraw) {  // small: an exact pick by position, whatever the chains look like
    uint64_t left = Random64() % d->size();
    const SetNode* pick = nullptr;
    d->ForEach([&](const SetNode* n) {
      if (left-- == 0) pick = n;
    });
    return {pick->member.view(), 0, false};
  }
  // A cursor below the smaller table's size names one bucket group (Dict::Scan): while rehashing the two
  // bucket counts are distinct powers of two, so the smaller one is the lowest set bit of their sum.
  uint64_t buckets = d->BucketCount();
  uint64_t groups = buckets & (~buckets + 1);
  for (;;) {
    group_.clear();
    d->Scan(Random64() & (groups - 1), [&](SetNode* n) { group_.push_back(n); });
    if (group_.size() > k_) {  // a longer chain than assumed: widen the slots and draw again
      k_ = group_.size();
      continue;
    }
    uint64_t slot = Random64() % k_;
    if (slot < group_.size()) return {group_[slot]->member.view(), 0, false};
  }
}

namespace {

// Moves a uniformly chosen k-subset of v to its front (partial Fisher-Yates). REQUIRES: k <= v.size().
void ChooseFront(std::vector<SetMember>& v, size_t k) {
  for (size_t i = 0; i < k; ++i) std::swap(v[i], v[i + Random64() % (v.size() - i)]);
}

}  // namespace

std::vector<SetMember> SetRandomMembers(const Value& v, uint64_t count) {
  size_t size = SetSize(v);
  if (count == 0 || size == 0) return {};
  if (count == 1) return {SetSampler(v).Next()};
  if (count >= size) return SetMembers(v);
  std::vector<SetMember> out;
  if (count * 3 > size) {  // most of the set: choose which members to return from the full list
    out = SetMembers(v);
    ChooseFront(out, count);
    out.resize(count);
    return out;
  }
  // A small part of a big set: draw until count distinct members came up.
  out.reserve(count);
  std::unordered_set<uint64_t> seen;
  seen.reserve(count);
  SetSampler s(v);
  while (out.size() < count) {
    SetMember m = s.Next();
    uint64_t id = m.is_int ? static_cast<uint64_t>(m.num) : reinterpret_cast<uintptr_t>(m.str.data());
    if (seen.insert(id).second) out.push_back(m);
  }
  return out;
}

// ---- set algebra ----

namespace {

// Calls fn(member) for each member of the intersection while fn returns true.
template <typename F>
void InterWalk(SetList input, F&& fn) {
  if (input.empty()) return;
  for (const Value* s : input)
    if (!s) return;  // a missing key is an empty set
  std::vector<const Value*> sets(input.begin(), input.end());
  std::sort(sets.begin(), sets.end(), [](const Value* a, const Value* b) { return SetSize(*a) < SetSize(*b); });
  const Value* first = sets[0];
  bool more = true;
  SetForEach(*first, [&](const SetMember& m) {
    if (!more) return;
    for (size_t j = 1; j < sets.size(); ++j)
      if (sets[j] != first && !SetContains(*sets[j], m)) return;
    more = fn(m);
  });
}

}  // namespace

std::vector<SetMember> SetInter(SetList sets) {
  std::vector<SetMember> out;
  InterWalk(sets, [&](const SetMember& m) {
    out.push_back(m);
    return true;
  });
  return out;
}

size_t SetInterCard(SetList sets, size_t limit) {
  size_t n = 0;
  InterWalk(sets, [&](const SetMember&) { return ++n != limit; });
  return n;
}

Value SetInterValue(SetList sets) {
  Value r = NewSet();
  InterWalk(sets, [&](const SetMember& m) {
    SetAdd(r, m);
    return true;
  });
  return r;
}

Value SetUnionValue(SetList sets) {
  Value r = NewSet();
  for (const Value* s : sets)
    if (s) SetForEach(*s, [&](const SetMember& m) { SetAdd(r, m); });
  return r;
}

Value SetDiffValue(SetList sets) {
  Value r = NewSet();
  const Value* first = sets.empty() ? nullptr : sets[0];
  if (!first) return r;
  std::vector<const Value*> rest;
  for (size_t j = 1; j < sets.size(); ++j) {
    if (sets[j] == first) return r;  // the first key appears again: the difference is empty
    if (sets[j]) rest.push_back(sets[j]);
  }
  // Redis' choice: algorithm 1 (test each member of the first set against the others) costs about
  // |first| * #sets / 2, algorithm 2 (copy the first set, remove the others' members) sum(|set|).
  uint64_t one = 0, two = 0;
  for (const Value* s : sets) {
    if (!s) continue;
    one += SetSize(*first);
    two += SetSize(*s);
  }
  if (one / 2 <= two) {
    std::sort(rest.begin(), rest.end(), [](const Value* a, const Value* b) { return SetSize(*a) > SetSize(*b); });
    SetForEach(*first, [&](const SetMember& m) {
      for (const Value* s : rest)
        if (SetContains(*s, m)) return;
      SetAdd(r, m);
    });
    return r;
  }
  SetForEach(*first, [&](const SetMember& m) { SetAdd(r, m); });
  for (const Value* s : rest) {
    SetForEach(*s, [&](const SetMember& m) { SetRemove(r, m); });
    if (SetSize(r) == 0) break;
  }
  return r;
}

// ---- keyspace logic ----

namespace {

// The entry at key for a write: nullptr if missing; *st is kWrongType for a non-set.
KeyEntry* FindSetForWrite(Db& db, std::string_view key, OpStatus* st) {
  KeyEntry* e = db.FindWrite(key);
  *st = e && e->val.type() != ObjType::kSet ? OpStatus::kWrongType : OpStatus::kOk;
  return e;
}

std::vector<std::string> ToStrings(const std::vector<SetMember>& ms, size_t from, size_t to) {
  std::vector<std::string> out;
  out.reserve(to - from);
  for (size_t i = from; i < to; ++i) out.push_back(ms[i].ToString());
  return out;
}

}  // namespace

OpResult<int64_t> SetAddMembers(Db& db, std::string_view key, std::span<const std::string_view> members) {
  OpStatus st;
  KeyEntry* e = FindSetForWrite(db, key, &st);
  if (st != OpStatus::kOk) return st;
  if (!e) e = db.Add(key, NewSet());
  int64_t added = 0;
  for (std::string_view m : members) added += SetAdd(e->val, m);
  Srv().stats.dirty += added;
  return added;
}

OpResult<int64_t> SetRemMembers(Db& db, std::string_view key, std::span<const std::string_view> members) {
  OpStatus st;
  KeyEntry* e = FindSetForWrite(db, key, &st);
  if (st != OpStatus::kOk) return st;
  if (!e) return int64_t{0};
  int64_t removed = 0;
  for (std::string_view m : members) {
    if (!SetRemove(e->val, m)) continue;
    ++removed;
    if (SetSize(e->val) == 0) {
      db.DeleteEntry(e);
      break;
    }
  }
  Srv().stats.dirty += removed;
  return removed;
}

OpResult<int64_t> SetMove(Db& db, std::string_view src, std::string_view dst, std::string_view member) {
  KeyEntry* s = db.FindWrite(src);
  KeyEntry* d = db.FindWrite(dst);
  if (!s) return int64_t{0};
  if (s->val.type() != ObjType::kSet || (d && d->val.type() != ObjType::kSet)) return OpStatus::kWrongType;
  if (s == d) return int64_t{SetContains(s->val, member)};
  if (!SetRemove(s->val, member)) return int64_t{0};
  NotifyKeyspaceEvent(kNotifySet, "srem", src, db.index());
  if (SetSize(s->val) == 0) {
    db.DeleteEntry(s);
    NotifyKeyspaceEvent(kNotifyGeneric, "del", src, db.index());
  }
  if (!d) d = db.Add(dst, NewSet());
  ++Srv().stats.dirty;
  if (SetAdd(d->val, member)) {
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifySet, "sadd", dst, db.index());
  }
  return int64_t{1};
}

OpResult<std::string> SetPop(Db& db, std::string_view key) {
  OpStatus st;
  KeyEntry* e = FindSetForWrite(db, key, &st);
  if (st != OpStatus::kOk) return st;
  if (!e) return OpStatus::kKeyNotFound;
  SetMember m = SetSampler(e->val).Next();
  std::string out = m.ToString();
  SetRemove(e->val, m);
  if (SetSize(e->val) == 0) db.DeleteEntry(e);
  ++Srv().stats.dirty;
  return out;
}

OpResult<std::vector<std::string>> SetPopCount(Db& db, std::string_view key, uint64_t count) {
  OpStatus st;
  KeyEntry* e = FindSetForWrite(db, key, &st);
  if (st != OpStatus::kOk) return st;
  std::vector<std::string> out;
  if (!e || count == 0) return out;
  size_t size = SetSize(e->val);
  if (count >= size) {  // everything: the whole set, and the key goes
    out = ToStrings(SetMembers(e->val), 0, size);
    db.DeleteEntry(e, Cfg().lazyfree_lazy_server_del);
  } else if ((size - count) * 5 > count) {  // a small part: draw and remove one at a time
    out.reserve(count);
    SetSampler s(e->val);
    for (uint64_t i = 0; i < count; ++i) {
      SetMember m = s.Next();
      out.push_back(m.ToString());
      SetRemove(e->val, m);
    }
  } else {
    // Most of the set: choose the members that stay and build a new set of them, as Redis does (so the
    // remainder gets a fresh encoding: an intset if it is all integers and small enough).
    std::vector<SetMember> all = SetMembers(e->val);
    size_t keep = size - count;
    ChooseFront(all, keep);
    Value rest = NewSet();
    for (size_t i = 0; i < keep; ++i) SetAdd(rest, all[i]);
    out = ToStrings(all, keep, size);
    db.Overwrite(e, std::move(rest));
  }
  Srv().stats.dirty += out.size();
  return out;
}

int64_t StoreSetResult(Db& db, std::string_view dst, Value&& result, const char* event) {
  auto n = static_cast<int64_t>(SetSize(result));
  if (n > 0) {
    db.Set(dst, std::move(result));
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifySet, event, dst, db.index());
  } else if (db.Delete(dst)) {
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifyGeneric, "del", dst, db.index());
  }
  return n;
}

}  // namespace corvid
