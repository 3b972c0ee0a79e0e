#include "ds/skiplist.h"

#include <gtest/gtest.h>

#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace corvid {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Entry = std::pair<double, std::string>;

std::vector<Entry> Forward(const SkipList& sl) {
  std::vector<Entry> out;
  for (const SkipList::Node* n = sl.First(); n != nullptr; n = n->Next()) out.emplace_back(n->Score(), n->Member());
  return out;
}

std::vector<Entry> Backward(const SkipList& sl) {
  std::vector<Entry> out;
  for (const SkipList::Node* n = sl.Last(); n != nullptr; n = n->Prev()) out.emplace_back(n->Score(), n->Member());
  return {out.rbegin(), out.rend()};
}

LexRange Lex(std::string_view min, std::string_view max) {
  std::optional<LexRange> r = LexRange::Parse(min, max);
  EXPECT_TRUE(r.has_value()) << min << " " << max;
  return r.value_or(LexRange{});
}

TEST(SkipListTest, Empty) {
  SkipList sl;
  EXPECT_EQ(sl.Size(), 0u);
  EXPECT_EQ(sl.First(), nullptr);
  EXPECT_EQ(sl.Last(), nullptr);
  EXPECT_EQ(sl.GetByRank(0), nullptr);
  EXPECT_EQ(sl.GetByRank(1), nullptr);
  EXPECT_EQ(sl.Rank(1, "a"), 0u);
  EXPECT_FALSE(sl.Delete(1, "a"));
  EXPECT_EQ(sl.FirstInRange({-kInf, kInf}), nullptr);
  EXPECT_EQ(sl.LastInLexRange(Lex("-", "+")), nullptr);
  EXPECT_EQ(sl.DeleteRangeByRank(1, 10, nullptr), 0u);
  EXPECT_TRUE(sl.CheckInvariants());
}

TEST(SkipListTest, OrdersByScoreThenMemberBytes) {
  SkipList sl;
  const std::vector<Entry> inserts = {
      {2, "b"}, {1, "z"}, {2, "a"}, {2, std::string("a\0b", 3)}, {2, std::string("a\0a", 3)},
      {2, "\xff"}, {2, ""}, {-kInf, "low"}, {kInf, "high"}, {1.5, "mid"}, {-0.5, "neg"}};
  for (const auto& [score, member] : inserts) {
    const SkipList::Node* n = sl.Insert(score, member);
    EXPECT_EQ(n->Score(), score);
    EXPECT_EQ(n->Member(), member);
  }
  const std::vector<Entry> expected = {
      {-kInf, "low"}, {-0.5, "neg"}, {1, "z"}, {1.5, "mid"}, {2, ""}, {2, "a"}, {2, std::string("a\0a", 3)},
      {2, std::string("a\0b", 3)}, {2, "b"}, {2, "\xff"}, {kInf, "high"}};
  EXPECT_EQ(Forward(sl), expected);
  EXPECT_EQ(Backward(sl), expected);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(sl.Rank(expected[i].first, expected[i].second), i + 1);
    const SkipList::Node* n = sl.GetByRank(i + 1);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->Member(), expected[i].second);
  }
  EXPECT_EQ(sl.GetByRank(expected.size() + 1), nullptr);
  EXPECT_EQ(sl.Rank(2, "c"), 0u);
  EXPECT_EQ(sl.Rank(3, "b"), 0u);  // right member, wrong score
  EXPECT_TRUE(sl.CheckInvariants());
}

TEST(SkipListTest, UpdateScoreKeepsTheNode) {
  SkipList sl;
  for (int i = 0; i < 100; ++i) sl.Insert(i, "m" + std::to_string(i));
  const SkipList::Node* n = sl.GetByRank(51);  // m50
  const char* member_bytes = n->Member().data();
  // Between its neighbours: in place.
  EXPECT_EQ(sl.UpdateScore(50, "m50", 50.5), n);
  EXPECT_EQ(sl.Rank(50.5, "m50"), 51u);
  // Onto a neighbour's score, then far away: relinked, same node.
  EXPECT_EQ(sl.UpdateScore(50.5, "m50", 51), n);
  EXPECT_EQ(sl.Rank(51, "m50"), 51u);  // "m50" < "m51" at equal scores
  EXPECT_EQ(sl.UpdateScore(51, "m50", 1000), n);
  EXPECT_EQ(sl.Rank(1000, "m50"), 100u);
  EXPECT_EQ(sl.Last(), n);
  EXPECT_EQ(sl.UpdateScore(1000, "m50", -1), n);
  EXPECT_EQ(sl.First(), n);
  EXPECT_EQ(n->Member().data(), member_bytes);
  EXPECT_EQ(n->Score(), -1);
  EXPECT_EQ(sl.Size(), 100u);
  EXPECT_TRUE(sl.CheckInvariants());
}

