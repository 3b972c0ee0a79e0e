#include "db/hash_type.h"

#include <malloc.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <unordered_set>
#include <utility>

#include "db/db.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"
#include "util/numeric.h"

namespace corvid {

// ---- representation ----

HashTable::~HashTable() {
  dict.Clear([](HashNode* n) { delete n; });
}

void HashTable::AddNew(std::string_view field, std::string_view value) {
  auto* n = new HashNode;
  n->field.Assign(field);
  n->value.Assign(value);
  dict.Insert(n);
}

namespace {

bool TooLongForListpack(std::string_view s) {
  return static_cast<int64_t>(s.size()) > Cfg().hash_max_listpack_value;
}

void FreeHash(ObjEnc e, void* p) {
  if (e == ObjEnc::kListpack)
    delete static_cast<Listpack*>(p);
  else
    delete static_cast<HashTable*>(p);
}

size_t NodeBytes(const HashNode* n) {
  return malloc_usable_size(const_cast<HashNode*>(n)) + n->field.HeapBytes() + n->value.HeapBytes();
}

// Heap bytes. A hashtable is estimated from its first `samples` nodes, as Redis' MEMORY USAGE samples rather
// than walking every element.
size_t HashHeapBytes(ObjEnc e, const void* p, size_t samples) {
  if (e == ObjEnc::kListpack) {
    const auto* lp = static_cast<const Listpack*>(p);
    return malloc_usable_size(const_cast<Listpack*>(lp)) +
           malloc_usable_size(const_cast<char*>(lp->Bytes().data()));
  }
  auto* t = const_cast<HashTable*>(static_cast<const HashTable*>(p));
  size_t total = malloc_usable_size(t) + t->dict.BucketBytes();
  size_t n = t->dict.size(), sampled = 0, sample_bytes = 0;
  uint64_t cursor = 0;
  do {
    cursor = t->dict.Scan(cursor, [&](HashNode* node) {
      if (sampled == samples) return;
      ++sampled;
      sample_bytes += NodeBytes(node);
    });
  } while (cursor != 0 && sampled < samples);
  return total + ScaleSample(sample_bytes, sampled, n);
}

void* CloneHash(ObjEnc e, const void* p) {
  if (e == ObjEnc::kListpack) return new Listpack(Listpack::FromBytes(static_cast<const Listpack*>(p)->Bytes()));
  auto* copy = new HashTable;
  static_cast<const HashTable*>(p)->dict.ForEach(
      [&](const HashNode* n) { copy->AddNew(n->field.view(), n->value.view()); });
  return copy;
}

// Redis' xorObjectDigest for hashes: per field, SHA1-mix the field then the value into a zeroed digest, and xor
// that into d (so the order of the fields does not matter).
void DigestHash(const Value& v, Digest d) {
  HashForEach(v, [&](std::string_view field, std::string_view value) {
    Digest ele = {};
    MixDigest(ele, field.data(), field.size());
    MixDigest(ele, value.data(), value.size());
    XorDigest(d, ele, sizeof(Digest));
  });
}

}  // namespace

const CollectionOps kHashOps = {FreeHash, HashHeapBytes, CloneHash, DigestHash};

void RegisterHashOps() { RegisterCollectionOps(ObjType::kHash, &kHashOps); }

Value NewHash() { return Value::Collection(ObjType::kHash, ObjEnc::kListpack, new Listpack()); }

size_t HashLen(const Value& v) {
  if (HashIsListpack(v)) return HashListpack(v)->Size() / 2;
  return HashTableOf(v)->dict.size();
}

namespace {

// Position of field's key entry in a field/value listpack, or kNoPos.
Listpack::Pos FindField(const Listpack* lp, std::string_view field) { return lp->Find(lp->First(), field, 1); }

}  // namespace

bool HashGet(const Value& v, std::string_view field, char (&buf)[LpValue::kIntBufSize], std::string_view* out) {
  if (HashIsListpack(v)) {
    const Listpack* lp = HashListpack(v);
    Listpack::Pos p = FindField(lp, field);
    if (p == Listpack::kNoPos) return false;
    *out = lp->Get(lp->Next(p)).AsString(buf);
    return true;
  }
  HashNode* n = HashTableOf(v)->dict.Find(field);
  if (!n) return false;
  *out = n->value.view();
  return true;
}

bool HashExists(const Value& v, std::string_view field) {
  if (HashIsListpack(v)) return FindField(HashListpack(v), field) != Listpack::kNoPos;
  return HashTableOf(v)->dict.Find(field) != nullptr;
}

void HashConvertToTable(Value& v) {
  if (!HashIsListpack(v)) return;
  Listpack* lp = HashListpack(v);
  auto* t = new HashTable;
  HashForEach(v, [&](std::string_view field, std::string_view value) { t->AddNew(field, value); });
  delete lp;
  v.ResetCollection(ObjEnc::kHashtable, t);
}

void HashTryConversion(Value& v, std::span<const std::string_view> args) {
  if (!HashIsListpack(v)) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (TooLongForListpack(a)) return HashConvertToTable(v);
    sum += a.size();
  }
  if (!HashListpack(v)->SafeToAdd(sum)) HashConvertToTable(v);
}

