#include "ds/compact_string.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace corvid {
namespace {

std::string Pattern(size_t n, char seed = 'a') {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i % 26);
  return s;
}

TEST(CompactStringTest, DefaultIsEmptyInline) {
  CompactString s;
  EXPECT_TRUE(s.IsInline());
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.view(), "");
  EXPECT_EQ(s.HeapBytes(), 0u);
  EXPECT_EQ(s.Capacity(), CompactString::kInlineMax);
}

TEST(CompactStringTest, InlineHeapBoundaryAt15And16) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string text = Pattern(n);
    CompactString s(text);
    EXPECT_EQ(s.view(), text) << n;
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.empty(), n == 0);
    if (n <= 15) {
      EXPECT_TRUE(s.IsInline()) << n;
      EXPECT_EQ(s.HeapBytes(), 0u) << n;
    } else {
      EXPECT_FALSE(s.IsInline()) << n;
      EXPECT_GE(s.HeapBytes(), n) << n;
      EXPECT_GE(s.Capacity(), n) << n;
    }
  }
}

TEST(CompactStringTest, BinarySafe) {
  std::string inl("a\0b\0\xff\x80", 6);
  CompactString a(inl);
  EXPECT_TRUE(a.IsInline());
  EXPECT_EQ(a.view(), inl);
  // A 15-byte string whose last byte is 0x80 (the heap tag value) must stay a 15-byte inline string.
  std::string tricky(15, '\x80');
  CompactString b(tricky);
  EXPECT_TRUE(b.IsInline());
  EXPECT_EQ(b.size(), 15u);
  EXPECT_EQ(b.view(), tricky);
  std::string heap(100, '\0');
  heap[50] = '\x80';
  CompactString c(heap);
  EXPECT_EQ(c.view(), heap);
}

TEST(CompactStringTest, AssignSwitchesBetweenInlineAndHeap) {
  CompactString s("short");
  EXPECT_TRUE(s.IsInline());
  s.Assign(Pattern(100));
  EXPECT_FALSE(s.IsInline());
  EXPECT_EQ(s.view(), Pattern(100));
  s.Assign(Pattern(200, 'A'));
  EXPECT_EQ(s.view(), Pattern(200, 'A'));
  s.Assign("tiny");
  EXPECT_TRUE(s.IsInline());
  EXPECT_EQ(s.view(), "tiny");
  EXPECT_EQ(s.HeapBytes(), 0u);
  s.Assign("");
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.IsInline());
}

TEST(CompactStringTest, AppendCrossesBoundaryAndGrowsGeometrically) {
  CompactString s;
  std::string model;
  for (int i = 0; i < 15; ++i) {
    s.Append("x");
    model += "x";
    ASSERT_TRUE(s.IsInline());
  }
  EXPECT_EQ(s.view(), model);
  s.Append("y");  // 16 bytes: heap, with spare room (at least 32 bytes on the first spill)
  model += "y";
  EXPECT_FALSE(s.IsInline());
  EXPECT_EQ(s.view(), model);
  EXPECT_GE(s.Capacity(), 32u);

  // Appending one byte at a time reallocates only O(log n) times (sds-style doubling).
  int reallocs = 0;
  const char* last = s.data();
  size_t last_cap = s.Capacity();
  for (int i = 0; i < 100000; ++i) {
    char c = static_cast<char>('a' + i % 26);
    s.Append(std::string_view(&c, 1));
    model.push_back(c);
    if (s.Capacity() != last_cap || s.data() != last) {
      ++reallocs;
      last = s.data();
      last_cap = s.Capacity();
    }
  }
  EXPECT_EQ(s.view(), model);
  EXPECT_LT(reallocs, 40);
  EXPECT_GE(s.Capacity(), s.size());
}

TEST(CompactStringTest, AppendEmptyAndLarge) {
  CompactString s("abc");
  s.Append("");
  EXPECT_EQ(s.view(), "abc");
  EXPECT_TRUE(s.IsInline());
  std::string big = Pattern(3 << 20);
  s.Append(big);
  EXPECT_EQ(s.size(), 3 + big.size());
  EXPECT_EQ(s.view().substr(0, 3), "abc");
  EXPECT_EQ(s.view().substr(3), big);
}

