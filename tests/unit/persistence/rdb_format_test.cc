#include "persistence/rdb_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace corvid::rdb {
namespace {

TEST(RdbFormatTest, Crc64KnownValues) {
  // The check values of Redis' crc64 (its own self-test).
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, "", 0), 0u);
}

TEST(RdbFormatTest, Crc64IsIncremental) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s.push_back(static_cast<char>(i * 7));
  uint64_t whole = Crc64(0, s.data(), s.size());
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999, 1000})
    EXPECT_EQ(Crc64(Crc64(0, s.data(), cut), s.data() + cut, s.size() - cut), whole) << cut;
}

// Bytes of one length encoding.
std::string EncodeLen(uint64_t len) {
  Writer w;
  w.Len(len);
  return w.buffer();
}

TEST(RdbFormatTest, LengthEncodings) {
  EXPECT_EQ(EncodeLen(0), std::string("\x00", 1));
  EXPECT_EQ(EncodeLen(63), "\x3f");
  EXPECT_EQ(EncodeLen(64), "\x40\x40");
  EXPECT_EQ(EncodeLen(16383), "\x7f\xff");
  EXPECT_EQ(EncodeLen(16384), std::string("\x80\x00\x00\x40\x00", 5));
  EXPECT_EQ(EncodeLen(UINT32_MAX), "\x80\xff\xff\xff\xff");
  EXPECT_EQ(EncodeLen(uint64_t{1} << 32), std::string("\x81\x00\x00\x00\x01\x00\x00\x00\x00", 9));
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{63}, uint64_t{64}, uint64_t{16383}, uint64_t{16384},
                     uint64_t{UINT32_MAX}, uint64_t{UINT32_MAX} + 1, std::numeric_limits<uint64_t>::max()}) {
    std::string b = EncodeLen(v);
    Reader r(b);
    uint64_t got;
    ASSERT_TRUE(r.Len(&got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_EQ(r.offset(), b.size());
  }
}

std::string EncodeString(std::string_view s, bool compress) {
  Writer w;
  w.String(s, compress);
  return w.buffer();
}

TEST(RdbFormatTest, StringEncodingsAsRedis) {
  EXPECT_EQ(EncodeString("12", false), "\xc0\x0c");
  EXPECT_EQ(EncodeString("-1", false), "\xc0\xff");
  EXPECT_EQ(EncodeString("1000", false), "\xc1\xe8\x03");
  EXPECT_EQ(EncodeString("100000", false), std::string("\xc2\xa0\x86\x01\x00", 5));
  EXPECT_EQ(EncodeString("4294967296", false), "\x0a" "4294967296");  // past 32 bits: plain text
  EXPECT_EQ(EncodeString("012", false), "\x03" "012");                 // not canonical
  EXPECT_EQ(EncodeString("abc", true), "\x03" "abc");
  std::string rep(100, 'a');
  std::string lzf = EncodeString(rep, true);
  EXPECT_EQ(static_cast<uint8_t>(lzf[0]), 0xC3);
  EXPECT_LT(lzf.size(), 20u);
  EXPECT_EQ(EncodeString(rep, false).size(), 102u);  // 2-byte length + 100 bytes
}

TEST(RdbFormatTest, StringRoundTrip) {
  std::string random;
  for (int i = 0; i < 300; ++i) random.push_back(static_cast<char>((i * 2654435761u) >> 13));
  for (std::string s : {std::string(""), std::string("0"), std::string("-128"), std::string("127"),
                        std::string("-32768"), std::string("2147483647"), std::string("-2147483648"),
                        std::string("hello"), std::string(500, 'z'), random, std::string("\0\1\2", 3)}) {
    for (bool compress : {false, true}) {
      std::string b = EncodeString(s, compress);
      Reader r(b);
      std::string got;
      ASSERT_TRUE(r.String(&got)) << s;
      EXPECT_EQ(got, s);
      EXPECT_EQ(r.offset(), b.size());
    }
  }
}

TEST(RdbFormatTest, IntStringAndDoubles) {
  for (int64_t v : {int64_t{0}, int64_t{-5}, int64_t{1} << 40, std::numeric_limits<int64_t>::min()}) {
    Writer w;
    w.IntString(v);
    Reader r(w.buffer());
    std::string got;
    ASSERT_TRUE(r.String(&got));
    EXPECT_EQ(got, std::to_string(v));
  }
  Writer w;
  w.BinaryDouble(1.5);
  w.BinaryDouble(-std::numeric_limits<double>::infinity());
  Reader r(w.buffer());
  double d;
  ASSERT_TRUE(r.BinaryDouble(&d));
  EXPECT_EQ(d, 1.5);
  ASSERT_TRUE(r.BinaryDouble(&d));
  EXPECT_EQ(d, -std::numeric_limits<double>::infinity());
  std::string old = "\x03" "2.5" "\xfe";
  Reader ro(old);
  ASSERT_TRUE(ro.OldDouble(&d));
  EXPECT_EQ(d, 2.5);
  ASSERT_TRUE(ro.OldDouble(&d));
  EXPECT_EQ(d, std::numeric_limits<double>::infinity());
}

TEST(RdbFormatTest, TruncatedAndMalformedInputFailWithOffset) {
  std::string b = EncodeString(std::string(100, 'q'), false);
  Reader r(std::string_view(b).substr(0, 50));
  std::string got;
  EXPECT_FALSE(r.String(&got));
  EXPECT_EQ(r.error(), "Unexpected EOF reading RDB file");
  EXPECT_EQ(r.error_offset(), 2u);  // after the 2-byte length
  std::string bad_lzf = "\xc3\x02\x0a\xff\xff";  // claims 10 bytes from 2 garbage bytes
  Reader r2(bad_lzf);
  EXPECT_FALSE(r2.String(&got));
  EXPECT_FALSE(r2.error().empty());
  std::string bad_enc = "\xc5";
  Reader r3(bad_enc);
  EXPECT_FALSE(r3.String(&got));
  Reader r4(bad_enc);
  uint64_t len;
  EXPECT_FALSE(r4.Len(&len));  // an encoded marker where a length is expected
}

TEST(RdbFormatTest, DumpFooterCarriesVersionAndChecksum) {
  Writer w;
  w.Byte(kOpFunction2);
  w.String("#!lua name=lib\nredis.register_function('f', function() return 1 end)", true);
  size_t body_size = w.buffer().size();
  AppendDumpFooter(w);
  std::string payload = w.buffer();
  ASSERT_EQ(payload.size(), body_size + 10);
  EXPECT_EQ(static_cast<uint8_t>(payload[body_size]), kVersion);
  std::string_view body;
  ASSERT_TRUE(SplitDumpFooter(payload, &body));
  EXPECT_EQ(body, std::string_view(payload).substr(0, body_size));
  std::string corrupt = payload;
  corrupt[3] ^= 1;
  EXPECT_FALSE(SplitDumpFooter(corrupt, &body));
  std::string newer = payload;
  newer[body_size] = static_cast<char>(kVersion + 1);
  EXPECT_FALSE(SplitDumpFooter(newer, &body));
  EXPECT_FALSE(SplitDumpFooter("short", &body));
}

}  // namespace
}  // namespace corvid::rdb
