// Hashes: the two representations of a hash value and the operations the hash commands, COPY, DEBUG DIGEST
// and RDB build on.
//
// A hash value (ObjType::kHash) is either
//   - ObjEnc::kListpack: a Listpack* holding field,value,field,value... in insertion order, while the hash has at
//     most hash-max-listpack-entries fields and every field and value is at most hash-max-listpack-value bytes;
//   - ObjEnc::kHashtable: a HashTable* (a Dict of 40-byte nodes holding field and value as CompactStrings).
// A hash is converted listpack → hashtable exactly when Redis 7.0 converts it (never back): before a write whose
// field or value is longer than hash-max-listpack-value (HashTryConversion for HSET/HMSET/HSETNX arguments,
// HashSet for every write), and after an insert that makes it longer than hash-max-listpack-entries.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "corvid/status.h"
#include "db/collections.h"
#include "db/value.h"
#include "ds/compact_string.h"
#include "ds/dict.h"
#include "ds/hash.h"
#include "ds/listpack.h"

namespace corvid {

class Db;

// ---- representation ----

struct HashNode {
  HashNode* next = nullptr;
  CompactString field;
  CompactString value;
};
static_assert(sizeof(HashNode) == 40);

struct HashNodeTraits {
  using Key = std::string_view;
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static uint64_t NodeHash(const HashNode& n) { return HashBytes(n.field.view()); }
  static bool Equal(const HashNode& n, std::string_view k) { return n.field.view() == k; }
};

using HashDict = Dict<HashNode, HashNodeTraits>;

// The hashtable encoding: the dict owning its nodes.
struct HashTable {
  HashDict dict;
  static constexpr uint32_t kInitialPickBound = 4;
  // Random picks (HRANDFIELD): the largest bucket group seen at the bucket count pick_buckets, the rejection
  // bound that makes picks uniform.
  uint32_t pick_bound = kInitialPickBound;
  uint64_t pick_buckets = 0;

  HashTable() = default;
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;
  ~HashTable();
  // Adds a field known to be absent (copies both strings).
  void AddNew(std::string_view field, std::string_view value);
};

// The free/bytes/clone/digest hooks of hash values; RegisterHashFamily registers them (tests call
// RegisterHashOps directly).
extern const CollectionOps kHashOps;
void RegisterHashOps();

// Room for two listpack integers formatted as text (field and value).
struct HashBufs {
  char field[LpValue::kIntBufSize];
  char value[LpValue::kIntBufSize];
};

// A new empty hash (listpack encoding).
Value NewHash();

// REQUIRES (all functions taking a hash value): v.type() == ObjType::kHash.
inline Listpack* HashListpack(const Value& v) { return v.As<Listpack>(); }
inline HashTable* HashTableOf(const Value& v) { return v.As<HashTable>(); }
inline bool HashIsListpack(const Value& v) { return v.encoding() == ObjEnc::kListpack; }

// Number of fields.
size_t HashLen(const Value& v);
// The value of field; false if absent. A listpack integer is formatted into buf.
bool HashGet(const Value& v, std::string_view field, char (&buf)[LpValue::kIntBufSize], std::string_view* out);
bool HashExists(const Value& v, std::string_view field);
// Converts a listpack hash to the hashtable encoding (no-op when already a hashtable).
void HashConvertToTable(Value& v);
// Redis' hashTypeTryConversion: converts a listpack hash when one of args (fields and values about to be
// written) is longer than hash-max-listpack-value, or when their total would not fit a listpack.
void HashTryConversion(Value& v, std::span<const std::string_view> args);
// Sets field to value; returns true if the field is new. Applies the conversion rules above.
bool HashSet(Value& v, std::string_view field, std::string_view value);
// Deletes field; returns true if it was there. The caller deletes the key when the hash becomes empty.
bool HashDelete(Value& v, std::string_view field);

// Calls fn(field, value) for every field in the hash's order (listpack: insertion order). fn must not change
// the hash. The views are valid during the call only.
template <typename F>
void HashForEach(const Value& v, F&& fn) {
  if (HashIsListpack(v)) {
    const Listpack* lp = HashListpack(v);
    HashBufs b;
    for (Listpack::Pos p = lp->First(); p != Listpack::kNoPos;) {
      Listpack::Pos vp = lp->Next(p);
      fn(lp->Get(p).AsString(b.field), lp->Get(vp).AsString(b.value));
      p = lp->Next(vp);
    }
  } else {
    HashTableOf(v)->dict.ForEach([&](const HashNode* n) { fn(n->field.view(), n->value.view()); });
  }
}

// One SCAN step as Redis' HSCAN does it: a listpack hash returns everything and cursor 0; a hashtable visits
// buckets from cursor until `count` strings (fields and values both count) were collected or 10*count
// buckets were visited. Appends field,value,... to out; returns the next cursor.
uint64_t HashScan(const Value& v, uint64_t cursor, int64_t count, std::vector<std::string>* out);

// A reference to one field of a hash: a listpack field position or a hashtable node. Valid until the hash
// changes.
struct HashRef {
  HashNode* node = nullptr;
  Listpack::Pos pos = Listpack::kNoPos;
};
struct HashPair {
  std::string_view field, value;
};
// The field and value at r (listpack integers are formatted into bufs).
HashPair HashRead(const Value& v, HashRef r, HashBufs& bufs);

// Random fields for HRANDFIELD, each pick uniform, following Redis 7.0's strategies:
//   !unique: `count` independent picks (repeats allowed), in pick order;
//   unique and count >= size: every field, in the hash's order;
//   unique and 3*count > size: all fields minus random ones until `count` remain;
//   unique otherwise: random picks, skipping repeats, until `count` distinct ones.
// REQUIRES: the hash is not empty. rnd() returns uniformly random 64-bit values.
std::vector<HashRef> HashRandomRefs(const Value& v, uint64_t count, bool unique, uint64_t (*rnd)());

// ---- keyspace operations (dirty counted, empty hashes deleted) ----

// HSET/HMSET: sets the pairs field,value,... at key (creating the hash); returns how many fields were new.
// kWrongType if key holds another type. REQUIRES: pairs.size() is even and non-zero.
OpResult<int64_t> HashSetPairs(Db& db, std::string_view key, std::span<const std::string_view> pairs);
// HSETNX: true if the field was set, false if it existed.
OpResult<bool> HashSetNx(Db& db, std::string_view key, std::string_view field, std::string_view value);
// HDEL: how many of fields were deleted (0 for a missing key); deletes the key when the hash empties.
OpResult<int64_t> HashDeleteFields(Db& db, std::string_view key, std::span<const std::string_view> fields);
// HINCRBY: the new value. kNotInteger when the stored value is not an integer, kOverflow on overflow.
OpResult<int64_t> HashIncrBy(Db& db, std::string_view key, std::string_view field, int64_t incr);
// HINCRBYFLOAT: the new value as stored (ld2string "human" form). kNotFloat when the stored value is not a
// float, kIncrNanOrInf when the result is not finite. REQUIRES: incr is finite.
OpResult<std::string> HashIncrByFloat(Db& db, std::string_view key, std::string_view field, long double incr);

}  // namespace corvid
