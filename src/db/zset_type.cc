#include "db/zset_type.h"

#include <malloc.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "db/blocking.h"
#include "db/db.h"
#include "db/notify.h"
#include "db/set_type.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"
#include "util/numeric.h"

namespace corvid {

namespace {
using Pos = Listpack::Pos;
using Node = SkipList::Node;
constexpr Pos kNoPos = Listpack::kNoPos;
}  // namespace

// ---- representation ----

ZsetSkiplist::~ZsetSkiplist() {
  dict.Clear([](ZsetEntry* e) { delete e; });
}

void ZsetSkiplist::InsertNew(double score, std::string_view member) {
  auto* e = new ZsetEntry;
  e->node = zsl.Insert(score, member);
  dict.Insert(e);
}

bool ZsetSkiplist::Remove(std::string_view member) {
  ZsetEntry* e = dict.Unlink(member);
  if (!e) return false;
  double score = e->node->Score();
  delete e;
  zsl.Delete(score, member);
  return true;
}

size_t ZsetScoreText(double score, char* buf) {
  // Redis 7.0's d2string: integral values in +-2^62 print as integers (so -0 becomes "0"), others "%.17g".
  if (!std::isinf(score) && !(score < static_cast<double>(-LLONG_MAX / 2) ||
                              score > static_cast<double>(LLONG_MAX / 2))) {
    auto ll = static_cast<long long>(score);
    if (static_cast<double>(ll) == score) return Int64ToChars(ll, buf);
  }
  return FormatDouble(score, buf);
}

double ZsetParseStoredScore(std::string_view s) {
  char buf[128];
  size_t n = std::min(s.size(), sizeof(buf) - 1);
  memcpy(buf, s.data(), n);
  buf[n] = '\0';
  return strtod(buf, nullptr);
}

std::string_view ZsetFormatScanScore(double score, char* buf) { return {buf, FormatDouble(score, buf)}; }

namespace {

bool ParseScoreBound(std::string_view s, double* v, bool* exclusive) {
  std::string text(s.substr(0, s.find('\0')));
  const char* p = text.c_str();
  *exclusive = *p == '(';
  if (*exclusive) ++p;
  char* end;
  *v = strtod(p, &end);
  return *end == '\0' && !std::isnan(*v);
}

}  // namespace

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out) {
  return ParseScoreBound(min, &out->min, &out->min_exclusive) && ParseScoreBound(max, &out->max, &out->max_exclusive);
}

// ---- listpack helpers ----

namespace {

double LpScoreAt(const Listpack* lp, Pos sp) {
  LpValue s = lp->Get(sp);
  return s.is_int ? static_cast<double>(s.num) : ZsetParseStoredScore(s.str);
}

// Position of member (its score follows), or kNoPos.
Pos LpFind(const Listpack* lp, std::string_view member) { return lp->Find(lp->First(), member, 1); }

// Inserts member,score before the member at `before` (at the tail when kNoPos).
void LpInsertAt(Listpack* lp, Pos before, std::string_view member, double score) {
  char sbuf[kDoubleChars];
  std::string_view st(sbuf, ZsetScoreText(score, sbuf));
  if (before == kNoPos) {
    lp->Append(member);
    lp->Append(st);
  } else {
    Pos mp = lp->Insert(before, Listpack::Where::kBefore, member);
    lp->Insert(mp, Listpack::Where::kAfter, st);
  }
}

// Redis' zzlInsert: at the (score, member) position.
void LpInsert(Listpack* lp, std::string_view member, double score) {
  char buf[LpValue::kIntBufSize];
  for (Pos p = lp->First(); p != kNoPos;) {
    Pos sp = lp->Next(p);
    double s = LpScoreAt(lp, sp);
    if (s > score || (s == score && lp->Get(p).AsString(buf) > member)) return LpInsertAt(lp, p, member, score);
    p = lp->Next(sp);
  }
  LpInsertAt(lp, kNoPos, member, score);
}

void ConvertToSkiplist(Value& v) {
  auto* zs = new ZsetSkiplist;
  char buf[LpValue::kIntBufSize];
  ZsetForEach(v, [&](const ZItem& it) { zs->InsertNew(it.score, it.Text(buf)); });
  delete v.As<Listpack>();
  v.ResetCollection(ObjEnc::kSkiplist, zs);
}

int64_t MaxListpackEntries() { return Cfg().zset_max_listpack_entries; }
int64_t MaxListpackValue() { return Cfg().zset_max_listpack_value; }

// An in-order position in either encoding.
class Cursor {
 public:
  explicit Cursor(const Value& v) {
    if (ZsetIsListpack(v)) lp_ = v.As<Listpack>();
  }
  static Cursor At(const Value& v, const Node* n) {
    Cursor c(v);
    c.node_ = n;
    return c;
  }
  static Cursor AtPos(const Value& v, Pos p) {
    Cursor c(v);
    c.pos_ = p;
    return c;
  }
  // The element of 0-based rank r (from the highest when reverse), or an invalid cursor.
  static Cursor AtRank(const Value& v, uint64_t r, bool reverse) {
    uint64_t n = ZsetSize(v);
    if (r >= n) return Cursor(v);
    uint64_t fwd = reverse ? n - 1 - r : r;
    if (ZsetIsListpack(v)) return AtPos(v, v.As<Listpack>()->Seek(static_cast<int64_t>(2 * fwd)));
    return At(v, v.As<ZsetSkiplist>()->zsl.GetByRank(fwd + 1));
  }
  // The first (last when reverse) element.
  static Cursor Start(const Value& v, bool reverse) { return AtRank(v, 0, reverse); }

