// Sorted sets: the two representations of a zset value and the operations the zset commands, COPY, DEBUG
// DIGEST and RDB build on (apart from replies).
//
// A zset value (ObjType::kZset) is either
//   - ObjEnc::kListpack: a Listpack* holding member,score,member,score... in (score, member) order, the score
//     written as Redis 7.0's d2string writes it (an integer when the double is integral within +-2^62, which
//     also turns -0 into 0; else "%.17g", "inf", "-inf"), while the zset has at most zset-max-listpack-entries
//     members of at most zset-max-listpack-value bytes;
//   - ObjEnc::kSkiplist: a ZsetSkiplist* — a SkipList ordered by (score, member) whose nodes hold the member
//     bytes, and a Dict from member to node whose 16-byte entries point at the node (no second copy of the
//     member, the score is read from the node).
// Conversions follow Redis 7.0: a zset is created as a listpack unless the creator's size or length hint is
// over the limits (NewZset, Redis' zsetTypeCreate); an add that would break a limit converts it to a skiplist;
// results of ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE/ZRANGESTORE are listpacks when they fit (ZsetFromItems).
// Nothing else converts back.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/collections.h"
#include "db/value.h"
#include "ds/dict.h"
#include "ds/hash.h"
#include "ds/listpack.h"
#include "ds/skiplist.h"

namespace corvid {

class Db;
struct KeyEntry;

// ---- representation ----

struct ZsetEntry {
  ZsetEntry* next = nullptr;
  const SkipList::Node* node = nullptr;  // owns the member bytes and the score
};
static_assert(sizeof(ZsetEntry) == 16);

struct ZsetEntryTraits {
  using Key = std::string_view;
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static uint64_t NodeHash(const ZsetEntry& e) { return HashBytes(e.node->Member()); }
  static bool Equal(const ZsetEntry& e, std::string_view k) { return e.node->Member() == k; }
};
using ZsetDict = Dict<ZsetEntry, ZsetEntryTraits>;

// The skiplist encoding.
struct ZsetSkiplist {
  SkipList zsl;
  ZsetDict dict;

  ZsetSkiplist() = default;
  ZsetSkiplist(const ZsetSkiplist&) = delete;
  ZsetSkiplist& operator=(const ZsetSkiplist&) = delete;
  ~ZsetSkiplist();
  // The node of member, or nullptr.
  const SkipList::Node* Find(std::string_view member) { ZsetEntry* e = dict.Find(member); return e ? e->node : nullptr; }
  // Adds a member known to be absent.
  void InsertNew(double score, std::string_view member);
  // Removes member; false if absent.
  bool Remove(std::string_view member);
};

// The free/bytes/clone/digest hooks of zset values (RegisterZsetFamily registers them; tests call RegisterZsetOps).
extern const CollectionOps kZsetOps;
void RegisterZsetOps();

// One element as read from a zset: the member (a byte string viewing the zset, or an integer from a listpack)
// and its score. Valid until the zset changes.
struct ZItem {
  LpValue member;
  double score = 0;
  // The member's bytes (an integer formatted into buf).
  std::string_view Text(char (&buf)[LpValue::kIntBufSize]) const { return member.AsString(buf); }
};

// An element copied out of a zset.
struct ZOwned {
  std::string member;
  double score = 0;
};

// The text Redis 7.0 stores in a listpack for score (d2string). Returns the length.
// REQUIRES: buf has kDoubleChars bytes; score is not NaN.
size_t ZsetScoreText(double score, char* buf);

// Parses ZRANGEBYSCORE-style bounds ("1.5", "(1.5", "-inf", "+inf") with Redis' rules (strtod over the text up to
// its first NUL, so " 1", "" and "0x10" are accepted; NaN rejected). False on a bad bound.
bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out);

// ---- one zset value (REQUIRES for all: v is a zset) ----

