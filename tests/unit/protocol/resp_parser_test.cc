// Expected errors and splits were taken from redis-server 7.0.15 fed the same raw bytes over a socket.
#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace corvid {
namespace {

using Result = RespParser::Result;

// What a connection sees: each command's arguments, then possibly one protocol error.
struct Outcome {
  std::vector<std::vector<std::string>> commands;
  int empties = 0;           // *0, *-1, blank inline lines
  std::string error;         // empty when no error
  size_t consumed = 0;       // bytes of complete commands (and empties) consumed
  bool operator==(const Outcome& o) const {
    return commands == o.commands && empties == o.empties && error == o.error && consumed == o.consumed;
  }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{commands:[";
  for (const auto& c : o.commands) {
    os << "[";
    for (const auto& a : c) os << "'" << a << "' ";
    os << "]";
  }
  return os << "] empties:" << o.empties << " error:'" << o.error << "' consumed:" << o.consumed << "}";
}

// Feeds the bytes in the given chunk sizes (the rest in one piece), parsing after each chunk as a connection
// does: the unparsed tail stays in a growing buffer that may move between calls.
Outcome Feed(const std::string& input, const std::vector<size_t>& chunks, const RespParser::Limits& lim = {}) {
  RespParser p;
  Outcome out;
  std::string buf;  // unconsumed bytes; reallocates as it grows
  size_t fed = 0, chunk_i = 0;
  while (fed < input.size()) {
    size_t n = chunk_i < chunks.size() ? chunks[chunk_i++] : input.size() - fed;
    n = std::min(std::max<size_t>(n, 1), input.size() - fed);
    buf.append(input, fed, n);
    fed += n;
    for (;;) {
      size_t consumed = 0;
      Result r = p.Parse(buf.data(), buf.size(), lim, &consumed);
      if (r == Result::kIncomplete) break;
      if (r == Result::kError) {
        out.error = std::string(p.error());
        return out;
      }
      EXPECT_GT(consumed, 0u);
      EXPECT_LE(consumed, buf.size());
      if (r == Result::kCommand) {
        std::vector<std::string_view> args;
        p.Args(buf.data(), &args);
        EXPECT_EQ(args.size(), p.argc());
        out.commands.emplace_back(args.begin(), args.end());
      } else {
        ++out.empties;
      }
      out.consumed += consumed;
      buf.erase(0, consumed);
    }
  }
  return out;
}

Outcome OneShot(const std::string& input, const RespParser::Limits& lim = {}) { return Feed(input, {}, lim); }

Outcome ByteByByte(const std::string& input, const RespParser::Limits& lim = {}) {
  return Feed(input, std::vector<size_t>(input.size(), 1), lim);
}

std::string Multibulk(const std::vector<std::string>& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

using Cmds = std::vector<std::vector<std::string>>;

// Parses input in one shot and byte by byte; both must agree. Returns the one-shot outcome.
Outcome Parse(const std::string& input, const RespParser::Limits& lim = {}) {
  Outcome one = OneShot(input, lim);
  Outcome bytes = ByteByByte(input, lim);
  EXPECT_EQ(one, bytes) << "one-shot and byte-by-byte parsing differ";
  return one;
}

// A single parse of a complete input that must fail with msg.
void ExpectError(const std::string& input, std::string_view msg, const RespParser::Limits& lim = {}) {
  Outcome o = Parse(input, lim);
  EXPECT_EQ(o.error, msg) << "input: " << input;
}

// ---------------------------------------------------------------------------------------------------------
// Valid multibulk.

TEST(RespParserTest, SimpleCommand) {
  Outcome o = Parse(Multibulk({"SET", "key", "value"}));
  EXPECT_EQ(o.commands, (Cmds{{"SET", "key", "value"}}));
  EXPECT_EQ(o.error, "");
  EXPECT_EQ(o.consumed, Multibulk({"SET", "key", "value"}).size());
}

TEST(RespParserTest, BinarySafeArguments) {
  std::string bin("a\r\n\0$*\xff", 7);
  Outcome o = Parse(Multibulk({"SET", bin, ""}));
  EXPECT_EQ(o.commands, (Cmds{{"SET", bin, ""}}));
}

TEST(RespParserTest, PipelineOfManyCommands) {
  std::string in;
  Cmds want;
  for (int i = 0; i < 100; ++i) {
    std::vector<std::string> c = {"SET", "key:" + std::to_string(i), std::string(i, 'v')};
    in += Multibulk(c);
    want.push_back(c);
    if (i % 10 == 0) {
      in += "PING\r\n";
      want.push_back({"PING"});
    }
  }
  Outcome o = Parse(in);
  EXPECT_EQ(o.commands, want);
  EXPECT_EQ(o.consumed, in.size());
  EXPECT_EQ(o.error, "");
}

TEST(RespParserTest, IncompleteConsumesNothing) {
  std::string full = Multibulk({"SET", "k", "v"});
  for (size_t n = 0; n < full.size(); ++n) {
    RespParser p;
    size_t consumed = 12345;
    EXPECT_EQ(p.Parse(full.data(), n, {}, &consumed), Result::kIncomplete) << n;
    EXPECT_EQ(consumed, 12345u) << "consumed written on an incomplete parse";
  }
}

TEST(RespParserTest, ArgsAreViewsIntoTheBuffer) {
  std::string in = Multibulk({"GET", "abc"});
  RespParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}, &consumed), Result::kCommand);
  std::vector<std::string_view> args;
  p.Args(in.data(), &args);
  ASSERT_EQ(args.size(), 2u);
  EXPECT_GE(args[1].data(), in.data());
  EXPECT_LT(args[1].data(), in.data() + in.size());
  // Offsets are relative: the same command copied elsewhere gives the same arguments.
  std::string moved = in;
  p.Args(moved.data(), &args);
  EXPECT_EQ(args[1], "abc");
  EXPECT_GE(args[1].data(), moved.data());
  EXPECT_LT(args[1].data(), moved.data() + moved.size());
}

TEST(RespParserTest, ResumesAfterBufferMoves) {
  // Half a command, then the bytes move (as a connection compacting its buffer) and the rest arrives.
  std::string full = Multibulk({"SET", "key", std::string(1000, 'x')});
  RespParser p;
  size_t consumed = 0;
  std::string first = full.substr(0, 30);
  ASSERT_EQ(p.Parse(first.data(), first.size(), {}, &consumed), Result::kIncomplete);
  EXPECT_EQ(p.PendingBulkBytes(), 1002u);  // the 1000-byte bulk and its CRLF
  EXPECT_EQ(p.BulkEnd(), full.size());     // the bulk is the last argument
  std::string second = std::string(full);  // different address, same bytes
  ASSERT_EQ(p.Parse(second.data(), second.size(), {}, &consumed), Result::kCommand);
  EXPECT_EQ(consumed, full.size());
  std::vector<std::string_view> args;
  p.Args(second.data(), &args);
  EXPECT_EQ(args[2], std::string(1000, 'x'));
  EXPECT_EQ(p.PendingBulkBytes(), 0u);
}

// ---------------------------------------------------------------------------------------------------------
// Empty commands.

TEST(RespParserTest, ZeroAndNegativeMultibulkAreEmpty) {
  for (const char* hdr : {"*0\r\n", "*-1\r\n", "*-5\r\n", "*-2147483648\r\n", "*-9223372036854775808\r\n"}) {
    Outcome o = Parse(std::string(hdr) + "*1\r\n$4\r\nPING\r\n");
    EXPECT_EQ(o.empties, 1) << hdr;
    EXPECT_EQ(o.commands, (Cmds{{"PING"}})) << hdr;
    EXPECT_EQ(o.error, "") << hdr;
  }
}

TEST(RespParserTest, BlankInlineLinesAreEmpty) {
  Outcome o = Parse("\r\n\r\n\n   \r\n \t \nPING\r\n");
  EXPECT_EQ(o.empties, 5);
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
}

// ---------------------------------------------------------------------------------------------------------
// Multibulk errors (Redis 7.0.15 texts; the connection is closed after the reply).

TEST(RespParserTest, InvalidMultibulkLength) {
  const char* kMsg = "ERR Protocol error: invalid multibulk length";
  for (const char* in : {"*abc\r\n", "*\r\n", "*-0\r\n", "*+1\r\n", "*01\r\n", "* 1\r\n", "*1 \r\n", "*1a\r\n",
                         "*2147483648\r\n", "*3000000000\r\n", "*99999999999999999999\r\n", "*1.5\r\n"}) {
    ExpectError(in, kMsg);
  }
}

TEST(RespParserTest, LargestMultibulkLengthIsAccepted) {
  RespParser p;
  std::string in = "*2147483647\r\n";
  size_t consumed = 0;
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}, &consumed), Result::kIncomplete);
}

