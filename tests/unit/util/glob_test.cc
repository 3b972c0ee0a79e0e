// Expectations are what redis-server 7.0.15 answered:
//   case-sensitive rows: a db holding only the key `str`, then KEYS <pattern> (non-empty == match)
//   nocase rows:         COMMAND LIST FILTERBY PATTERN <pattern> (stringmatchlen with nocase=1),
//                        so every nocase `str` is a real command name
// The "*" vs "" row cannot go through KEYS (it special-cases a lone "*"); PSUBSCRIBE * did not receive
// a PUBLISH to the channel "", which is the same stringmatchlen answer.
#include "util/glob.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <type_traits>

namespace corvid {
namespace {

struct GlobCase {
  std::string_view pattern;
  std::string_view str;
  bool match;
};

void ExpectCases(const GlobCase* begin, const GlobCase* end, bool nocase) {
  for (const GlobCase* c = begin; c != end; ++c) {
    EXPECT_EQ(StringMatch(c->pattern, c->str, nocase), c->match)
        << "pattern '" << c->pattern << "' str '" << c->str << "' nocase " << nocase;
  }
}

TEST(StringMatch, WildcardsAndLiterals) {
  const GlobCase cases[] = {
      {"", "", true},
      {"", "a", false},
      {"a", "", false},
      {"*", "", false},
      {"**", "", false},
      {"?", "", false},
      {"*", "a", true},
      {"*", "abc", true},
      {"**", "abc", true},
      {"?", "a", true},
      {"?", "ab", false},
      {"??", "ab", true},
      {"a", "a", true},
      {"a", "A", false},
      {"a", "ab", false},
      {"ab", "a", false},
      {"a*", "a", true},
      {"a*", "ab", true},
      {"a*", "ba", false},
      {"*a", "ba", true},
      {"*a", "ab", false},
      {"*a*", "bab", true},
      {"*a*", "bbb", false},
      {"h?llo", "hello", true},
      {"h?llo", "hllo", false},
      {"h*llo", "hllo", true},
      {"h*llo", "heeeello", true},
      {"h*llo", "hellol", false},
      {"a*b*c", "abc", true},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "acb", false},
      {"a*b*c", "abcbc", true},
      {"a*b*c", "abcb", false},
      {"*?", "a", true},
      {"?*", "a", true},
      {"*??*", "a", false},
      {"*??*", "ab", true},
      {"abc***", "abc", true},
      {"abc*?", "abc", false},
      {"abc*?", "abcd", true},
      {"*ab", "aab", true},
      {"*aab", "aaab", true},
      {"*a*a*a*", "aa", false},
      {"*a*a*a*", "aaa", true},
  };
  ExpectCases(std::begin(cases), std::end(cases), false);
}

TEST(StringMatch, Escapes) {
  const GlobCase cases[] = {
      {"\\*", "*", true},
      {"\\*", "a", false},
      {"\\?", "?", true},
      {"\\?", "a", false},
      {"\\[", "[", true},
      {"\\a", "a", true},
      {"\\\\", "\\", true},
      {"\\", "\\", true},  // a lone trailing backslash is a literal backslash
      {"a\\", "a\\", true},
      {"a\\", "a", false},
      {"a\\*b", "a*b", true},
      {"a\\*b", "axb", false},
      {"*\\*", "abc*", true},
      {"*\\*", "abc", false},
  };
  ExpectCases(std::begin(cases), std::end(cases), false);
}

TEST(StringMatch, Classes) {
  const GlobCase cases[] = {
      {"h[ae]llo", "hello", true},
      {"h[ae]llo", "hallo", true},
      {"h[ae]llo", "hillo", false},
      {"h[^e]llo", "hallo", true},
      {"h[^e]llo", "hello", false},
      {"h[a-b]llo", "hbllo", true},
      {"h[a-b]llo", "hcllo", false},
      {"[a-z]", "m", true},
      {"[a-z]", "M", false},
      {"[z-a]", "m", true},  // reversed bounds are swapped
      {"[z-a]", "A", false},
      {"[A-z]", "_", true},  // '_' sits between 'Z' and 'a'
      {"[a-c]*[x-z]", "bqqz", true},
      {"[a-c]*[x-z]", "dqqz", false},
      {"[!a]", "!", true},  // '!' is not negation
      {"[!a]", "b", false},
      {"[^^]", "^", false},
      {"[^^]", "a", true},
      {"[*]", "*", true},
      {"[*]", "a", false},
      {"[?]", "?", true},
      {"[?]", "a", false},
      {"[[]", "[", true},
      {"[-a]", "-", true},  // a leading '-' is a literal
      {"[-a]", "a", true},
      {"[a-z-9]", "-", true},
      {"[a-z-9]", "9", true},
      {"[a-z-9]", "5", false},
      {"[--a]", "-", true},
      {"[--a]", "_", true},
      {"[--a]", "b", false},
      {"[\\]]", "]", true},
      {"[\\^]", "^", true},
      {"[\\^]", "a", false},
      {"[\\a-c]", "b", false},  // an escaped byte cannot start a range: '\a', '-', 'c'
      {"[\\a-c]", "-", true},
      {"[\\a-c]", "c", true},
      {"[a]]", "a]", true},
      {"[a]]", "a", false},
  };
  ExpectCases(std::begin(cases), std::end(cases), false);
}

TEST(StringMatch, RedisBracketQuirks) {
  const GlobCase cases[] = {
      // ']' right after '[' or '[^' closes an empty class.
      {"[]", "]", false},
      {"[]]", "]", false},
      {"[]a]", "a]", false},
      {"[]a]", "]a]", false},
      {"[^]a]", "xa]", true},
      {"[^]a]", "a", false},
      {"[^]", "x", true},
      // A range ending at the class' closing ']' takes it as its bound: "[a-]" is ']'..'a'.
      {"[a-]", "a", true},
      {"[a-]", "]", true},
      {"[a-]", "_", true},
      {"[a-]", "`", true},
      {"[a-]", "-", false},
      {"[a-]", "b", false},
      {"[^a-]", "-", true},
      {"[^a-]", "_", false},
      {"[a-\\]]", "_]", true},  // range 'a'..'\', then a literal ']'
      {"[a-\\]]", "\\]", true},
      {"[a-\\]]", "_", false},
      // Unterminated classes end with the pattern.
      {"[", "[", false},
      {"[", "a", false},
      {"[a", "a", true},
      {"[a", "[a", false},
      {"[ab", "b", true},
      {"[a-", "-", true},
      {"[a-", "a", true},
      {"[a-", "b", false},
      {"[a-z", "q", true},
      {"[^", "x", true},
      {"[^", "", false},
      {"[\\", "\\", true},  // backslash as the last byte is a literal
      {"[\\]", "]", true},  // "\]" escapes the ']', leaving the class unterminated
      {"[\\]", "\\", false},
      {"x*[", "xab", false},
      {"x*[ab", "xqb", true},
  };
  ExpectCases(std::begin(cases), std::end(cases), false);
}

TEST(StringMatch, NoCase) {
  const GlobCase cases[] = {
      {"GET", "get", true},
      {"gEt", "get", true},
      {"G?T", "get", true},
      {"g[E]t", "get", true},
      {"[G-S]et", "set", true},
      {"[s-g]ET", "get", true},
      {"[A-z]et", "get", true},
      {"[^A-Z]et", "get", false},  // [^A-Z] excludes every letter once lowered
      {"[a-Z]et", "get", false},   // swapped to 'Z'..'a', then lowered to 'z'..'a': empty
      {"\\Get", "get", true},      // an escape outside brackets honours nocase...
      {"[\\G]et", "get", false},   // ...an escape inside brackets does not
      {"[\\g]et", "get", true},
      {"GEORADIUS[A-z]RO", "georadius_ro", false},  // lowered range is 'a'..'z', no '_'
      {"GEORADIUS[_-a]RO", "georadius_ro", true},
      {"GEORADIUS[Z-_]RO", "georadius_ro", false},  // 'z'..'_' after lowering: empty
      {"GEORADIUS?RO", "georadius_ro", true},
      {"*|KILL", "client|kill", true},
      {"*|KILL", "client|list", false},
      {"CLIENT\\|*", "client|kill", true},
      {"zrange*SCORE", "zrangebyscore", true},
  };
  ExpectCases(std::begin(cases), std::end(cases), true);
  // The same patterns without nocase.
  EXPECT_FALSE(StringMatch("GET", "get"));
  EXPECT_TRUE(StringMatch("georadius[A-z]ro", "georadius_ro"));
  EXPECT_FALSE(StringMatch("[a-Z]et", "get"));
}

TEST(StringMatch, HighBytesCompareAsPlatformChar) {
  const std::string ff = "\xff";
  const std::string x80 = "\x80";
  EXPECT_TRUE(StringMatch(ff, ff));
  EXPECT_FALSE(StringMatch(ff, x80));
  EXPECT_TRUE(StringMatch("?", ff));
  EXPECT_TRUE(StringMatch("[" + ff + "]", ff));
  EXPECT_TRUE(StringMatch(std::string("[^a]"), ff));
  if constexpr (std::is_signed_v<char>) {
    // x86-64 (the oracle's platform): 0xff is -1, so "[a-\xff]" is the range -1..'a'.
    const std::string range = "[a-" + ff + "]";
    EXPECT_TRUE(StringMatch(range, ff));
    EXPECT_TRUE(StringMatch(range, "0"));
    EXPECT_TRUE(StringMatch(range, "a"));
    EXPECT_FALSE(StringMatch(range, "b"));
    EXPECT_FALSE(StringMatch(range, x80));
    const std::string high = "[" + x80 + "-" + ff + "]";
    EXPECT_TRUE(StringMatch(high, "\x90"));
    EXPECT_FALSE(StringMatch(high, "a"));
  }
}

TEST(StringMatch, EmbeddedNulBytes) {
  using namespace std::string_view_literals;
  EXPECT_TRUE(StringMatch("a\0b"sv, "a\0b"sv));
  EXPECT_FALSE(StringMatch("a\0b"sv, "a"sv));
  EXPECT_TRUE(StringMatch("a?b"sv, "a\0b"sv));
  EXPECT_TRUE(StringMatch("*\0"sv, "xyz\0"sv));
  EXPECT_TRUE(StringMatch("[\0]"sv, "\0"sv));
  // Bytes past the view are never read as pattern: "[a" cut from "[ab]" is an unterminated "[a".
  const std::string_view full = "[ab]";
  EXPECT_TRUE(StringMatch(full.substr(0, 2), "a"));
  EXPECT_FALSE(StringMatch(full.substr(0, 2), "b"));
}

TEST(StringMatch, PathologicalPatternsStayPolynomial) {
  // Exponential backtracking would never finish these.
  const std::string as(10000, 'a');
  EXPECT_FALSE(StringMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", as));
  EXPECT_TRUE(StringMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*", as));
  EXPECT_TRUE(StringMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", as + "b"));
  EXPECT_FALSE(StringMatch("*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b", as));
  std::string many;
  for (int i = 0; i < 500; ++i) many += "*a";
  EXPECT_TRUE(StringMatch(many, as));
  EXPECT_FALSE(StringMatch(many + "*b", as));
  // KEYS a*a*...a*b (20 stars) returned only the key ending in 'b'.
  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += "a*";
  EXPECT_TRUE(StringMatch(twenty + "b", std::string(30, 'a') + "b"));
  EXPECT_FALSE(StringMatch(twenty + "b", std::string(30, 'a')));
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(StringMatch, GivesUpPastOneThousandStarRuns) {
  // KEYS against a single key of 1100 'a's: Redis' recursion guard fails any match that has to get
  // past a 1001st '*' run, unless that run ends the pattern.
  const std::string key(1100, 'a');
  EXPECT_TRUE(StringMatch(Repeat("*a", 999), key));
  EXPECT_TRUE(StringMatch(Repeat("*a", 1000), key));
  EXPECT_FALSE(StringMatch(Repeat("*a", 1001), key));
  EXPECT_FALSE(StringMatch(Repeat("*a", 1002), key));
  EXPECT_TRUE(StringMatch(Repeat("a*", 1000), key));
  EXPECT_TRUE(StringMatch(Repeat("a*", 1001), key));  // the 1001st run is trailing
  EXPECT_FALSE(StringMatch(Repeat("a*", 1002), key));
  EXPECT_TRUE(StringMatch(Repeat("*a", 1000) + "*", key));
  EXPECT_FALSE(StringMatch(Repeat("*a", 1001) + "*", key));
  // Consecutive stars are one run; escaped and bracketed stars are not runs at all.
  EXPECT_TRUE(StringMatch(Repeat("**a", 1000), key));
  EXPECT_TRUE(StringMatch(Repeat("*a", 1000) + Repeat("\\*", 5), key + "*****"));
  EXPECT_TRUE(StringMatch(Repeat("*a", 1000) + Repeat("[*]", 5), key + "*****"));
}

}  // namespace
}  // namespace corvid
