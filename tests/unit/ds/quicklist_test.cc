#include "ds/quicklist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace corvid {
namespace {

using Where = Quicklist::Where;

std::string Text(const LpValue& v) {
  char buf[LpValue::kIntBufSize];
  return std::string(v.AsString(buf));
}

std::vector<std::string> Contents(const Quicklist& ql) {
  std::vector<std::string> out;
  ql.Walk(0, true, [&](const LpValue& v) {
    out.push_back(Text(v));
    return true;
  });
  return out;
}

std::vector<std::string> ContentsBackward(const Quicklist& ql) {
  std::vector<std::string> out;
  ql.Walk(-1, false, [&](const LpValue& v) {
    out.push_back(Text(v));
    return true;
  });
  std::reverse(out.begin(), out.end());
  return out;
}

void ExpectValid(const Quicklist& ql) {
  std::string why;
  EXPECT_TRUE(ql.Validate(&why)) << why;
}

// ---- node layout against Redis 7.0.15 ----
//
// The scenarios below were replayed on redis-server 7.0.15 (LPUSH, RPUSH, LINSERT, LSET, LPOP/RPOP with a
// count, LREM, LTRIM on one key, with CONFIG SET list-max-listpack-size / list-compress-depth), recording
// DEBUG OBJECT's ql_nodes and ql_uncompressed_size every `every` operations. The operations come from
// splitmix64 so the test regenerates the very same sequence.

class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    s_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = s_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t s_;
};

std::string ScenarioValue(SplitMix& rng, int serial) {
  uint64_t kind = rng.Below(10);
  if (kind < 3) return std::to_string(rng.Below(100000));
  if (kind < 5) return "dup" + std::to_string(rng.Below(4));
  uint64_t n = kind < 8 ? 1 + rng.Below(20) : kind < 9 ? 50 + rng.Below(250) : 1000 + rng.Below(3000);
  std::string s = "u" + std::to_string(serial) + ":";
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t off = 0;
    if (rng.Below(4) == 0) off = rng.Below(26);
    s.push_back(static_cast<char>('a' + off));
  }
  return s;
}

struct Scenario {
  uint64_t seed;
  int fill, depth, ops, every;
  std::vector<std::pair<size_t, size_t>> checkpoints;  // {nodes, listpack bytes}
};

