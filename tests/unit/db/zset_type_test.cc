#include "db/zset_type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"
#include "db/set_type.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"
#include "util/numeric.h"

namespace corvid {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Pairs = std::vector<std::pair<std::string, double>>;

class ZsetTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterZsetOps();
    RegisterSetType();
    ResetConfigToDefaults();
    InitDatabases(16);
    Srv().stats.dirty = 0;
  }
  void TearDown() override {
    InitDatabases(16);
    ResetConfigToDefaults();
  }

  static Pairs Contents(const Value& v) {
    Pairs out;
    char buf[LpValue::kIntBufSize];
    ZsetForEach(v, [&](const ZItem& it) { out.emplace_back(std::string(it.Text(buf)), it.score); });
    return out;
  }
  static Pairs ToPairs(const std::vector<ZItem>& items) {
    Pairs out;
    char buf[LpValue::kIntBufSize];
    for (const ZItem& it : items) out.emplace_back(std::string(it.Text(buf)), it.score);
    return out;
  }
  static Pairs ToPairs(const std::vector<ZOwned>& items) {
    Pairs out;
    for (const ZOwned& it : items) out.emplace_back(it.member, it.score);
    return out;
  }
  static std::string DigestOf(const Value& v) {
    Digest d = {};
    kZsetOps.digest(v, d);
    return DigestHex(d);
  }
  static std::string ScoreText(double d) {
    char buf[kDoubleChars];
    return std::string(buf, ZsetScoreText(d, buf));
  }
  // A zset of the given encoding holding pairs.
  static Value Make(const Pairs& pairs, bool skiplist) {
    Value v = NewZset(skiplist ? SIZE_MAX : 0, 0);
    for (const auto& [m, s] : pairs) ZsetAdd(v, s, m, 0, nullptr);
    return v;
  }
  static Value Make(const Pairs& pairs) { return Make(pairs, false); }
  static bool Invariants(const Value& v) {
    if (ZsetIsListpack(v)) return true;
    const ZsetSkiplist* zs = v.As<ZsetSkiplist>();
    return zs->zsl.CheckInvariants() && zs->dict.size() == zs->zsl.Size();
  }
};

TEST_F(ZsetTypeTest, ListpackScoreTextIsRedis70D2string) {
  EXPECT_EQ(ScoreText(0), "0");
  EXPECT_EQ(ScoreText(-0.0), "0");  // the integer path drops the sign: "-0" never reaches a listpack
  EXPECT_EQ(ScoreText(1), "1");
  EXPECT_EQ(ScoreText(-17), "-17");
  EXPECT_EQ(ScoreText(1.5), "1.5");
  EXPECT_EQ(ScoreText(0.1), "0.10000000000000001");
  EXPECT_EQ(ScoreText(1e17), "100000000000000000");
  EXPECT_EQ(ScoreText(4611686018427387904.0), "4611686018427387904");  // 2^62 is still integral
  EXPECT_EQ(ScoreText(9223372036854775808.0), "9.2233720368547758e+18");
  EXPECT_EQ(ScoreText(-1e19), "-1e+19");
  EXPECT_EQ(ScoreText(kInf), "inf");
  EXPECT_EQ(ScoreText(-kInf), "-inf");
  EXPECT_EQ(ZsetParseStoredScore("0.10000000000000001"), 0.1);
  EXPECT_EQ(ZsetParseStoredScore("-inf"), -kInf);
}