  bool Valid() const { return lp_ ? pos_ != kNoPos : node_ != nullptr; }
  ZItem Get() const {
    if (lp_) return ZItem{lp_->Get(pos_), LpScoreAt(lp_, lp_->Next(pos_))};
    return ZItem{LpValue{node_->Member(), 0, false}, node_->Score()};
  }
  void Step(bool reverse) {
    if (lp_) {
      Pos p = reverse ? lp_->Prev(pos_) : lp_->Next(lp_->Next(pos_));
      pos_ = reverse && p != kNoPos ? lp_->Prev(p) : p;
    } else {
      node_ = reverse ? node_->Prev() : node_->Next();
    }
  }
  Pos pos() const { return pos_; }

 private:
  const Listpack* lp_ = nullptr;
  Pos pos_ = kNoPos;
  const Node* node_ = nullptr;
};

// Redis' range bounds, as tests on one element: `lower` (above the minimum) and `upper` (below the maximum).
struct ScoreTest {
  const ScoreRange& r;
  bool Empty() const { return r.IsEmpty(); }
  bool Lower(const ZItem& it) const { return r.ValueGteMin(it.score); }
  bool Upper(const ZItem& it) const { return r.ValueLteMax(it.score); }
  const Node* First(SkipList& zsl) const { return zsl.FirstInRange(r); }
  const Node* Last(SkipList& zsl) const { return zsl.LastInRange(r); }
};

struct LexTest {
  const LexRange& r;
  bool Empty() const { return r.IsEmpty(); }
  bool Lower(const ZItem& it) const {
    char buf[LpValue::kIntBufSize];
    return r.ValueGteMin(it.Text(buf));
  }
  bool Upper(const ZItem& it) const {
    char buf[LpValue::kIntBufSize];
    return r.ValueLteMax(it.Text(buf));
  }
  const Node* First(SkipList& zsl) const { return zsl.FirstInLexRange(r); }
  const Node* Last(SkipList& zsl) const { return zsl.LastInLexRange(r); }
};

// The first element in range (the last when reverse), or an invalid cursor.
template <typename Test>
Cursor FirstIn(const Value& v, const Test& t, bool reverse) {
  if (t.Empty()) return Cursor(v);
  if (!ZsetIsListpack(v)) {
    SkipList& zsl = v.As<ZsetSkiplist>()->zsl;
    return Cursor::At(v, reverse ? t.Last(zsl) : t.First(zsl));
  }
  // Redis' zzlIsInRange / zzlIsInLexRange: nothing when the last element is below the minimum or the first is
  // above the maximum (which decides lex ranges over members whose scores differ).
  Cursor last = Cursor::Start(v, true), first = Cursor::Start(v, false);
  if (!last.Valid() || !t.Lower(last.Get()) || !t.Upper(first.Get())) return Cursor(v);
  Cursor c = Cursor::Start(v, reverse);
  for (; c.Valid(); c.Step(reverse)) {
    ZItem it = c.Get();
    if (reverse ? t.Upper(it) : t.Lower(it)) return (reverse ? t.Lower(it) : t.Upper(it)) ? c : Cursor(v);
  }
  return c;
}

// Collects the elements from the first in range on while they stay in range (Redis' offset/limit loops).
template <typename Test>
std::vector<ZItem> CollectRange(const Value& v, const Test& t, bool reverse, int64_t offset, int64_t limit) {
  std::vector<ZItem> out;
  if (offset > 0 && static_cast<uint64_t>(offset) >= ZsetSize(v)) return out;
  Cursor c = FirstIn(v, t, reverse);
  while (c.Valid() && offset--) c.Step(reverse);
  while (c.Valid() && limit--) {
    ZItem it = c.Get();
    if (!(reverse ? t.Lower(it) : t.Upper(it))) break;
    out.push_back(it);
    c.Step(reverse);
  }
  return out;
}

template <typename Test>
uint64_t CountRange(const Value& v, const Test& t) {
  if (!ZsetIsListpack(v)) {
    if (t.Empty()) return 0;
    SkipList& zsl = v.As<ZsetSkiplist>()->zsl;
    const Node* first = t.First(zsl);
    if (!first) return 0;
    const Node* last = t.Last(zsl);
    return zsl.Rank(last->Score(), last->Member()) - zsl.Rank(first->Score(), first->Member()) + 1;
  }
  uint64_t n = 0;
  for (Cursor c = FirstIn(v, t, false); c.Valid() && t.Upper(c.Get()); c.Step(false)) ++n;
  return n;
}

template <typename Test>
uint64_t RemoveRange(Value& v, const Test& t) {
  if (!ZsetIsListpack(v)) {
    if (t.Empty()) return 0;
    ZsetSkiplist* zs = v.As<ZsetSkiplist>();
    auto unlink = [zs](std::string_view m) { delete zs->dict.Unlink(m); };
    if constexpr (std::is_same_v<Test, ScoreTest>)
      return zs->zsl.DeleteRangeByScore(t.r, unlink);
    else
      return zs->zsl.DeleteRangeByLex(t.r, unlink);
  }
  Cursor c = FirstIn(v, t, false);
  Pos start = c.pos();
  uint64_t n = 0;
  for (; c.Valid() && t.Upper(c.Get()); c.Step(false)) ++n;
  if (n) v.As<Listpack>()->Delete(start, static_cast<uint32_t>(2 * n));
  return n;
}

}  // namespace