const Scenario kScenarios[] = {
    {1, -2, 0, 3000, 100,
        {{1, 181}, {3, 19495}, {4, 24125}, {5, 29299}, {8, 44592}, {8, 52327}, {10, 54968}, {9, 53304}, {11, 57444},
        {11, 66075}, {14, 83858}, {16, 92524}, {17, 108653}, {17, 109603}, {21, 124413}, {21, 114033}, {22, 115780},
        {22, 117830}, {24, 125258}, {23, 124186}, {26, 127364}, {25, 129445}, {27, 141808}, {30, 169593}, {36,
        188471}, {35, 187103}, {35, 195806}, {35, 193146}, {36, 203824}, {36, 204964}}},
    {2, -1, 1, 3000, 100,
        {{2, 7380}, {4, 14228}, {7, 21605}, {7, 21449}, {9, 27169}, {10, 30753}, {12, 35383}, {11, 32838}, {13,
        37547}, {14, 44042}, {17, 54721}, {20, 66587}, {23, 69557}, {19, 67497}, {23, 72979}, {22, 79726}, {27,
        95448}, {28, 94364}, {30, 93054}, {33, 113472}, {35, 115953}, {37, 124671}, {39, 127194}, {42, 138352}, {46,
        152568}, {49, 160927}, {51, 162970}, {50, 165004}, {49, 160763}, {52, 171385}}},
    {3, 5, 0, 1500, 50,
        {{7, 6267}, {8, 9122}, {11, 14076}, {11, 14514}, {16, 17921}, {22, 18480}, {19, 26108}, {25, 37018}, {27,
        37151}, {28, 50710}, {32, 48440}, {36, 53628}, {35, 49584}, {33, 44426}, {35, 42892}, {38, 47345}, {46,
        52551}, {44, 51391}, {47, 55249}, {43, 39899}, {46, 43088}, {50, 54031}, {51, 56016}, {54, 61805}, {58,
        67207}, {59, 71514}, {60, 68465}, {60, 70949}, {59, 64532}, {63, 74929}}},
    {4, 16, 2, 2000, 50,
        {{1, 1889}, {2, 8254}, {4, 10300}, {5, 18888}, {5, 16735}, {5, 18150}, {6, 10783}, {7, 17275}, {9, 19231},
        {10, 22753}, {9, 25923}, {10, 23133}, {11, 29759}, {13, 39503}, {13, 40861}, {14, 41734}, {14, 43342}, {14,
        39594}, {16, 38328}, {16, 46330}, {17, 50591}, {18, 52400}, {20, 57625}, {20, 57609}, {21, 57441}, {20,
        57530}, {20, 54856}, {21, 57520}, {23, 68938}, {25, 84054}, {27, 92269}, {27, 102144}, {29, 98005}, {28,
        96887}, {29, 102041}, {29, 108260}, {29, 103142}, {29, 111770}, {31, 115734}, {33, 126208}}},
    {5, -3, 1, 3000, 100,
        {{1, 9254}, {1, 8909}, {1, 9654}, {2, 15650}, {2, 30346}, {4, 37858}, {5, 54084}, {5, 48032}, {4, 53967}, {4,
        53061}, {5, 59322}, {5, 58177}, {6, 73730}, {8, 87141}, {8, 95482}, {9, 81264}, {9, 96191}, {11, 110467},
        {10, 104211}, {11, 119564}, {12, 132228}, {13, 146513}, {13, 151999}, {14, 152900}, {14, 158841}, {14,
        154002}, {14, 155355}, {14, 161920}, {13, 165753}, {15, 186950}}},
    {6, 1, 0, 600, 20,
        {{10, 7187}, {11, 204}, {21, 4914}, {27, 15183}, {25, 3728}, {30, 14400}, {37, 14403}, {45, 16558}, {40,
        19545}, {50, 23590}, {46, 18348}, {48, 18443}, {41, 15631}, {45, 15681}, {53, 22544}, {62, 40753}, {61,
        42091}, {55, 33354}, {61, 37337}, {63, 42070}, {75, 41181}, {85, 46118}, {94, 47101}, {96, 47353}, {108,
        49419}, {116, 51614}, {107, 49273}, {114, 49525}, {116, 51629}, {128, 56552}}},
    {7, 128, 3, 3000, 100,
        {{3, 15399}, {2, 6696}, {2, 9953}, {5, 17957}, {5, 27851}, {6, 27401}, {6, 33847}, {6, 30692}, {8, 41416},
        {9, 49336}, {11, 49310}, {12, 59829}, {11, 59188}, {12, 70284}, {13, 76793}, {15, 92801}, {17, 99806}, {18,
        102983}, {18, 109574}, {20, 124747}, {19, 113159}, {19, 119172}, {21, 130197}, {24, 142651}, {26, 163825},
        {28, 177855}, {30, 183076}, {31, 189544}, {33, 206607}, {35, 203594}}},
    {8, -5, 0, 3000, 100,
        {{1, 247}, {1, 14636}, {1, 21518}, {1, 28860}, {1, 26601}, {1, 33727}, {1, 39065}, {1, 50676}, {1, 63335},
        {2, 85549}, {2, 86965}, {2, 82283}, {2, 92046}, {2, 93966}, {2, 100985}, {3, 115848}, {3, 118040}, {3,
        115005}, {3, 118434}, {3, 116767}, {3, 131427}, {3, 140993}, {3, 152291}, {3, 162607}, {3, 169617}, {3,
        162305}, {3, 167520}, {4, 184812}, {4, 184071}, {4, 182911}}},
};