TEST(CompactStringTest, AppendMatchesStdStringRandomized) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    CompactString s;
    std::string model;
    for (int i = 0; i < 30; ++i) {
      std::string piece = Pattern(rng() % 40, static_cast<char>('a' + rng() % 10));
      s.Append(piece);
      model += piece;
      ASSERT_EQ(s.view(), model);
      if (s.IsInline()) {
        ASSERT_LE(model.size(), 15u);
      }
    }
  }
}

TEST(CompactStringTest, ResizeKeepsPrefix) {
  CompactString s("hello");
  char* p = s.Resize(10);
  EXPECT_TRUE(s.IsInline());
  EXPECT_EQ(s.size(), 10u);
  EXPECT_EQ(s.view().substr(0, 5), "hello");
  memcpy(p + 5, "world", 5);
  EXPECT_EQ(s.view(), "helloworld");

  p = s.Resize(20);  // spills to the heap, keeping the bytes
  EXPECT_FALSE(s.IsInline());
  EXPECT_EQ(s.size(), 20u);
  EXPECT_EQ(s.view().substr(0, 10), "helloworld");
  memcpy(p + 10, "0123456789", 10);
  EXPECT_EQ(s.view(), "helloworld0123456789");

  s.Resize(3);  // shrinking keeps the first bytes
  EXPECT_EQ(s.view(), "hel");
  s.Resize(0);
  EXPECT_TRUE(s.empty());
}

TEST(CompactStringTest, ResizeWithGrowSpare) {
  CompactString a;
  a.Resize(16, /*grow_spare=*/true);
  EXPECT_GE(a.Capacity(), 32u);
  CompactString b;
  b.Resize(100, /*grow_spare=*/true);
  EXPECT_GE(b.Capacity(), 200u);
  CompactString c;
  c.Resize(100, /*grow_spare=*/false);
  EXPECT_GE(c.Capacity(), 100u);
  // Growth of a heap string: double below 1 MB, +1 MB above.
  CompactString d(Pattern(100));
  d.Resize(1000, true);
  EXPECT_GE(d.Capacity(), 2000u);
  CompactString e(Pattern(100));
  e.Resize(2 << 20, true);
  EXPECT_GE(e.Capacity(), (2u << 20) + (1u << 20));
  EXPECT_EQ(e.view().substr(0, 100), Pattern(100));
}

TEST(CompactStringTest, ResizeWithinCapacityKeepsBuffer) {
  CompactString s;
  s.Resize(100, true);
  const char* p = s.data();
  size_t cap = s.Capacity();
  s.Resize(cap);
  EXPECT_EQ(s.data(), p);
  s.Resize(17);
  EXPECT_EQ(s.data(), p);
  EXPECT_FALSE(s.IsInline());  // a heap string stays on the heap when shrunk by Resize
}

TEST(CompactStringTest, MoveConstructAndAssign) {
  for (size_t n : {0u, 5u, 15u, 16u, 100u}) {
    std::string text = Pattern(n);
    CompactString a(text);
    CompactString b(std::move(a));
    EXPECT_EQ(b.view(), text);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is a valid empty string
    EXPECT_TRUE(a.IsInline());
    a.Assign("reuse");  // the moved-from string is usable
    EXPECT_EQ(a.view(), "reuse");

    CompactString c(Pattern(50, 'A'));  // heap target: its buffer must be released
    c = std::move(b);
    EXPECT_EQ(c.view(), text);
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)

    CompactString d("x");
    d = std::move(c);
    EXPECT_EQ(d.view(), text);
  }
}

TEST(CompactStringTest, SelfMoveAssignIsNoop) {
  CompactString s(Pattern(40));
  CompactString& alias = s;
  s = std::move(alias);
  EXPECT_EQ(s.view(), Pattern(40));
}

TEST(CompactStringTest, VectorOfStringsSurvivesReallocation) {
  std::vector<CompactString> v;
  for (int i = 0; i < 1000; ++i) v.emplace_back(Pattern(i % 40, static_cast<char>('a' + i % 7)));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(v[i].view(), Pattern(i % 40, static_cast<char>('a' + i % 7)));
}

TEST(CompactStringTest, MutableDataWritesThrough) {
  CompactString a("abc");
  a.mutable_data()[1] = 'X';
  EXPECT_EQ(a.view(), "aXc");
  CompactString b(Pattern(30));
  b.mutable_data()[29] = '!';
  EXPECT_EQ(b.view().back(), '!');
}

}  // namespace
}  // namespace corvid