TEST(SkipListTest, ScoreRanges) {
  SkipList sl;
  for (int i = 1; i <= 10; ++i) sl.Insert(i, std::string(1, static_cast<char>('a' + i)));
  auto first = [&sl](ScoreRange r) {
    const SkipList::Node* n = sl.FirstInRange(r);
    return n == nullptr ? -1.0 : n->Score();
  };
  auto last = [&sl](ScoreRange r) {
    const SkipList::Node* n = sl.LastInRange(r);
    return n == nullptr ? -1.0 : n->Score();
  };
  EXPECT_EQ(first({2, 5}), 2);
  EXPECT_EQ(last({2, 5}), 5);
  EXPECT_EQ(first({2, 5, true, true}), 3);
  EXPECT_EQ(last({2, 5, true, true}), 4);
  EXPECT_EQ(first({2.5, 2.7}), -1);
  EXPECT_EQ(first({-kInf, kInf}), 1);
  EXPECT_EQ(last({-kInf, kInf}), 10);
  EXPECT_EQ(first({10, kInf, true, false}), -1);
  EXPECT_EQ(last({-kInf, 1, false, true}), -1);
  EXPECT_EQ(first({5, 5}), 5);
  EXPECT_EQ(first({5, 5, true, false}), -1);
  EXPECT_EQ(first({6, 5}), -1);
  EXPECT_EQ(first({11, 20}), -1);
  EXPECT_EQ(last({-5, 0}), -1);

  EXPECT_TRUE((ScoreRange{5, 5, false, true}).IsEmpty());
  EXPECT_TRUE((ScoreRange{6, 5}).IsEmpty());
  EXPECT_FALSE((ScoreRange{5, 5}).IsEmpty());
  EXPECT_FALSE((ScoreRange{-kInf, kInf, true, true}).IsEmpty());
  EXPECT_TRUE((ScoreRange{kInf, kInf, true, false}).IsEmpty());
}

TEST(LexRangeTest, ParsesRedisSyntax) {
  EXPECT_FALSE(LexRange::Parse("a", "+").has_value());
  EXPECT_FALSE(LexRange::Parse("-", "").has_value());
  EXPECT_FALSE(LexRange::Parse("+x", "+").has_value());
  EXPECT_FALSE(LexRange::Parse("-", "-x").has_value());
  // Redis checks only the byte after the sign against NUL.
  EXPECT_TRUE(LexRange::Parse(std::string_view("-\0x", 3), "+").has_value());

  LexRange r = Lex("[abc", "(xyz");
  EXPECT_EQ(r.min.kind, LexBound::Kind::kInclusive);
  EXPECT_EQ(r.min.value, "abc");
  EXPECT_EQ(r.max.kind, LexBound::Kind::kExclusive);
  EXPECT_EQ(r.max.value, "xyz");
  r = Lex("[", "(");
  EXPECT_EQ(r.min.value, "");
  EXPECT_TRUE(r.IsEmpty());
  EXPECT_EQ(Lex("-", "+").min.kind, LexBound::Kind::kMinusInf);
  EXPECT_EQ(Lex("-", "+").max.kind, LexBound::Kind::kPlusInf);
}

TEST(LexRangeTest, EmptinessAndBounds) {
  EXPECT_FALSE(Lex("-", "+").IsEmpty());
  EXPECT_TRUE(Lex("-", "-").IsEmpty());
  EXPECT_TRUE(Lex("+", "+").IsEmpty());
  EXPECT_TRUE(Lex("+", "-").IsEmpty());
  EXPECT_TRUE(Lex("[a", "-").IsEmpty());
  EXPECT_TRUE(Lex("+", "[a").IsEmpty());
  EXPECT_FALSE(Lex("-", "[a").IsEmpty());
  EXPECT_FALSE(Lex("[a", "[a").IsEmpty());
  EXPECT_TRUE(Lex("(a", "[a").IsEmpty());
  EXPECT_TRUE(Lex("[a", "(a").IsEmpty());
  EXPECT_TRUE(Lex("[b", "[a").IsEmpty());
  EXPECT_FALSE(Lex("[a", "[b").IsEmpty());

  const LexRange r = Lex("(b", "[d");
  EXPECT_FALSE(r.ValueGteMin("b"));
  EXPECT_TRUE(r.ValueGteMin(std::string_view("b\0", 2)));
  EXPECT_TRUE(r.ValueGteMin("ba"));
  EXPECT_TRUE(r.ValueLteMax("d"));
  EXPECT_FALSE(r.ValueLteMax("da"));
  EXPECT_TRUE(Lex("-", "+").ValueGteMin(""));
  EXPECT_FALSE(Lex("+", "+").ValueGteMin("\xff\xff"));
  EXPECT_FALSE(Lex("-", "-").ValueLteMax(""));
  EXPECT_TRUE(Lex("[\x80", "+").ValueGteMin("\xff"));  // bytes compare unsigned
}