TEST(QuicklistTest, NodeLayoutMatchesRedis) {
  for (const Scenario& sc : kScenarios) {
    SCOPED_TRACE("seed " + std::to_string(sc.seed));
    auto ql = std::make_unique<Quicklist>(sc.fill, sc.depth);
    std::deque<std::string> model;
    SplitMix rng(sc.seed);
    size_t cp = 0;
    for (int i = 0; i < sc.ops; ++i) {
      uint64_t op = rng.Below(100);
      int serial = i + 1;
      if (model.empty() || op < 30) {
        std::string v = ScenarioValue(rng, serial);
        ql->Push(Where::kTail, v);
        model.push_back(v);
      } else if (op < 45) {
        std::string v = ScenarioValue(rng, serial);
        ql->Push(Where::kHead, v);
        model.push_front(v);
      } else if (op < 65) {
        size_t idx = rng.Below(model.size());
        bool after = rng.Below(2) == 1;
        std::string v = ScenarioValue(rng, serial);
        size_t first = std::find(model.begin(), model.end(), model[idx]) - model.begin();
        ql->Insert(static_cast<int64_t>(first), after, v);
        model.insert(model.begin() + static_cast<long>(first + after), v);
      } else if (op < 72) {
        size_t idx = rng.Below(model.size());
        std::string v = ScenarioValue(rng, serial);
        ASSERT_TRUE(ql->Replace(static_cast<int64_t>(idx), v));
        model[idx] = v;
      } else if (op < 84) {
        size_t n = std::min<size_t>(1 + rng.Below(3), model.size());
        if (op < 78) {
          ql->DelRange(0, static_cast<int64_t>(n));
          model.erase(model.begin(), model.begin() + static_cast<long>(n));
        } else {
          ql->DelRange(-static_cast<int64_t>(n), static_cast<int64_t>(n));
          model.erase(model.end() - static_cast<long>(n), model.end());
        }
      } else if (op < 92) {
        int64_t cnt = static_cast<int64_t>(rng.Below(5)) - 2;
        std::string v = "dup" + std::to_string(rng.Below(4));
        size_t limit = static_cast<size_t>(cnt < 0 ? -cnt : cnt);
        size_t removed = ql->RemoveEqual(v, limit, cnt < 0);
        size_t k = 0;
        if (cnt >= 0) {
          for (auto it = model.begin(); it != model.end();) {
            if (*it == v && (limit == 0 || k < limit)) {
              it = model.erase(it);
              ++k;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t j = model.size(); j-- > 0;) {
            if (model[j] == v && k < limit) {
              model.erase(model.begin() + static_cast<long>(j));
              ++k;
            }
          }
        }
        ASSERT_EQ(removed, k);
      } else {
        int64_t n = static_cast<int64_t>(model.size());
        int64_t a = static_cast<int64_t>(rng.Below(3)), b = static_cast<int64_t>(rng.Below(3));
        if (a < n - b) {
          ql->DelRange(0, a);
          ql->DelRange(-b, b);
          model.erase(model.end() - b, model.end());
          model.erase(model.begin(), model.begin() + a);
        } else {
          ql->DelRange(0, n);
          model.clear();
        }
      }
      if (ql->Empty()) ql = std::make_unique<Quicklist>(sc.fill, sc.depth);  // Redis deletes the key
      if ((i + 1) % sc.every == 0) {
        SCOPED_TRACE("op " + std::to_string(i));
        ASSERT_LT(cp, sc.checkpoints.size());
        ASSERT_EQ(Contents(*ql), std::vector<std::string>(model.begin(), model.end()));
        ExpectValid(*ql);
        EXPECT_EQ(ql->NodeCount(), sc.checkpoints[cp].first);
        EXPECT_EQ(ql->GetStats().listpack_bytes, sc.checkpoints[cp].second);
        ++cp;
      }
    }
    EXPECT_EQ(cp, sc.checkpoints.size());
  }
}

// ---- fill limits ----

TEST(QuicklistTest, SizeLimitedNodes) {
  // 10-byte strings take 12 bytes each: Redis 7.0.15 keeps 681 of them per 8 KB node (fill -2).
  Quicklist ql(-2, 0);
  for (int i = 0; i < 682; ++i) ql.Push(Where::kTail, "aaaaaaaaaa");
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{681, 1}));
  for (int fill = -1; fill >= -5; --fill) {
    Quicklist q(fill, 0);
    size_t limit = size_t{4096} << (-fill - 1);
    std::mt19937_64 rng(static_cast<uint64_t>(-fill));
    for (int i = 0; i < 5000; ++i) q.Push(rng() % 2 ? Where::kHead : Where::kTail, std::string(rng() % 40, 'x'));
    ExpectValid(q);
    EXPECT_EQ(q.Size(), 5000u);
    size_t bytes = q.GetStats().listpack_bytes;
    EXPECT_LE(bytes / q.NodeCount(), limit);
    EXPECT_GE(bytes / q.NodeCount(), limit / 2) << "nodes are filled";
  }
  // -6 and below behave as -5; an element larger than the limit gets a node of its own.
  Quicklist big(-100, 0);
  EXPECT_EQ(big.fill(), -5);
  big.Push(Where::kTail, "a");
  big.Push(Where::kTail, std::string(70000, 'b'));
  big.Push(Where::kTail, "c");
  EXPECT_EQ(big.NodeSizes(), (std::vector<size_t>{1, 1, 1}));
}

