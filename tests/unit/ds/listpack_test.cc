#include "ds/listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace corvid {
namespace {

using Pos = Listpack::Pos;

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Text(const LpValue& v) {
  char buf[LpValue::kIntBufSize];
  return std::string(v.AsString(buf));
}

// Every element as text, first to last.
std::vector<std::string> Forward(const Listpack& lp) {
  std::vector<std::string> out;
  for (Pos p = lp.First(); p != Listpack::kNoPos; p = lp.Next(p)) out.push_back(Text(lp.Get(p)));
  return out;
}

// Every element as text, last to first, then reversed so it compares with Forward().
std::vector<std::string> Backward(const Listpack& lp) {
  std::vector<std::string> out;
  for (Pos p = lp.Last(); p != Listpack::kNoPos; p = lp.Prev(p)) out.push_back(Text(lp.Get(p)));
  return {out.rbegin(), out.rend()};
}

// Header num-elements field.
uint16_t HeaderCount(const Listpack& lp) {
  const auto b = lp.Bytes();
  return static_cast<uint16_t>(static_cast<unsigned char>(b[4]) | (static_cast<unsigned char>(b[5]) << 8));
}

// Values around every encoding boundary, as strings, and the listpack Redis 7.0.15 builds from
// HSET h f0 v0 f1 v1 ... (read back with DUMP, rdbcompression off).
const std::vector<std::string>& BoundaryValues() {
  static const std::vector<std::string> values = {
      "0", "1", "127", "128", "-1", "4095", "4096", "-4096", "-4097", "32767", "32768", "-32768", "-32769",
      "8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648", "-2147483648", "-2147483649",
      "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "",
      "-0", "01", "+1", " 1", "1 ", "1.5", "abc", std::string(63, 'a'), std::string(64, 'b'), "00", "-",
      "18446744073709551615", "-01", "12345678901234567890"};
  return values;
}

constexpr std::string_view kRedisBoundaryHash =
    "420200005000826630030001826631030101826632037f0182663303c0800282663403dfff0282663503cfff0282663603f10010"
    "0382663703d0000282663803f1ffef0382663903f1ff7f038366313004f2008000048366313104f10080038366313204f2ff7fff"
    "048366313304f2ffff7f048366313404f300008000058366313504f2000080048366313604f3ffff7fff058366313704f3ffffff"
    "7f058366313804f40000008000000000098366313904f300000080058366323004f4ffffff7fffffffff098366323104f4ffffff"
    "ffffffff7f098366323204f400000000000000800983663233049339323233333732303336383534373735383038148366323404"
    "942d3932323333373230333638353437373538303915836632350480018366323604822d30038366323704823031038366323804"
    "822b3103836632390482203103836633300482312003836633310483312e3504836633320483616263048366333304bf61616161"
    "61616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161"
    "61616161616161408366333404e04062626262626262626262626262626262626262626262626262626262626262626262626262"
    "626262626262626262626262626262626262626262626262626262428366333504823030038366333604812d0283663337049431"
    "38343436373434303733373039353531363135158366333804832d30310483663339049431323334353637383930313233343536"
    "3738393015ff";

TEST(ListpackTest, EmptyLayout) {
  Listpack lp;
  EXPECT_EQ(lp.Bytes(), std::string_view("\x07\0\0\0\0\0\xff", 7));
  EXPECT_EQ(lp.Size(), 0u);
  EXPECT_TRUE(lp.Empty());
  EXPECT_EQ(lp.First(), Listpack::kNoPos);
  EXPECT_EQ(lp.Last(), Listpack::kNoPos);
  EXPECT_EQ(lp.Seek(0), Listpack::kNoPos);
  EXPECT_EQ(lp.Seek(-1), Listpack::kNoPos);
  EXPECT_EQ(lp.Find(lp.First(), "x", 0), Listpack::kNoPos);
  EXPECT_TRUE(Listpack::Validate(lp.Bytes(), true));
}

TEST(ListpackTest, BytesMatchRedis) {
  Listpack lp;
  const auto& values = BoundaryValues();
  for (size_t i = 0; i < values.size(); ++i) {
    lp.Append("f" + std::to_string(i));
    lp.Append(values[i]);
  }
  const std::string expected = FromHex(kRedisBoundaryHash);
  EXPECT_EQ(lp.Bytes(), expected);
  EXPECT_TRUE(Listpack::Validate(expected, true));
  EXPECT_EQ(lp.Size(), 2 * values.size());
  // Reading Redis' bytes gives back every value's text.
  const Listpack loaded = Listpack::FromBytes(expected);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(Text(loaded.Get(loaded.Seek(2 * static_cast<int64_t>(i) + 1))), values[i]) << i;
  }
}