bool HashSet(Value& v, std::string_view field, std::string_view value) {
  if (HashIsListpack(v)) {
    if (TooLongForListpack(field) || TooLongForListpack(value)) {
      HashConvertToTable(v);
    } else {
      Listpack* lp = HashListpack(v);
      Listpack::Pos p = FindField(lp, field);
      if (p != Listpack::kNoPos) {
        lp->Replace(lp->Next(p), value);
        return false;
      }
      lp->Append(field);
      lp->Append(value);
      if (static_cast<int64_t>(HashLen(v)) > Cfg().hash_max_listpack_entries) HashConvertToTable(v);
      return true;
    }
  }
  HashTable* t = HashTableOf(v);
  if (HashNode* n = t->dict.Find(field)) {
    n->value.Assign(value);
    return false;
  }
  t->AddNew(field, value);
  return true;
}

bool HashDelete(Value& v, std::string_view field) {
  if (HashIsListpack(v)) {
    Listpack* lp = HashListpack(v);
    Listpack::Pos p = FindField(lp, field);
    if (p == Listpack::kNoPos) return false;
    lp->Delete(p, 2);
    return true;
  }
  HashTable* t = HashTableOf(v);
  HashNode* n = t->dict.Unlink(field);
  if (!n) return false;
  delete n;
  t->dict.ShrinkIfSparse();
  return true;
}

uint64_t HashScan(const Value& v, uint64_t cursor, int64_t count, std::vector<std::string>* out) {
  auto add = [&](std::string_view field, std::string_view value) {
    out->emplace_back(field);
    out->emplace_back(value);
  };
  if (HashIsListpack(v)) {
    HashForEach(v, add);
    return 0;
  }
  HashDict& d = HashTableOf(v)->dict;
  int64_t max_iterations = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  size_t collected = 0;
  do {
    cursor = d.Scan(cursor, [&](HashNode* n) {
      add(n->field.view(), n->value.view());
      collected += 2;
    });
  } while (cursor != 0 && max_iterations-- > 0 && collected < static_cast<uint64_t>(count));
  return cursor;
}

HashPair HashRead(const Value& v, HashRef r, HashBufs& bufs) {
  if (r.node) return {r.node->field.view(), r.node->value.view()};
  const Listpack* lp = HashListpack(v);
  return {lp->Get(r.pos).AsString(bufs.field), lp->Get(lp->Next(r.pos)).AsString(bufs.value)};
}

