// Lists in the keyspace: list values (a Quicklist, reported as "quicklist" like Redis 7.0) and the keyspace
// logic of the list commands, apart from argument parsing and replies.
//
// Every function that changes a list counts the change in Srv().stats.dirty as Redis does, deletes a list that
// became empty, and signals keys that came into existence as lists to the clients blocked on them.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "corvid/status.h"
#include "db/db.h"
#include "ds/quicklist.h"

namespace corvid {

using ListWhere = Quicklist::Where;

// A new empty list value, with the configured list-max-listpack-size and list-compress-depth.
Value NewListValue();
// The quicklist of a list value. REQUIRES: v.type() == ObjType::kList.
inline Quicklist* ListOf(const Value& v) { return v.As<Quicklist>(); }
// Registers the list CollectionOps (free, bytes, clone, digest).
void RegisterListType();

// The list at key, looked up for writing: nullptr with *st = kKeyNotFound or kWrongType.
KeyEntry* FindListForWrite(Db& db, std::string_view key, OpStatus* st);

// LPUSH/RPUSH (only_existing: LPUSHX/RPUSHX): pushes values one by one at `where`; returns the new length (0
// when only_existing and the key is absent), or kWrongType.
OpResult<int64_t> ListPush(Db& db, std::string_view key, std::span<const std::string_view> values, ListWhere where,
                           bool only_existing);

// Pops up to count elements of the list in e (stored at key) from `where`, calling fn(const LpValue&) with
// each in pop order before they are removed; deletes the key when the list empties. Returns how many.
template <typename F>
size_t ListPopRange(Db& db, KeyEntry* e, ListWhere where, size_t count, F&& fn);

// Pops one element of the list in e from `where`, calling fn(const LpValue&) with it before it is removed;
// deletes the key when the list empties. REQUIRES: the list is not empty (lists in the keyspace never are).
template <typename F>
void ListPopOne(Db& db, KeyEntry* e, ListWhere where, F&& fn);

// LINSERT: the new length, -1 when the pivot is absent, 0 when the key is absent; or kWrongType.
OpResult<int64_t> ListInsert(Db& db, std::string_view key, bool after, std::string_view pivot,
                             std::string_view value);

enum class ListSetResult { kOk, kNoSuchKey, kWrongType, kOutOfRange };
// LSET.
ListSetResult ListSet(Db& db, std::string_view key, int64_t index, std::string_view value);

// LREM: how many were removed (count > 0: from the head, < 0: from the tail, 0: all); or kWrongType.
OpResult<int64_t> ListRem(Db& db, std::string_view key, int64_t count, std::string_view value);

// LTRIM: kOk, kKeyNotFound when the key is absent, or kWrongType.
OpStatus ListTrim(Db& db, std::string_view key, int64_t start, int64_t end);

// LMOVE/RPOPLPUSH: the element moved from src's `from` end to dst's `to` end, nullopt when src is absent; or
// kWrongType when either key holds another type (nothing is moved then).
OpResult<std::optional<std::string>> ListMove(Db& db, std::string_view src, std::string_view dst, ListWhere from,
                                              ListWhere to);

// LRANGE/LTRIM's index rules on a list of length len: the [*from, *from + *count) slice.
void ListRangeBounds(int64_t len, int64_t start, int64_t end, int64_t* from, int64_t* count);

struct ListPosOptions {
  int64_t rank = 1;     // nth match; negative: search from the tail
  int64_t count = -1;   // -1: COUNT not given (one index or nil); 0: all matches
  int64_t maxlen = 0;   // elements to scan, 0 = all
};
// LPOS: the indexes of the matches (at most one without COUNT).
std::vector<int64_t> ListPositions(const Quicklist& ql, std::string_view element, const ListPosOptions& o);

// ---- template definitions ----

// Counts popped elements as changes and deletes the key of e when its list became empty.
void FinishListPop(Db& db, KeyEntry* e, size_t popped);

template <typename F>
void ListPopOne(Db& db, KeyEntry* e, ListWhere where, F&& fn) {
  ListOf(e->val)->Pop(where, fn);
  FinishListPop(db, e, 1);
}

template <typename F>
size_t ListPopRange(Db& db, KeyEntry* e, ListWhere where, size_t count, F&& fn) {
  Quicklist* ql = ListOf(e->val);
  size_t n = count < ql->Size() ? count : ql->Size();
  if (n == 0) return 0;
  bool head = where == ListWhere::kHead;
  size_t left = n;
  ql->Walk(head ? 0 : -1, head, [&](const LpValue& v) {
    fn(v);
    return --left > 0;
  });
  if (head)
    ql->DelRange(0, static_cast<int64_t>(n));
  else
    ql->DelRange(-static_cast<int64_t>(n), static_cast<int64_t>(n));
  FinishListPop(db, e, n);
  return n;
}

}  // namespace corvid