TEST(ListpackTest, IntegerApisEncodeLikeTheirText) {
  const int64_t values[] = {0,         127,       128,         4095,        4096,      -4096,     -4097,
                            32767,     32768,     -32768,      -32769,      8388607,   8388608,   -8388608,
                            -8388609,  INT32_MAX, int64_t{INT32_MAX} + 1,   INT32_MIN, int64_t{INT32_MIN} - 1,
                            INT64_MAX, INT64_MIN, -1};
  Listpack by_text;
  Listpack by_int;
  for (int64_t v : values) {
    by_text.Append(std::to_string(v));
    by_int.AppendInt(v);
  }
  EXPECT_EQ(by_text.Bytes(), by_int.Bytes());
  Pos p = by_int.First();
  for (int64_t v : values) {
    const LpValue got = by_int.Get(p);
    EXPECT_TRUE(got.is_int);
    EXPECT_EQ(got.num, v);
    p = by_int.Next(p);
  }
  EXPECT_EQ(p, Listpack::kNoPos);
}

// Entry size (encoding + data + backlen) for values on each side of every width boundary.
TEST(ListpackTest, IntegerWidthBoundaries) {
  struct Case {
    int64_t value;
    size_t entry_bytes;
  };
  const Case cases[] = {
      {0, 2},
      {127, 2},
      {128, 3},
      {-1, 3},
      {4095, 3},
      {4096, 4},
      {-4096, 3},
      {-4097, 4},
      {int64_t{1} << 15, 5},
      {(int64_t{1} << 15) - 1, 4},
      {-(int64_t{1} << 15), 4},
      {-(int64_t{1} << 15) - 1, 5},
      {(int64_t{1} << 23) - 1, 5},
      {int64_t{1} << 23, 6},
      {-(int64_t{1} << 23), 5},
      {-(int64_t{1} << 23) - 1, 6},
      {(int64_t{1} << 31) - 1, 6},
      {int64_t{1} << 31, 10},
      {-(int64_t{1} << 31), 6},
      {-(int64_t{1} << 31) - 1, 10},
      {INT64_MAX, 10},
      {INT64_MIN, 10},
  };
  for (const Case& c : cases) {
    Listpack lp;
    lp.Append(std::to_string(c.value));
    EXPECT_EQ(lp.Bytes().size() - Listpack::kEmptySize, c.entry_bytes) << c.value;
    const LpValue v = lp.Get(lp.First());
    EXPECT_TRUE(v.is_int) << c.value;
    EXPECT_EQ(v.num, c.value);
    EXPECT_TRUE(Listpack::Validate(lp.Bytes(), true));
  }
}

TEST(ListpackTest, StringWidthBoundaries) {
  struct Case {
    size_t len;
    size_t entry_bytes;
  };
  const Case cases[] = {
      {0, 2},       {1, 3},       {63, 65},     {64, 67},     {125, 128},   {126, 130},
      {4095, 4099}, {4096, 4103}, {16377, 16384}, {16378, 16386}, {16379, 16387},
  };
  for (const Case& c : cases) {
    Listpack lp;
    const std::string s(c.len, 'x');
    lp.Append(s);
    lp.Append("tail");
    EXPECT_EQ(lp.Bytes().size() - Listpack::kEmptySize - 6, c.entry_bytes) << c.len;
    const LpValue v = lp.Get(lp.First());
    EXPECT_FALSE(v.is_int);
    EXPECT_EQ(v.str, s);
    EXPECT_EQ(lp.Prev(lp.Last()), lp.First()) << c.len;
    EXPECT_TRUE(Listpack::Validate(lp.Bytes(), true)) << c.len;
  }
}