namespace {

// Every field of the hash, in its order.
std::vector<HashRef> AllRefs(const Value& v) {
  std::vector<HashRef> refs;
  refs.reserve(HashLen(v));
  if (HashIsListpack(v)) {
    const Listpack* lp = HashListpack(v);
    for (Listpack::Pos p = lp->First(); p != Listpack::kNoPos; p = lp->Next(lp->Next(p))) refs.push_back({nullptr, p});
  } else {
    HashTableOf(v)->dict.ForEach([&](HashNode* n) { refs.push_back({n, Listpack::kNoPos}); });
  }
  return refs;
}

// Uniform random picks from a hashtable. A try takes a random bucket group (what one Dict::Scan call visits:
// one bucket, or while rehashing one bucket of the smaller table with its expansions in the bigger one; the
// cursors 0..groups-1 visit every group once) and a random slot in [0, bound): a slot holding a node is the
// pick, an empty slot means try again. Each node then has probability 1/(groups*bound) per try, which is
// uniform as long as no group is bigger than bound; bound grows to the biggest group seen, and starts over when
// the table is resized so that one skewed rehash does not slow later picks down for good.
class TablePicker {
 public:
  TablePicker(HashTable* t, uint64_t (*rnd)()) : t_(t), rnd_(rnd) {
    uint64_t buckets = t->dict.BucketCount();
    groups_ = buckets & (~buckets + 1);  // the smaller table's size: both sizes are powers of two
    if (buckets != t->pick_buckets) {
      t->pick_bound = HashTable::kInitialPickBound;
      t->pick_buckets = buckets;
    }
  }

  HashNode* Pick() {
    for (;;) {
      group_.clear();
      t_->dict.Scan(rnd_() & (groups_ - 1), [&](HashNode* n) { group_.push_back(n); });
      if (group_.size() > t_->pick_bound) {
        t_->pick_bound = static_cast<uint32_t>(std::min<size_t>(group_.size(), UINT32_MAX));
        continue;
      }
      uint64_t slot = rnd_() % t_->pick_bound;
      if (slot < group_.size()) return group_[slot];
    }
  }

 private:
  HashTable* t_;
  uint64_t (*rnd_)();
  uint64_t groups_;
  std::vector<HashNode*> group_;
};

}  // namespace

std::vector<HashRef> HashRandomRefs(const Value& v, uint64_t count, bool unique, uint64_t (*rnd)()) {
  size_t size = HashLen(v);
  if (unique && count >= size) return AllRefs(v);
  if (unique && count > 1 && count * 3 > size) {
    // Few to leave out: drop random fields until count remain.
    std::vector<HashRef> all = AllRefs(v);
    while (all.size() > count) {
      std::swap(all[rnd() % all.size()], all.back());
      all.pop_back();
    }
    return all;
  }
  std::vector<HashRef> fields;  // listpack: the fields to pick from
  std::optional<TablePicker> picker;
  if (HashIsListpack(v))
    fields = AllRefs(v);
  else
    picker.emplace(HashTableOf(v), rnd);
  auto pick = [&]() -> HashRef {
    return picker ? HashRef{picker->Pick(), Listpack::kNoPos} : fields[rnd() % size];
  };
  std::vector<HashRef> out;
  out.reserve(count);
  if (!unique || count == 1) {
    while (out.size() < count) out.push_back(pick());
    return out;
  }
  // Many more fields than wanted: pick until count distinct ones.
  std::unordered_set<uintptr_t> seen;
  while (out.size() < count) {
    HashRef r = pick();
    if (seen.insert(r.node ? reinterpret_cast<uintptr_t>(r.node) : r.pos).second) out.push_back(r);
  }
  return out;
}

// ---- keyspace operations ----

namespace {

// The hash at key for a write, created empty when absent (Redis' hashTypeLookupWriteOrCreate). nullptr on a
// type mismatch.
KeyEntry* LookupWriteOrCreate(Db& db, std::string_view key) {
  KeyEntry* e = db.FindWrite(key);
  if (!e) return db.Add(key, NewHash());
  return e->val.type() == ObjType::kHash ? e : nullptr;
}

// The hash at key for a write, or nullptr when absent; *wrong_type set on a type mismatch.
KeyEntry* LookupWrite(Db& db, std::string_view key, bool* wrong_type) {
  KeyEntry* e = db.FindWrite(key);
  *wrong_type = e && e->val.type() != ObjType::kHash;
  return *wrong_type ? nullptr : e;
}

}  // namespace

