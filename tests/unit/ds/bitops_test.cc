#include "ds/bitops.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace corvid::bits {
namespace {

// Reference bit loop.
int RefBit(const std::string& s, uint64_t i) { return (static_cast<uint8_t>(s[i / 8]) >> (7 - i % 8)) & 1; }

std::string RandomBytes(std::mt19937_64& rng, size_t n, int density) {
  std::string s(n, '\0');
  for (auto& ch : s) {
    uint8_t b = 0;
    for (int k = 0; k < 8; ++k) b = static_cast<uint8_t>((b << 1) | (static_cast<int>(rng() % 100) < density));
    ch = static_cast<char>(b);
  }
  return s;
}

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(BitopsTest, PopCountAndRangesMatchBitLoop) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string s = RandomBytes(rng, 1 + rng() % 100, static_cast<int>(rng() % 101));
    uint64_t nbits = s.size() * 8;
    uint64_t total = 0;
    for (uint64_t i = 0; i < nbits; ++i) total += RefBit(s, i);
    EXPECT_EQ(PopCount(U(s), s.size()), total);
    uint64_t a = rng() % nbits, b = rng() % nbits;
    if (a > b) std::swap(a, b);
    uint64_t want = 0;
    int64_t first1 = -1, first0 = -1;
    for (uint64_t i = a; i <= b; ++i) {
      want += RefBit(s, i);
      if (first1 < 0 && RefBit(s, i)) first1 = static_cast<int64_t>(i);
      if (first0 < 0 && !RefBit(s, i)) first0 = static_cast<int64_t>(i);
    }
    EXPECT_EQ(PopCountRange(U(s), a, b), want) << a << ".." << b;
    EXPECT_EQ(FindBit(U(s), a, b, true), first1) << a << ".." << b;
    EXPECT_EQ(FindBit(U(s), a, b, false), first0) << a << ".." << b;
  }
}

TEST(BitopsTest, FindBitAcrossWords) {
  std::string s(40, '\0');
  s[33] = 0x10;
  EXPECT_EQ(FindBit(U(s), 0, 319, true), 33 * 8 + 3);
  EXPECT_EQ(FindBit(U(s), 0, 33 * 8 + 2, true), -1);
  std::string ones(40, '\xff');
  EXPECT_EQ(FindBit(U(ones), 0, 319, false), -1);
  ones[39] = '\xfe';
  EXPECT_EQ(FindBit(U(ones), 5, 319, false), 319);
}

TEST(BitopsTest, CombinePadsShorterSources) {
  std::vector<std::string_view> srcs = {"\xff\x0f", "\xf0"};
  EXPECT_EQ(Combine(BitOp::kAnd, srcs), std::string("\xf0\x00", 2));
  EXPECT_EQ(Combine(BitOp::kOr, srcs), "\xff\x0f");
  EXPECT_EQ(Combine(BitOp::kXor, srcs), "\x0f\x0f");
  std::vector<std::string_view> one = {"\x0f"};
  EXPECT_EQ(Combine(BitOp::kNot, one), "\xf0");
  std::vector<std::string_view> with_empty = {"", "\x01"};
  EXPECT_EQ(Combine(BitOp::kAnd, with_empty), std::string(1, '\0'));
}

TEST(BitopsTest, FieldsRoundTripAtEveryAlignment) {
  std::mt19937_64 rng(3);
  for (unsigned width = 1; width <= 64; ++width) {
    for (uint64_t offset = 0; offset < 16; ++offset) {
      std::string buf = RandomBytes(rng, 12, 50), before = buf;
      uint64_t v = rng();
      auto* p = reinterpret_cast<uint8_t*>(buf.data());
      SetField(p, offset, width, v);
      uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
      EXPECT_EQ(GetUnsigned(p, offset, width), v & mask);
      int64_t sv = GetSigned(p, offset, width);
      EXPECT_EQ(static_cast<uint64_t>(sv) & mask, v & mask);
      EXPECT_EQ(sv < 0, ((v >> (width - 1)) & 1) == 1);
      for (uint64_t i = 0; i < 96; ++i)  // bits outside the field are untouched
        if (i < offset || i >= offset + width) EXPECT_EQ(RefBit(buf, i), RefBit(before, i));
    }
  }
}

TEST(BitopsTest, UnsignedOverflow) {
  uint64_t out = 0;
  EXPECT_EQ(CheckedAddUnsigned(250, 10, 8, Overflow::kWrap, &out), 1);
  EXPECT_EQ(out, 4u);
  EXPECT_EQ(CheckedAddUnsigned(250, 10, 8, Overflow::kSat, &out), 1);
  EXPECT_EQ(out, 255u);
  EXPECT_EQ(CheckedAddUnsigned(5, -10, 8, Overflow::kWrap, &out), -1);
  EXPECT_EQ(out, 251u);
  EXPECT_EQ(CheckedAddUnsigned(5, -10, 8, Overflow::kSat, &out), -1);
  EXPECT_EQ(out, 0u);
  out = 77;
  EXPECT_EQ(CheckedAddUnsigned(5, -10, 8, Overflow::kFail, &out), -1);
  EXPECT_EQ(out, 77u);
  EXPECT_EQ(CheckedAddUnsigned(static_cast<uint64_t>(-1), 0, 8, Overflow::kWrap, &out), 1);  // SET u8 -1
  EXPECT_EQ(out, 255u);
  EXPECT_EQ(CheckedAddUnsigned(1, INT64_MAX, 63, Overflow::kSat, &out), 1);
  EXPECT_EQ(out, static_cast<uint64_t>(INT64_MAX));
  EXPECT_EQ(CheckedAddUnsigned(0, INT64_MAX, 63, Overflow::kFail, &out), 0);
  EXPECT_EQ(out, static_cast<uint64_t>(INT64_MAX));
}

TEST(BitopsTest, SignedOverflow) {
  int64_t out = 0;
  EXPECT_EQ(CheckedAddSigned(127, 1, 8, Overflow::kWrap, &out), 1);
  EXPECT_EQ(out, -128);
  EXPECT_EQ(CheckedAddSigned(-128, -1, 8, Overflow::kWrap, &out), -1);
  EXPECT_EQ(out, 127);
  EXPECT_EQ(CheckedAddSigned(-100, -100, 8, Overflow::kSat, &out), -1);
  EXPECT_EQ(out, -128);
  EXPECT_EQ(CheckedAddSigned(100, 0, 4, Overflow::kSat, &out), 1);  // SET i4 100
  EXPECT_EQ(out, 7);
  EXPECT_EQ(CheckedAddSigned(INT64_MAX, 1, 64, Overflow::kWrap, &out), 1);
  EXPECT_EQ(out, INT64_MIN);
  EXPECT_EQ(CheckedAddSigned(INT64_MIN, -1, 64, Overflow::kSat, &out), -1);
  EXPECT_EQ(out, INT64_MIN);
  EXPECT_EQ(CheckedAddSigned(-5, INT64_MAX, 64, Overflow::kFail, &out), 0);
  EXPECT_EQ(out, INT64_MAX - 5);
  EXPECT_EQ(CheckedAddSigned(0, 1, 1, Overflow::kWrap, &out), 1);  // i1 holds -1..0
  EXPECT_EQ(out, -1);
}

}  // namespace
}  // namespace corvid::bits
