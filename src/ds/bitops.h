// Bit-level operations over byte strings, with Redis' bit numbering: bit 0 is the most significant bit of the
// first byte. Used by SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD; no knowledge of keys or replies.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace corvid::bits {

// Number of set bits in p[0, n). Word at a time, with the CPU's popcount instruction where it has one.
uint64_t PopCount(const uint8_t* p, size_t n);
// Number of set bits among bits [first, last] of p. REQUIRES: first <= last < 8 * (bytes of p).
uint64_t PopCountRange(const uint8_t* p, uint64_t first, uint64_t last);
// Position of the first bit equal to `bit` among bits [first, last] of p, or -1 when there is none.
// REQUIRES: first <= last < 8 * (bytes of p).
int64_t FindBit(const uint8_t* p, uint64_t first, uint64_t last, bool bit);

// Value of bit `offset` of s (0 past the end).
inline int GetBit(std::string_view s, uint64_t offset) {
  uint64_t byte = offset >> 3;
  if (byte >= s.size()) return 0;
  return (static_cast<uint8_t>(s[byte]) >> (7 - (offset & 7))) & 1;
}

enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };
// BITOP over srcs: a string as long as the longest source, shorter sources read as zero-padded.
// REQUIRES: srcs is not empty; exactly one source for kNot.
std::string Combine(BitOp op, std::span<const std::string_view> srcs);

// BITFIELD integer access: `bits` bits starting at bit `offset`, big-endian as Redis stores them.
// REQUIRES: 1 <= bits <= 64 and p covers bits [offset, offset + bits).
uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, unsigned bits);
int64_t GetSigned(const uint8_t* p, uint64_t offset, unsigned bits);
void SetField(uint8_t* p, uint64_t offset, unsigned bits, uint64_t value);

enum class Overflow : uint8_t { kWrap, kSat, kFail };
// value + incr as a `bits`-bit unsigned (bits <= 63) or signed (bits <= 64) field under the overflow policy.
// Returns 0 when the sum fits (*out = the sum), else +1 (over the maximum) or -1 (under the minimum) with *out
// the wrapped or saturated result (unchanged for kFail). A `value` outside the field's range (SET of a
// too-large number) overflows the same way, as in Redis.
int CheckedAddUnsigned(uint64_t value, int64_t incr, unsigned bits, Overflow ow, uint64_t* out);
int CheckedAddSigned(int64_t value, int64_t incr, unsigned bits, Overflow ow, int64_t* out);

}  // namespace corvid::bits