// Encoding header and backlen bytes of long strings, as Redis 7.0.15 writes them: backlen takes
// 3 bytes from 16383 on (not 16384) and 4 bytes from 2097151 on.
TEST(ListpackTest, LongStringHeadersAndBacklensMatchRedis) {
  struct Case {
    size_t len;
    std::string_view head_hex;
    std::string_view tail_hex;  // the last data byte(s) and the backlen
  };
  const Case cases[] = {
      {125, "e07d", "787f"},
      {126, "e07e", "780180"},
      {16377, "f0f93f0000", "787ffe"},
      {16378, "f0fa3f0000", "7800ffff"},
      {16379, "f0fb3f0000", "78018080"},
      {2097145, "f0f9ff1f00", "787ffffe"},
      {2097146, "f0faff1f00", "7800ffffff"},
      {2097147, "f0fbff1f00", "7801808080"},
  };
  for (const Case& c : cases) {
    Listpack lp;
    lp.Append(std::string(c.len, 'x'));
    const std::string_view entry = lp.Bytes().substr(6, lp.Bytes().size() - Listpack::kEmptySize);
    const std::string head = FromHex(c.head_hex);
    const std::string tail = FromHex(c.tail_hex);
    EXPECT_EQ(entry.substr(0, head.size()), head) << c.len;
    EXPECT_EQ(entry.substr(entry.size() - tail.size()), tail) << c.len;
    EXPECT_EQ(lp.Last(), lp.First());
    EXPECT_EQ(lp.Get(lp.Last()).str.size(), c.len);
  }
}

TEST(ListpackTest, OnlyCanonicalIntegersBecomeIntegers) {
  const char* strings[] = {"-0", "01", "+1", " 1", "1 ", "1.5", "", "-", "00", "-01", "0x10", "1e3",
                           "9223372036854775808", "-9223372036854775809", "18446744073709551615",
                           "123456789012345678901"};
  for (const char* s : strings) {
    Listpack lp;
    lp.Append(s);
    const LpValue v = lp.Get(lp.First());
    EXPECT_FALSE(v.is_int) << s;
    EXPECT_EQ(v.str, s);
  }
  const char* ints[] = {"0", "-1", "9223372036854775807", "-9223372036854775808", "100"};
  for (const char* s : ints) {
    Listpack lp;
    lp.Append(s);
    EXPECT_TRUE(lp.Get(lp.First()).is_int) << s;
    EXPECT_EQ(Text(lp.Get(lp.First())), s);
  }
}

TEST(ListpackTest, ValueEqualsComparesText) {
  Listpack lp;
  lp.Append("123");
  lp.Append("abc");
  const LpValue n = lp.Get(lp.First());
  EXPECT_TRUE(n.Equals("123"));
  EXPECT_FALSE(n.Equals("0123"));
  EXPECT_FALSE(n.Equals("123 "));
  EXPECT_FALSE(n.Equals("124"));
  const LpValue s = lp.Get(lp.Last());
  EXPECT_TRUE(s.Equals("abc"));
  EXPECT_FALSE(s.Equals("ab"));
  char buf[LpValue::kIntBufSize];
  LpValue min;
  min.is_int = true;
  min.num = INT64_MIN;
  EXPECT_EQ(min.AsString(buf), "-9223372036854775808");
}

TEST(ListpackTest, IteratesBothWays) {
  Listpack lp;
  std::vector<std::string> model;
  for (int i = 0; i < 300; ++i) {
    std::string v = i % 3 == 0 ? std::to_string(i * 1000 - 50000) : std::string(static_cast<size_t>(i), 'a' + i % 26);
    lp.Append(v);
    model.push_back(v);
  }
  EXPECT_EQ(Forward(lp), model);
  EXPECT_EQ(Backward(lp), model);
  EXPECT_EQ(lp.Prev(lp.First()), Listpack::kNoPos);
  EXPECT_EQ(lp.Next(lp.Last()), Listpack::kNoPos);
}

TEST(ListpackTest, SeekPositiveAndNegative) {
  Listpack lp;
  for (int i = 0; i < 10; ++i) lp.AppendInt(i);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(lp.Get(lp.Seek(i)).num, i);
    EXPECT_EQ(lp.Get(lp.Seek(-1 - i)).num, 9 - i);
  }
  EXPECT_EQ(lp.Seek(10), Listpack::kNoPos);
  EXPECT_EQ(lp.Seek(-11), Listpack::kNoPos);
  EXPECT_EQ(lp.Seek(INT64_MAX), Listpack::kNoPos);
  EXPECT_EQ(lp.Seek(INT64_MIN), Listpack::kNoPos);
}

