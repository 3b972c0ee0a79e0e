// Expectations are what redis-server 7.0.15 answered for the same inputs:
//   integers       INCRBY <missing key> <input>                      (string2ll)
//   lenient uint   XADD s 5-<input> f v  -> "5-<value>" or an error  (string2ull)
//   double         ZADD z <input> m + ZSCORE on a skiplist zset      (getDoubleFromObject + "%.17g")
//   long double    INCRBYFLOAT <missing key> <input>                 (string2ld + ld2string human)
#include "util/numeric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace corvid {
namespace {

using namespace std::string_view_literals;

struct IntCase {
  std::string_view in;
  bool ok;
  int64_t value;
};

TEST(StringToInt64, MatchesRedisString2ll) {
  const IntCase cases[] = {
      {"0", true, 0},
      {"1", true, 1},
      {"-1", true, -1},
      {"10", true, 10},
      {"9223372036854775807", true, INT64_MAX},
      {"-9223372036854775808", true, INT64_MIN},
      {"-1234567890123456789", true, -1234567890123456789LL},
      {"9223372036854775806", true, 9223372036854775806LL},
      {"-9223372036854775807", true, -9223372036854775807LL},
      {"9223372036854775808", false, 0},
      {"-9223372036854775809", false, 0},
      {"18446744073709551615", false, 0},
      {"18446744073709551616", false, 0},
      {"99999999999999999999", false, 0},
      {"-99999999999999999999", false, 0},
      {"12345678901234567890", false, 0},
      {"-12345678901234567890", false, 0},
      {"000000000000000000001", false, 0},
      {"-0", false, 0},
      {"00", false, 0},
      {"01", false, 0},
      {"-01", false, 0},
      {"+1", false, 0},
      {"+", false, 0},
      {"-", false, 0},
      {"", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"1a", false, 0},
      {"0x10", false, 0},
      {"1e3", false, 0},
      {"1.0", false, 0},
      {"\0"
       "1"sv,
       false, 0},
      {"1\0"sv, false, 0},
      {"--1", false, 0},
  };
  for (const IntCase& c : cases) {
    int64_t v = 777;
    EXPECT_EQ(StringToInt64(c.in, &v), c.ok) << "input '" << c.in << "'";
    if (c.ok) {
      EXPECT_EQ(v, c.value) << "input '" << c.in << "'";
    } else {
      EXPECT_EQ(v, 777) << "rejected input must not touch *out: '" << c.in << "'";
    }
  }
}

TEST(StringToInt64, NullOutAndViewsIntoLargerBuffers) {
  EXPECT_TRUE(StringToInt64("42", nullptr));
  EXPECT_FALSE(StringToInt64("x", nullptr));
  // Only the view's bytes count, not what follows them in memory.
  const std::string buf = "12345";
  int64_t v = 0;
  ASSERT_TRUE(StringToInt64(std::string_view(buf).substr(0, 2), &v));
  EXPECT_EQ(v, 12);
  ASSERT_TRUE(StringToInt64(std::string_view(buf).substr(0, 1), &v));
  EXPECT_EQ(v, 1);
  // "0" followed in memory by more digits is still just "0".
  const std::string zeros = "0123";
  ASSERT_TRUE(StringToInt64(std::string_view(zeros).substr(0, 1), &v));
  EXPECT_EQ(v, 0);
}

TEST(StringToInt64, RoundTripsEveryPowerOfTenBoundary) {
  for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
    for (int64_t v : {p - 1, p, p + 1, -(p - 1), -p, -(p + 1)}) {
      int64_t got = 0;
      ASSERT_TRUE(StringToInt64(std::to_string(v), &got)) << v;
      EXPECT_EQ(got, v);
    }
  }
}

struct UIntCase {
  std::string_view in;
  bool ok;
  uint64_t value;
};

TEST(StringToUInt64, StrictLikeString2ll) {
  const UIntCase cases[] = {
      {"0", true, 0},
      {"1", true, 1},
      {"9223372036854775808", true, 9223372036854775808ULL},
      {"18446744073709551615", true, UINT64_MAX},
      {"18446744073709551616", false, 0},
      {"99999999999999999999", false, 0},
      {"000000000000000000001", false, 0},
      {"-0", false, 0},
      {"-1", false, 0},
      {"+1", false, 0},
      {"01", false, 0},
      {"00", false, 0},
      {"", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"1x", false, 0},
      {"1\0"sv, false, 0},
  };
  for (const UIntCase& c : cases) {
    uint64_t v = 777;
    EXPECT_EQ(StringToUInt64(c.in, &v), c.ok) << "input '" << c.in << "'";
    EXPECT_EQ(v, c.ok ? c.value : 777) << "input '" << c.in << "'";
  }
}