TEST_F(ZsetTypeTest, ParseScoreRangeFollowsStrtod) {
  ScoreRange r;
  ASSERT_TRUE(ParseScoreRange("(1.5", "+inf", &r));
  EXPECT_TRUE(r.min_exclusive);
  EXPECT_FALSE(r.max_exclusive);
  EXPECT_EQ(r.min, 1.5);
  EXPECT_EQ(r.max, kInf);
  ASSERT_TRUE(ParseScoreRange("", "(", &r));  // strtod("") is 0 with nothing left over
  EXPECT_EQ(r.min, 0);
  EXPECT_TRUE(r.max_exclusive);
  ASSERT_TRUE(ParseScoreRange(" 2", "0x10", &r));
  EXPECT_EQ(r.min, 2);
  EXPECT_EQ(r.max, 16);
  ASSERT_TRUE(ParseScoreRange(std::string_view("3\0junk", 6), "1e400", &r));
  EXPECT_EQ(r.min, 3);
  EXPECT_EQ(r.max, kInf);
  EXPECT_FALSE(ParseScoreRange("nan", "1", &r));
  EXPECT_FALSE(ParseScoreRange("1", "abc", &r));
  EXPECT_FALSE(ParseScoreRange("2 ", "3", &r));
  EXPECT_FALSE(ParseScoreRange("((1", "3", &r));
}

TEST_F(ZsetTypeTest, ListpackKeepsScoreThenMemberOrderAndExactBytes) {
  Value v = Make({{"b", 2}, {"a", 2}, {"c", 1}, {"10", 2}, {"2", 2}, {"x", -kInf}});
  ASSERT_TRUE(ZsetIsListpack(v));
  EXPECT_EQ(Contents(v), (Pairs{{"x", -kInf}, {"c", 1}, {"10", 2}, {"2", 2}, {"a", 2}, {"b", 2}}));
  // member,score pairs as Redis writes them: integers as listpack integers, the rest as strings.
  const Listpack* lp = v.As<Listpack>();
  EXPECT_EQ(lp->Size(), 12u);
  LpValue m = lp->Get(lp->Seek(4)), s = lp->Get(lp->Seek(5));
  EXPECT_TRUE(m.is_int);
  EXPECT_EQ(m.num, 10);
  EXPECT_TRUE(s.is_int);
  EXPECT_EQ(s.num, 2);
  EXPECT_EQ(lp->Get(lp->Seek(1)).str, "-inf");
  Listpack expected;
  for (const char* e : {"x", "-inf", "c", "1", "10", "2", "2", "2", "a", "2", "b", "2"}) expected.Append(e);
  EXPECT_EQ(lp->Bytes(), expected.Bytes());
}

TEST_F(ZsetTypeTest, AddFlagsFollowRedis) {
  Value v = Make({{"a", 1}});
  double ns = 0;
  EXPECT_EQ(ZsetAdd(v, 5, "a", kZaddNx, &ns), ZaddResult::kNop);
  EXPECT_EQ(ZsetAdd(v, 5, "b", kZaddXx, &ns), ZaddResult::kNop);
  EXPECT_EQ(ZsetAdd(v, 0, "a", kZaddGt, &ns), ZaddResult::kNop);
  EXPECT_EQ(ZsetAdd(v, 3, "a", kZaddGt, &ns), ZaddResult::kUpdated);
  EXPECT_EQ(ns, 3);
  EXPECT_EQ(ZsetAdd(v, 4, "a", kZaddLt, &ns), ZaddResult::kNop);
  EXPECT_EQ(ZsetAdd(v, 3, "a", 0, &ns), ZaddResult::kUnchanged);
  EXPECT_EQ(ZsetAdd(v, 2, "a", kZaddIncr, &ns), ZaddResult::kUpdated);
  EXPECT_EQ(ns, 5);
  EXPECT_EQ(ZsetAdd(v, -1, "a", kZaddIncr | kZaddGt, &ns), ZaddResult::kNop);
  EXPECT_EQ(ZsetAdd(v, 0, "a", kZaddIncr, &ns), ZaddResult::kUnchanged);
  EXPECT_EQ(ZsetAdd(v, std::nan(""), "a", 0, &ns), ZaddResult::kNan);
  EXPECT_EQ(ZsetAdd(v, kInf, "i", 0, &ns), ZaddResult::kAdded);
  EXPECT_EQ(ZsetAdd(v, -kInf, "i", kZaddIncr, &ns), ZaddResult::kNan);
  EXPECT_EQ(ZsetScore(v, "i"), kInf);
  EXPECT_EQ(ZsetAdd(v, 7, "new", kZaddIncr, &ns), ZaddResult::kAdded);
  EXPECT_EQ(ns, 7);
  EXPECT_EQ(Contents(v), (Pairs{{"a", 5}, {"new", 7}, {"i", kInf}}));
}