TEST(QuicklistTest, CountLimitedNodes) {
  Quicklist ql(5, 0);
  for (int i = 0; i < 23; ++i) ql.Push(Where::kTail, std::to_string(i));
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{5, 5, 5, 5, 3}));
  for (int i = 0; i < 3; ++i) ql.Push(Where::kHead, "h");
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{3, 5, 5, 5, 5, 3}));
  // Positive fills still cap a node at 8 KB.
  Quicklist wide(1000, 0);
  for (int i = 0; i < 100; ++i) wide.Push(Where::kTail, std::string(1000, 'w'));
  for (size_t n : wide.NodeSizes()) EXPECT_LE(n, 8u);
  EXPECT_EQ(Quicklist(1 << 20, 0).fill(), Quicklist::kFillMax);
  // fill 0 puts every element in its own node.
  Quicklist single(0, 0);
  for (int i = 0; i < 4; ++i) single.Push(Where::kTail, "s");
  EXPECT_EQ(single.NodeCount(), 4u);
}

TEST(QuicklistTest, InsertSplitsAndMerges) {
  Quicklist ql(4, 0);
  for (int i = 0; i < 8; ++i) ql.Push(Where::kTail, std::to_string(i));
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{4, 4}));
  // Into the middle of a full node: split, then the pieces merge with neighbours where they fit.
  ql.Insert(1, true, "x");
  EXPECT_EQ(Contents(ql), (std::vector<std::string>{"0", "1", "x", "2", "3", "4", "5", "6", "7"}));
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{2, 3, 4}));
  // A node with room takes the element itself.
  ql.Insert(4, true, "y");
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{2, 4, 4}));
  // After the last element of a full node whose next node is full too: a new node in between.
  ql.Insert(5, true, "z");
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{2, 4, 1, 4}));
  // After the last element of a full node whose next node has room: the next node's head.
  ql.Insert(5, true, "w");
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{2, 4, 2, 4}));
  EXPECT_EQ(Contents(ql), (std::vector<std::string>{"0", "1", "x", "2", "3", "y", "w", "z", "4", "5", "6", "7"}));
  ExpectValid(ql);
  // Before the head of the list: a new head node when the head is full.
  Quicklist full(2, 0);
  full.Push(Where::kTail, "a");
  full.Push(Where::kTail, "b");
  full.Insert(0, false, "z");
  EXPECT_EQ(full.NodeSizes(), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(Contents(full), (std::vector<std::string>{"z", "a", "b"}));
}

// ---- against a model ----

