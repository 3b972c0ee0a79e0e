#include "ds/intset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace corvid {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::vector<int64_t> Values(const Intset& is) {
  std::vector<int64_t> out;
  for (uint32_t i = 0; i < is.Size(); ++i) out.push_back(is.Get(i));
  return out;
}

TEST(IntsetTest, EmptyLayout) {
  Intset is;
  EXPECT_EQ(is.Bytes(), std::string_view("\x02\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(is.Size(), 0u);
  EXPECT_FALSE(is.Find(0));
  EXPECT_FALSE(is.Remove(0));
  EXPECT_TRUE(Intset::Validate(is.Bytes(), true));
}

// Bytes Redis 7.0.15 dumps for SADD in the same order (DUMP, RDB_TYPE_SET_INTSET).
TEST(IntsetTest, BytesMatchRedis) {
  struct Case {
    std::vector<int64_t> adds;
    std::string_view hex;
  };
  const Case cases[] = {
      {{5, -3, 100, 1}, "0200000004000000fdff010005006400"},
      {{5, -3, 100000, 1}, "0400000004000000fdffffff0100000005000000a0860100"},
      {{5, -3, 1, -4294967296}, "080000000400000000000000fffffffffdffffffffffffff01000000000000000500000000000000"},
  };
  for (const Case& c : cases) {
    Intset is;
    for (int64_t v : c.adds) EXPECT_TRUE(is.Add(v));
    EXPECT_EQ(is.Bytes(), FromHex(c.hex));
    EXPECT_TRUE(Intset::Validate(FromHex(c.hex), true));
  }
}

TEST(IntsetTest, AddKeepsOrderAndRejectsDuplicates) {
  Intset is;
  for (int64_t v : {7, 3, 9, 1, 5}) EXPECT_TRUE(is.Add(v));
  EXPECT_FALSE(is.Add(5));
  EXPECT_FALSE(is.Add(1));
  EXPECT_FALSE(is.Add(9));
  EXPECT_EQ(Values(is), (std::vector<int64_t>{1, 3, 5, 7, 9}));
  EXPECT_EQ(is.Encoding(), 2u);
  EXPECT_TRUE(is.Find(7));
  EXPECT_FALSE(is.Find(4));
  EXPECT_FALSE(is.Find(0));
  EXPECT_FALSE(is.Find(10));
  EXPECT_FALSE(is.Find(INT64_MAX));  // wider than the encoding
}

TEST(IntsetTest, UpgradesAtEachWidth) {
  struct Case {
    int64_t value;
    uint32_t encoding;
  };
  const Case cases[] = {
      {INT16_MAX, 2},
      {INT16_MIN, 2},
      {int64_t{INT16_MAX} + 1, 4},
      {int64_t{INT16_MIN} - 1, 4},
      {INT32_MAX, 4},
      {INT32_MIN, 4},
      {int64_t{INT32_MAX} + 1, 8},
      {int64_t{INT32_MIN} - 1, 8},
      {INT64_MAX, 8},
      {INT64_MIN, 8},
  };
  for (const Case& c : cases) {
    Intset is;
    for (int64_t v : {-2, 0, 2}) is.Add(v);
    EXPECT_TRUE(is.Add(c.value));
    EXPECT_EQ(is.Encoding(), c.encoding) << c.value;
    std::vector<int64_t> expected = {-2, 0, 2, c.value};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(Values(is), expected) << c.value;
    EXPECT_TRUE(is.Find(c.value));
    EXPECT_TRUE(is.Find(-2));
    EXPECT_EQ(is.Bytes().size(), Intset::kHeaderSize + 4 * c.encoding);
    EXPECT_TRUE(Intset::Validate(is.Bytes(), true));
  }
}

TEST(IntsetTest, UpgradeTwiceThenRemoveKeepsWideEncoding) {
  Intset is;
  is.Add(1);
  is.Add(-70000);  // 16 -> 32, prepended
  is.Add(int64_t{1} << 40);  // 32 -> 64, appended
  EXPECT_EQ(Values(is), (std::vector<int64_t>{-70000, 1, int64_t{1} << 40}));
  EXPECT_EQ(is.Encoding(), 8u);
  EXPECT_TRUE(is.Remove(int64_t{1} << 40));
  EXPECT_TRUE(is.Remove(-70000));
  EXPECT_FALSE(is.Remove(-70000));
  EXPECT_EQ(is.Encoding(), 8u);  // never narrowed, as in Redis
  EXPECT_EQ(Values(is), (std::vector<int64_t>{1}));
  EXPECT_EQ(is.Bytes().size(), Intset::kHeaderSize + 8);
}

TEST(IntsetTest, RandomReturnsEveryMember) {
  Intset is;
  for (int64_t v : {-5, 10, 100000, 42}) is.Add(v);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 4000; ++i) ++seen[is.Random()];
  EXPECT_EQ(seen.size(), 4u);
  for (const auto& [v, n] : seen) {
    EXPECT_TRUE(is.Find(v));
    EXPECT_GT(n, 700);  // ~1000 each; 700 is far below any plausible draw
  }
}

TEST(IntsetTest, RandomOperationsMatchASet) {
  std::mt19937_64 rng(2024);
  for (int round = 0; round < 3; ++round) {
    Intset is;
    std::set<int64_t> model;
    for (int step = 0; step < 5000; ++step) {
      int64_t v;
      switch (rng() % 4) {
        case 0: v = static_cast<int64_t>(rng() % 200) - 100; break;
        case 1: v = static_cast<int64_t>(rng() % 200000) - 100000; break;
        case 2: v = round == 0 ? 7 : static_cast<int64_t>(rng()); break;
        default: v = static_cast<int64_t>(rng() % 4000000000) - 2000000000; break;
      }
      if (rng() % 3 == 0) {
        ASSERT_EQ(is.Remove(v), model.erase(v) == 1);
      } else {
        ASSERT_EQ(is.Add(v), model.insert(v).second);
      }
      ASSERT_EQ(is.Size(), model.size());
      ASSERT_EQ(is.Find(v), model.count(v) == 1);
      if (step % 250 == 0) {
        ASSERT_EQ(Values(is), std::vector<int64_t>(model.begin(), model.end()));
        ASSERT_TRUE(Intset::Validate(is.Bytes(), true));
      }
    }
    ASSERT_EQ(Values(is), std::vector<int64_t>(model.begin(), model.end()));
  }
}

TEST(IntsetTest, FromBytesRoundTrips) {
  Intset is;
  for (int64_t v : {3, -100000, 8}) is.Add(v);
  Intset copy = Intset::FromBytes(is.Bytes());
  EXPECT_EQ(copy.Bytes(), is.Bytes());
  EXPECT_TRUE(copy.Add(4));
  EXPECT_EQ(Values(copy), (std::vector<int64_t>{-100000, 3, 4, 8}));
  Intset moved(std::move(copy));
  EXPECT_EQ(moved.Size(), 4u);
  copy = std::move(moved);
  EXPECT_EQ(copy.Size(), 4u);
}

TEST(IntsetValidateTest, RejectsMalformed) {
  const std::string good = FromHex("0200000004000000fdff010005006400");
  EXPECT_TRUE(Intset::Validate(good, true));
  EXPECT_FALSE(Intset::Validate("", false));
  EXPECT_FALSE(Intset::Validate(good.substr(0, 7), false));
  std::string b = good;
  b[0] = 3;  // unknown encoding
  EXPECT_FALSE(Intset::Validate(b, false));
  b = good;
  b[0] = 4;  // size no longer matches the length
  EXPECT_FALSE(Intset::Validate(b, false));
  b = good;
  b[4] = 5;
  EXPECT_FALSE(Intset::Validate(b, false));
  b = good;
  b[7] = '\x80';  // length near 2^31: size mismatch, no overflow
  EXPECT_FALSE(Intset::Validate(b, false));
  b = good + "xx";
  EXPECT_FALSE(Intset::Validate(b, false));
  // Unsorted / duplicate values pass only the shallow check.
  b = FromHex("0200000002000000" "0500" "0100");
  EXPECT_TRUE(Intset::Validate(b, false));
  EXPECT_FALSE(Intset::Validate(b, true));
  b = FromHex("0400000002000000" "05000000" "05000000");
  EXPECT_FALSE(Intset::Validate(b, true));
  EXPECT_TRUE(Intset::Validate(FromHex("0800000000000000"), true));  // empty, wide
}

TEST(IntsetValidateTest, CorruptionNeverCrashes) {
  std::mt19937_64 rng(5);
  Intset base;
  for (int i = 0; i < 40; ++i) base.Add(static_cast<int64_t>(rng() % 100000) - 50000);
  const std::string good(base.Bytes());
  int accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string b = good;
    for (int f = 1 + static_cast<int>(rng() % 3); f > 0; --f) b[rng() % b.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
    if (!Intset::Validate(b, true)) continue;
    ++accepted;
    Intset is = Intset::FromBytes(b);
    std::vector<int64_t> v = Values(is);
    ASSERT_TRUE(std::is_sorted(v.begin(), v.end()));
    for (int64_t x : v) ASSERT_TRUE(is.Find(x));
    is.Add(123456789);
    if (!v.empty()) is.Remove(v.front());
    ASSERT_TRUE(Intset::Validate(is.Bytes(), true));
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace corvid