TEST_F(ZsetTypeTest, NegativeZeroIsZeroInAListpackButKeptInASkiplist) {
  Value lp = Make({{"m", -0.0}});
  Value sl = Make({{"m", -0.0}}, true);
  EXPECT_FALSE(std::signbit(*ZsetScore(lp, "m")));
  EXPECT_TRUE(std::signbit(*ZsetScore(sl, "m")));
  // 0 == -0: no update either way.
  EXPECT_EQ(ZsetAdd(sl, 0, "m", 0, nullptr), ZaddResult::kUnchanged);
  EXPECT_TRUE(std::signbit(*ZsetScore(sl, "m")));
  EXPECT_NE(DigestOf(lp), DigestOf(sl));
}

TEST_F(ZsetTypeTest, ConvertsWhenEntriesPassTheLimit) {
  Cfg().zset_max_listpack_entries = 4;
  Value v = Make({{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}});
  ASSERT_TRUE(ZsetIsListpack(v));
  std::string before = DigestOf(v);
  EXPECT_EQ(ZsetAdd(v, 4, "d", 0, nullptr), ZaddResult::kUnchanged);
  EXPECT_TRUE(ZsetIsListpack(v));
  EXPECT_EQ(ZsetAdd(v, 0, "e", kZaddXx, nullptr), ZaddResult::kNop);
  EXPECT_TRUE(ZsetIsListpack(v));
  EXPECT_EQ(ZsetAdd(v, 0.5, "e", 0, nullptr), ZaddResult::kAdded);
  ASSERT_FALSE(ZsetIsListpack(v));
  EXPECT_TRUE(Invariants(v));
  EXPECT_EQ(Contents(v), (Pairs{{"e", 0.5}, {"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}}));
  ZsetRemove(v, "e");
  EXPECT_EQ(DigestOf(v), before);  // same contents, same digest, whatever the encoding
  ZsetRemove(v, "a");
  EXPECT_FALSE(ZsetIsListpack(v));  // never converts back by itself
}

TEST_F(ZsetTypeTest, ConvertsOnALongMember) {
  Value v = Make({{"a", 1}});
  std::string m64(64, 'x'), m65(65, 'y');
  ZsetAdd(v, 2, m64, 0, nullptr);
  EXPECT_TRUE(ZsetIsListpack(v));
  ZsetAdd(v, 3, m65, 0, nullptr);
  EXPECT_FALSE(ZsetIsListpack(v));
  EXPECT_EQ(ZsetScore(v, m65), 3);
  EXPECT_EQ(ZsetScore(v, m64), 2);
  EXPECT_EQ(NewZset(1, 65).encoding(), ObjEnc::kSkiplist);
  EXPECT_EQ(NewZset(128, 64).encoding(), ObjEnc::kListpack);
  EXPECT_EQ(NewZset(129, 0).encoding(), ObjEnc::kSkiplist);
}

TEST_F(ZsetTypeTest, FromItemsPicksTheEncodingOfAStoreResult) {
  std::vector<ZOwned> items;
  for (int i = 0; i < 128; ++i) items.push_back({"m" + std::to_string(1000 + i), static_cast<double>(i)});
  EXPECT_EQ(ZsetFromItems(items).encoding(), ObjEnc::kListpack);
  items.push_back({"z", 1000});
  EXPECT_EQ(ZsetFromItems(items).encoding(), ObjEnc::kSkiplist);
  std::vector<ZOwned> longm = {{std::string(65, 'l'), 1}};
  EXPECT_EQ(ZsetFromItems(longm).encoding(), ObjEnc::kSkiplist);
  Value v = ZsetFromItems(items);
  EXPECT_EQ(ZsetSize(v), 129u);
  EXPECT_TRUE(Invariants(v));
  EXPECT_EQ(ToPairs(ZsetCopyItems(ZsetRangeByRank(v, 0, 128, false))), ToPairs(items));
}

// Every query answers the same over both encodings and against a plain sorted model.
TEST_F(ZsetTypeTest, RanksAndRangesMatchAModelInBothEncodings) {
  std::mt19937_64 rng(7);
  Pairs model;
  std::set<std::string> names;
  for (int i = 0; i < 60; ++i) {
    std::string m = "m" + std::to_string(rng() % 1000);
    if (!names.insert(m).second) continue;
    model.emplace_back(m, static_cast<double>(rng() % 20) / 2);
  }
  std::sort(model.begin(), model.end(),
            [](const auto& a, const auto& b) { return a.second < b.second || (a.second == b.second && a.first < b.first); });
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist ? "skiplist" : "listpack");
    Value v = Make(model, skiplist);
    ASSERT_EQ(ZsetIsListpack(v), !skiplist);
    ASSERT_EQ(Contents(v), model);
    uint64_t n = model.size();
    for (uint64_t i = 0; i < n; ++i) {
      EXPECT_EQ(ZsetRank(v, model[i].first, false), i);
      EXPECT_EQ(ZsetRank(v, model[i].first, true), n - 1 - i);
    }
    EXPECT_FALSE(ZsetRank(v, "nope", false).has_value());
    Pairs rev(model.rbegin(), model.rend());
    EXPECT_EQ(ToPairs(ZsetRangeByRank(v, 0, n - 1, true)), rev);
    EXPECT_EQ(ToPairs(ZsetRangeByRank(v, 3, 7, false)), Pairs(model.begin() + 3, model.begin() + 8));
    for (double lo = -1; lo <= 10; lo += 1.5) {
      for (double hi = lo; hi <= 11; hi += 2) {
        for (bool lo_ex : {false, true}) {
          ScoreRange r{lo, hi, lo_ex, !lo_ex};
          Pairs want;
          for (const auto& p : model)
            if (r.ValueGteMin(p.second) && r.ValueLteMax(p.second)) want.push_back(p);
          EXPECT_EQ(ToPairs(ZsetRangeByScore(v, r, false, 0, -1)), want);
          EXPECT_EQ(ZsetCount(v, r), want.size());
          Pairs want_rev(want.rbegin(), want.rend());
          EXPECT_EQ(ToPairs(ZsetRangeByScore(v, r, true, 0, -1)), want_rev);
          if (want.size() > 3) {
            EXPECT_EQ(ToPairs(ZsetRangeByScore(v, r, false, 1, 2)), Pairs(want.begin() + 1, want.begin() + 3));
            EXPECT_EQ(ToPairs(ZsetRangeByScore(v, r, true, 2, 1)), Pairs(want_rev.begin() + 2, want_rev.begin() + 3));
          }
          EXPECT_TRUE(ZsetRangeByScore(v, r, false, -1, 5).empty());  // Redis skips everything on a negative offset
        }
      }
    }
  }
}

TEST_F(ZsetTypeTest, LexRangesCountsAndRemovals) {
  Pairs members;
  for (const char* m : {"", "a", "aa", "ab", "b", "c", "d", "\xff"}) members.emplace_back(m, 0);
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist ? "skiplist" : "listpack");
    Value v = Make(members, skiplist);
    auto r = LexRange::Parse("[a", "(c");
    ASSERT_TRUE(r);
    EXPECT_EQ(ToPairs(ZsetRangeByLex(v, *r, false, 0, -1)), (Pairs{{"a", 0}, {"aa", 0}, {"ab", 0}, {"b", 0}}));
    EXPECT_EQ(ToPairs(ZsetRangeByLex(v, *r, true, 1, 2)), (Pairs{{"ab", 0}, {"aa", 0}}));
    EXPECT_EQ(ZsetLexCount(v, *r), 4u);
    auto all = LexRange::Parse("-", "+");
    EXPECT_EQ(ZsetLexCount(v, *all), members.size());
    auto empty = LexRange::Parse("(b", "[b");
    EXPECT_EQ(ZsetLexCount(v, *empty), 0u);
    EXPECT_EQ(ZsetRemoveRangeByLex(v, *r), 4u);
    EXPECT_EQ(Contents(v), (Pairs{{"", 0}, {"c", 0}, {"d", 0}, {"\xff", 0}}));
    EXPECT_FALSE(ZsetScore(v, "aa").has_value());
    EXPECT_TRUE(Invariants(v));
  }
}