// ---- one zset value ----

Value NewZset(size_t size_hint, size_t len_hint) {
  if (size_hint <= static_cast<size_t>(MaxListpackEntries()) && len_hint <= static_cast<size_t>(MaxListpackValue()))
    return Value::Collection(ObjType::kZset, ObjEnc::kListpack, new Listpack());
  return Value::Collection(ObjType::kZset, ObjEnc::kSkiplist, new ZsetSkiplist());
}

void ZsetConvertToSkiplist(Value& v) {
  if (ZsetIsListpack(v)) ConvertToSkiplist(v);
}

size_t ZsetSize(const Value& v) {
  if (ZsetIsListpack(v)) return v.As<Listpack>()->Size() / 2;
  return v.As<ZsetSkiplist>()->zsl.Size();
}

std::optional<double> ZsetScore(const Value& v, std::string_view member) {
  if (ZsetIsListpack(v)) {
    const Listpack* lp = v.As<Listpack>();
    Pos p = LpFind(lp, member);
    if (p == kNoPos) return std::nullopt;
    return LpScoreAt(lp, lp->Next(p));
  }
  const Node* n = v.As<ZsetSkiplist>()->Find(member);
  if (!n) return std::nullopt;
  return n->Score();
}

ZaddResult ZsetAdd(Value& v, double score, std::string_view member, int flags, double* newscore) {
  const bool incr = flags & kZaddIncr, nx = flags & kZaddNx, xx = flags & kZaddXx;
  const bool gt = flags & kZaddGt, lt = flags & kZaddLt;
  if (std::isnan(score)) return ZaddResult::kNan;
  // Redis' rules for a member that already has score cur (score becomes the new score on kUpdated).
  auto update = [&](double cur) {
    if (nx) return ZaddResult::kNop;
    if (incr) {
      score += cur;
      if (std::isnan(score)) return ZaddResult::kNan;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) return ZaddResult::kNop;
    if (newscore) *newscore = score;
    return score != cur ? ZaddResult::kUpdated : ZaddResult::kUnchanged;
  };
  if (ZsetIsListpack(v)) {
    Listpack* lp = v.As<Listpack>();
    Pos p = LpFind(lp, member);
    if (p != kNoPos) {
      ZaddResult r = update(LpScoreAt(lp, lp->Next(p)));
      if (r == ZaddResult::kUpdated) {
        lp->Delete(p, 2);
        LpInsert(lp, member, score);
      }
      return r;
    }
    if (xx) return ZaddResult::kNop;
    if (static_cast<int64_t>(lp->Size() / 2 + 1) > MaxListpackEntries() ||
        static_cast<int64_t>(member.size()) > MaxListpackValue() || !lp->SafeToAdd(member.size())) {
      ConvertToSkiplist(v);
    } else {
      LpInsert(lp, member, score);
      if (newscore) *newscore = score;
      return ZaddResult::kAdded;
    }
  }
  ZsetSkiplist* zs = v.As<ZsetSkiplist>();
  if (ZsetEntry* e = zs->dict.Find(member)) {
    double cur = e->node->Score();
    ZaddResult r = update(cur);
    if (r == ZaddResult::kUpdated) e->node = zs->zsl.UpdateScore(cur, member, score);
    return r;
  }
  if (xx) return ZaddResult::kNop;
  zs->InsertNew(score, member);
  if (newscore) *newscore = score;
  return ZaddResult::kAdded;
}