TEST(SkipListTest, LexRanges) {
  SkipList sl;
  for (char c = 'a'; c <= 'z'; ++c) sl.Insert(0, std::string(1, c));
  auto first = [&sl](std::string_view min, std::string_view max) {
    const SkipList::Node* n = sl.FirstInLexRange(Lex(min, max));
    return n == nullptr ? std::string("none") : std::string(n->Member());
  };
  auto last = [&sl](std::string_view min, std::string_view max) {
    const SkipList::Node* n = sl.LastInLexRange(Lex(min, max));
    return n == nullptr ? std::string("none") : std::string(n->Member());
  };
  EXPECT_EQ(first("-", "+"), "a");
  EXPECT_EQ(last("-", "+"), "z");
  EXPECT_EQ(first("[c", "[f"), "c");
  EXPECT_EQ(last("[c", "[f"), "f");
  EXPECT_EQ(first("(c", "(f"), "d");
  EXPECT_EQ(last("(c", "(f"), "e");
  EXPECT_EQ(first("[ca", "[cz"), "none");
  EXPECT_EQ(first("(z", "+"), "none");
  EXPECT_EQ(last("-", "(a"), "none");
  EXPECT_EQ(first("[bb", "+"), "c");
  EXPECT_EQ(last("-", "[bb"), "b");
  EXPECT_EQ(first("+", "+"), "none");
}