// An empty zset as Redis' zsetTypeCreate makes it: a listpack when size_hint <= zset-max-listpack-entries and
// len_hint <= zset-max-listpack-value, else a skiplist. (ZADD/ZINCRBY create with size_hint 1 and the length of
// their first member, as Redis 7.0 does.)
Value NewZset(size_t size_hint, size_t len_hint);
inline bool ZsetIsListpack(const Value& v) { return v.encoding() == ObjEnc::kListpack; }
// Converts a listpack zset to a skiplist (SORT does, as Redis); nothing for a skiplist.
void ZsetConvertToSkiplist(Value& v);
size_t ZsetSize(const Value& v);
std::optional<double> ZsetScore(const Value& v, std::string_view member);

// Redis' zsetAdd.
enum ZaddFlag : int { kZaddNx = 1, kZaddXx = 2, kZaddGt = 4, kZaddLt = 8, kZaddIncr = 16 };
// kUnchanged: the member was processed (INCR replies its score) but its score stays; kNop: a condition (NX XX
// GT LT) skipped it; kNan: score is NaN or the increment made it NaN (nothing changed).
enum class ZaddResult : uint8_t { kAdded, kUpdated, kUnchanged, kNop, kNan };
// Adds or updates member under flags (ZaddFlag bits). *newscore (if set) gets the resulting score unless the
// result is kNop or kNan. Converts a listpack to a skiplist before an insert that would break its limits.
ZaddResult ZsetAdd(Value& v, double score, std::string_view member, int flags, double* newscore);
// Removes member; false if absent. The caller deletes the key when the zset becomes empty.
bool ZsetRemove(Value& v, std::string_view member);
// 0-based rank of member (from the highest when reverse), or nullopt if absent.
std::optional<uint64_t> ZsetRank(const Value& v, std::string_view member, bool reverse);

// Elements of ranks [start, end] (from the highest when reverse), in that order. REQUIRES: start <= end < size.
std::vector<ZItem> ZsetRangeByRank(const Value& v, uint64_t start, uint64_t end, bool reverse);
// Elements with scores in r, ascending (descending when reverse), after skipping `offset` elements, at most
// `limit` of them (limit < 0: all). As Redis, a negative offset skips everything.
std::vector<ZItem> ZsetRangeByScore(const Value& v, const ScoreRange& r, bool reverse, int64_t offset, int64_t limit);
// The same over members in a lex range (meaningful when all scores are equal).
std::vector<ZItem> ZsetRangeByLex(const Value& v, const LexRange& r, bool reverse, int64_t offset, int64_t limit);
uint64_t ZsetCount(const Value& v, const ScoreRange& r);
uint64_t ZsetLexCount(const Value& v, const LexRange& r);
// Removal of ranges; return how many elements were removed. Rank range: REQUIRES start <= end < size.
uint64_t ZsetRemoveRangeByRank(Value& v, uint64_t start, uint64_t end);
uint64_t ZsetRemoveRangeByScore(Value& v, const ScoreRange& r);
uint64_t ZsetRemoveRangeByLex(Value& v, const LexRange& r);
// Removes and returns up to count of the lowest (highest when max) elements, in pop order.
std::vector<ZOwned> ZsetPop(Value& v, bool max, uint64_t count);

// A listpack score string as a double (Redis' zzlStrtod).
double ZsetParseStoredScore(std::string_view s);

// Calls fn(const ZItem&) for every element in order; fn must not change the zset.
template <typename F>
void ZsetForEach(const Value& v, F&& fn) {
  if (ZsetIsListpack(v)) {
    const Listpack* lp = v.As<Listpack>();
    for (Listpack::Pos p = lp->First(); p != Listpack::kNoPos;) {
      Listpack::Pos sp = lp->Next(p);
      LpValue s = lp->Get(sp);
      fn(ZItem{lp->Get(p), s.is_int ? static_cast<double>(s.num) : ZsetParseStoredScore(s.str)});
      p = lp->Next(sp);
    }
  } else {
    for (const SkipList::Node* n = v.As<ZsetSkiplist>()->zsl.First(); n; n = n->Next())
      fn(ZItem{LpValue{n->Member(), 0, false}, n->Score()});
  }
}

