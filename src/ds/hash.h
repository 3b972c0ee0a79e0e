// Seeded 64-bit hashing of byte strings for the hash tables (wide-multiply mixing).
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace corvid {

// The process-wide hash seed; set once at start-up from a random source (SetHashSeed), before any table is used.
extern uint64_t g_hash_seed;
void SetHashSeed(uint64_t seed);

namespace hash_detail {
inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
inline constexpr uint64_t kP0 = 0xa0761d6478bd642full, kP1 = 0xe7037ed1a0b428dbull, kP2 = 0x8ebc6af09c88c6e3ull;
}  // namespace hash_detail

// Hash of s under the process seed.
inline uint64_t HashBytes(std::string_view s) {
  using namespace hash_detail;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  uint64_t seed = g_hash_seed ^ kP0;
  uint64_t a, b;
  if (n <= 16) {
    if (n >= 4) {
      a = (Load32(p) << 32) | Load32(p + ((n >> 3) << 2));
      b = (Load32(p + n - 4) << 32) | Load32(p + n - 4 - ((n >> 3) << 2));
    } else if (n > 0) {
      a = (uint64_t{p[0]} << 16) | (uint64_t{p[n >> 1]} << 8) | p[n - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = n;
    while (i > 16) {
      seed = Mix(Load64(p) ^ kP1, Load64(p + 8) ^ seed);
      p += 16;
      i -= 16;
    }
    a = Load64(p + i - 16);
    b = Load64(p + i - 8);
  }
  return Mix(kP1 ^ n, Mix(a ^ kP1, b ^ seed));
}

}  // namespace corvid
