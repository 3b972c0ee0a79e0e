// Number parsing and formatting with Redis 7.0's exact semantics (its util.c: string2ll, string2ull,
// string2ld, string2d / getDoubleFromObject, ll2string, ld2string, and addReplyDouble's "%.17g").
// Every accept/reject rule below was checked against redis-server 7.0.15.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace corvid {

// Parses a signed 64-bit decimal exactly like Redis' string2ll (INCR, INCRBY, EXPIRE, ... arguments and
// stored values): optional '-', then digits with no leading zero ("0" is the only number starting with
// 0; "-0", "00", "01" are rejected). No spaces, no '+', no trailing bytes, nothing longer than 20 bytes,
// no overflow. Returns false (and leaves *out untouched) when rejected. out may be nullptr.
bool StringToInt64(std::string_view s, int64_t* out);

// Same strictness as StringToInt64 for an unsigned value: digits only (no sign at all), no leading zero
// except "0" itself, at most 20 digits, <= UINT64_MAX. out may be nullptr.
bool StringToUInt64(std::string_view s, uint64_t* out);

// Redis' string2ull, which is NOT strict: it is what stream IDs ("<ms>-<seq>" parts) go through. s is
// read as a C string (parsing stops at the first NUL). Tries StringToInt64 first (negative -> false),
// then falls back to strtoull(s, 10), so " 5", "+5", "05", "000...01" are accepted, trailing bytes and
// ERANGE are not, and strtoull's negation quirk is kept: "-18446744073709551615" -> 1,
// "-9223372036854775809" -> 9223372036854775807. out may be nullptr.
bool StringToUInt64Lenient(std::string_view s, uint64_t* out);

// Longest input StringToLongDouble accepts is kLongDoubleChars - 1 bytes (Redis' MAX_LONG_DOUBLE_CHARS).
constexpr size_t kLongDoubleChars = 5 * 1024;

// Parses like Redis' string2ld (INCRBYFLOAT / HINCRBYFLOAT arguments and stored values): strtold over
// the whole string. Rejects: empty, >= kLongDoubleChars bytes, a leading C-locale space, any byte left
// unparsed (including an embedded NUL), overflow to +-inf, underflow to 0 (denormals are accepted), and
// any NaN spelling. Accepts what strtold does: '+', ".5", "5.", exponents, hex floats ("0x1p3"), and
// "inf"/"infinity" in any case (INCRBYFLOAT then rejects the inf result itself). out may be nullptr.
bool StringToLongDouble(std::string_view s, long double* out);

// Parses like Redis' getDoubleFromObject (ZADD scores, ZINCRBY, GEO coordinates, timeouts...): strtod
// over the whole string with the same rejection rules as StringToLongDouble but at double range
// ("1e309", "1e-400" rejected; "1e-320" accepted) and with no length limit. "inf", "-inf", "+inf" ok.
// out may be nullptr.
bool StringToDouble(std::string_view s, double* out);

// Enough room for any int64/uint64 in decimal plus a NUL.
constexpr size_t kInt64Chars = 21;

// Writes v in decimal to buf (no NUL) and returns the length (1..20).
// REQUIRES: buf has room for kInt64Chars - 1 bytes.
size_t Int64ToChars(int64_t v, char* buf);

// Writes v in decimal to buf (no NUL) and returns the length (1..20).
// REQUIRES: buf has room for kInt64Chars - 1 bytes.
size_t UInt64ToChars(uint64_t v, char* buf);

// Enough room for any FormatDouble output.
constexpr size_t kDoubleChars = 128;

// Formats a double the way Redis 7.0 replies with one (ZSCORE, ZINCRBY, ZRANGE WITHSCORES...):
// "%.17g" ("1.1000000000000001", "1e+308", "-0", "9.9998886718268301e-321"), with infinities
// spelled "inf" / "-inf". Writes a NUL after the text; returns the length.
// REQUIRES: buf has room for kDoubleChars bytes.
size_t FormatDouble(double d, char* buf);

enum class LdMode {
  kAuto,   // "%.17Lg"
  kHuman,  // "%.17Lf", trailing zeros and a trailing '.' stripped, "-0" printed as "0"
};

// Formats a long double like Redis' ld2string. kHuman is what INCRBYFLOAT / HINCRBYFLOAT store and reply
// ("3.3" for 1.1+2.2, "3000" for 3.0e3, "0" for 5e-18, the full integer digits for 1e309).
// Infinities give "inf" / "-inf" in both modes. Writes a NUL after the text; returns the length.
// REQUIRES: buf has room for kLongDoubleChars bytes (a kHuman expansion of a huge value is ~4950 chars).
size_t FormatLongDouble(long double v, char* buf, LdMode mode);

}  // namespace corvid