TEST(ListpackTest, InsertReplaceDelete) {
  Listpack lp;
  lp.Append("b");
  lp.Prepend("a");
  lp.AppendInt(3);
  lp.PrependInt(-1);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"-1", "a", "b", "3"}));

  Pos b = lp.Seek(2);
  Pos inserted = lp.Insert(b, Listpack::Where::kBefore, "before-b");
  EXPECT_EQ(Text(lp.Get(inserted)), "before-b");
  b = lp.Next(inserted);
  inserted = lp.InsertInt(b, Listpack::Where::kAfter, 70000);
  EXPECT_EQ(lp.Get(inserted).num, 70000);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"-1", "a", "before-b", "b", "70000", "3"}));
  inserted = lp.Insert(lp.Last(), Listpack::Where::kAfter, "end");
  EXPECT_EQ(lp.Next(inserted), Listpack::kNoPos);

  // Same size, larger, smaller, string to int.
  Pos a = lp.Seek(1);
  lp.Replace(a, "A");
  lp.Replace(lp.Seek(2), std::string(5000, 'z'));
  lp.Replace(lp.Seek(3), "");
  lp.ReplaceInt(lp.Seek(-1), INT64_MIN);
  EXPECT_EQ(Forward(lp),
            (std::vector<std::string>{"-1", "A", std::string(5000, 'z'), "", "70000", "3", "-9223372036854775808"}));
  EXPECT_EQ(Backward(lp), Forward(lp));
  EXPECT_EQ(lp.Size(), 7u);
  EXPECT_TRUE(Listpack::Validate(lp.Bytes(), true));

  Pos next = lp.Delete(lp.Seek(1), 2);
  EXPECT_EQ(Text(lp.Get(next)), "");
  EXPECT_EQ(lp.Size(), 5u);
  EXPECT_EQ(lp.Delete(lp.Seek(-2), 100), Listpack::kNoPos);  // past the end: deletes the last two
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"-1", "", "70000"}));
  EXPECT_EQ(lp.Delete(lp.First(), 3), Listpack::kNoPos);
  EXPECT_EQ(lp.Bytes(), Listpack().Bytes());
}

TEST(ListpackTest, FindSkipsValuesOfPairs) {
  Listpack lp;  // field/value pairs; values that look like other fields must not match
  lp.Append("name");
  lp.Append("age");
  lp.Append("age");
  lp.Append("42");
  lp.Append("42");
  lp.Append("name");
  EXPECT_EQ(lp.Find(lp.First(), "age", 1), lp.Seek(2));
  EXPECT_EQ(lp.Find(lp.First(), "42", 1), lp.Seek(4));
  EXPECT_EQ(lp.Find(lp.First(), "name", 1), lp.Seek(0));
  EXPECT_EQ(lp.Find(lp.Seek(1), "name", 1), lp.Seek(5));  // starting on a value flips the parity
  EXPECT_EQ(lp.Find(lp.First(), "042", 1), Listpack::kNoPos);
  EXPECT_EQ(lp.Find(lp.First(), "missing", 1), Listpack::kNoPos);
  EXPECT_EQ(lp.Find(lp.First(), "42", 0), lp.Seek(3));
  EXPECT_EQ(lp.Find(Listpack::kNoPos, "42", 0), Listpack::kNoPos);
  // Zset-style triples (skip 2).
  Listpack z;
  for (const char* s : {"a", "1", "x", "b", "a", "y"}) z.Append(s);
  EXPECT_EQ(z.Find(z.First(), "a", 2), z.Seek(0));
  EXPECT_EQ(z.Find(z.Seek(2), "y", 2), z.Seek(5));
  EXPECT_EQ(z.Find(z.Seek(1), "y", 2), Listpack::kNoPos);
  EXPECT_EQ(z.Find(z.First(), "b", 2), z.Seek(3));
}

TEST(ListpackTest, ValuesViewingTheListpackItselfAreCopiedFirst) {
  Listpack lp;
  const std::string big(3000, 'q');
  lp.Append(big);
  for (int i = 0; i < 8; ++i) lp.Append(lp.Get(lp.First()).str);  // each append reallocates
  lp.Prepend(lp.Get(lp.Last()).str);
  lp.Insert(lp.Seek(3), Listpack::Where::kAfter, lp.Get(lp.Seek(2)).str);
  lp.Replace(lp.First(), lp.Get(lp.Seek(1)).str.substr(10));
  EXPECT_EQ(lp.Size(), 11u);
  EXPECT_EQ(Text(lp.Get(lp.First())), big.substr(10));
  for (Pos p = lp.Next(lp.First()); p != Listpack::kNoPos; p = lp.Next(p)) EXPECT_EQ(lp.Get(p).str, big);
}