TEST(RespParserTest, ExpectedDollar) {
  ExpectError("*1\r\n+foo\r\n", "ERR Protocol error: expected '$', got '+'");
  ExpectError("*2\r\n$3\r\nGET\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'");
  ExpectError("*1\r\n\xff\r\n", "ERR Protocol error: expected '$', got '\xff'");
  // Redis prints the raw byte; its reply path turns the CR/LF into a space ("got ' '").
  ExpectError("*1\r\n\r\n", "ERR Protocol error: expected '$', got '\r'");
  ExpectError("*1\r\n\n\r\n", "ERR Protocol error: expected '$', got '\n'");
}

TEST(RespParserTest, InvalidBulkLength) {
  const char* kMsg = "ERR Protocol error: invalid bulk length";
  for (const char* in : {"*1\r\n$abc\r\n", "*1\r\n$-1\r\n", "*1\r\n$\r\n", "*1\r\n$ 4\r\nPING\r\n",
                         "*1\r\n$04\r\nPING\r\n", "*1\r\n$+4\r\nPING\r\n", "*1\r\n$-0\r\n",
                         "*1\r\n$99999999999999999999\r\n", "*1\r\n$536870913\r\n"}) {
    ExpectError(in, kMsg);
  }
}

TEST(RespParserTest, ErrorAfterValidCommandsKeepsThem) {
  Outcome o = Parse(Multibulk({"PING"}) + "PING\r\n" + "*1\r\n$x\r\n" + Multibulk({"NEVER"}));
  EXPECT_EQ(o.commands, (Cmds{{"PING"}, {"PING"}}));
  EXPECT_EQ(o.error, "ERR Protocol error: invalid bulk length");
}