TEST(StringToUInt64Lenient, MatchesRedisString2ullAsStreamIdsSeeIt) {
  const UIntCase cases[] = {
      {"1", true, 1},
      {"0", true, 0},
      {"01", true, 1},
      {" 1", true, 1},
      {"\t7", true, 7},
      {"\n7", true, 7},
      {"+1", true, 1},
      {"+0", true, 0},
      {"-0", true, 0},
      {"00000000000000000000000001", true, 1},
      {"18446744073709551615", true, UINT64_MAX},
      {"-18446744073709551615", true, 1},
      {"-9223372036854775809", true, 9223372036854775807ULL},
      {"1\0junk"sv, true, 1},
      {"18446744073709551616", false, 0},
      {"-1", false, 0},
      {"1 ", false, 0},
      {"0x1", false, 0},
      {"0x", false, 0},
      {"1e3", false, 0},
      {"", false, 0},
      {"\0"
       "1"sv,
       false, 0},
  };
  for (const UIntCase& c : cases) {
    uint64_t v = 777;
    EXPECT_EQ(StringToUInt64Lenient(c.in, &v), c.ok) << "input '" << c.in << "'";
    EXPECT_EQ(v, c.ok ? c.value : 777) << "input '" << c.in << "'";
  }
}

// ok == false means "ERR value is not a valid float"; otherwise `reply` is what ZSCORE printed.
struct DoubleCase {
  std::string_view in;
  bool ok;
  std::string_view reply;
};

std::string Fmt(double d) {
  char buf[kDoubleChars];
  const size_t n = FormatDouble(d, buf);
  EXPECT_EQ(buf[n], '\0');
  return std::string(buf, n);
}

TEST(StringToDouble, MatchesZaddAndZscore) {
  const DoubleCase cases[] = {
      {"1.1", true, "1.1000000000000001"},
      {"0.1", true, "0.10000000000000001"},
      {"10.5", true, "10.5"},
      {"0", true, "0"},
      {"-0", true, "-0"},
      {"-0.0", true, "-0"},
      {"+0", true, "0"},
      {"1", true, "1"},
      {"-1", true, "-1"},
      {"+1.5", true, "1.5"},
      {".5", true, "0.5"},
      {"5.", true, "5"},
      {"00001.5", true, "1.5"},
      {"1e3", true, "1000"},
      {"1E3", true, "1000"},
      {"3.0e3", true, "3000"},
      {"0x10", true, "16"},
      {"0x1p3", true, "8"},
      {"0X1P-2", true, "0.25"},
      {"1.10000000000000000000000001", true, "1.1000000000000001"},
      {"inf", true, "inf"},
      {"+inf", true, "inf"},
      {"-inf", true, "-inf"},
      {"INF", true, "inf"},
      {"Infinity", true, "inf"},
      {"-infinity", true, "-inf"},
      {"1e308", true, "1e+308"},
      {"1.7976931348623157e308", true, "1.7976931348623157e+308"},
      {"1e-308", true, "9.9999999999999991e-309"},
      {"1e-320", true, "9.9998886718268301e-321"},
      {"-1e-320", true, "-9.9998886718268301e-321"},
      {"1e309", false, ""},
      {"-1e309", false, ""},
      {"1.7976931348623159e308", false, ""},
      {"1e-400", false, ""},
      {"1e4000", false, ""},
      {"nan", false, ""},
      {"NaN", false, ""},
      {"-nan", false, ""},
      {"nan(123)", false, ""},
      {"infinit", false, ""},
      {"", false, ""},
      {"-", false, ""},
      {"+", false, ""},
      {" 1", false, ""},
      {"\t1", false, ""},
      {"\n1", false, ""},
      {"1 ", false, ""},
      {"1\n", false, ""},
      {"1e", false, ""},
      {"e1", false, ""},
      {"1..2", false, ""},
      {"--1", false, ""},
      {"1,5", false, ""},
      {"1_0", false, ""},
      {"\0"
       "1"sv,
       false, ""},
      {"1\0"sv, false, ""},
      {"1\0abc"sv, false, ""},
  };
  for (const DoubleCase& c : cases) {
    double d = 777;
    EXPECT_EQ(StringToDouble(c.in, &d), c.ok) << "input '" << c.in << "'";
    if (c.ok) {
      EXPECT_EQ(Fmt(d), c.reply) << "input '" << c.in << "'";
    } else {
      EXPECT_EQ(d, 777) << "input '" << c.in << "'";
    }
  }
}