TEST(ListpackTest, CountBecomesUnknownAt65535) {
  // 65534 one-byte integers, built directly (appending them one by one is slow under ASan).
  std::string bytes = std::string(6, '\0');
  for (int i = 0; i < 65534; ++i) bytes += std::string{static_cast<char>(i % 100), '\x01'};
  bytes += '\xff';
  const uint32_t total = static_cast<uint32_t>(bytes.size());
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(total >> (8 * i));
  bytes[4] = '\xfe';
  bytes[5] = '\xff';
  ASSERT_TRUE(Listpack::Validate(bytes, true));
  Listpack lp = Listpack::FromBytes(bytes);
  EXPECT_EQ(HeaderCount(lp), 65534);
  EXPECT_EQ(lp.Get(lp.Seek(65533)).num, 65533 % 100);
  lp.AppendInt(1);
  EXPECT_EQ(HeaderCount(lp), 65535);  // unknown
  EXPECT_EQ(lp.Size(), 65535u);
  EXPECT_EQ(HeaderCount(lp), 65535);
  lp.AppendInt(2);
  EXPECT_EQ(lp.Size(), 65536u);
  EXPECT_EQ(lp.Get(lp.Seek(-1)).num, 2);
  EXPECT_EQ(lp.Get(lp.Seek(65534)).num, 1);
  EXPECT_TRUE(Listpack::Validate(lp.Bytes(), true));
  lp.Delete(lp.First(), 3);
  EXPECT_EQ(HeaderCount(lp), 65535);  // still unknown after deletes
  EXPECT_EQ(lp.Size(), 65533u);       // counting stores the count back
  EXPECT_EQ(HeaderCount(lp), 65533);
  EXPECT_TRUE(Listpack::Validate(lp.Bytes(), true));
}

TEST(ListpackTest, SafeToAdd) {
  Listpack lp;
  EXPECT_TRUE(lp.SafeToAdd(Listpack::kMaxSafetySize - Listpack::kEmptySize));
  EXPECT_FALSE(lp.SafeToAdd(Listpack::kMaxSafetySize - Listpack::kEmptySize + 1));
}

TEST(ListpackTest, MoveTransfersOwnership) {
  Listpack a;
  a.Append("x");
  Listpack b(std::move(a));
  EXPECT_EQ(b.Size(), 1u);
  Listpack c;
  c = std::move(b);
  EXPECT_EQ(Text(c.Get(c.First())), "x");
  a = std::move(c);
  EXPECT_EQ(a.Size(), 1u);
}

std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return std::to_string(static_cast<int64_t>(rng()));
    case 1: return std::to_string(static_cast<int64_t>(rng() % 20000) - 10000);
    case 2: return std::string(rng() % 70, static_cast<char>('a' + rng() % 26));
    case 3: return std::string(rng() % 5000, static_cast<char>(rng() % 256));
    case 4: return "0" + std::to_string(rng() % 100);
    default: {
      std::string s(rng() % 10, '\0');
      for (char& c : s) c = static_cast<char>(rng() % 256);
      return s;
    }
  }
}