// ---------------------------------------------------------------------------------------------------------
// Bulk sizes and limits.

TEST(RespParserTest, BigBulkLengthWaitsForData) {
  // 536870912 (512 MB, the default proto-max-bulk-len) is accepted and waited for.
  RespParser p;
  std::string in = "*1\r\n$536870912\r\n";
  size_t consumed = 0;
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}, &consumed), Result::kIncomplete);
  EXPECT_EQ(p.PendingBulkBytes(), 536870914u);
}

TEST(RespParserTest, ProtoMaxBulkLenLimit) {
  RespParser::Limits lim;
  lim.max_bulk_len = 1024 * 1024;
  ExpectError("*1\r\n$1048577\r\n", "ERR Protocol error: invalid bulk length", lim);
  std::string ok = Multibulk({"SET", "k", std::string(1024 * 1024, 'b')});
  Outcome o = OneShot(ok, lim);
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0][2].size(), 1024u * 1024u);
  EXPECT_EQ(o.error, "");
}

TEST(RespParserTest, LargeBulkChunked) {
  std::string big(200000, 'q');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  std::string in = Multibulk({"SET", "k", big}) + Multibulk({"GET", "k"});
  Outcome want = OneShot(in);
  ASSERT_EQ(want.commands, (Cmds{{"SET", "k", big}, {"GET", "k"}}));
  std::mt19937 rng(4);
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> chunks;
    for (size_t left = in.size(); left > 0;) {
      size_t n = std::min<size_t>(left, rng() % 20000 + 1);
      chunks.push_back(n);
      left -= n;
    }
    ASSERT_EQ(Feed(in, chunks), want);
  }
}

