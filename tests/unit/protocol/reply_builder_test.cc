// Expected bytes are what redis-server 7.0.15 sends for the same reply types (probed with HELLO 2/3, ZSCORE,
// and EVAL returning {double=...}, {big_number=...}, {verbatim_string=...}, {map=...}, {set=...}).
#include "protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace corvid {
namespace {

class ReplyBuilderTest : public ::testing::TestWithParam<int> {
 protected:
  ReplyBuilderTest() : rb_(&out_) { rb_.SetResp(GetParam()); }
  // Returns and clears what was written so far.
  std::string Take() {
    std::string s(out_.data(), out_.size());
    out_.Consume(out_.size());
    return s;
  }
  bool Resp3() const { return GetParam() == 3; }

  OutputBuffer out_;
  ReplyBuilder rb_;
};

INSTANTIATE_TEST_SUITE_P(Resp, ReplyBuilderTest, ::testing::Values(2, 3),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "Resp" + std::to_string(info.param);
                         });

TEST_P(ReplyBuilderTest, ProtocolVersion) { EXPECT_EQ(rb_.resp(), GetParam()); }

TEST_P(ReplyBuilderTest, SimpleAndOk) {
  rb_.Ok();
  EXPECT_EQ(Take(), "+OK\r\n");
  rb_.Simple("PONG");
  EXPECT_EQ(Take(), "+PONG\r\n");
  rb_.Simple("");
  EXPECT_EQ(Take(), "+\r\n");
}

TEST_P(ReplyBuilderTest, Integers) {
  rb_.Int(0);
  EXPECT_EQ(Take(), ":0\r\n");
  rb_.Int(-42);
  EXPECT_EQ(Take(), ":-42\r\n");
  rb_.Int(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Take(), ":9223372036854775807\r\n");
  rb_.Int(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Take(), ":-9223372036854775808\r\n");
}

TEST_P(ReplyBuilderTest, Bulk) {
  rb_.Bulk("abc");
  EXPECT_EQ(Take(), "$3\r\nabc\r\n");
  rb_.Bulk("");
  EXPECT_EQ(Take(), "$0\r\n\r\n");
  rb_.Bulk(std::string_view("a\r\n\0b", 5));
  EXPECT_EQ(Take(), std::string("$5\r\na\r\n\0b\r\n", 11));
  std::string big(100000, 'x');
  rb_.Bulk(big);
  EXPECT_EQ(Take(), "$100000\r\n" + big + "\r\n");
  rb_.BulkInt(-7);
  EXPECT_EQ(Take(), "$2\r\n-7\r\n");
  rb_.BulkInt(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Take(), "$20\r\n-9223372036854775808\r\n");
}

TEST_P(ReplyBuilderTest, Nulls) {
  rb_.Null();
  EXPECT_EQ(Take(), Resp3() ? "_\r\n" : "$-1\r\n");
  rb_.NullArray();
  EXPECT_EQ(Take(), Resp3() ? "_\r\n" : "*-1\r\n");
}

TEST_P(ReplyBuilderTest, Aggregates) {
  rb_.Array(3);
  EXPECT_EQ(Take(), "*3\r\n");
  rb_.Array(0);
  EXPECT_EQ(Take(), "*0\r\n");
  rb_.EmptyArray();
  EXPECT_EQ(Take(), "*0\r\n");
  rb_.Map(2);
  EXPECT_EQ(Take(), Resp3() ? "%2\r\n" : "*4\r\n");
  rb_.Map(0);
  EXPECT_EQ(Take(), Resp3() ? "%0\r\n" : "*0\r\n");
  rb_.Set(5);
  EXPECT_EQ(Take(), Resp3() ? "~5\r\n" : "*5\r\n");
  rb_.Push(3);
  EXPECT_EQ(Take(), Resp3() ? ">3\r\n" : "*3\r\n");
  rb_.Attribute(1);
  EXPECT_EQ(Take(), "|1\r\n");
  rb_.Array(1234567);
  EXPECT_EQ(Take(), "*1234567\r\n");
}