bool ZsetRemove(Value& v, std::string_view member) {
  if (ZsetIsListpack(v)) {
    Listpack* lp = v.As<Listpack>();
    Pos p = LpFind(lp, member);
    if (p == kNoPos) return false;
    lp->Delete(p, 2);
    return true;
  }
  return v.As<ZsetSkiplist>()->Remove(member);
}

std::optional<uint64_t> ZsetRank(const Value& v, std::string_view member, bool reverse) {
  uint64_t n = ZsetSize(v), rank = 0;
  if (ZsetIsListpack(v)) {
    const Listpack* lp = v.As<Listpack>();
    Pos p = lp->First();
    while (p != kNoPos && !lp->Get(p).Equals(member)) {
      p = lp->Next(lp->Next(p));
      ++rank;
    }
    if (p == kNoPos) return std::nullopt;
  } else {
    ZsetSkiplist* zs = v.As<ZsetSkiplist>();
    const Node* node = zs->Find(member);
    if (!node) return std::nullopt;
    rank = zs->zsl.Rank(node->Score(), member) - 1;
  }
  return reverse ? n - 1 - rank : rank;
}

std::vector<ZItem> ZsetRangeByRank(const Value& v, uint64_t start, uint64_t end, bool reverse) {
  std::vector<ZItem> out;
  out.reserve(end - start + 1);
  Cursor c = Cursor::AtRank(v, start, reverse);
  for (uint64_t i = start; i <= end && c.Valid(); ++i, c.Step(reverse)) out.push_back(c.Get());
  return out;
}

std::vector<ZItem> ZsetRangeByScore(const Value& v, const ScoreRange& r, bool reverse, int64_t offset,
                                    int64_t limit) {
  return CollectRange(v, ScoreTest{r}, reverse, offset, limit);
}

std::vector<ZItem> ZsetRangeByLex(const Value& v, const LexRange& r, bool reverse, int64_t offset, int64_t limit) {
  return CollectRange(v, LexTest{r}, reverse, offset, limit);
}