TEST(StringToDouble, NoLengthLimitAndViewBoundsRespected) {
  // ZADD accepted a 20002-byte score "1.000...0".
  const std::string long_one = "1." + std::string(20000, '0');
  double d = 0;
  ASSERT_TRUE(StringToDouble(long_one, &d));
  EXPECT_EQ(d, 1.0);
  const std::string buf = "2.5junk";
  ASSERT_TRUE(StringToDouble(std::string_view(buf).substr(0, 3), &d));
  EXPECT_EQ(d, 2.5);
  EXPECT_TRUE(StringToDouble("7", nullptr));
  EXPECT_FALSE(StringToDouble("x", nullptr));
}

// ok == false means "ERR value is not a valid float"; otherwise `reply` is what INCRBYFLOAT on a missing
// key answered (for inf the parse succeeds and INCRBYFLOAT then refuses the infinite result).
struct LdCase {
  std::string_view in;
  bool ok;
  std::string_view reply;
};

std::string FmtLd(long double v, LdMode mode) {
  static char buf[kLongDoubleChars];
  const size_t n = FormatLongDouble(v, buf, mode);
  EXPECT_EQ(buf[n], '\0');
  return std::string(buf, n);
}

TEST(StringToLongDouble, MatchesIncrbyfloat) {
  const LdCase cases[] = {
      {"1.1", true, "1.1"},
      {"0.1", true, "0.1"},
      {"10.5", true, "10.5"},
      {"0", true, "0"},
      {"-0", true, "0"},
      {"+0", true, "0"},
      {"1", true, "1"},
      {"-1", true, "-1"},
      {"+1.5", true, "1.5"},
      {".5", true, "0.5"},
      {"5.", true, "5"},
      {"00001.5", true, "1.5"},
      {"1e3", true, "1000"},
      {"1E3", true, "1000"},
      {"3.0e3", true, "3000"},
      {"0x10", true, "16"},
      {"0x1p3", true, "8"},
      {"0X1P-2", true, "0.25"},
      {"1.10000000000000000000000001", true, "1.1"},
      {"1.23456789012345678901234567890", true, "1.23456789012345679"},
      {"3.14159265358979323846", true, "3.14159265358979324"},
      {"-3.14159265358979323846", true, "-3.14159265358979324"},
      {"123456789.123456789", true, "123456789.12345678899873747"},
      {"9007199254740993", true, "9007199254740993"},
      {"17179869184", true, "17179869184"},
      {"1e-17", true, "0.00000000000000001"},
      {"-1e-17", true, "-0.00000000000000001"},
      {"0.000000000000000015", true, "0.00000000000000002"},
      {"1e-18", true, "0"},
      {"5e-18", true, "0"},
      {"-5e-18", true, "0"},
      {"1e-308", true, "0"},
      {"1e-400", true, "0"},    // fine for a long double
      {"1e-4940", true, "0"},   // a long double denormal: ERANGE but not zero, accepted
      {"inf", true, "inf"},
      {"-inf", true, "-inf"},
      {"+inf", true, "inf"},
      {"INF", true, "inf"},
      {"Infinity", true, "inf"},
      {"-infinity", true, "-inf"},
      {"1e-5000", false, ""},  // underflows to zero
      {"1e5000", false, ""},   // overflows to inf
      {"nan", false, ""},
      {"NaN", false, ""},
      {"-nan", false, ""},
      {"nan(123)", false, ""},
      {"infinit", false, ""},
      {"", false, ""},
      {"-", false, ""},
      {"+", false, ""},
      {" 1", false, ""},
      {"\t1", false, ""},
      {"\n1", false, ""},
      {"1 ", false, ""},
      {"1\n", false, ""},
      {"1e", false, ""},
      {"e1", false, ""},
      {"1..2", false, ""},
      {"--1", false, ""},
      {"1,5", false, ""},
      {"1_0", false, ""},
      {"\0"
       "1"sv,
       false, ""},
      {"1\0"sv, false, ""},
      {"1\0abc"sv, false, ""},
  };
  for (const LdCase& c : cases) {
    long double v = 777;
    EXPECT_EQ(StringToLongDouble(c.in, &v), c.ok) << "input '" << c.in << "'";
    if (c.ok) {
      EXPECT_EQ(FmtLd(0.0L + v, LdMode::kHuman), c.reply) << "input '" << c.in << "'";
    } else {
      EXPECT_EQ(v, 777) << "input '" << c.in << "'";
    }
  }
}