TEST_F(ZsetTypeTest, ListpackLexRangeOverMixedScoresChecksTheEndsFirst) {
  // Redis' zzlIsInLexRange: the last element ("" with the highest score) is below "(a", so nothing matches.
  Value v = Make({{"d", 0}, {"", 2}});
  auto r = LexRange::Parse("(a", "+");
  EXPECT_EQ(ZsetLexCount(v, *r), 0u);
  EXPECT_EQ(ZsetRemoveRangeByLex(v, *r), 0u);
  EXPECT_TRUE(ZsetRangeByLex(v, *r, false, 0, -1).empty());
}

TEST_F(ZsetTypeTest, RemoveRangesByRankAndScoreKeepTheDictInStep) {
  Pairs pairs;
  for (int i = 0; i < 20; ++i) pairs.emplace_back("m" + std::to_string(i + 10), i);
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist ? "skiplist" : "listpack");
    Value v = Make(pairs, skiplist);
    EXPECT_EQ(ZsetRemoveRangeByRank(v, 0, 4), 5u);
    EXPECT_EQ(ZsetRemoveRangeByScore(v, ScoreRange{10, 12, true, false}), 2u);
    EXPECT_EQ(ZsetRemoveRangeByScore(v, ScoreRange{100, 200, false, false}), 0u);
    EXPECT_EQ(ZsetSize(v), 13u);
    EXPECT_FALSE(ZsetScore(v, "m10").has_value());
    EXPECT_FALSE(ZsetScore(v, "m21").has_value());
    EXPECT_EQ(ZsetScore(v, "m20"), 10);
    EXPECT_EQ(ZsetRank(v, "m29", false), 12u);
    EXPECT_TRUE(Invariants(v));
  }
}

