// Glob-style matching with the exact semantics of Redis 7.0.15's stringmatchlen (KEYS, SCAN MATCH,
// PSUBSCRIBE, CONFIG GET, COMMAND LIST FILTERBY PATTERN, ACL key/channel patterns...).
#pragma once
#include <string_view>

namespace corvid {

// Returns whether str matches pattern, as Redis' stringmatchlen does (checked against redis-server 7.0.15):
//   *      any run of bytes; ?  exactly one byte; \x  the byte x (a trailing lone '\' is a literal '\')
//   [abc]  one of; [^abc] none of; [a-z] inclusive range, reversed bounds swapped ([z-a] == [a-z]);
//          inside brackets '\x' is the literal x (compared case-sensitively even when nocase), ']'
//          right after '[' or '[^' closes an empty class (so "[]a]" matches nothing), a '-' whose range
//          would end at the closing ']' takes that ']' as its bound ("[a-]" is the range ']'..'a'), and
//          an unterminated class ends at the end of the pattern ("[ab" == "[ab]", "[^" matches any byte).
//   nocase lowers ASCII letters on both sides; for ranges the bounds are swapped first and lowered after,
//          so "[a-Z]" with nocase matches nothing and "[A-z]" matches only letters.
// Bytes compare as the platform's char (signed on x86-64), which matters only for ranges over >= 0x80.
// Quirks kept on purpose: an empty str matches only an empty pattern ("*" does not match "": KEYS and
// SCAN special-case a lone "*" before calling this); a pattern whose 1001st non-trailing '*' run is
// reached fails (Redis' recursion-depth guard). Runs in O(|pattern| * |str|), never exponential.
bool StringMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace corvid