TEST(StringToLongDouble, HugeValuesPrintAllTheirDigits) {
  long double v = 0;
  ASSERT_TRUE(StringToLongDouble("1e308", &v));
  EXPECT_EQ(FmtLd(v, LdMode::kHuman),
            "9999999999999999999668587965584564566056009984741556720779704799492173486883806187210012692188853932"
            "0446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153"
            "3957889389145605435630612683649016186302170865892534448816237913008557573181424245104527282550463439"
            "28578048");
  ASSERT_TRUE(StringToLongDouble("-1e309", &v));  // beyond double, fine for a long double
  EXPECT_EQ(FmtLd(v, LdMode::kHuman),
            "-999999999999999999986349424581256454766307763249906048699722933664407363742116431635427166600418245"
            "4093987023823041527499719573284024231723411264840323703757727469747886572146256936514449840127391331"
            "1326886949644231103481757112040676355749802165564242594154346885093978322865903045365962144620764342"
            "3114002432");
  // Near the top of the long double range the human form is 4933 digits and still fits the buffer.
  ASSERT_TRUE(StringToLongDouble("1e4932", &v));
  std::string s = FmtLd(v, LdMode::kHuman);
  EXPECT_EQ(s.size(), 4933u);
  EXPECT_EQ(s.substr(0, 40), "1000000000000000000006018949387963891323");
  EXPECT_EQ(s.substr(s.size() - 10), "1886622720");
  // LDBL_MAX itself is accepted; one ulp-ish above it overflows and is rejected.
  ASSERT_TRUE(StringToLongDouble("1.18973149535723176502e4932", &v));
  s = FmtLd(v, LdMode::kHuman);
  EXPECT_EQ(s.size(), 4933u);
  EXPECT_EQ(s.substr(0, 40), "1189731495357231765021263853030970205169");
  EXPECT_EQ(s.substr(s.size() - 10), "1989770240");
  EXPECT_FALSE(StringToLongDouble("1.18973149535723176509e4932", &v));
}

TEST(StringToLongDouble, LengthLimitIs5119Bytes) {
  // INCRBYFLOAT accepted "1.000...0" of 5119 bytes and rejected 5120.
  for (size_t n : {5118u, 5119u, 5120u, 5121u}) {
    const std::string s = "1." + std::string(n - 2, '0');
    long double v = 0;
    EXPECT_EQ(StringToLongDouble(s, &v), n <= 5119) << n;
    if (n <= 5119) {
      EXPECT_EQ(v, 1.0L);
    }
  }
  EXPECT_TRUE(StringToLongDouble("7", nullptr));
  const std::string buf = "2.5junk";
  long double v = 0;
  ASSERT_TRUE(StringToLongDouble(std::string_view(buf).substr(0, 3), &v));
  EXPECT_EQ(v, 2.5L);
}

struct IncrCase {
  std::string_view start;
  std::string_view incr;
  std::string_view reply;
};

TEST(FormatLongDouble, HumanMatchesIncrbyfloatResults) {
  // SET k <start>; INCRBYFLOAT k <incr>
  const IncrCase cases[] = {
      {"1.1", "2.2", "3.3"},
      {"10", "0.1", "10.1"},
      {"0.1", "0.2", "0.3"},
      {"10.50", "0.1", "10.6"},
      {"3.0e3", "0", "3000"},
      {"5.0e3", "2.0e2", "5200"},
      {"1", "-1", "0"},
      {"-1.5", "1", "-0.5"},
      {"0.1", "-0.3", "-0.2"},
      {"2.5", "-2.5", "0"},
      {"-0.0", "-0", "0"},
      {"1e17", "1", "100000000000000001"},
      {"1e18", "1", "1000000000000000001"},
      {"1e20", "1", "100000000000000000000"},
      {"1", "1e-16", "1.0000000000000001"},
      {"100", "0.0000000000000001", "100.0000000000000001"},
  };
  for (const IncrCase& c : cases) {
    long double a = 0;
    long double b = 0;
    ASSERT_TRUE(StringToLongDouble(c.start, &a)) << c.start;
    ASSERT_TRUE(StringToLongDouble(c.incr, &b)) << c.incr;
    EXPECT_EQ(FmtLd(a + b, LdMode::kHuman), c.reply) << c.start << " + " << c.incr;
  }
}

