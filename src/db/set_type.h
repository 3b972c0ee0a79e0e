// The set type: its two representations, their conversions, and the keyspace logic of the set commands
// (SADD SREM SMOVE SPOP SRANDMEMBER SINTER SUNION SDIFF and their STORE/CARD forms), apart from replies.
//
// Representation (Redis 7.0): an intset while every member is a canonical int64 (string2ll) and there are at
// most set-max-intset-entries of them (capped at 2^30); otherwise a hashtable whose nodes hold the member in
// a 16-byte CompactString (inline up to 15 bytes). A set only ever converts intset -> hashtable, on the add
// that breaks a rule; results of SINTERSTORE/SUNIONSTORE/SDIFFSTORE/SPOP are built member by member into a
// fresh intset exactly as Redis builds them, so they end up with the encoding Redis gives them.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "corvid/status.h"
#include "db/db.h"
#include "db/value.h"
#include "ds/compact_string.h"
#include "ds/dict.h"
#include "ds/hash.h"
#include "ds/intset.h"

namespace corvid {

// ---- representation ----

struct SetNode {
  SetNode* next = nullptr;
  CompactString member;
};
static_assert(sizeof(SetNode) == 24);

struct SetNodeTraits {
  using Key = std::string_view;
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static uint64_t NodeHash(const SetNode& n) { return HashBytes(n.member.view()); }
  static bool Equal(const SetNode& n, std::string_view k) { return n.member.view() == k; }
};
using SetDict = Dict<SetNode, SetNodeTraits>;

// One member as its set stores it: an integer (intset) or bytes (hashtable). str points into the set and is
// valid until the set changes.
struct SetMember {
  std::string_view str;  // when !is_int
  int64_t num = 0;       // when is_int
  bool is_int = false;

  // The member's bytes; an integer is formatted into buf. REQUIRES: buf has kInt64Chars bytes.
  std::string_view View(char* buf) const;
  std::string ToString() const;
};

// Registers the set's CollectionOps (free, bytes, clone, digest) with the keyspace. Idempotent.
void RegisterSetType();

// The largest intset before conversion: set-max-intset-entries, capped at 2^30 as Redis does.
size_t SetMaxIntsetEntries();

// ---- one set value (REQUIRES for all: v is a set) ----

// An empty set (an empty intset, like Redis' createIntsetObject); adds decide its final encoding.
Value NewSet();
size_t SetSize(const Value& v);
// Replaces an intset by a hashtable holding the same members (RDB loading of big sets). REQUIRES: intset.
void SetConvertToTable(Value& v);
// Adds m; false if it was present. Converts intset -> hashtable when m is not an integer or the intset grows
// past SetMaxIntsetEntries().
bool SetAdd(Value& v, std::string_view m);
bool SetAdd(Value& v, const SetMember& m);
// Removes m; false if absent. A hashtable shrinks when it gets sparse; the encoding never changes.
bool SetRemove(Value& v, std::string_view m);
bool SetRemove(Value& v, const SetMember& m);
bool SetContains(const Value& v, std::string_view m);
bool SetContains(const Value& v, const SetMember& m);

// Calls fn(const SetMember&) for every member: ascending for an intset, table order for a hashtable.
// fn must not change the set.
template <typename F>
void SetForEach(const Value& v, F&& fn) {
  if (v.encoding() == ObjEnc::kIntset) {
    const Intset* is = v.As<Intset>();
    for (uint32_t i = 0, n = is->Size(); i < n; ++i) fn(SetMember{{}, is->Get(i), true});
  } else {
    v.As<SetDict>()->ForEach([&](const SetNode* n) { fn(SetMember{n->member.view(), 0, false}); });
  }
}

// All members, in SetForEach order.
std::vector<SetMember> SetMembers(const Value& v);

// Draws uniformly random members of a set, with replacement, using the server's RNG. A small hashtable (128
// members or fewer) draws a position and walks to it. A larger hashtable draw picks
// a random bucket (a bucket group while rehashing, through the SCAN cursor mapping) and a random slot in
// [0, K) where K bounds the chain length: a slot past the chain's end is a miss and the draw repeats, so
// every member has the same chance 1/(groups*K) per try. K starts at 8 and grows to the longest chain seen.
class SetSampler {
 public:
  // REQUIRES: set is non-empty and outlives the sampler. draws is how many draws are planned: for many draws
  // from a hashtable (a quarter of its size or more) the sampler lists the members once and picks from the
  // list, and the set must then not change while the sampler is used; otherwise it may change between draws.
  explicit SetSampler(const Value& set, uint64_t draws = 1);
  SetMember Next();

 private:
  const Value& set_;
  size_t k_ = 8;
  std::vector<SetNode*> group_;
  std::vector<SetMember> listed_;
};

// SRANDMEMBER with a positive count: min(count, size) distinct members, every such subset equally likely.
std::vector<SetMember> SetRandomMembers(const Value& v, uint64_t count);

// ---- set algebra over resolved keys (nullptr = a missing key = an empty set) ----

using SetList = std::span<const Value* const>;

// SINTER: the members of the intersection (pointing into the inputs).
std::vector<SetMember> SetInter(SetList sets);
// SINTERCARD: the size of the intersection, counting stops at limit (0 = no limit).
size_t SetInterCard(SetList sets, size_t limit);
// SINTERSTORE / SUNION[STORE] / SDIFF[STORE]: the result as a new set value (possibly empty), built the way
// Redis builds it (SDIFF picks Redis' algorithm by the same cost estimate), so the encoding matches.
Value SetInterValue(SetList sets);
Value SetUnionValue(SetList sets);
Value SetDiffValue(SetList sets);

// ---- keyspace logic ----

// SADD: how many members were new; kWrongType.
OpResult<int64_t> SetAddMembers(Db& db, std::string_view key, std::span<const std::string_view> members);
// SREM: how many members were removed (the key is deleted once empty); kWrongType.
OpResult<int64_t> SetRemMembers(Db& db, std::string_view key, std::span<const std::string_view> members);
// SMOVE: 1 if member moved (or src == dst holds it), 0 otherwise; kWrongType if either key holds a non-set
// (not checked when src is missing, as Redis).
OpResult<int64_t> SetMove(Db& db, std::string_view src, std::string_view dst, std::string_view member);
// SPOP without count: the removed member; kKeyNotFound when the key is missing; kWrongType.
OpResult<std::string> SetPop(Db& db, std::string_view key);
// SPOP with count: the removed members (empty for a missing key or count 0); kWrongType.
OpResult<std::vector<std::string>> SetPopCount(Db& db, std::string_view key, uint64_t count);
// The *STORE epilogue: stores result at dst (replacing any value and its TTL) if non-empty, else deletes dst;
// reports `event` (or "del") as a keyspace event. Returns the stored size.
int64_t StoreSetResult(Db& db, std::string_view dst, Value&& result, const char* event);

}  // namespace corvid