uint64_t ZsetCount(const Value& v, const ScoreRange& r) { return CountRange(v, ScoreTest{r}); }
uint64_t ZsetLexCount(const Value& v, const LexRange& r) { return CountRange(v, LexTest{r}); }
uint64_t ZsetRemoveRangeByScore(Value& v, const ScoreRange& r) { return RemoveRange(v, ScoreTest{r}); }
uint64_t ZsetRemoveRangeByLex(Value& v, const LexRange& r) { return RemoveRange(v, LexTest{r}); }

uint64_t ZsetRemoveRangeByRank(Value& v, uint64_t start, uint64_t end) {
  if (ZsetIsListpack(v)) {
    Listpack* lp = v.As<Listpack>();
    lp->Delete(lp->Seek(static_cast<int64_t>(2 * start)), static_cast<uint32_t>(2 * (end - start + 1)));
    return end - start + 1;
  }
  ZsetSkiplist* zs = v.As<ZsetSkiplist>();
  return zs->zsl.DeleteRangeByRank(start + 1, end + 1, [zs](std::string_view m) { delete zs->dict.Unlink(m); });
}

std::vector<ZOwned> ZsetCopyItems(std::span<const ZItem> items) {
  std::vector<ZOwned> out;
  out.reserve(items.size());
  char buf[LpValue::kIntBufSize];
  for (const ZItem& it : items) out.push_back(ZOwned{std::string(it.Text(buf)), it.score});
  return out;
}

std::vector<ZOwned> ZsetPop(Value& v, bool max, uint64_t count) {
  uint64_t n = ZsetSize(v);
  count = std::min(count, n);
  if (count == 0) return {};
  std::vector<ZOwned> out = ZsetCopyItems(ZsetRangeByRank(v, 0, count - 1, max));
  if (max)
    ZsetRemoveRangeByRank(v, n - count, n - 1);
  else
    ZsetRemoveRangeByRank(v, 0, count - 1);
  return out;
}

std::vector<ZItem> ZsetRandomItems(const Value& v, uint64_t count, bool unique) {
  uint64_t n = ZsetSize(v);
  std::vector<Pos> positions;  // listpack: every member position, so picks are O(1)
  if (ZsetIsListpack(v)) {
    const Listpack* lp = v.As<Listpack>();
    positions.reserve(n);
    for (Pos p = lp->First(); p != kNoPos; p = lp->Next(lp->Next(p))) positions.push_back(p);
  }
  auto at = [&](uint64_t rank) {
    return positions.empty() ? Cursor::At(v, v.As<ZsetSkiplist>()->zsl.GetByRank(rank + 1)).Get()
                             : Cursor::AtPos(v, positions[rank]).Get();
  };
  std::vector<ZItem> out;
  out.reserve(count);
  if (!unique) {
    for (uint64_t i = 0; i < count; ++i) out.push_back(at(Random64() % n));
    return out;
  }
  if (count * 3 > n) {  // a partial shuffle of every rank
    std::vector<uint64_t> ranks(n);
    for (uint64_t i = 0; i < n; ++i) ranks[i] = i;
    for (uint64_t i = 0; i < count; ++i) {
      std::swap(ranks[i], ranks[i + Random64() % (n - i)]);
      out.push_back(at(ranks[i]));
    }
    return out;
  }
  std::unordered_set<uint64_t> seen;
  while (out.size() < count) {
    uint64_t r = Random64() % n;
    if (seen.insert(r).second) out.push_back(at(r));
  }
  return out;
}

// ---- algebra ----