TEST(FormatLongDouble, AutoIsPercent17LgAndInfinitiesAreSpelledOut) {
  // kAuto has no direct oracle reply in 7.0; these are the C library's "%.17Lg" facts.
  EXPECT_EQ(FmtLd(1.1L, LdMode::kAuto), "1.1");
  EXPECT_EQ(FmtLd(static_cast<long double>(1.1), LdMode::kAuto), "1.1000000000000001");
  EXPECT_EQ(FmtLd(3000.0L, LdMode::kAuto), "3000");
  EXPECT_EQ(FmtLd(1e20L, LdMode::kAuto), "1e+20");
  EXPECT_EQ(FmtLd(-0.0L, LdMode::kAuto), "-0");
  EXPECT_EQ(FmtLd(0.5L, LdMode::kAuto), "0.5");
  const long double inf = std::numeric_limits<long double>::infinity();
  for (LdMode mode : {LdMode::kAuto, LdMode::kHuman}) {
    EXPECT_EQ(FmtLd(inf, mode), "inf");
    EXPECT_EQ(FmtLd(-inf, mode), "-inf");
  }
  // Human mode strips only zeros after a '.', never those of an integer part.
  EXPECT_EQ(FmtLd(100.0L, LdMode::kHuman), "100");
  EXPECT_EQ(FmtLd(-100.0L, LdMode::kHuman), "-100");
  EXPECT_EQ(FmtLd(-0.0L, LdMode::kHuman), "0");
  EXPECT_EQ(FmtLd(-1e-30L, LdMode::kHuman), "0");
}

TEST(FormatDouble, Percent17gWithSpelledInfinities) {
  EXPECT_EQ(Fmt(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(Fmt(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(Fmt(0.0), "0");
  EXPECT_EQ(Fmt(-0.0), "-0");  // ZINCRBY z -0 m on a new zset replied "-0"
  EXPECT_EQ(Fmt(1e17), "1e+17");
  EXPECT_EQ(Fmt(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(Fmt(12345678901234567.0), "12345678901234568");
  EXPECT_EQ(Fmt(std::numeric_limits<double>::denorm_min()), "4.9406564584124654e-324");
  EXPECT_EQ(Fmt(-std::numeric_limits<double>::max()), "-1.7976931348623157e+308");
}

std::string I64(int64_t v) {
  char buf[kInt64Chars];
  return std::string(buf, Int64ToChars(v, buf));
}
std::string U64(uint64_t v) {
  char buf[kInt64Chars];
  return std::string(buf, UInt64ToChars(v, buf));
}

TEST(Int64ToChars, Boundaries) {
  EXPECT_EQ(I64(0), "0");
  EXPECT_EQ(I64(7), "7");
  EXPECT_EQ(I64(-7), "-7");
  EXPECT_EQ(I64(10), "10");
  EXPECT_EQ(I64(99), "99");
  EXPECT_EQ(I64(100), "100");
  EXPECT_EQ(I64(-100), "-100");
  EXPECT_EQ(I64(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(I64(INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(I64(INT64_MIN + 1), "-9223372036854775807");
  EXPECT_EQ(U64(0), "0");
  EXPECT_EQ(U64(UINT64_MAX), "18446744073709551615");
  EXPECT_EQ(U64(10000000000000000000ULL), "10000000000000000000");
  EXPECT_EQ(U64(9999999999999999999ULL), "9999999999999999999");
}

TEST(Int64ToChars, AgreesWithToStringAroundEveryDigitCountChange) {
  uint64_t p = 1;
  for (int digits = 1; digits <= 20; ++digits) {
    for (uint64_t d : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{11}}) {
      for (uint64_t v : {p - d, p + d}) {
        EXPECT_EQ(U64(v), std::to_string(v));
        const int64_t s = static_cast<int64_t>(v);
        EXPECT_EQ(I64(s), std::to_string(s));
        EXPECT_EQ(I64(-s), std::to_string(-s));
      }
    }
    if (digits < 20) p *= 10;
  }
  // A spread of values with mixed digit pairs.
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 10000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    EXPECT_EQ(U64(x >> (i % 64)), std::to_string(x >> (i % 64)));
    const int64_t s = static_cast<int64_t>(x);
    EXPECT_EQ(I64(s), std::to_string(s));
  }
}

TEST(Int64ToChars, RoundTripsThroughStringToInt64) {
  for (int64_t v : {INT64_MIN, INT64_MIN + 1, int64_t{-1}, int64_t{0}, int64_t{1}, INT64_MAX - 1, INT64_MAX}) {
    int64_t back = 0;
    ASSERT_TRUE(StringToInt64(I64(v), &back));
    EXPECT_EQ(back, v);
  }
}

}  // namespace
}  // namespace corvid