OpResult<int64_t> HashSetPairs(Db& db, std::string_view key, std::span<const std::string_view> pairs) {
  KeyEntry* e = LookupWriteOrCreate(db, key);
  if (!e) return OpStatus::kWrongType;
  HashTryConversion(e->val, pairs);
  int64_t created = 0;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) created += HashSet(e->val, pairs[i], pairs[i + 1]);
  Srv().stats.dirty += pairs.size() / 2;
  return created;
}

OpResult<bool> HashSetNx(Db& db, std::string_view key, std::string_view field, std::string_view value) {
  KeyEntry* e = LookupWriteOrCreate(db, key);
  if (!e) return OpStatus::kWrongType;
  if (HashExists(e->val, field)) return false;
  std::string_view args[] = {field, value};
  HashTryConversion(e->val, args);
  HashSet(e->val, field, value);
  ++Srv().stats.dirty;
  return true;
}

OpResult<int64_t> HashDeleteFields(Db& db, std::string_view key, std::span<const std::string_view> fields) {
  bool wrong_type;
  KeyEntry* e = LookupWrite(db, key, &wrong_type);
  if (wrong_type) return OpStatus::kWrongType;
  if (!e) return int64_t{0};
  int64_t deleted = 0;
  for (std::string_view f : fields) {
    if (!HashDelete(e->val, f)) continue;
    ++deleted;
    if (HashLen(e->val) == 0) {
      db.DeleteEntry(e);
      break;
    }
  }
  Srv().stats.dirty += deleted;
  return deleted;
}

namespace {

// The current value of field in the hash at key for HINCRBY/HINCRBYFLOAT; *e is the entry (nullptr when the key
// is absent). Returns false on a type mismatch.
bool IncrTarget(Db& db, std::string_view key, std::string_view field, KeyEntry** e, char (&buf)[LpValue::kIntBufSize],
                std::string_view* cur, bool* found) {
  bool wrong_type;
  *e = LookupWrite(db, key, &wrong_type);
  if (wrong_type) return false;
  *found = *e && HashGet((*e)->val, field, buf, cur);
  return true;
}

void StoreIncrResult(Db& db, KeyEntry* e, std::string_view key, std::string_view field, std::string_view value) {
  if (!e) e = db.Add(key, NewHash());
  HashSet(e->val, field, value);
  ++Srv().stats.dirty;
}

}  // namespace

OpResult<int64_t> HashIncrBy(Db& db, std::string_view key, std::string_view field, int64_t incr) {
  KeyEntry* e;
  char buf[LpValue::kIntBufSize];
  std::string_view cur;
  bool found;
  if (!IncrTarget(db, key, field, &e, buf, &cur, &found)) return OpStatus::kWrongType;
  int64_t old = 0;
  if (found && !StringToInt64(cur, &old)) return OpStatus::kNotInteger;
  if ((incr < 0 && old < 0 && incr < INT64_MIN - old) || (incr > 0 && old > 0 && incr > INT64_MAX - old))
    return OpStatus::kOverflow;
  int64_t value = old + incr;
  char out[kInt64Chars];
  StoreIncrResult(db, e, key, field, std::string_view(out, Int64ToChars(value, out)));
  return value;
}

OpResult<std::string> HashIncrByFloat(Db& db, std::string_view key, std::string_view field, long double incr) {
  KeyEntry* e;
  char buf[LpValue::kIntBufSize];
  std::string_view cur;
  bool found;
  if (!IncrTarget(db, key, field, &e, buf, &cur, &found)) return OpStatus::kWrongType;
  long double value = 0;
  if (found && !StringToLongDouble(cur, &value)) return OpStatus::kNotFloat;
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return OpStatus::kIncrNanOrInf;
  std::string out(kLongDoubleChars, '\0');
  out.resize(FormatLongDouble(value, out.data(), LdMode::kHuman));
  StoreIncrResult(db, e, key, field, out);
  return out;
}

}  // namespace corvid
