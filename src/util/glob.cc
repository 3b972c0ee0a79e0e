#include "util/glob.h"

#include <cstddef>
#include <utility>

namespace corvid {
namespace {

// Redis gives up (no match) once its matcher recurses through more than this many '*' runs.
constexpr int kMaxStarRuns = 1000;

// tolower() in the C locale, applied to a char promoted to int the way Redis does it.
int LowerAscii(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

class Matcher {
 public:
  Matcher(std::string_view pattern, bool nocase) : pat_(pattern), nocase_(nocase) {}

  // Matches the single-byte token starting at pat_[p] (anything but '*') against c.
  // Sets *next to the index just past the token. REQUIRES: p < pat_.size().
  bool MatchToken(size_t p, char c, size_t* next) const {
    switch (pat_[p]) {
      case '?':
        *next = p + 1;
        return true;
      case '[':
        return MatchClass(p, c, next);
      case '\\':
        if (pat_.size() - p >= 2) ++p;  // a lone trailing '\' is a literal '\'
        [[fallthrough]];
      default:
        *next = p + 1;
        return SameByte(pat_[p], c);
    }
  }

 private:
  // Byte past the end reads as NUL: Redis patterns are NUL-terminated sds strings and its class parser
  // peeks one byte past the end before checking the remaining length.
  char At(size_t i) const { return i < pat_.size() ? pat_[i] : '\0'; }

  bool SameByte(char p, char s) const {
    return nocase_ ? LowerAscii(p) == LowerAscii(s) : p == s;
  }

  // Bracket class at pat_[p] == '['. Mirrors Redis' parse order exactly: escape, ']', end of pattern,
  // range, literal. The parse path does not depend on c, so *next is the same for every byte tried.
  bool MatchClass(size_t p, char c, size_t* next) const {
    const size_t plen = pat_.size();
    size_t i = p + 1;  // invariant below: i <= plen
    const bool negate = At(i) == '^';
    if (negate) ++i;
    bool match = false;
    for (;;) {
      const size_t rem = plen - i;
      const char pc = At(i);
      if (pc == '\\' && rem >= 2) {
        ++i;
        if (pat_[i] == c) match = true;  // escaped bytes ignore nocase, as in Redis
      } else if (pc == ']') {
        break;
      } else if (rem == 0) {
        --i;  // unterminated class: it ends with the pattern
        break;
      } else if (rem >= 3 && pat_[i + 1] == '-') {
        int lo = pat_[i];
        int hi = pat_[i + 2];
        int x = c;
        if (lo > hi) std::swap(lo, hi);
        if (nocase_) {  // lowered after the swap: "[a-Z]" nocase becomes 'z'..'a', empty
          lo = LowerAscii(lo);
          hi = LowerAscii(hi);
          x = LowerAscii(x);
        }
        i += 2;
        if (x >= lo && x <= hi) match = true;
      } else if (SameByte(pc, c)) {
        match = true;
      }
      ++i;
    }
    *next = i + 1;
    return match != negate;
  }

  std::string_view pat_;
  bool nocase_;
};

}  // namespace

// Redis matches recursively: each '*' tries every later start for the rest of the pattern, and once
// the innermost '*' has failed from every start the whole match fails (its skipLongerMatches flag).
// That is the classic single-backtrack-point glob algorithm, done here iteratively: on a mismatch only
// the most recent '*' advances by one byte; when it runs out of bytes the match fails. Every token other
// than '*' consumes exactly one byte, so this is O(|pattern| * |str|) and gives Redis' results.
bool StringMatch(std::string_view pattern, std::string_view str, bool nocase) {
  // Redis' loop never runs on an empty string, so not even "*" matches it.
  if (str.empty()) return pattern.empty();

  const Matcher m(pattern, nocase);
  const size_t plen = pattern.size();
  const size_t slen = str.size();
  size_t p = 0;
  size_t s = 0;
  bool have_star = false;
  size_t star_p = 0;  // pattern index just past the most recent '*' run
  size_t star_s = 0;  // where the text after that run is currently being tried
  int star_runs = 0;

  for (;;) {
    // Here s < slen.
    if (p < plen && pattern[p] == '*') {
      while (p + 1 < plen && pattern[p + 1] == '*') ++p;
      if (p + 1 == plen) return true;  // a trailing '*' eats the rest
      if (++star_runs > kMaxStarRuns) return false;
      star_p = ++p;
      star_s = s;
      have_star = true;
      continue;
    }
    if (p < plen && m.MatchToken(p, str[s], &p)) {
      if (++s < slen) continue;
      // String used up: only '*'s may remain.
      while (p < plen && pattern[p] == '*') ++p;
      if (p == plen) return true;
    }
    if (!have_star || ++star_s == slen) return false;
    p = star_p;
    s = star_s;
  }
}

}  // namespace corvid
