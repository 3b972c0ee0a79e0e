#include "ds/bitops.h"

#include <cstring>

namespace corvid::bits {

namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}

// Leading zeros of a non-zero byte.
inline int Clz8(uint8_t b) { return __builtin_clz(b) - 24; }

}  // namespace

// Built twice (plain and with POPCNT); the loader picks the one the CPU runs.
__attribute__((target_clones("popcnt", "default")))
uint64_t PopCount(const uint8_t* p, size_t n) {
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    c0 += __builtin_popcountll(Load64(p + i));
    c1 += __builtin_popcountll(Load64(p + i + 8));
    c2 += __builtin_popcountll(Load64(p + i + 16));
    c3 += __builtin_popcountll(Load64(p + i + 24));
  }
  for (; i + 8 <= n; i += 8) c0 += __builtin_popcountll(Load64(p + i));
  for (; i < n; ++i) c0 += __builtin_popcount(p[i]);
  return c0 + c1 + c2 + c3;
}

uint64_t PopCountRange(const uint8_t* p, uint64_t first, uint64_t last) {
  uint64_t fb = first >> 3, lb = last >> 3;
  uint8_t head = 0xFF >> (first & 7), tail = static_cast<uint8_t>(0xFF << (7 - (last & 7)));
  if (fb == lb) return __builtin_popcount(p[fb] & head & tail);
  return __builtin_popcount(p[fb] & head) + PopCount(p + fb + 1, lb - fb - 1) + __builtin_popcount(p[lb] & tail);
}

int64_t FindBit(const uint8_t* p, uint64_t first, uint64_t last, bool bit) {
  const uint8_t flip = bit ? 0 : 0xFF;
  const uint64_t wflip = bit ? 0 : ~uint64_t{0};
  uint64_t fb = first >> 3, lb = last >> 3;
  uint8_t head = 0xFF >> (first & 7), tail = static_cast<uint8_t>(0xFF << (7 - (last & 7)));
  auto found = [](uint64_t byte, uint8_t b) { return static_cast<int64_t>(byte * 8 + Clz8(b)); };
  if (fb == lb) {
    uint8_t b = (p[fb] ^ flip) & head & tail;
    return b ? found(fb, b) : -1;
  }
  if (uint8_t b = (p[fb] ^ flip) & head) return found(fb, b);
  uint64_t i = fb + 1;
  for (; i + 8 <= lb; i += 8) {
    uint64_t w = Load64(p + i) ^ wflip;
    if (w) return static_cast<int64_t>(i * 8 + __builtin_clzll(__builtin_bswap64(w)));
  }
  for (; i < lb; ++i)
    if (uint8_t b = p[i] ^ flip) return found(i, b);
  uint8_t b = (p[lb] ^ flip) & tail;
  return b ? found(lb, b) : -1;
}

std::string Combine(BitOp op, std::span<const std::string_view> srcs) {
  size_t maxlen = 0;
  for (std::string_view s : srcs) maxlen = std::max(maxlen, s.size());
  std::string out(maxlen, '\0');
  if (!srcs[0].empty()) memcpy(out.data(), srcs[0].data(), srcs[0].size());  // a missing key has no data
  auto* o = reinterpret_cast<uint8_t*>(out.data());
  if (op == BitOp::kNot) {
    for (size_t i = 0; i < maxlen; ++i) o[i] = static_cast<uint8_t>(~o[i]);
    return out;
  }
  for (size_t k = 1; k < srcs.size(); ++k) {
    const auto* s = reinterpret_cast<const uint8_t*>(srcs[k].data());
    size_t n = srcs[k].size();
    switch (op) {
      case BitOp::kAnd:
        for (size_t i = 0; i < n; ++i) o[i] &= s[i];
        memset(o + n, 0, maxlen - n);
        break;
      case BitOp::kOr:
        for (size_t i = 0; i < n; ++i) o[i] |= s[i];
        break;
      default:
        for (size_t i = 0; i < n; ++i) o[i] ^= s[i];
        break;
    }
  }
  return out;
}

namespace {

// The bytes holding bits [offset, offset + bits) as one big-endian number, with their count and the shift that
// brings the field's lowest bit to bit 0.
struct Window {
  unsigned __int128 acc = 0;
  unsigned nbytes, shift;
};

Window Read(const uint8_t* p, uint64_t offset, unsigned bits) {
  Window w;
  unsigned lead = offset & 7;
  w.nbytes = (lead + bits + 7) / 8;
  w.shift = w.nbytes * 8 - lead - bits;
  p += offset >> 3;
  for (unsigned i = 0; i < w.nbytes; ++i) w.acc = (w.acc << 8) | p[i];
  return w;
}

inline uint64_t Mask(unsigned bits) { return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

}  // namespace

uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, unsigned bits) {
  Window w = Read(p, offset, bits);
  return static_cast<uint64_t>(w.acc >> w.shift) & Mask(bits);
}

int64_t GetSigned(const uint8_t* p, uint64_t offset, unsigned bits) {
  uint64_t v = GetUnsigned(p, offset, bits);
  if (bits < 64 && (v >> (bits - 1)) & 1) v |= ~Mask(bits);  // sign-extend
  return static_cast<int64_t>(v);
}

void SetField(uint8_t* p, uint64_t offset, unsigned bits, uint64_t value) {
  Window w = Read(p, offset, bits);
  unsigned __int128 m = static_cast<unsigned __int128>(Mask(bits)) << w.shift;
  w.acc = (w.acc & ~m) | ((static_cast<unsigned __int128>(value & Mask(bits)) << w.shift) & m);
  p += offset >> 3;
  for (unsigned i = w.nbytes; i-- > 0;) {
    p[i] = static_cast<uint8_t>(w.acc);
    w.acc >>= 8;
  }
}

int CheckedAddUnsigned(uint64_t value, int64_t incr, unsigned bits, Overflow ow, uint64_t* out) {
  const uint64_t max = Mask(bits);
  const uint64_t sum = value + static_cast<uint64_t>(incr);
  int dir = 0;
  if (value > max || (incr > 0 && static_cast<uint64_t>(incr) > max - value))
    dir = 1;
  else if (incr < 0 && -static_cast<uint64_t>(incr) > value)
    dir = -1;
  if (dir == 0) {
    *out = sum;
  } else if (ow == Overflow::kWrap) {
    *out = sum & max;
  } else if (ow == Overflow::kSat) {
    *out = dir > 0 ? max : 0;
  }
  return dir;
}

int CheckedAddSigned(int64_t value, int64_t incr, unsigned bits, Overflow ow, int64_t* out) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  // Exact arithmetic in 128 bits decides the direction; the wrapped value is the low `bits` bits sign-extended.
  const __int128 sum = static_cast<__int128>(value) + incr;
  int dir = sum > max ? 1 : sum < min ? -1 : 0;
  if (dir == 0) {
    *out = static_cast<int64_t>(sum);
  } else if (ow == Overflow::kWrap) {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) c = (c >> (bits - 1)) & 1 ? c | ~Mask(bits) : c & Mask(bits);
    *out = static_cast<int64_t>(c);
  } else if (ow == Overflow::kSat) {
    *out = dir > 0 ? max : min;
  }
  return dir;
}

}  // namespace corvid::bits