TEST(ListpackTest, RandomOperationsMatchAVector) {
  std::mt19937_64 rng(12345);
  Listpack lp;
  std::vector<std::string> model;
  for (int step = 0; step < 6000; ++step) {
    const int64_t n = static_cast<int64_t>(model.size());
    const std::string v = RandomValue(rng);
    switch (rng() % 8) {
      case 0: lp.Append(v); model.push_back(v); break;
      case 1: lp.Prepend(v); model.insert(model.begin(), v); break;
      case 2:
        if (n > 0) {
          const int64_t i = static_cast<int64_t>(rng() % n);
          const bool before = rng() % 2;
          const Pos p = lp.Insert(lp.Seek(i), before ? Listpack::Where::kBefore : Listpack::Where::kAfter, v);
          EXPECT_EQ(Text(lp.Get(p)), v);
          model.insert(model.begin() + i + (before ? 0 : 1), v);
        }
        break;
      case 3:
        if (n > 0) {
          const int64_t i = static_cast<int64_t>(rng() % n);
          lp.Replace(lp.Seek(-1 - i), v);
          model[static_cast<size_t>(n - 1 - i)] = v;
        }
        break;
      case 4:
        if (n > 0) {
          const int64_t i = static_cast<int64_t>(rng() % n);
          const uint32_t count = static_cast<uint32_t>(rng() % 4);
          lp.Delete(lp.Seek(i), count);
          model.erase(model.begin() + i, model.begin() + std::min<int64_t>(n, i + count));
        }
        break;
      case 5: {
        const int64_t i = static_cast<int64_t>(rng() % (n + 2)) - 1;
        const Pos p = lp.Seek(i);
        if (i < 0 || i >= n) {
          EXPECT_EQ(p == Listpack::kNoPos, i >= n || -i > n);
        } else {
          EXPECT_EQ(Text(lp.Get(p)), model[static_cast<size_t>(i)]);
        }
        break;
      }
      case 6:
        if (n > 0) {
          const std::string& target = model[rng() % n];
          size_t expected = 0;
          while (model[expected] != target) ++expected;
          EXPECT_EQ(lp.Find(lp.First(), target, 0), lp.Seek(static_cast<int64_t>(expected)));
        }
        break;
      default: {
        const int64_t x = static_cast<int64_t>(rng() % 300) - 150;
        lp.AppendInt(x);
        model.push_back(std::to_string(x));
        break;
      }
    }
    ASSERT_EQ(lp.Size(), model.size());
    if (step % 500 == 0) {
      ASSERT_EQ(Forward(lp), model);
      ASSERT_EQ(Backward(lp), model);
      ASSERT_TRUE(Listpack::Validate(lp.Bytes(), true));
    }
  }
  EXPECT_EQ(Forward(lp), model);
  EXPECT_EQ(Backward(lp), model);
}

// --- Validation of untrusted bytes ---

// Uses a listpack that passed deep validation in every way a caller can.
void Exercise(std::string_view bytes) {
  Listpack lp = Listpack::FromBytes(bytes);
  const uint32_t size = lp.Size();
  uint32_t forward = 0;
  char buf[LpValue::kIntBufSize];
  for (Pos p = lp.First(); p != Listpack::kNoPos; p = lp.Next(p)) {
    (void)lp.Get(p).AsString(buf);
    ++forward;
  }
  uint32_t backward = 0;
  for (Pos p = lp.Last(); p != Listpack::kNoPos; p = lp.Prev(p)) ++backward;
  ASSERT_EQ(forward, size);
  ASSERT_EQ(backward, size);
  (void)lp.Find(lp.First(), "abc", 1);
  if (size > 0) {
    lp.Replace(lp.Seek(-1), "replacement");
    lp.Delete(lp.First(), 1);
  }
  lp.Append("more");
  ASSERT_TRUE(Listpack::Validate(lp.Bytes(), true));
}

std::string SampleBytes() {
  Listpack lp;
  for (const auto& v : BoundaryValues()) lp.Append(v);
  lp.Append(std::string(300, 'm'));
  lp.Append(std::string(5000, 'n'));
  return std::string(lp.Bytes());
}

void SetTotal(std::string& b) {
  const uint32_t n = static_cast<uint32_t>(b.size());
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(n >> (8 * i));
}

TEST(ListpackValidateTest, AcceptsWellFormed) {
  const std::string b = SampleBytes();
  EXPECT_TRUE(Listpack::Validate(b, false));
  EXPECT_TRUE(Listpack::Validate(b, true));
  Exercise(b);
}

TEST(ListpackValidateTest, RejectsBadHeaderOrTerminator) {
  const std::string good = SampleBytes();
  EXPECT_FALSE(Listpack::Validate("", true));
  EXPECT_FALSE(Listpack::Validate(std::string_view("\x06\0\0\0\0\0", 6), false));
  std::string b = good;
  b.back() = 0;
  EXPECT_FALSE(Listpack::Validate(b, false));
  b = good;
  b[0] = static_cast<char>(b[0] + 1);
  EXPECT_FALSE(Listpack::Validate(b, false));
  b = good + '\xff';
  EXPECT_FALSE(Listpack::Validate(b, false));
  SetTotal(b);  // two terminators: the first ends the entries early
  EXPECT_TRUE(Listpack::Validate(b, false));
  EXPECT_FALSE(Listpack::Validate(b, true));
}