void RandomOps(int fill, int depth, uint64_t seed, int ops) {
  SCOPED_TRACE("fill " + std::to_string(fill) + " depth " + std::to_string(depth));
  std::mt19937_64 rng(seed);
  Quicklist ql(fill, depth);
  std::deque<std::string> model;
  auto value = [&]() -> std::string {
    switch (rng() % 6) {
      case 0: return std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
      case 1: return "v" + std::to_string(rng() % 10);
      case 2: return std::string(1 + rng() % 100, static_cast<char>('a' + rng() % 3));
      case 3: return std::string(200 + rng() % 2000, 'q') + std::to_string(rng() % 5);
      default: return "e" + std::to_string(rng() % 1000);
    }
  };
  for (int i = 0; i < ops; ++i) {
    int64_t len = static_cast<int64_t>(model.size());
    switch (rng() % 10) {
      case 0:
      case 1: {
        std::string v = value();
        bool head = rng() % 2;
        ql.Push(head ? Where::kHead : Where::kTail, v);
        head ? model.push_front(v) : model.push_back(v);
        break;
      }
      case 2: {
        if (!len) break;
        bool head = rng() % 2;
        std::string got;
        ASSERT_TRUE(ql.Pop(head ? Where::kHead : Where::kTail, [&](const LpValue& v) { got = Text(v); }));
        ASSERT_EQ(got, head ? model.front() : model.back());
        head ? model.pop_front() : model.pop_back();
        break;
      }
      case 3: {
        if (!len) break;
        int64_t idx = static_cast<int64_t>(rng() % len);
        bool after = rng() % 2;
        std::string v = value();
        ql.Insert(idx, after, v);
        model.insert(model.begin() + idx + after, v);
        break;
      }
      case 4: {
        int64_t idx = static_cast<int64_t>(rng() % (2 * len + 3)) - len - 1;
        std::string v = value();
        bool in = idx >= -len && idx < len;
        ASSERT_EQ(ql.Replace(idx, v), in);
        if (in) model[idx < 0 ? idx + len : idx] = v;
        break;
      }
      case 5: {
        int64_t start = static_cast<int64_t>(rng() % (2 * len + 3)) - len - 1;
        int64_t count = static_cast<int64_t>(rng() % 40) - 2;
        bool any = ql.DelRange(start, count);
        int64_t s = start < 0 ? start + len : start;
        if (s < 0 || s >= len || count <= 0) {
          ASSERT_FALSE(any);
          break;
        }
        ASSERT_TRUE(any);
        int64_t e = std::min(len, s + count);
        model.erase(model.begin() + s, model.begin() + e);
        break;
      }
      case 6: {
        std::string v = "v" + std::to_string(rng() % 10);
        size_t limit = rng() % 4;
        bool tail = rng() % 2;
        size_t k = 0;
        std::deque<std::string> keep;
        if (!tail) {
          for (auto& s : model) (s == v && (limit == 0 || k < limit)) ? void(++k) : keep.push_back(s);
        } else {
          for (auto it = model.rbegin(); it != model.rend(); ++it)
            (*it == v && (limit == 0 || k < limit)) ? void(++k) : keep.push_front(*it);
        }
        ASSERT_EQ(ql.RemoveEqual(v, limit, tail), k);
        model.swap(keep);
        break;
      }
      case 7: {
        int64_t idx = static_cast<int64_t>(rng() % (2 * len + 3)) - len - 1;
        std::string got;
        bool in = idx >= -len && idx < len;
        ASSERT_EQ(ql.Index(idx, &got), in);
        if (in) {
          ASSERT_EQ(got, model[idx < 0 ? idx + len : idx]);
        }
        break;
      }
      default: {
        // Walk from a random index in a random direction.
        if (!len) break;
        int64_t idx = static_cast<int64_t>(rng() % len);
        bool fwd = rng() % 2;
        std::vector<std::string> got;
        ql.Walk(idx, fwd, [&](const LpValue& v) {
          got.push_back(Text(v));
          return got.size() < 50;
        });
        std::vector<std::string> want;
        for (int64_t j = idx; j >= 0 && j < len && want.size() < 50; j += fwd ? 1 : -1) want.push_back(model[j]);
        ASSERT_EQ(got, want);
      }
    }
    ASSERT_EQ(ql.Size(), model.size());
    if (i % 50 == 0 || i == ops - 1) {
      std::string why;
      ASSERT_TRUE(ql.Validate(&why)) << why << " after op " << i;
      ASSERT_EQ(Contents(ql), std::vector<std::string>(model.begin(), model.end()));
      ASSERT_EQ(ContentsBackward(ql), std::vector<std::string>(model.begin(), model.end()));
    }
  }
}

TEST(QuicklistTest, RandomOpsAgainstDeque) {
  uint64_t seed = 1;
  for (int fill : {-2, -1, -5, 1, 3, 128})
    for (int depth : {0, 1, 2}) RandomOps(fill, depth, seed++, 3000);
}

// ---- compression ----

TEST(QuicklistTest, CompressesInteriorNodes) {
  for (int depth : {1, 2, 5}) {
    Quicklist ql(-1, depth);
    std::vector<std::string> want;
    for (int i = 0; i < 20000; ++i) {
      std::string v = "element-" + std::to_string(i % 300) + std::string(i % 17, 'z');
      ql.Push(Where::kTail, v);
      want.push_back(v);
    }
    ExpectValid(ql);
    Quicklist::Stats st = ql.GetStats();
    ASSERT_GT(st.nodes, size_t(2 * depth + 2));
    EXPECT_EQ(st.compressed_nodes, st.nodes - 2 * depth);
    EXPECT_LT(ql.HeapBytes(), st.listpack_bytes / 2) << "compression pays";
    EXPECT_EQ(Contents(ql), want);
    EXPECT_EQ(ContentsBackward(ql), want);
    // A deep copy keeps the compressed form and the contents.
    std::unique_ptr<Quicklist> copy(ql.Clone());
    ExpectValid(*copy);
    EXPECT_EQ(copy->GetStats().compressed_nodes, st.compressed_nodes);
    EXPECT_EQ(Contents(*copy), want);
    // Changes in the compressed middle keep the invariant and the contents.
    std::string mid;
    ASSERT_TRUE(ql.Index(10000, &mid));
    EXPECT_EQ(mid, want[10000]);
    ASSERT_TRUE(ql.Replace(10000, "replaced"));
    ql.Insert(5000, true, "inserted");
    ASSERT_TRUE(ql.DelRange(12000, 3000));
    size_t removed = ql.RemoveEqual("element-7", 0, false);
    want[10000] = "replaced";
    want.insert(want.begin() + 5001, "inserted");
    want.erase(want.begin() + 12000, want.begin() + 15000);
    size_t before = want.size();
    std::erase(want, "element-7");
    EXPECT_EQ(removed, before - want.size());
    ExpectValid(ql);
    EXPECT_EQ(Contents(ql), want);
    // Popping down to a few nodes decompresses what reaches the plain ends.
    while (ql.NodeCount() > 3) ql.Pop(Where::kHead, [](const LpValue&) {});
    ExpectValid(ql);
  }
}

