#include "ds/hyperloglog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace corvid::hll {
namespace {

std::vector<uint8_t> Registers(const CompactString& s) {
  std::vector<uint8_t> r(kRegisters, 0);
  EXPECT_TRUE(MergeInto(r.data(), s.view()));
  return r;
}

TEST(HyperLogLogTest, NewSketchIsOneXzero) {
  std::string s = NewSketch();
  ASSERT_EQ(s.size(), 18u);
  EXPECT_EQ(s.substr(0, 5), std::string("HYLL\x01", 5));
  EXPECT_EQ(Decode(s), "Z:16384");
  uint64_t card = 99;
  EXPECT_TRUE(CachedCount(s, &card));
  EXPECT_EQ(card, 0u);
  EXPECT_TRUE(LooksValid(s));
}

TEST(HyperLogLogTest, HashPlacesElementsAsRedis) {
  // Register and value Redis 7.0.15 gives each element (PFDEBUG DECODE after PFADD of that element alone).
  struct Case { const char* ele; size_t reg; uint8_t count; };
  for (const Case& k : {Case{"a", 12711, 2}, Case{"hello", 9216, 1}, Case{"", 5938, 2},
                        Case{"12345678901234567", 11870, 8}}) {
    size_t reg;
    uint8_t count;
    HashElement(k.ele, &reg, &count);
    EXPECT_EQ(reg, k.reg) << k.ele;
    EXPECT_EQ(count, k.count) << k.ele;
  }
}

TEST(HyperLogLogTest, SparseEditsMatchDenseRegisters) {
  CompactString sparse(NewSketch()), dense(NewSketch());
  ASSERT_TRUE(ToDense(&dense));
  EXPECT_EQ(dense.size(), kDenseSize);
  for (int i = 0; i < 3000; ++i) {
    std::string e = "e" + std::to_string(i);
    ASSERT_EQ(Add(&sparse, e, 1u << 20), Add(&dense, e, 1u << 20)) << i;
  }
  EXPECT_EQ(Encoding(sparse.view()), kSparse);
  EXPECT_EQ(Registers(sparse), Registers(dense));
  bool invalid = false;
  EXPECT_EQ(Count(sparse.view(), &invalid), Count(dense.view(), &invalid));
  EXPECT_FALSE(invalid);
}

TEST(HyperLogLogTest, PromotionAtSparseMaxBytes) {
  CompactString s(NewSketch());
  int i = 0;
  size_t before = 0;
  while (Encoding(s.view()) == kSparse) {
    before = s.size();
    ASSERT_GE(Add(&s, "p" + std::to_string(i++), 200), 0);
    if (Encoding(s.view()) == kSparse) ASSERT_LE(s.size(), 200u);
  }
  EXPECT_EQ(s.size(), kDenseSize);
  EXPECT_GT(before + 3, 200u);  // promoted only when an edit would have grown past the limit
  EXPECT_EQ(s.view().substr(0, 4), "HYLL");
}

TEST(HyperLogLogTest, RegisterExtremes) {
  CompactString s(NewSketch());
  // A value over 32 cannot be sparse: promotes.
  ASSERT_EQ(Set(&s, 0, 33, 3000), 1);
  EXPECT_EQ(Encoding(s.view()), kDense);
  ASSERT_EQ(Set(&s, kRegisters - 1, 63, 3000), 1);
  ASSERT_EQ(Set(&s, 1, 51, 3000), 1);
  EXPECT_EQ(Set(&s, 1, 50, 3000), 0);
  EXPECT_EQ(DenseRegister(s.view(), 0), 33);
  EXPECT_EQ(DenseRegister(s.view(), 1), 51);
  EXPECT_EQ(DenseRegister(s.view(), kRegisters - 1), 63);
  EXPECT_EQ(DenseRegister(s.view(), 2), 0);
  // Sparse: value 32 is the largest VAL; runs of 4 equal values merge into one opcode.
  CompactString t(NewSketch());
  for (size_t r = 100; r < 104; ++r) ASSERT_EQ(Set(&t, r, 32, 3000), 1);
  EXPECT_EQ(Decode(t.view()), "Z:100 v:32,4 Z:16280");
  ASSERT_EQ(Set(&t, 104, 32, 3000), 1);
  EXPECT_EQ(Decode(t.view()), "Z:100 v:32,4 v:32,1 Z:16279");
  ASSERT_EQ(Set(&t, 16383, 1, 3000), 1);
  EXPECT_EQ(Decode(t.view()), "Z:100 v:32,4 v:32,1 Z:16278 v:1,1");
  ASSERT_EQ(Set(&t, 0, 2, 3000), 1);
  EXPECT_EQ(Decode(t.view()), "v:2,1 Z:99 v:32,4 v:32,1 Z:16278 v:1,1");
}

TEST(HyperLogLogTest, MergeOfMixedEncodings) {
  CompactString a(NewSketch()), b(NewSketch());
  for (int i = 0; i < 500; ++i) Add(&a, "a" + std::to_string(i), 3000);
  for (int i = 0; i < 20000; ++i) Add(&b, "b" + std::to_string(i), 3000);
  EXPECT_EQ(Encoding(a.view()), kSparse);
  EXPECT_EQ(Encoding(b.view()), kDense);
  std::vector<uint8_t> max(kRegisters, 0);
  ASSERT_TRUE(MergeInto(max.data(), a.view()));
  ASSERT_TRUE(MergeInto(max.data(), b.view()));
  CompactString to_sparse(NewSketch()), to_dense(NewSketch());
  ASSERT_TRUE(SetAll(&to_sparse, max.data(), false, 1u << 20));
  ASSERT_TRUE(SetAll(&to_dense, max.data(), true, 3000));
  EXPECT_EQ(Registers(to_sparse), max);
  EXPECT_EQ(Registers(to_dense), max);
  uint64_t est = CountRaw(max.data());
  EXPECT_NEAR(static_cast<double>(est), 20500.0, 20500 * 0.05);
}

TEST(HyperLogLogTest, CorruptSparseIsDetected) {
  std::string bad = NewSketch();
  bad[kHeaderSize + 1] = '\xfe';  // XZERO of 16383 registers: one short
  bool invalid = false;
  Count(bad, &invalid);
  EXPECT_TRUE(invalid);
  CompactString s(bad);
  EXPECT_FALSE(ToDense(&s));
  std::vector<uint8_t> max(kRegisters, 0);
  EXPECT_FALSE(MergeInto(max.data(), bad));
  EXPECT_FALSE(LooksValid("HYLL"));
  EXPECT_FALSE(LooksValid(std::string("HYLL\x00", 5) + std::string(20, '\0')));  // dense of the wrong size
}

TEST(HyperLogLogTest, CachedCardinality) {
  CompactString s(NewSketch());
  Add(&s, "x", 3000);
  uint64_t card;
  EXPECT_FALSE(CachedCount(s.view(), &card));
  StoreCachedCount(&s, 0x0123456789abcdefULL & ~(1ULL << 63));
  ASSERT_TRUE(CachedCount(s.view(), &card));
  EXPECT_EQ(card, 0x0123456789abcdefULL & ~(1ULL << 63));
}

}  // namespace
}  // namespace corvid::hll