TEST_F(ZsetTypeTest, PopsTakeFromEitherEnd) {
  for (bool skiplist : {false, true}) {
    Value v = Make({{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}}, skiplist);
    EXPECT_EQ(ToPairs(ZsetPop(v, false, 2)), (Pairs{{"a", 1}, {"b", 2}}));
    EXPECT_EQ(ToPairs(ZsetPop(v, true, 1)), (Pairs{{"d", 4}}));
    EXPECT_EQ(ToPairs(ZsetPop(v, true, 10)), (Pairs{{"c", 3}}));
    EXPECT_EQ(ZsetSize(v), 0u);
    EXPECT_TRUE(ZsetPop(v, false, 1).empty());
    EXPECT_TRUE(Invariants(v));
  }
}

// Random adds/removes across the conversion, checked against a map after every step.
TEST_F(ZsetTypeTest, RandomOperationsAgreeWithAModel) {
  Cfg().zset_max_listpack_entries = 16;
  std::mt19937_64 rng(99);
  std::map<std::string, double> model;
  Value v = NewZset(1, 1);
  for (int step = 0; step < 3000; ++step) {
    std::string m = "k" + std::to_string(rng() % 40);
    double s = static_cast<double>(static_cast<int>(rng() % 11) - 5) / 4;
    switch (rng() % 4) {
      case 0:
      case 1: {
        ZaddResult r = ZsetAdd(v, s, m, 0, nullptr);
        auto it = model.find(m);
        EXPECT_EQ(r, it == model.end() ? ZaddResult::kAdded : it->second != s ? ZaddResult::kUpdated : ZaddResult::kUnchanged);
        model[m] = s;
        break;
      }
      case 2: {
        double ns;
        if (ZsetAdd(v, s, m, kZaddIncr, &ns) != ZaddResult::kNop) model[m] += s;
        EXPECT_EQ(ns, model[m]);
        break;
      }
      case 3:
        EXPECT_EQ(ZsetRemove(v, m), model.erase(m) == 1);
        break;
    }
    Pairs want(model.begin(), model.end());
    std::sort(want.begin(), want.end(),
              [](const auto& a, const auto& b) { return a.second < b.second || (a.second == b.second && a.first < b.first); });
    ASSERT_EQ(Contents(v), want) << "step " << step;
    ASSERT_TRUE(Invariants(v));
  }
  EXPECT_FALSE(ZsetIsListpack(v));
}