TEST(SkipListTest, DeleteRangesReportMembers) {
  auto build = [] {
    SkipList sl;
    for (int i = 0; i < 20; ++i) sl.Insert(i / 2, "m" + std::to_string(100 + i));
    return sl;
  };
  std::vector<std::string> removed;
  auto collect = [&removed](std::string_view m) { removed.emplace_back(m); };

  SkipList sl = build();
  EXPECT_EQ(sl.DeleteRangeByScore({2, 4, false, true}, collect), 4u);
  EXPECT_EQ(removed, (std::vector<std::string>{"m104", "m105", "m106", "m107"}));
  EXPECT_EQ(sl.Size(), 16u);
  EXPECT_EQ(sl.Rank(4, "m108"), 5u);
  EXPECT_TRUE(sl.CheckInvariants());
  EXPECT_EQ(sl.DeleteRangeByScore({100, 200}, collect), 0u);
  EXPECT_EQ(sl.DeleteRangeByScore({5, 2}, collect), 0u);

  removed.clear();
  sl = build();
  EXPECT_EQ(sl.DeleteRangeByRank(19, 1000, collect), 2u);
  EXPECT_EQ(removed, (std::vector<std::string>{"m118", "m119"}));
  EXPECT_EQ(sl.DeleteRangeByRank(1, 1, nullptr), 1u);
  EXPECT_EQ(sl.First()->Member(), "m101");
  EXPECT_EQ(sl.DeleteRangeByRank(5, 4, collect), 0u);
  EXPECT_EQ(sl.DeleteRangeByRank(0, 4, collect), 0u);
  EXPECT_EQ(sl.Size(), 17u);
  EXPECT_TRUE(sl.CheckInvariants());

  removed.clear();
  SkipList lex;
  for (char c = 'a'; c <= 'j'; ++c) lex.Insert(0, std::string(1, c));
  EXPECT_EQ(lex.DeleteRangeByLex(Lex("(b", "[e"), collect), 3u);
  EXPECT_EQ(removed, (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(lex.DeleteRangeByLex(Lex("+", "+"), collect), 0u);
  EXPECT_EQ(lex.DeleteRangeByLex(Lex("-", "+"), collect), 7u);
  EXPECT_EQ(lex.Size(), 0u);
  EXPECT_EQ(lex.First(), nullptr);
  EXPECT_EQ(lex.Last(), nullptr);
  EXPECT_TRUE(lex.CheckInvariants());
  lex.Insert(1, "again");
  EXPECT_EQ(lex.Rank(1, "again"), 1u);
}

TEST(SkipListTest, LargeAndEmptyMembersLiveInTheNode) {
  SkipList sl;
  const std::string big(1 << 20, 'x');
  sl.Insert(1, big);
  sl.Insert(1, "");
  EXPECT_EQ(sl.First()->Member(), "");
  EXPECT_EQ(sl.Last()->Member(), big);
  EXPECT_NE(sl.Last()->Member().data(), big.data());
  EXPECT_TRUE(sl.Delete(1, big));
  EXPECT_EQ(sl.Size(), 1u);
}

TEST(SkipListTest, MoveTransfersOwnership) {
  SkipList a;
  a.Insert(1, "x");
  SkipList b(std::move(a));
  EXPECT_EQ(b.Size(), 1u);
  SkipList c;
  c.Insert(2, "y");
  c = std::move(b);
  EXPECT_EQ(c.First()->Member(), "x");
  a = std::move(c);
  EXPECT_EQ(a.Size(), 1u);
  EXPECT_TRUE(a.CheckInvariants());
}

// Random inserts, deletes, score updates and range deletes checked against a std::set model.
TEST(SkipListTest, RandomOperationsMatchAModel) {
  std::mt19937_64 rng(77);
  SkipList sl;
  std::set<Entry> model;
  std::map<std::string, double> scores;
  auto random_score = [&rng]() -> double {
    switch (rng() % 8) {
      case 0: return -kInf;
      case 1: return kInf;
      case 2: return static_cast<double>(rng() % 1000) / 7;
      default: return static_cast<double>(rng() % 50);  // many ties
    }
  };
  auto random_member = [&rng] {
    std::string m = "k" + std::to_string(rng() % 3000);
    if (rng() % 10 == 0) m.push_back('\0');
    return m;
  };
  auto ranked = [&model](uint64_t rank) { return *std::next(model.begin(), static_cast<long>(rank - 1)); };

  for (int step = 0; step < 20000; ++step) {
    const std::string member = random_member();
    const auto it = scores.find(member);
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
        if (it == scores.end()) {
          const double s = random_score();
          sl.Insert(s, member);
          model.emplace(s, member);
          scores[member] = s;
        }
        break;
      case 3:
        if (it != scores.end()) {
          ASSERT_TRUE(sl.Delete(it->second, member));
          model.erase({it->second, member});
          scores.erase(it);
        } else {
          ASSERT_FALSE(sl.Delete(1, member));
        }
        break;
      case 4:
        if (it != scores.end()) {
          const double s = rng() % 2 ? random_score() : it->second + 0.5;
          const SkipList::Node* n = sl.UpdateScore(it->second, member, s);
          ASSERT_EQ(n->Member(), member);
          ASSERT_EQ(n->Score(), s);
          model.erase({it->second, member});
          model.emplace(s, member);
          it->second = s;
        }
        break;
      case 5:
        if (it != scores.end()) {
          const auto pos = model.find({it->second, member});
          ASSERT_EQ(sl.Rank(it->second, member), static_cast<uint64_t>(std::distance(model.begin(), pos)) + 1);
        } else {
          ASSERT_EQ(sl.Rank(1, member), 0u);
        }
        break;
      case 6:
        if (!model.empty()) {
          const uint64_t rank = rng() % model.size() + 1;
          const SkipList::Node* n = sl.GetByRank(rank);
          ASSERT_NE(n, nullptr);
          ASSERT_EQ(Entry(n->Score(), std::string(n->Member())), ranked(rank));
        }
        break;
      case 7: {
        ScoreRange r{random_score(), random_score(), rng() % 2 == 0, rng() % 2 == 0};
        const Entry* want_first = nullptr;
        const Entry* want_last = nullptr;
        for (const Entry& e : model) {
          if (r.ValueGteMin(e.first) && r.ValueLteMax(e.first)) {
            if (want_first == nullptr) want_first = &e;
            want_last = &e;
          }
        }
        const SkipList::Node* f = sl.FirstInRange(r);
        const SkipList::Node* l = sl.LastInRange(r);
        ASSERT_EQ(f == nullptr, want_first == nullptr);
        ASSERT_EQ(l == nullptr, want_last == nullptr);
        if (f != nullptr) {
          ASSERT_EQ(Entry(f->Score(), std::string(f->Member())), *want_first);
          ASSERT_EQ(Entry(l->Score(), std::string(l->Member())), *want_last);
        }
        break;
      }
      case 8:
        if (rng() % 20 == 0) {
          ScoreRange r{static_cast<double>(rng() % 50), 0, rng() % 2 == 0, rng() % 2 == 0};
          r.max = r.min + static_cast<double>(rng() % 3);
          std::vector<std::string> got;
          const uint64_t n = sl.DeleteRangeByScore(r, [&got](std::string_view m) { got.emplace_back(m); });
          std::vector<std::string> want;
          for (auto e = model.begin(); e != model.end();) {
            if (r.ValueGteMin(e->first) && r.ValueLteMax(e->first)) {
              want.push_back(e->second);
              scores.erase(e->second);
              e = model.erase(e);
            } else {
              ++e;
            }
          }
          ASSERT_EQ(n, want.size());
          ASSERT_EQ(got, want);
        }
        break;
      default:
        if (rng() % 20 == 0 && !model.empty()) {
          const uint64_t start = rng() % model.size() + 1;
          const uint64_t end = start + rng() % 5;
          std::vector<std::string> got;
          sl.DeleteRangeByRank(start, end, [&got](std::string_view m) { got.emplace_back(m); });
          std::vector<std::string> want;
          auto e = std::next(model.begin(), static_cast<long>(start - 1));
          for (uint64_t r = start; r <= end && e != model.end(); ++r) {
            want.push_back(e->second);
            scores.erase(e->second);
            e = model.erase(e);
          }
          ASSERT_EQ(got, want);
        }
        break;
    }
    ASSERT_EQ(sl.Size(), model.size());
    if (step % 1000 == 0) {
      ASSERT_TRUE(sl.CheckInvariants()) << step;
      ASSERT_EQ(Forward(sl), std::vector<Entry>(model.begin(), model.end()));
      ASSERT_EQ(Backward(sl), std::vector<Entry>(model.begin(), model.end()));
    }
  }
  ASSERT_TRUE(sl.CheckInvariants());
  ASSERT_EQ(Forward(sl), std::vector<Entry>(model.begin(), model.end()));
}

// Equal scores compared by member: lex deletes and queries over a random member set.
TEST(SkipListTest, RandomLexOperationsMatchAModel) {
  std::mt19937_64 rng(31);
  SkipList sl;
  std::set<std::string> model;
  auto random_member = [&rng] {
    std::string m(rng() % 4, 'a');
    for (char& c : m) c = static_cast<char>('a' + rng() % 4);
    return m;
  };
  auto random_bound = [&rng, &random_member]() -> std::string {
    switch (rng() % 6) {
      case 0: return "-";
      case 1: return "+";
      case 2: return "(" + random_member();
      default: return "[" + random_member();
    }
  };
  for (int step = 0; step < 3000; ++step) {
    const std::string m = random_member();
    if (model.insert(m).second) sl.Insert(0, m);
    const std::string min = random_bound();
    const std::string max = random_bound();
    const LexRange r = Lex(min, max);
    std::vector<std::string> want;
    for (const std::string& e : model) {
      if (r.ValueGteMin(e) && r.ValueLteMax(e)) want.push_back(e);
    }
    const SkipList::Node* f = sl.FirstInLexRange(r);
    const SkipList::Node* l = sl.LastInLexRange(r);
    ASSERT_EQ(f == nullptr, want.empty()) << min << " " << max;
    if (f != nullptr) {
      ASSERT_EQ(f->Member(), want.front());
      ASSERT_EQ(l->Member(), want.back());
    }
    if (step % 10 == 0) {
      std::vector<std::string> got;
      sl.DeleteRangeByLex(r, [&got](std::string_view v) { got.emplace_back(v); });
      ASSERT_EQ(got, want);
      for (const std::string& e : want) model.erase(e);
    }
    ASSERT_EQ(sl.Size(), model.size());
  }
  ASSERT_TRUE(sl.CheckInvariants());
}

TEST(SkipListTest, ManyNodesKeepLogarithmicRanks) {
  SkipList sl;
  constexpr int kCount = 200000;
  for (int i = 0; i < kCount; ++i) sl.Insert(static_cast<double>((i * 7919) % kCount), "m");
  for (int r = 1; r <= kCount; r += 997) {
    const SkipList::Node* n = sl.GetByRank(static_cast<uint64_t>(r));
    ASSERT_NE(n, nullptr);
    ASSERT_EQ(n->Score(), r - 1);
    ASSERT_EQ(sl.Rank(n->Score(), "m"), static_cast<uint64_t>(r));
  }
  EXPECT_TRUE(sl.CheckInvariants());
}

}  // namespace
}  // namespace corvid