TEST(ListpackValidateTest, RejectsWrongCount) {
  std::string b = SampleBytes();
  b[4] = static_cast<char>(b[4] + 1);
  EXPECT_TRUE(Listpack::Validate(b, false));
  EXPECT_FALSE(Listpack::Validate(b, true));
  b[4] = '\xff';
  b[5] = '\xff';  // "unknown" is always acceptable
  EXPECT_TRUE(Listpack::Validate(b, true));
  Exercise(b);
}

TEST(ListpackValidateTest, RejectsBadEntries) {
  // One entry "hello": 85 'hello' 06.
  const std::string hello = FromHex("0e00000001008568656c6c6f06ff");
  ASSERT_TRUE(Listpack::Validate(hello, true));
  std::string b = hello;
  b[6] = '\xf5';  // unused encoding
  EXPECT_FALSE(Listpack::Validate(b, true));
  b = hello;
  b[6] = '\x86';  // string longer than the entry
  EXPECT_FALSE(Listpack::Validate(b, true));
  b = hello;
  b[12] = '\x07';  // backlen disagrees
  EXPECT_FALSE(Listpack::Validate(b, true));
  b = hello;
  b[12] = '\x86';  // backlen claiming more bytes to the left
  EXPECT_FALSE(Listpack::Validate(b, true));
  // A 32-bit string length running far past the end.
  EXPECT_FALSE(Listpack::Validate(FromHex("0d0000000100f0ffffffff06ff"), true));
  // A 12-bit string header cut by the terminator.
  EXPECT_FALSE(Listpack::Validate(FromHex("080000000100e0ff"), true));
  // Terminator in the middle.
  EXPECT_FALSE(Listpack::Validate(FromHex("0c0000000200" "0101" "ff" "0101" "ff"), true));
}

// A backlen with a redundant continuation byte still decodes to the entry size; Redis accepts it
// and so must backward iteration.
TEST(ListpackValidateTest, AcceptsRedundantBacklenBytesLikeRedis) {
  // Entries: the 1-byte string "\0" with backlen 0x82 (reads the 0x00 payload as a high group),
  // then the integer 5.
  const std::string b = FromHex("0c0000000200" "810082" "0501" "ff");
  ASSERT_TRUE(Listpack::Validate(b, true));
  const Listpack lp = Listpack::FromBytes(b);
  EXPECT_EQ(lp.Prev(lp.Last()), lp.First());
  EXPECT_EQ(lp.Get(lp.First()).str, std::string_view("\0", 1));
  Exercise(b);
}

TEST(ListpackValidateTest, TruncationsNeverPass) {
  const std::string good = SampleBytes();
  for (size_t len = 0; len < good.size(); ++len) {
    const std::string cut = good.substr(0, len);
    EXPECT_FALSE(Listpack::Validate(cut, true)) << len;
    // Patched to look whole: right size and a terminator, entries cut short.
    if (len >= Listpack::kEmptySize) {
      std::string patched = cut;
      patched.back() = '\xff';
      SetTotal(patched);
      if (Listpack::Validate(patched, true)) Exercise(patched);
    }
  }
}

TEST(ListpackValidateTest, RandomCorruptionNeverCrashes) {
  const std::string good = SampleBytes();
  std::mt19937_64 rng(7);
  int accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string b = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const size_t at = rng() % b.size();
      if (rng() % 2) {
        b[at] = static_cast<char>(rng());
      } else {
        b[at] = static_cast<char>(b[at] ^ (1 << (rng() % 8)));
      }
    }
    if (rng() % 4 == 0) {
      b.resize(rng() % b.size() + 1);
      if (rng() % 2) {
        b.back() = '\xff';
        SetTotal(b);
      }
    }
    if (Listpack::Validate(b, true)) {
      ++accepted;
      Exercise(b);
    }
  }
  // Flips inside string payloads keep the listpack valid, so some must pass.
  EXPECT_GT(accepted, 0);
}

TEST(ListpackValidateTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(99);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string b(Listpack::kEmptySize + rng() % 40, '\0');
    for (char& c : b) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng() % 256);
    SetTotal(b);
    b.back() = '\xff';
    if (rng() % 2) b[4] = b[5] = '\xff';
    if (Listpack::Validate(b, true)) Exercise(b);
  }
}

}  // namespace
}  // namespace corvid