TEST_F(ZsetTypeTest, RandomItems) {
  for (bool skiplist : {false, true}) {
    Pairs pairs;
    for (int i = 0; i < 30; ++i) pairs.emplace_back("m" + std::to_string(i), i);
    Value v = Make(pairs, skiplist);
    for (uint64_t count : {1u, 5u, 12u, 29u}) {
      std::vector<ZItem> items = ZsetRandomItems(v, count, true);
      ASSERT_EQ(items.size(), count);
      std::set<std::string> seen;
      for (const auto& [m, s] : ToPairs(items)) {
        EXPECT_TRUE(seen.insert(m).second) << "repeated " << m;
        EXPECT_EQ(ZsetScore(v, m), s);
      }
    }
    EXPECT_EQ(ZsetRandomItems(v, 100, false).size(), 100u);
  }
}

TEST_F(ZsetTypeTest, ScanVisitsEveryMember) {
  Pairs pairs;
  for (int i = 0; i < 500; ++i) pairs.emplace_back("m" + std::to_string(i), i * 0.5);
  Value v = Make(pairs, true);
  std::map<std::string, std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = ZsetScan(v, cursor, 10, [&](std::string_view m, std::string_view s) { seen[std::string(m)] = s; });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(seen["m3"], "1.5");
  Value lp = Make({{"a", 0.1}, {"b", 1e17}});
  Pairs got;
  EXPECT_EQ(ZsetScan(lp, 0, 1, [&](std::string_view m, std::string_view s) {
              got.emplace_back(std::string(m), ZsetParseStoredScore(s));
              EXPECT_TRUE(s == "0.10000000000000001" || s == "100000000000000000");
            }),
            0u);
  EXPECT_EQ(got.size(), 2u);
}

TEST_F(ZsetTypeTest, CloneAndDigest) {
  for (bool skiplist : {false, true}) {
    Value v = Make({{"a", 1}, {"b", 2.5}, {"10", -kInf}}, skiplist);
    Value c = CloneValue(v);
    EXPECT_EQ(c.encoding(), v.encoding());
    EXPECT_EQ(Contents(c), Contents(v));
    EXPECT_EQ(DigestOf(c), DigestOf(v));
    ZsetAdd(c, 3, "b", 0, nullptr);
    EXPECT_NE(DigestOf(c), DigestOf(v));
    EXPECT_GT(v.HeapBytes(), 0u);
  }
  // The digest of each element is independent of the encoding.
  EXPECT_EQ(DigestOf(Make({{"a", 1}, {"b", 2}})), DigestOf(Make({{"b", 2}, {"a", 1}}, true)));
}