TEST(RespParserTest, UnauthenticatedLimits) {
  RespParser::Limits lim;
  lim.auth_required = true;
  // Up to 10 arguments and 16384-byte bulks are fine before AUTH.
  std::vector<std::string> ten(10, "a");
  EXPECT_EQ(Parse(Multibulk(ten), lim).commands.size(), 1u);
  Outcome big = Parse(Multibulk({"AUTH", std::string(16384, 'p')}), lim);
  EXPECT_EQ(big.commands.size(), 1u);
  EXPECT_EQ(big.error, "");
  ExpectError("*11\r\n", "ERR Protocol error: unauthenticated multibulk length", lim);
  ExpectError("*1\r\n$16385\r\n", "ERR Protocol error: unauthenticated bulk length", lim);
  // Validity is checked before the authentication limits.
  ExpectError("*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length", lim);
  // Negative counts are still empty commands.
  EXPECT_EQ(Parse("*-100\r\n", lim).empties, 1);
  // Authenticated: no such limits.
  RespParser::Limits authed;
  EXPECT_EQ(Parse(Multibulk(std::vector<std::string>(11, "a")), authed).commands.size(), 1u);
}

// Redis skips the two bytes after a bulk payload without checking they are CRLF, and likewise the byte after
// the '\r' that ends a count line.
TEST(RespParserTest, CrlfAfterBulkIsNotChecked) {
  Outcome o = Parse("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"PING"}, {"PING"}}));
  EXPECT_EQ(o.error, "");
  Outcome o2 = Parse("*1\rX$4\r\nPING\r\n");
  EXPECT_EQ(o2.commands, (Cmds{{"PING"}}));
  Outcome o3 = Parse("*1\r\n$4\rXPING\r\n");
  EXPECT_EQ(o3.commands, (Cmds{{"PING"}}));
  // A bulk shorter than declared swallows the following bytes: "PI\r\nNG" is read as "PI\r\n" + skipped "NG".
  Outcome o4 = Parse("*1\r\n$4\r\nPI\r\nNG\r\n");
  EXPECT_EQ(o4.commands, (Cmds{{"PI\r\n"}}));
  EXPECT_EQ(o4.empties, 1);  // the trailing "\r\n" is a blank inline line
}

TEST(RespParserTest, CountLineNeedsByteAfterCr) {
  RespParser p;
  size_t consumed = 0;
  std::string in = "*1\r";
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}, &consumed), Result::kIncomplete);
  in = "*1\r\n$3\r";
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}, &consumed), Result::kIncomplete);
}

// ---------------------------------------------------------------------------------------------------------
// Too-big header lines (no CR within 64 KB of unparsed input).

TEST(RespParserTest, TooBigCountStrings) {
  EXPECT_EQ(OneShot("*" + std::string(70000, '1')).error, "ERR Protocol error: too big mbulk count string");
  EXPECT_EQ(OneShot("*1\r\n$" + std::string(70000, '1')).error, "ERR Protocol error: too big bulk count string");
  // After a complete command, the check applies to the unparsed rest only.
  Outcome o = OneShot(Multibulk({"PING"}) + "*" + std::string(70000, '1'));
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
  EXPECT_EQ(o.error, "ERR Protocol error: too big mbulk count string");
  // Exactly 64 KB without CR is still waited for.
  std::string at_limit = "*" + std::string(RespParser::kInlineMax - 1, '1');
  EXPECT_EQ(OneShot(at_limit).error, "");
}

TEST(RespParserTest, TooBigInline) {
  EXPECT_EQ(OneShot(std::string(65536, 'A')).error, "");
  EXPECT_EQ(OneShot(std::string(65537, 'A')).error, "ERR Protocol error: too big inline request");
  Outcome o = OneShot(Multibulk({"PING"}) + std::string(70000, 'A'));
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
  EXPECT_EQ(o.error, "ERR Protocol error: too big inline request");
  // Fed in 16 KB reads, the error comes as soon as 64 KB are buffered with no newline.
  std::string in = std::string(90000, 'A') + "\n";
  Outcome chunked = Feed(in, std::vector<size_t>(10, 16384));
  EXPECT_EQ(chunked.error, "ERR Protocol error: too big inline request");
}

// ---------------------------------------------------------------------------------------------------------
// Inline commands.