// A whole HGETALL-style reply: Redis 7.0.15 EVAL "return {map={a=1}}" gives %1 / *2.
TEST_P(ReplyBuilderTest, NestedMapReply) {
  rb_.Map(1);
  rb_.Bulk("a");
  rb_.Int(1);
  EXPECT_EQ(Take(), Resp3() ? "%1\r\n$1\r\na\r\n:1\r\n" : "*2\r\n$1\r\na\r\n:1\r\n");
  rb_.Set(1);
  rb_.Bulk("a");
  EXPECT_EQ(Take(), Resp3() ? "~1\r\n$1\r\na\r\n" : "*1\r\n$1\r\na\r\n");
  // A pub/sub message.
  rb_.Push(3);
  rb_.Bulk("message");
  rb_.Bulk("ch");
  rb_.Bulk("hi");
  EXPECT_EQ(Take(), std::string(Resp3() ? ">3" : "*3") + "\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST_P(ReplyBuilderTest, Doubles) {
  struct Case {
    double d;
    const char* text;
  } cases[] = {
      {1.1, "1.1000000000000001"},
      {3, "3"},
      {0, "0"},
      {-0.0, "-0"},
      {-2.5, "-2.5"},
      {1e300, "1.0000000000000001e+300"},
      {1e-5, "1.0000000000000001e-05"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
      {std::nan(""), "nan"},
      {-std::nan(""), "-nan"},
  };
  for (const Case& c : cases) {
    rb_.Double(c.d);
    std::string t = c.text;
    std::string want = Resp3() ? "," + t + "\r\n" : "$" + std::to_string(t.size()) + "\r\n" + t + "\r\n";
    EXPECT_EQ(Take(), want) << t;
  }
}

TEST_P(ReplyBuilderTest, Bool) {
  rb_.Bool(true);
  EXPECT_EQ(Take(), Resp3() ? "#t\r\n" : ":1\r\n");
  rb_.Bool(false);
  EXPECT_EQ(Take(), Resp3() ? "#f\r\n" : ":0\r\n");
}

TEST_P(ReplyBuilderTest, Verbatim) {
  rb_.Verbatim("hello");
  EXPECT_EQ(Take(), Resp3() ? "=9\r\ntxt:hello\r\n" : "$5\r\nhello\r\n");
  rb_.Verbatim("# Server\r\nx:1\r\n", "txt");
  EXPECT_EQ(Take(), Resp3() ? "=19\r\ntxt:# Server\r\nx:1\r\n\r\n" : "$15\r\n# Server\r\nx:1\r\n\r\n");
  rb_.Verbatim("*b*", "mkd");
  EXPECT_EQ(Take(), Resp3() ? "=7\r\nmkd:*b*\r\n" : "$3\r\n*b*\r\n");
  rb_.Verbatim("");
  EXPECT_EQ(Take(), Resp3() ? "=4\r\ntxt:\r\n" : "$0\r\n\r\n");
}

TEST_P(ReplyBuilderTest, BigNumber) {
  rb_.BigNumber("123456789012345678901234567890");
  EXPECT_EQ(Take(), Resp3() ? "(123456789012345678901234567890\r\n" : "$30\r\n123456789012345678901234567890\r\n");
  rb_.BigNumber("-1");
  EXPECT_EQ(Take(), Resp3() ? "(-1\r\n" : "$2\r\n-1\r\n");
}

TEST_P(ReplyBuilderTest, Errors) {
  rb_.Error("ERR syntax error");
  EXPECT_EQ(Take(), "-ERR syntax error\r\n");
  EXPECT_EQ(rb_.TakeLastError(), "ERR");
  EXPECT_EQ(rb_.TakeLastError(), "");
  rb_.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(Take(), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(rb_.TakeLastError(), "WRONGTYPE");
  rb_.Error("NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_EQ(Take(), "-NOSCRIPT No matching script. Please use EVAL.\r\n");
  EXPECT_EQ(rb_.TakeLastError(), "NOSCRIPT");
}

// Redis' addReplyErrorFormat maps CR and LF inside the message to spaces, so the reply stays one line
// ("unknown command 'foo\nba'" → "-ERR unknown command 'foo ba', ...").
TEST_P(ReplyBuilderTest, ErrorNewlinesBecomeSpaces) {
  rb_.Error("ERR unknown command 'foo\nba', with args beginning with: ");
  EXPECT_EQ(Take(), "-ERR unknown command 'foo ba', with args beginning with: \r\n");
  rb_.Error("ERR a\r\nb");
  EXPECT_EQ(Take(), "-ERR a  b\r\n");
  rb_.Error("ERR Protocol error: expected '$', got '\r'");
  EXPECT_EQ(Take(), "-ERR Protocol error: expected '$', got ' '\r\n");
  // The builder's own buffer content before the error is not touched.
  rb_.Bulk("a\nb");
  rb_.Error("ERR x\ny");
  EXPECT_EQ(Take(), "$3\r\na\nb\r\n-ERR x y\r\n");
}

// ... but trims CR/LF at the end of the message first (sdstrim(s, "\r\n")): redis-server 7.0.15 answers
// EVAL "return {err='MY x\ny\r\n'}" 0 with "-MY x y\r\n" and redis.error_reply("MY x\n") with "-MY x\r\n".
TEST_P(ReplyBuilderTest, ErrorTrailingNewlinesAreTrimmed) {
  rb_.Error("MY x\n");
  EXPECT_EQ(Take(), "-MY x\r\n");
  rb_.Error("MY x\ny\r\n");
  EXPECT_EQ(Take(), "-MY x y\r\n");
}

TEST_P(ReplyBuilderTest, Raw) {
  rb_.Raw("+QUEUED\r\n");
  EXPECT_EQ(Take(), "+QUEUED\r\n");
}

TEST(ReplyBuilderProtocolSwitchTest, SetRespChangesEncoding) {
  OutputBuffer out;
  ReplyBuilder rb(&out);
  EXPECT_EQ(rb.resp(), 2);
  rb.Null();
  rb.SetResp(3);
  rb.Null();
  rb.SetResp(2);
  rb.Bool(true);
  EXPECT_EQ(std::string(out.data(), out.size()), "$-1\r\n_\r\n:1\r\n");
}

TEST(OutputBufferTest, ConsumeAndReset) {
  OutputBuffer out;
  EXPECT_TRUE(out.empty());
  out.Append("hello ");
  out.Append('w');
  out.Append("orld");
  EXPECT_EQ(std::string(out.data(), out.size()), "hello world");
  out.Consume(6);
  EXPECT_EQ(std::string(out.data(), out.size()), "world");
  out.Append("!");
  EXPECT_EQ(std::string(out.data(), out.size()), "world!");
  out.Consume(6);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.size(), 0u);
  out.Append("again");
  EXPECT_EQ(std::string(out.data(), out.size()), "again");
}

TEST(OutputBufferTest, HugeBufferShrinksAfterFullyWritten) {
  OutputBuffer out;
  std::string big(8 << 20, 'x');
  out.Append(big);
  EXPECT_GE(out.Capacity(), big.size());
  out.Consume(4 << 20);
  EXPECT_GE(out.Capacity(), big.size());  // still holding unwritten bytes
  out.Consume(4 << 20);
  EXPECT_TRUE(out.empty());
  EXPECT_LT(out.Capacity(), 1u << 20);
}

}  // namespace
}  // namespace corvid