TEST(QuicklistTest, SmallOrIncompressibleNodesStayPlain) {
  Quicklist small(1, 1);
  for (int i = 0; i < 10; ++i) small.Push(Where::kTail, "tiny");
  EXPECT_EQ(small.GetStats().compressed_nodes, 0u) << "listpacks under 48 bytes are not compressed";
  Quicklist noise(-1, 1);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 300; ++i) {
    std::string v(100, '\0');
    for (char& ch : v) ch = static_cast<char>(rng());
    noise.Push(Where::kTail, v);
  }
  EXPECT_GT(noise.NodeCount(), 3u);
  EXPECT_EQ(noise.GetStats().compressed_nodes, 0u) << "random bytes do not compress";
  ExpectValid(noise);
}

TEST(QuicklistTest, IndexesAndBounds) {
  Quicklist ql(3, 0);
  for (int i = 0; i < 10; ++i) ql.Push(Where::kTail, std::to_string(i));
  std::string v;
  EXPECT_TRUE(ql.Index(0, &v));
  EXPECT_EQ(v, "0");
  EXPECT_TRUE(ql.Index(-1, &v));
  EXPECT_EQ(v, "9");
  EXPECT_TRUE(ql.Index(-10, &v));
  EXPECT_EQ(v, "0");
  EXPECT_FALSE(ql.Index(10, &v));
  EXPECT_FALSE(ql.Index(-11, &v));
  EXPECT_FALSE(ql.Index(INT64_MIN, &v));
  EXPECT_FALSE(ql.Index(INT64_MAX, &v));
  EXPECT_FALSE(ql.Replace(INT64_MIN, "x"));
  EXPECT_FALSE(ql.DelRange(INT64_MIN, 5));
  EXPECT_FALSE(ql.DelRange(0, 0));
  EXPECT_TRUE(ql.DelRange(-2, INT64_MAX));
  EXPECT_EQ(Contents(ql), (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7"}));
  EXPECT_TRUE(ql.DelRange(2, INT64_MAX));
  EXPECT_EQ(Contents(ql), (std::vector<std::string>{"0", "1"}));
  int calls = 0;
  ql.Walk(5, true, [&](const LpValue&) { return ++calls > 0; });
  EXPECT_EQ(calls, 0);
  Quicklist empty;
  EXPECT_FALSE(empty.Pop(Where::kHead, [](const LpValue&) {}));
  EXPECT_EQ(empty.NodeCount(), 0u);
  ExpectValid(empty);
}

TEST(QuicklistTest, AppendListpackAndForEachNode) {
  Quicklist ql(-2, 1);
  std::vector<std::string> want;
  for (int n = 0; n < 5; ++n) {
    Listpack lp;
    for (int i = 0; i < 100; ++i) {
      std::string v = "node" + std::to_string(n) + "-" + std::to_string(i) + std::string(20, 'p');
      lp.Append(v);
      want.push_back(v);
    }
    ql.AppendListpack(std::move(lp));
  }
  ExpectValid(ql);
  EXPECT_EQ(ql.NodeSizes(), (std::vector<size_t>{100, 100, 100, 100, 100}));
  EXPECT_EQ(ql.GetStats().compressed_nodes, 3u);
  std::vector<std::string> got;
  ql.ForEachNode([&](const Listpack& lp) {
    for (Listpack::Pos p = lp.First(); p != Listpack::kNoPos; p = lp.Next(p)) got.push_back(Text(lp.Get(p)));
  });
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace corvid