TEST_F(ZsetTypeTest, UnionInterDiffWithWeightsAndAggregates) {
  Value a = Make({{"x", 1}, {"y", 2}, {"z", 3}});
  Value b = Make({{"y", 10}, {"z", 20}, {"w", 30}}, true);
  std::vector<ZSource> ab = {{&a, 1}, {&b, 1}};
  EXPECT_EQ(ToPairs(ZsetUnion(ab, ZAggregate::kSum)), (Pairs{{"x", 1}, {"y", 12}, {"z", 23}, {"w", 30}}));
  EXPECT_EQ(ToPairs(ZsetUnion({{&a, 2}, {&b, 3}}, ZAggregate::kMax)),
            (Pairs{{"x", 2}, {"y", 30}, {"z", 60}, {"w", 90}}));
  EXPECT_EQ(ToPairs(ZsetInter(ab, ZAggregate::kMin)), (Pairs{{"y", 2}, {"z", 3}}));
  EXPECT_EQ(ToPairs(ZsetInter({{&a, 1}, {nullptr, 1}}, ZAggregate::kSum)), Pairs{});
  EXPECT_EQ(ToPairs(ZsetDiff(ab)), (Pairs{{"x", 1}}));
  std::vector<ZSource> aa = {{&a, 1}, {&a, 1}};
  EXPECT_TRUE(ZsetDiff(aa).empty());
  EXPECT_EQ(ToPairs(ZsetInter(aa, ZAggregate::kSum)), (Pairs{{"x", 2}, {"y", 4}, {"z", 6}}));
  EXPECT_EQ(ZsetInterCard(ab, 0), 2u);
  EXPECT_EQ(ZsetInterCard(ab, 1), 1u);
  // inf + -inf sums to 0, and so does inf * 0.
  Value p = Make({{"m", kInf}}), n = Make({{"m", -kInf}});
  EXPECT_EQ(ToPairs(ZsetUnion({{&p, 1}, {&n, 1}}, ZAggregate::kSum)), (Pairs{{"m", 0}}));
  EXPECT_EQ(ToPairs(ZsetUnion({{&p, 0}}, ZAggregate::kSum)), (Pairs{{"m", 0}}));
}

TEST_F(ZsetTypeTest, SetsScoreOne) {
  Value s = NewSet();
  SetAdd(s, "x");
  SetAdd(s, "5");
  Value z = Make({{"x", 7}, {"q", 1}});
  EXPECT_EQ(ToPairs(ZsetUnion({{&s, 1}, {&z, 1}}, ZAggregate::kSum)), (Pairs{{"5", 1}, {"q", 1}, {"x", 8}}));
  EXPECT_EQ(ToPairs(ZsetInter({{&s, 2}, {&z, 1}}, ZAggregate::kSum)), (Pairs{{"x", 9}}));
  EXPECT_EQ(ToPairs(ZsetDiff(std::vector<ZSource>{{&s, 1}, {&z, 1}})), (Pairs{{"5", 1}}));
}

TEST_F(ZsetTypeTest, FloatSumsFollowRedisInputOrder) {
  // Inputs of equal size keep their order (a stable sort by size), so the sum is (1e16 + -1e16) + 0.1.
  Value a = Make({{"m", 1e16}}), b = Make({{"m", -1e16}}), c = Make({{"m", 0.1}});
  EXPECT_EQ(ToPairs(ZsetUnion({{&a, 1}, {&b, 1}, {&c, 1}}, ZAggregate::kSum)), (Pairs{{"m", 0.1}}));
  EXPECT_EQ(ToPairs(ZsetUnion({{&a, 1}, {&c, 1}, {&b, 1}}, ZAggregate::kSum)), (Pairs{{"m", 0}}));
}

TEST_F(ZsetTypeTest, StoreReplacesOrDeletesTheDestination) {
  Db& db = GetDb(0);
  std::vector<ZOwned> items = {{"a", 1}};
  db.Set("d", Value::String("x"));
  EXPECT_EQ(ZsetStore(db, "d", items, "zunionstore"), 1);
  KeyEntry* e = db.Find("d");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->val.type(), ObjType::kZset);
  EXPECT_EQ(ZsetStore(db, "d", {}, "zunionstore"), 0);
  EXPECT_EQ(db.Find("d"), nullptr);
  EXPECT_EQ(Srv().stats.dirty, 2u);
}

}  // namespace
}  // namespace corvid