TEST(RespParserTest, InlineBasic) {
  EXPECT_EQ(Parse("PING\r\n").commands, (Cmds{{"PING"}}));
  EXPECT_EQ(Parse("PING\n").commands, (Cmds{{"PING"}}));
  EXPECT_EQ(Parse("  SET   a  b  \r\n").commands, (Cmds{{"SET", "a", "b"}}));
  EXPECT_EQ(Parse("SET\ta\tb\r\n").commands, (Cmds{{"SET", "a", "b"}}));
  // A CR inside the line separates arguments ("ECHO a\rb" is ECHO with two arguments).
  EXPECT_EQ(Parse("ECHO a\rb\n").commands, (Cmds{{"ECHO", "a", "b"}}));
  // Only one CR before the LF is stripped.
  EXPECT_EQ(Parse("ECHO a\r\r\n").commands, (Cmds{{"ECHO", "a"}}));
  EXPECT_EQ(Parse("PING").commands, Cmds{});  // no newline yet
}

TEST(RespParserTest, InlineQuotesAndEscapes) {
  struct Case {
    std::string line;
    std::vector<std::string> args;
  } cases[] = {
      {R"(ECHO "a b")", {"ECHO", "a b"}},
      {R"(ECHO 'a b')", {"ECHO", "a b"}},
      {R"(ECHO "")", {"ECHO", ""}},
      {R"(ECHO '')", {"ECHO", ""}},
      {R"(ECHO "\x41\x4g\n")", {"ECHO", "Ax4g\n"}},
      {R"(ECHO "\xZZ")", {"ECHO", "xZZ"}},
      {R"(ECHO "\x4A\x4a")", {"ECHO", "JJ"}},
      {R"(ECHO "\n\r\t\b\a")", {"ECHO", "\n\r\t\b\a"}},
      {R"(ECHO "\q\\\"")", {"ECHO", "q\\\""}},
      {R"(ECHO 'it\'s')", {"ECHO", "it's"}},
      {R"(ECHO '\n\x41')", {"ECHO", "\\n\\x41"}},
      {R"(ECHO a"b c"d)", {}},  // error: closing quote followed by 'd'
      {R"(ECHO a"b c")", {"ECHO", "ab c"}},
      {"ECHO \"\t\"", {"ECHO", "\t"}},
      {"ECHO \"a\"\t\"b\"", {"ECHO", "a", "b"}},
      {"ECHO \"a\"\x0b", {"ECHO", "a"}},  // \v after a closing quote counts as space (isspace)
      {"ECHO \x0b a", {"ECHO", "a"}},       // and between arguments
      {R"("SET" 'k' "v")", {"SET", "k", "v"}},
  };
  for (const Case& c : cases) {
    Outcome o = Parse(c.line + "\r\n");
    if (c.args.empty()) {
      EXPECT_EQ(o.error, "ERR Protocol error: unbalanced quotes in request") << c.line;
    } else {
      EXPECT_EQ(o.error, "") << c.line;
      ASSERT_EQ(o.commands.size(), 1u) << c.line;
      EXPECT_EQ(o.commands[0], c.args) << c.line;
    }
  }
}

// Inside an unquoted argument only space, tab, CR and LF end it (sdssplitargs' switch); \v and \f are part of
// the argument. redis-server 7.0.15: "ECHO a\vb" replies "$3\r\na\vb".
TEST(RespParserTest, InlineVerticalTabAndFormFeedInsideArgument) {
  EXPECT_EQ(Parse("ECHO a\x0b" "b\r\n").commands, (Cmds{{"ECHO", "a\x0b" "b"}}));
  EXPECT_EQ(Parse("ECHO a\x0c" "b\r\n").commands, (Cmds{{"ECHO", "a\x0c" "b"}}));
}

