// The RDB pieces of FUNCTION DUMP payloads: Redis' CRC64 check value, string encodings, the footer.
#include "scripting/rdb_string.h"

#include <gtest/gtest.h>

#include <string>

namespace corvid {
namespace {

TEST(RdbStringTest, Crc64MatchesRedisCheckValue) {
  // Redis' crc64 self test: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
}

TEST(RdbStringTest, StringsRoundTripPlainAndCompressed) {
  for (const std::string& s : {std::string(), std::string("short"), std::string(63, 'a'), std::string(64, 'b'),
                               std::string(20000, 'c'), std::string("#!lua name=x\n") + std::string(300, 'y')}) {
    std::string enc;
    RdbAppendString(&enc, s);
    std::string_view in = enc;
    std::string out;
    ASSERT_TRUE(RdbReadString(&in, &out));
    EXPECT_EQ(out, s);
    EXPECT_TRUE(in.empty());
  }
  std::string big;
  RdbAppendString(&big, std::string(1000, 'z'));
  EXPECT_EQ(static_cast<unsigned char>(big[0]), 0xC3);  // repetitive text is LZF-compressed
}

TEST(RdbStringTest, ReadsIntegerEncodings) {
  std::string_view in("\xC0\xFE\xC1\x39\x30\xC2\x00\x00\x00\x80", 10);
  std::string out;
  ASSERT_TRUE(RdbReadString(&in, &out));
  EXPECT_EQ(out, "-2");
  ASSERT_TRUE(RdbReadString(&in, &out));
  EXPECT_EQ(out, "12345");
  ASSERT_TRUE(RdbReadString(&in, &out));
  EXPECT_EQ(out, "-2147483648");
}

TEST(RdbStringTest, TruncatedInputIsRejected) {
  std::string enc;
  RdbAppendString(&enc, "hello world");
  std::string_view in(enc.data(), enc.size() - 1);
  std::string out;
  EXPECT_FALSE(RdbReadString(&in, &out));
}

TEST(RdbStringTest, FooterVerifiesVersionAndChecksum) {
  std::string payload;
  payload.push_back(static_cast<char>(kRdbOpcodeFunction2));
  RdbAppendString(&payload, "#!lua name=lib\nreturn 1");
  RdbAppendFooter(&payload);
  std::string_view body;
  ASSERT_TRUE(RdbVerifyFooter(payload, &body));
  EXPECT_EQ(body.size(), payload.size() - 10);
  std::string corrupt = payload;
  corrupt[3] ^= 1;
  EXPECT_FALSE(RdbVerifyFooter(corrupt, &body));
  EXPECT_FALSE(RdbVerifyFooter("short", &body));
}

}  // namespace
}  // namespace corvid