// ZRANDMEMBER's picks with the server RNG: `count` independent uniform picks (!unique), or `count` distinct
// elements in random order (unique; REQUIRES count < size). REQUIRES: the zset is not empty.
std::vector<ZItem> ZsetRandomItems(const Value& v, uint64_t count, bool unique);

// One ZSCAN step as Redis 7.0 does it: a listpack returns every element (score as stored) and cursor 0; a
// skiplist visits dict buckets from cursor until 2*elements >= count or 10*count buckets were visited (scores
// printed "%.17g"). Calls fn(member, score_text) per element; returns the next cursor.
template <typename F>
uint64_t ZsetScan(const Value& v, uint64_t cursor, int64_t count, F&& fn);

// ---- algebra (ZUNION ZINTER ZDIFF and their STORE/CARD forms) ----

// One input: a zset, a set (every member scores 1), or nullptr for a missing key.
struct ZSource {
  const Value* v = nullptr;
  double weight = 1;
};
enum class ZAggregate : uint8_t { kSum, kMin, kMax };
size_t ZSourceSize(const ZSource& s);
// Results sorted by (score, member); the inputs are taken in Redis' order (by cardinality, stable), so sums of
// floats come out bit-identical.
std::vector<ZOwned> ZsetUnion(std::vector<ZSource> srcs, ZAggregate agg);
std::vector<ZOwned> ZsetInter(std::vector<ZSource> srcs, ZAggregate agg);
// ZINTERCARD: counting stops at limit (0 = no limit).
uint64_t ZsetInterCard(std::vector<ZSource> srcs, uint64_t limit);
// Members of srcs[0] in no other input, with their srcs[0] scores.
std::vector<ZOwned> ZsetDiff(std::span<const ZSource> srcs);
// A zset holding items (sorted by (score, member), distinct members): a listpack when there are at most
// zset-max-listpack-entries of them and none is longer than zset-max-listpack-value (Redis'
// zsetConvertToListpackIfNeeded on a *STORE result), else a skiplist. REQUIRES: items is not empty.
Value ZsetFromItems(std::span<const ZOwned> items);
// Copies items out of their zset.
std::vector<ZOwned> ZsetCopyItems(std::span<const ZItem> items);

// ---- keyspace operations ----

// The *STORE epilogue: stores the result at dst (replacing any value and TTL) and signals blocked clients when
// there are items, else deletes dst. Counts dirty and reports `event` (or "del"). Returns the stored size.
int64_t ZsetStore(Db& db, std::string_view dst, std::span<const ZOwned> items, const char* event);
// Deletes the key of e when its zset became empty.
void ZsetDeleteIfEmpty(Db& db, KeyEntry* e);

// ---- template definitions ----

// A skiplist score as ZSCAN prints it (Redis' ld2string "%.17Lg"). REQUIRES: buf has 128 bytes.
std::string_view ZsetFormatScanScore(double score, char* buf);

template <typename F>
uint64_t ZsetScan(const Value& v, uint64_t cursor, int64_t count, F&& fn) {
  if (ZsetIsListpack(v)) {
    const Listpack* lp = v.As<Listpack>();
    char mbuf[LpValue::kIntBufSize], sbuf[LpValue::kIntBufSize];
    for (Listpack::Pos p = lp->First(); p != Listpack::kNoPos;) {
      Listpack::Pos sp = lp->Next(p);
      fn(lp->Get(p).AsString(mbuf), lp->Get(sp).AsString(sbuf));
      p = lp->Next(sp);
    }
    return 0;
  }
  ZsetDict& d = v.As<ZsetSkiplist>()->dict;
  std::vector<const SkipList::Node*> nodes;
  int64_t max_iter = count * 10;
  do {
    cursor = d.Scan(cursor, [&](ZsetEntry* e) { nodes.push_back(e->node); });
  } while (cursor && max_iter-- && static_cast<int64_t>(nodes.size() * 2) < count);
  char buf[128];
  for (const SkipList::Node* n : nodes) fn(n->Member(), ZsetFormatScanScore(n->Score(), buf));
  return cursor;
}

}  // namespace corvid