namespace {

bool IsSet(const ZSource& s) { return s.v && s.v->type() == ObjType::kSet; }

// Calls fn(member, score) for every element of s (set members score 1).
template <typename F>
void ForEachIn(const ZSource& s, F&& fn) {
  if (!s.v) return;
  if (IsSet(s)) {
    char buf[kInt64Chars];
    SetForEach(*s.v, [&](const SetMember& m) { fn(m.View(buf), 1.0); });
    return;
  }
  char buf[LpValue::kIntBufSize];
  ZsetForEach(*s.v, [&](const ZItem& it) { fn(it.Text(buf), it.score); });
}

std::optional<double> FindIn(const ZSource& s, std::string_view member) {
  if (!s.v) return std::nullopt;
  if (IsSet(s)) return SetContains(*s.v, member) ? std::optional<double>(1.0) : std::nullopt;
  return ZsetScore(*s.v, member);
}

void Aggregate(double* target, double val, ZAggregate agg) {
  switch (agg) {
    case ZAggregate::kSum:
      *target += val;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case ZAggregate::kMin: *target = val < *target ? val : *target; break;
    case ZAggregate::kMax: *target = val > *target ? val : *target; break;
  }
}

void SortByCardinality(std::vector<ZSource>& srcs) {
  std::stable_sort(srcs.begin(), srcs.end(),
                   [](const ZSource& a, const ZSource& b) { return ZSourceSize(a) < ZSourceSize(b); });
}

void SortItems(std::vector<ZOwned>& items) {
  std::sort(items.begin(), items.end(), [](const ZOwned& a, const ZOwned& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
}

// Walks the intersection: fn(member, score) for each member of the smallest input found in every input; fn
// returns false to stop.
template <typename F>
void WalkInter(std::vector<ZSource>& srcs, ZAggregate agg, F&& fn) {
  SortByCardinality(srcs);
  if (ZSourceSize(srcs[0]) == 0) return;
  bool stop = false;
  ForEachIn(srcs[0], [&](std::string_view m, double s) {
    if (stop) return;
    double score = srcs[0].weight * s;
    if (std::isnan(score)) score = 0;
    for (size_t j = 1; j < srcs.size(); ++j) {
      double value;
      if (srcs[j].v == srcs[0].v) {  // never look up the value being walked
        value = s * srcs[j].weight;
      } else if (std::optional<double> f = FindIn(srcs[j], m)) {
        value = *f * srcs[j].weight;
      } else {
        return;
      }
      Aggregate(&score, value, agg);
    }
    if (!fn(m, score)) stop = true;
  });
}

}  // namespace

size_t ZSourceSize(const ZSource& s) {
  if (!s.v) return 0;
  return IsSet(s) ? SetSize(*s.v) : ZsetSize(*s.v);
}

std::vector<ZOwned> ZsetUnion(std::vector<ZSource> srcs, ZAggregate agg) {
  SortByCardinality(srcs);
  std::unordered_map<std::string, double> acc;
  if (!srcs.empty()) acc.reserve(ZSourceSize(srcs.back()));
  for (const ZSource& src : srcs) {
    ForEachIn(src, [&](std::string_view m, double s) {
      double score = src.weight * s;
      if (std::isnan(score)) score = 0;
      auto [it, added] = acc.try_emplace(std::string(m), score);
      if (!added) Aggregate(&it->second, score, agg);
    });
  }
  std::vector<ZOwned> out;
  out.reserve(acc.size());
  for (auto& [m, s] : acc) out.push_back(ZOwned{m, s});
  SortItems(out);
  return out;
}

std::vector<ZOwned> ZsetInter(std::vector<ZSource> srcs, ZAggregate agg) {
  std::vector<ZOwned> out;
  WalkInter(srcs, agg, [&](std::string_view m, double score) {
    out.push_back(ZOwned{std::string(m), score});
    return true;
  });
  SortItems(out);
  return out;
}

uint64_t ZsetInterCard(std::vector<ZSource> srcs, uint64_t limit) {
  uint64_t n = 0;
  WalkInter(srcs, ZAggregate::kSum, [&](std::string_view, double) { return !(++n == limit); });
  return n;
}

std::vector<ZOwned> ZsetDiff(std::span<const ZSource> srcs) {
  std::vector<ZOwned> out;
  for (size_t j = 1; j < srcs.size(); ++j)
    if (srcs[j].v && srcs[j].v == srcs[0].v) return out;
  ForEachIn(srcs[0], [&](std::string_view m, double s) {
    for (size_t j = 1; j < srcs.size(); ++j)
      if (FindIn(srcs[j], m)) return;
    out.push_back(ZOwned{std::string(m), s});
  });
  SortItems(out);
  return out;
}

Value ZsetFromItems(std::span<const ZOwned> items) {
  size_t maxlen = 0, total = 0;
  for (const ZOwned& it : items) {
    maxlen = std::max(maxlen, it.member.size());
    total += it.member.size();
  }
  if (static_cast<int64_t>(items.size()) <= MaxListpackEntries() && static_cast<int64_t>(maxlen) <= MaxListpackValue() &&
      total <= Listpack::kMaxSafetySize) {
    auto* lp = new Listpack();
    for (const ZOwned& it : items) LpInsertAt(lp, kNoPos, it.member, it.score);
    return Value::Collection(ObjType::kZset, ObjEnc::kListpack, lp);
  }
  auto* zs = new ZsetSkiplist();
  for (const ZOwned& it : items) zs->InsertNew(it.score, it.member);
  return Value::Collection(ObjType::kZset, ObjEnc::kSkiplist, zs);
}

// ---- keyspace operations ----

int64_t ZsetStore(Db& db, std::string_view dst, std::span<const ZOwned> items, const char* event) {
  if (items.empty()) {
    if (db.Delete(dst)) {
      ++Srv().stats.dirty;
      NotifyKeyspaceEvent(kNotifyGeneric, "del", dst, db.index());
    }
    return 0;
  }
  db.Set(dst, ZsetFromItems(items));
  ++Srv().stats.dirty;
  SignalKeyReady(db, dst);
  NotifyKeyspaceEvent(kNotifyZset, event, dst, db.index());
  return static_cast<int64_t>(items.size());
}

void ZsetDeleteIfEmpty(Db& db, KeyEntry* e) {
  if (ZsetSize(e->val) == 0) db.DeleteEntry(e);
}

// ---- collection hooks ----

namespace {

void FreeZset(ObjEnc e, void* p) {
  if (e == ObjEnc::kListpack)
    delete static_cast<Listpack*>(p);
  else
    delete static_cast<ZsetSkiplist*>(p);
}

// Heap bytes. A skiplist is estimated from its first `samples` nodes, as Redis' MEMORY USAGE samples.
size_t ZsetBytes(ObjEnc e, const void* p, size_t samples) {
  if (e == ObjEnc::kListpack) {
    const auto* lp = static_cast<const Listpack*>(p);
    return malloc_usable_size(const_cast<Listpack*>(lp)) + malloc_usable_size(const_cast<char*>(lp->Bytes().data()));
  }
  auto* zs = const_cast<ZsetSkiplist*>(static_cast<const ZsetSkiplist*>(p));
  size_t total = malloc_usable_size(zs) + zs->dict.BucketBytes();
  size_t n = zs->zsl.Size(), sampled = 0, sample_bytes = 0;
  for (const Node* node = zs->zsl.First(); node && sampled < samples; node = node->Next(), ++sampled)
    sample_bytes += malloc_usable_size(const_cast<Node*>(node)) + sizeof(ZsetEntry);
  return total + ScaleSample(sample_bytes, sampled, n);
}

void* CloneZset(ObjEnc e, const void* p) {
  if (e == ObjEnc::kListpack) return new Listpack(Listpack::FromBytes(static_cast<const Listpack*>(p)->Bytes()));
  auto* copy = new ZsetSkiplist;
  for (const Node* n = static_cast<const ZsetSkiplist*>(p)->zsl.First(); n; n = n->Next())
    copy->InsertNew(n->Score(), n->Member());
  return copy;
}

// Redis' xorObjectDigest for zsets: per element, SHA1-mix the member then its score ("%.17g") into a zeroed
// digest, and xor that into d.
void DigestZset(const Value& v, Digest d) {
  char mbuf[LpValue::kIntBufSize], sbuf[kDoubleChars];
  ZsetForEach(v, [&](const ZItem& it) {
    Digest ele = {};
    std::string_view m = it.Text(mbuf);
    MixDigest(ele, m.data(), m.size());
    MixDigest(ele, sbuf, FormatDouble(it.score, sbuf));
    XorDigest(d, ele, sizeof(Digest));
  });
}

}  // namespace

const CollectionOps kZsetOps = {FreeZset, ZsetBytes, CloneZset, DigestZset};

void RegisterZsetOps() { RegisterCollectionOps(ObjType::kZset, &kZsetOps); }

}  // namespace corvid
