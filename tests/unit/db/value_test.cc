#include "db/value.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "util/numeric.h"

namespace corvid {
namespace {

std::string Str(const Value& v) {
  char buf[kInt64Chars];
  return std::string(v.StringView(buf));
}

// The encodings OBJECT ENCODING reports after SET in Redis 7.0.15.
TEST(ValueTest, StringEncodingChoice) {
  struct Case {
    std::string in;
    ObjEnc enc;
  } cases[] = {
      {"0", ObjEnc::kInt},
      {"1", ObjEnc::kInt},
      {"-1", ObjEnc::kInt},
      {"123456789", ObjEnc::kInt},
      {"9223372036854775807", ObjEnc::kInt},
      {"-9223372036854775808", ObjEnc::kInt},  // 20 chars
      {"9223372036854775808", ObjEnc::kEmbstr},  // overflow
      {"-9223372036854775809", ObjEnc::kEmbstr},
      {"18446744073709551615", ObjEnc::kEmbstr},
      {"-0", ObjEnc::kEmbstr},
      {" 1", ObjEnc::kEmbstr},
      {"1 ", ObjEnc::kEmbstr},
      {"01", ObjEnc::kEmbstr},
      {"+1", ObjEnc::kEmbstr},
      {"00", ObjEnc::kEmbstr},
      {"1.0", ObjEnc::kEmbstr},
      {"1e3", ObjEnc::kEmbstr},
      {"", ObjEnc::kEmbstr},
      {"-", ObjEnc::kEmbstr},
      {"abc", ObjEnc::kEmbstr},
      {std::string("1\0", 2), ObjEnc::kEmbstr},
      {std::string(15, 'x'), ObjEnc::kEmbstr},
      {std::string(16, 'x'), ObjEnc::kEmbstr},
      {std::string(44, 'x'), ObjEnc::kEmbstr},
      {std::string(45, 'x'), ObjEnc::kRaw},
      {std::string(1000, 'x'), ObjEnc::kRaw},
      {std::string(44, '7'), ObjEnc::kEmbstr},  // digits, but too long for an int
      {std::string(45, '7'), ObjEnc::kRaw},
  };
  for (const Case& c : cases) {
    Value v = Value::String(c.in);
    EXPECT_TRUE(v.IsString()) << c.in;
    EXPECT_EQ(v.type(), ObjType::kString);
    EXPECT_EQ(EncodingName(v.encoding()), EncodingName(c.enc)) << "'" << c.in << "'";
    EXPECT_EQ(Str(v), c.in);
    EXPECT_EQ(v.StringLen(), c.in.size()) << c.in;
  }
}

TEST(ValueTest, IntValueAndFormatting) {
  Value v = Value::String("-42");
  ASSERT_TRUE(v.IsInt());
  EXPECT_EQ(v.int_val(), -42);
  Value mn = Value::Int(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Str(mn), "-9223372036854775808");
  EXPECT_EQ(mn.StringLen(), 20u);
  Value z = Value::Int(0);
  EXPECT_EQ(Str(z), "0");
  EXPECT_EQ(z.StringLen(), 1u);
  EXPECT_EQ(z.HeapBytes(), 0u);
}

TEST(ValueTest, DefaultIsEmptyEmbstr) {
  Value v;
  EXPECT_TRUE(v.IsString());
  EXPECT_EQ(v.encoding(), ObjEnc::kEmbstr);
  EXPECT_EQ(v.StringLen(), 0u);
  EXPECT_FALSE(v.has_expire());
}

TEST(ValueTest, PlainAndRawStringsNeverInt) {
  Value p = Value::PlainString("12345");
  EXPECT_EQ(p.encoding(), ObjEnc::kEmbstr);
  EXPECT_EQ(Str(p), "12345");
  Value pl = Value::PlainString(std::string(45, '1'));
  EXPECT_EQ(pl.encoding(), ObjEnc::kRaw);
  Value r = Value::RawString("12");
  EXPECT_EQ(r.encoding(), ObjEnc::kRaw);
  EXPECT_EQ(Str(r), "12");
  Value re = Value::RawString("");
  EXPECT_EQ(re.encoding(), ObjEnc::kRaw);
  EXPECT_EQ(re.StringLen(), 0u);
}

TEST(ValueTest, MakeRawFromEachEncoding) {
  Value i = Value::String("-17");
  ASSERT_TRUE(i.IsInt());
  CompactString& s = i.MakeRaw();
  EXPECT_EQ(i.encoding(), ObjEnc::kRaw);
  EXPECT_EQ(s.view(), "-17");
  s.Append("xyz");
  EXPECT_EQ(Str(i), "-17xyz");

  Value mn = Value::Int(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(mn.MakeRaw().view(), "-9223372036854775808");
  EXPECT_EQ(mn.encoding(), ObjEnc::kRaw);

  Value e = Value::String("hello");
  ASSERT_EQ(e.encoding(), ObjEnc::kEmbstr);
  e.MakeRaw().Append(std::string(100, '!'));
  EXPECT_EQ(e.encoding(), ObjEnc::kRaw);
  EXPECT_EQ(Str(e), "hello" + std::string(100, '!'));

  Value r = Value::String(std::string(60, 'r'));
  ASSERT_EQ(r.encoding(), ObjEnc::kRaw);
  EXPECT_EQ(r.MakeRaw().view(), std::string(60, 'r'));
  EXPECT_EQ(r.encoding(), ObjEnc::kRaw);
}

TEST(ValueTest, CloneKeepsEncodingAndIsIndependent) {
  for (const std::string& in : {std::string("123"), std::string("abc"), std::string(44, 'e'),
                                std::string(100, 'r')}) {
    Value orig = Value::String(in);
    Value copy = CloneValue(orig);
    EXPECT_EQ(copy.encoding(), orig.encoding()) << in;
    EXPECT_EQ(Str(copy), in);
    copy.MakeRaw().Append("++");
    EXPECT_EQ(Str(orig), in) << "clone shares storage with the original";
  }
  // A short raw string (after APPEND) stays raw in the copy, as COPY keeps Redis' encoding.
  Value raw = Value::RawString("ab");
  Value rc = CloneValue(raw);
  EXPECT_EQ(rc.encoding(), ObjEnc::kRaw);
  EXPECT_EQ(Str(rc), "ab");
  // Expire and LRU metadata belong to the key, not the copy.
  Value withttl = Value::String("x");
  withttl.set_has_expire(true);
  EXPECT_FALSE(CloneValue(withttl).has_expire());
}

TEST(ValueTest, MoveLeavesSourceDestructibleAndReleasesTarget) {
  Value a = Value::String(std::string(200, 'a'));
  Value b(std::move(a));
  EXPECT_EQ(Str(b), std::string(200, 'a'));
  // Move-assign over a heap string frees the old payload (ASan reports a leak otherwise).
  Value c = Value::String(std::string(300, 'c'));
  c = std::move(b);
  EXPECT_EQ(Str(c), std::string(200, 'a'));
  Value d = Value::Int(5);
  d = std::move(c);
  EXPECT_EQ(Str(d), std::string(200, 'a'));
  Value& alias = d;
  d = std::move(alias);
  EXPECT_EQ(Str(d), std::string(200, 'a'));
}

TEST(ValueTest, MetadataBits) {
  Value v = Value::String("x");
  v.set_lru(0x12345678);
  EXPECT_EQ(v.lru(), 0x345678u);  // 24 bits
  EXPECT_FALSE(v.has_expire());
  v.set_has_expire(true);
  EXPECT_TRUE(v.has_expire());
  EXPECT_EQ(v.lru(), 0x345678u);
  v.set_has_expire(false);
  EXPECT_FALSE(v.has_expire());
  // Moves carry the metadata.
  v.set_has_expire(true);
  Value w(std::move(v));
  EXPECT_TRUE(w.has_expire());
  EXPECT_EQ(w.lru(), 0x345678u);
}

TEST(ValueTest, HeapBytes) {
  EXPECT_EQ(Value::String("short").HeapBytes(), 0u);       // inline
  EXPECT_GE(Value::String(std::string(40, 'x')).HeapBytes(), 40u);
  EXPECT_GE(Value::String(std::string(4000, 'x')).HeapBytes(), 4000u);
}

TEST(ValueTest, Names) {
  EXPECT_EQ(EncodingName(ObjEnc::kRaw), "raw");
  EXPECT_EQ(EncodingName(ObjEnc::kInt), "int");
  EXPECT_EQ(EncodingName(ObjEnc::kEmbstr), "embstr");
  EXPECT_EQ(EncodingName(ObjEnc::kHashtable), "hashtable");
  EXPECT_EQ(EncodingName(ObjEnc::kIntset), "intset");
  EXPECT_EQ(EncodingName(ObjEnc::kSkiplist), "skiplist");
  EXPECT_EQ(EncodingName(ObjEnc::kQuicklist), "quicklist");
  EXPECT_EQ(EncodingName(ObjEnc::kStream), "stream");
  EXPECT_EQ(EncodingName(ObjEnc::kListpack), "listpack");
  EXPECT_EQ(TypeName(ObjType::kString), "string");
  EXPECT_EQ(TypeName(ObjType::kList), "list");
  EXPECT_EQ(TypeName(ObjType::kSet), "set");
  EXPECT_EQ(TypeName(ObjType::kZset), "zset");
  EXPECT_EQ(TypeName(ObjType::kHash), "hash");
  EXPECT_EQ(TypeName(ObjType::kStream), "stream");
}

}  // namespace
}  // namespace corvid