TEST(RespParserTest, InlineUnbalancedQuotes) {
  const char* kMsg = "ERR Protocol error: unbalanced quotes in request";
  for (const char* in : {"PING \"a\r\n", "ECHO 'a\r\n", "ECHO \"a\"b\r\n", "ECHO \"x\"'y'\r\n", "ECHO \"a\\\"\r\n",
                         "ECHO 'a'b\r\n", "ECHO \"abc\\\r\n"}) {
    ExpectError(in, kMsg);
  }
  // Commands before the bad line are kept.
  Outcome o = Parse("PING\r\nECHO \"x\r\nPING\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
  EXPECT_EQ(o.error, kMsg);
}

TEST(RespParserTest, SplitArgsDirect) {
  std::vector<std::string> out;
  EXPECT_TRUE(SplitArgs("", &out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(SplitArgs("   ", &out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(SplitArgs("a", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(SplitArgs("set \"\\x00\\xff\" x", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"set", std::string("\0\xff", 2), "x"}));
  EXPECT_FALSE(SplitArgs("\"", &out));
  EXPECT_FALSE(SplitArgs("'", &out));
  EXPECT_FALSE(SplitArgs("\"\\", &out));
  // The output is replaced, not appended to.
  EXPECT_TRUE(SplitArgs("x y", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"x", "y"}));
}

// ---------------------------------------------------------------------------------------------------------
// Byte-by-byte and random chunking equal one-shot parsing.

TEST(RespParserTest, ByteByByteEqualsOneShotOnMixedStream) {
  std::string in = Multibulk({"SET", "a", "1"}) + "*0\r\n" + "PING\r\n" + "\r\n" + "*-1\r\n" +
                   Multibulk({"MSET", "k1", std::string(300, 'x'), "k2", ""}) + "ECHO \"q u\" 'o'\r\n" +
                   Multibulk({std::string("\r\n", 2)}) + "*1\r\n$4\r\nPINGzz";
  Outcome o = Parse(in);
  EXPECT_EQ(o.commands, (Cmds{{"SET", "a", "1"},
                              {"PING"},
                              {"MSET", "k1", std::string(300, 'x'), "k2", ""},
                              {"ECHO", "q u", "o"},
                              {"\r\n"},
                              {"PING"}}));
  EXPECT_EQ(o.empties, 3);
  EXPECT_EQ(o.consumed, in.size());
}

TEST(RespParserTest, RandomChunkingEqualsOneShot) {
  std::mt19937_64 rng(20240501);
  for (int round = 0; round < 300; ++round) {
    // A random pipeline of valid commands, sometimes ending in a malformed one.
    std::string in;
    int n = static_cast<int>(rng() % 12) + 1;
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0:
        case 1: {
          std::vector<std::string> args;
          int argc = static_cast<int>(rng() % 5) + 1;
          for (int a = 0; a < argc; ++a) {
            std::string s(rng() % 40, '\0');
            for (char& ch : s) ch = static_cast<char>(rng());
            args.push_back(s);
          }
          in += Multibulk(args);
          break;
        }
        case 2:
          in += "SET key \"v a\\x41l\" 'x y'\r\n";
          break;
        default:
          in += (rng() % 2) ? "*0\r\n" : "\r\n";
          break;
      }
    }
    if (rng() % 3 == 0) in += (rng() % 2) ? "*1\r\n$q\r\n" : "*2\r\n!";
    Outcome want = OneShot(in);
    ASSERT_EQ(ByteByByte(in), want) << "round " << round;
    for (int k = 0; k < 5; ++k) {
      std::vector<size_t> chunks;
      for (size_t left = in.size(); left > 0;) {
        size_t c = std::min<size_t>(left, rng() % 17 + 1);
        chunks.push_back(c);
        left -= c;
      }
      ASSERT_EQ(Feed(in, chunks), want) << "round " << round;
    }
  }
}

TEST(RespParserTest, ReusableAfterError) {
  RespParser p;
  size_t consumed = 0;
  std::string bad = "*1\r\n$x\r\n";
  ASSERT_EQ(p.Parse(bad.data(), bad.size(), {}, &consumed), Result::kError);
  EXPECT_EQ(p.error(), "ERR Protocol error: invalid bulk length");
  // A half-read command before a Reset does not leak into the next parse.
  std::string half = "*3\r\n$3\r\nSET\r\n";
  ASSERT_EQ(p.Parse(half.data(), half.size(), {}, &consumed), Result::kIncomplete);
  p.Reset();
  std::string good = Multibulk({"PING"});
  ASSERT_EQ(p.Parse(good.data(), good.size(), {}, &consumed), Result::kCommand);
  std::vector<std::string_view> args;
  p.Args(good.data(), &args);
  EXPECT_EQ(args, (std::vector<std::string_view>{"PING"}));
}

}  // namespace
}  // namespace corvid
